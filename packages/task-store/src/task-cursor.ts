/**
 * The cursor of a task list: where the previous page stopped in the index it reads (byStart,
 * or byUserCompletion for the list by completion time). It holds the page's last key and the
 * user it was issued to, so garbage, a key that does not belong to the requesting user, a key
 * of the other index or of the wrong shape are refused before anything reaches DynamoDB.
 */
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor-codec.ts';

/** The index attribute a list is ordered by: startKey (byStart) or completionKey. */
export type TaskSortKey = 'startKey' | 'completionKey';

/** The ExclusiveStartKey of a list Query: the table key plus the index's sort key. */
export interface TaskListPosition {
  userId: string;
  taskId: string;
  /** The value of the index's sort key, "<UTC instant>#<taskId>". */
  key: string;
}

// Date#toISOString's output: four-digit years, and the six-digit signed years of tasks stored
// before the API limited its range, so a cursor at such a task still pages on.
const SORT_KEY = /^((?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#(.+)$/;

/** The field of the payload that holds each index's key. */
const FIELD: Record<TaskSortKey, 's' | 'c'> = { startKey: 's', completionKey: 'c' };

export function encodeTaskCursor(position: TaskListPosition, sortKey: TaskSortKey): string {
  return encodeCursor({ u: position.userId, t: position.taskId, [FIELD[sortKey]]: position.key });
}

export function decodeTaskCursor(
  cursor: string,
  userId: string,
  sortKey: TaskSortKey,
): TaskListPosition {
  const invalid = () => new InvalidCursorError('cursor is not one this API issued');
  const { u, t, [FIELD[sortKey]]: key, ...rest } = decodeCursor(cursor);
  if (u === undefined || t === undefined) throw invalid();
  if (key === undefined) {
    // A cursor of the other order (by start time / by completion time), or no key at all.
    throw new InvalidCursorError('cursor was issued for a list in another order');
  }
  if (Object.keys(rest).length > 0) throw invalid();
  if (u !== userId) throw new InvalidCursorError('cursor was issued to another user');
  const match = SORT_KEY.exec(key);
  if (!match || match[2] !== t || Number.isNaN(Date.parse(match[1]!))) throw invalid();
  return { userId: u, taskId: t, key };
}
