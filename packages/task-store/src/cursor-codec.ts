/**
 * The one codec of the API's opaque page cursors (task lists and report lists): a small JSON
 * object of strings, base64url-encoded. Callers check the fields they expect, so a cursor is
 * checked rather than trusted; this module only refuses what cannot be a cursor at all.
 *
 * Knowing a position in a list you may read grants nothing, so cursors carry no signature.
 */

/** A cursor that this API did not issue, or not for this list. Answered with a 400. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/** Far longer than any cursor this API issues (a task list's is about 200 characters). */
export const MAX_CURSOR_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(fields: Readonly<Record<string, string>>): string {
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/**
 * The fields of a cursor made by encodeCursor. Throws InvalidCursorError for anything else:
 * too long, not base64url, not JSON, not an object of strings, or not in the exact form
 * encodeCursor writes (so each position has one cursor, and padding bits or spacing cannot
 * make another).
 */
export function decodeCursor(cursor: string): Record<string, string> {
  const invalid = () => new InvalidCursorError('cursor is not one this API issued');
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalid();
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw invalid();
  const strings = fields as Record<string, unknown>;
  if (!Object.values(strings).every((value) => typeof value === 'string')) throw invalid();
  if (encodeCursor(strings as Record<string, string>) !== cursor) throw invalid();
  return strings as Record<string, string>;
}
