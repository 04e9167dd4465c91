import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  decodeCursor,
  decodeTaskCursor,
  encodeCursor,
  encodeTaskCursor,
  InvalidCursorError,
  MAX_CURSOR_LENGTH,
} from '../src/index.ts';

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('cursor codec', () => {
  test('gives back exactly the fields it encoded, whatever strings they hold', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.string({ unit: 'grapheme' }), { noNullPrototype: true }),
        (fields) => {
          const cursor = encodeCursor(fields);
          // Longer than decodeCursor accepts: not a run. fast-check draws another in its place,
          // and fails if too many are skipped, so every run counted is a round trip.
          fc.pre(cursor.length <= MAX_CURSOR_LENGTH);
          assert.deepEqual(decodeCursor(cursor), fields);
        },
      ),
    );
  });

  test('refuses anything encodeCursor did not write, with InvalidCursorError', () => {
    const issued = encodeCursor({ date: '2026-11-01' });
    const notCursors = [
      '',
      'has spaces',
      'pad=',
      'x'.repeat(1025),
      base64url('{"date":'), // not JSON
      base64url('"2026-11-01"'), // JSON, not an object
      base64url('["2026-11-01"]'),
      base64url('null'),
      base64url('{"date":20261101}'), // a field that is not a string
      base64url('{ "date": "2026-11-01" }'), // the same fields, written another way
      `${issued}A`, // trailing bits that decode to the same bytes
    ];
    for (const cursor of notCursors) {
      assert.throws(() => decodeCursor(cursor), InvalidCursorError, cursor);
    }
  });

  test('accepts a cursor of MAX_CURSOR_LENGTH characters and refuses a longer one', () => {
    const cursorOf = (filler: number) => encodeCursor({ date: 'x'.repeat(filler) });
    let filler = 0;
    while (cursorOf(filler + 1).length <= MAX_CURSOR_LENGTH) filler += 1;
    assert.equal(cursorOf(filler).length, MAX_CURSOR_LENGTH);
    assert.deepEqual(decodeCursor(cursorOf(filler)), { date: 'x'.repeat(filler) });
    // Well formed in every other way: only its length refuses it.
    assert.throws(() => decodeCursor(cursorOf(filler + 1)), InvalidCursorError);
  });

  test('a report cursor is not a task cursor, and a task cursor names its user and order', () => {
    const position = {
      userId: 'alice',
      taskId: '00000000-0000-4000-8000-000000000001',
      key: '2026-11-01T09:00:00.000Z#00000000-0000-4000-8000-000000000001',
    };
    const cursor = encodeTaskCursor(position, 'startKey');
    assert.deepEqual(decodeTaskCursor(cursor, 'alice', 'startKey'), position);
    for (const [userId, order] of [
      ['bob', 'startKey'],
      ['alice', 'completionKey'],
    ] as const) {
      assert.throws(() => decodeTaskCursor(cursor, userId, order), InvalidCursorError);
    }
    assert.throws(
      () => decodeTaskCursor(encodeCursor({ date: '2026-11-01' }), 'alice', 'startKey'),
      InvalidCursorError,
    );
  });
});
