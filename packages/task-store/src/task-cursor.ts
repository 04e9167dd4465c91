/**
 * The opaque cursor of a task list: where the previous page stopped in index byStart.
 *
 * It is the page's last key, base64url-encoded JSON, and names the user it was issued to, so
 * a cursor is checked rather than trusted: garbage, a key that does not belong to the
 * requesting user or a key of the wrong shape are rejected before anything reaches DynamoDB.
 * Knowing a position in your own list grants nothing, so the cursor needs no signature.
 */
import { InvalidTaskCursorError } from './task-errors.ts';

/** The ExclusiveStartKey of a byStart query: the table key plus the index key. */
export interface TaskListPosition {
  userId: string;
  taskId: string;
  startKey: string;
}

const MAX_CURSOR_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Date#toISOString's output: four-digit years, and the six-digit signed years of tasks stored
// before the API limited its range, so a cursor at such a task still pages on.
const START_KEY = /^((?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#(.+)$/;

export function encodeTaskCursor(position: TaskListPosition): string {
  const payload = { u: position.userId, t: position.taskId, s: position.startKey };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeTaskCursor(cursor: string, userId: string): TaskListPosition {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
    throw new InvalidTaskCursorError('cursor is not one this API issued');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTaskCursorError('cursor is not one this API issued');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidTaskCursorError('cursor is not one this API issued');
  }
  const { u, t, s, ...rest } = payload as Record<string, unknown>;
  if (typeof u !== 'string' || typeof t !== 'string' || typeof s !== 'string') {
    throw new InvalidTaskCursorError('cursor is not one this API issued');
  }
  if (Object.keys(rest).length > 0) {
    throw new InvalidTaskCursorError('cursor is not one this API issued');
  }
  if (u !== userId) throw new InvalidTaskCursorError('cursor was issued to another user');
  const match = START_KEY.exec(s);
  if (!match || match[2] !== t || Number.isNaN(Date.parse(match[1]!))) {
    throw new InvalidTaskCursorError('cursor is not one this API issued');
  }
  return { userId: u, taskId: t, startKey: s };
}
