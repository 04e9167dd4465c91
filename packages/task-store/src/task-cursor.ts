/**
 * The opaque cursor of a task list: where the previous page stopped in the index it reads
 * (byStart, or byUserCompletion for the list by completion time).
 *
 * It is the page's last key, base64url-encoded JSON, and names the user it was issued to, so
 * a cursor is checked rather than trusted: garbage, a key that does not belong to the
 * requesting user, a key of the other index or of the wrong shape are rejected before anything
 * reaches DynamoDB. Knowing a position in your own list grants nothing, so the cursor needs no
 * signature.
 */
import { InvalidTaskCursorError } from './task-errors.ts';

/** The index attribute a list is ordered by: startKey (byStart) or completionKey. */
export type TaskSortKey = 'startKey' | 'completionKey';

/** The ExclusiveStartKey of a list Query: the table key plus the index's sort key. */
export interface TaskListPosition {
  userId: string;
  taskId: string;
  /** The value of the index's sort key, "<UTC instant>#<taskId>". */
  key: string;
}

const MAX_CURSOR_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Date#toISOString's output: four-digit years, and the six-digit signed years of tasks stored
// before the API limited its range, so a cursor at such a task still pages on.
const SORT_KEY = /^((?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#(.+)$/;

/** The field of the payload that holds each index's key. */
const FIELD: Record<TaskSortKey, 's' | 'c'> = { startKey: 's', completionKey: 'c' };

export function encodeTaskCursor(position: TaskListPosition, sortKey: TaskSortKey): string {
  const payload = { u: position.userId, t: position.taskId, [FIELD[sortKey]]: position.key };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeTaskCursor(
  cursor: string,
  userId: string,
  sortKey: TaskSortKey,
): TaskListPosition {
  const invalid = () => new InvalidTaskCursorError('cursor is not one this API issued');
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid();
  const { u, t, [FIELD[sortKey]]: key, ...rest } = payload as Record<string, unknown>;
  if (typeof u !== 'string' || typeof t !== 'string') throw invalid();
  if (typeof key !== 'string') {
    // A cursor of the other order (by start time / by completion time), or no key at all.
    throw new InvalidTaskCursorError('cursor was issued for a list in another order');
  }
  if (Object.keys(rest).length > 0) throw invalid();
  if (u !== userId) throw new InvalidTaskCursorError('cursor was issued to another user');
  const match = SORT_KEY.exec(key);
  if (!match || match[2] !== t || Number.isNaN(Date.parse(match[1]!))) throw invalid();
  return { userId: u, taskId: t, key };
}
