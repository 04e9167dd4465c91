/**
 * The Idempotency-Key request header of POST /api/tasks (IETF draft
 * "The Idempotency-Key HTTP Header Field"): a string the client makes up per create attempt,
 * a UUID say, sent again unchanged with every retry of that attempt. The draft writes it as a
 * quoted Structured Field string; the unquoted form most APIs use is accepted too.
 */
import { badRequest } from './http-errors.ts';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

const KEY = /^[\x21-\x7e]{1,255}$/;
// A quoted string holding no quote, backslash or space: the key itself, unescaped.
const QUOTED = /^"([\x21\x23-\x5b\x5d-\x7e]{1,255})"$/;

/** The key, or undefined when the header is absent; 400 naming the header when malformed. */
export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = QUOTED.exec(value)?.[1] ?? value;
  if (!KEY.test(key)) {
    throw badRequest('invalid Idempotency-Key', [
      {
        field: IDEMPOTENCY_KEY_HEADER,
        message: 'must be 1 to 255 visible ASCII characters, e.g. a UUID',
      },
    ]);
  }
  return key;
}
