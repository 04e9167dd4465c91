/** The small pure pieces: CSV fields, If-Match parsing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvField, csvRow } from '../src/csv.ts';
import {
  cannotHold,
  evaluatePreconditions,
  MAX_LISTED_TAGS,
  readPreconditions,
  taskETag,
} from '../src/conditional-requests.ts';
import { HttpError } from '../src/http-errors.ts';

describe('csv', () => {
  test('quotes only fields that need it, doubling quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField(''), '');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('line\nbreak'), '"line\nbreak"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    assert.equal(csvField('日本語, テキスト'), '"日本語, テキスト"');
    assert.equal(csvField(' spaces kept '), ' spaces kept ');
    assert.equal(csvRow(['a', 'b,c', '"']), 'a,"b,c",""""\r\n');
  });

  test('a cell a spreadsheet would run as a formula gets a leading quote, and quotes', () => {
    const cases: [string, string][] = [
      ['=1+2', `"'=1+2"`],
      ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
      ['+SUM(A1:A9)', `"'+SUM(A1:A9)"`],
      ['-2+3', `"'-2+3"`],
      ['@SUM(1)', `"'@SUM(1)"`],
      ['\t=cmd', `"'\t=cmd"`],
      ['\r=cmd', `"'\r=cmd"`],
      ['\n=cmd', `"'\n=cmd"`],
      ['＝１＋２', `"'＝１＋２"`],
      ['＠関数', `"'＠関数"`],
    ];
    for (const [value, expected] of cases) assert.equal(csvField(value), expected, value);
    // Only the first character matters: elsewhere they are plain text to a spreadsheet.
    for (const value of ['a=1', 'email@example.com', '2026-11-21T00:00:00.000Z', '牛乳 = milk']) {
      assert.equal(csvField(value), value);
    }
  });
});

describe('conditional requests', () => {
  const read = (ifMatch?: string, ifNoneMatch?: string) =>
    readPreconditions((name) => (name === 'If-Match' ? ifMatch : ifNoneMatch));

  test('If-Match compares strongly: weak and foreign tags match no version', () => {
    assert.equal(taskETag(7), '"7"');
    assert.deepEqual(read(), {});
    assert.deepEqual(read('*'), { ifMatch: '*' });
    assert.deepEqual(read(' "3" ,"12", W/"4"'), { ifMatch: { strong: [3, 12], weak: [3, 12, 4] } });
    assert.deepEqual(read('"abc", "0", "01"'), { ifMatch: { strong: [], weak: [] } });
    assert.equal(evaluatePreconditions(read('"3", "4"'), 4, 'write'), 'proceed');
    for (const [header, version] of [
      ['W/"3"', 3],
      ['"3"', 4],
    ] as const) {
      assert.throws(
        () => evaluatePreconditions(read(header), version, 'read'),
        (error: unknown) =>
          error instanceof HttpError &&
          error.status === 412 &&
          error.details[0]?.field === 'If-Match' &&
          error.headers?.ETag === `"${version}"`,
        header,
      );
    }
  });

  test('If-None-Match compares weakly: 304 for a read, 412 for a write; "*" matches any', () => {
    for (const header of ['"2"', 'W/"2"', '"1", W/"2"', '*']) {
      assert.equal(evaluatePreconditions(read(undefined, header), 2, 'read'), 'not modified');
      assert.throws(
        () => evaluatePreconditions(read(undefined, header), 2, 'write'),
        (error: unknown) =>
          error instanceof HttpError &&
          error.status === 412 &&
          error.details[0]?.field === 'If-None-Match',
        header,
      );
    }
    assert.equal(evaluatePreconditions(read(undefined, '"1", "x"'), 2, 'write'), 'proceed');
    // If-Match first (RFC 9110 §13.2.2): a read it fails is a 412, not a 304.
    assert.throws(() => evaluatePreconditions(read('"1"', '"2"'), 2, 'read'), HttpError);
  });

  test('a change that can hold for no version is known before writing', () => {
    assert.equal(cannotHold(read('"abc", W/"2"')), true);
    assert.equal(cannotHold(read(undefined, '*')), true);
    assert.equal(cannotHold(read('"2"', '"3"')), false);
    assert.equal(cannotHold(read('*')), false);
  });

  test('malformed or overlong lists are a 400 naming the header', () => {
    const tooMany = Array.from({ length: MAX_LISTED_TAGS + 1 }, (_, index) => `"${index + 1}"`);
    assert.equal(read(tooMany.slice(1).join(',')).ifMatch !== undefined, true);
    for (const header of ['3', '"3', 'W/3', '"a"b"', '', '"3",', tooMany.join(',')]) {
      for (const field of ['If-Match', 'If-None-Match'] as const) {
        assert.throws(
          () => (field === 'If-Match' ? read(header) : read(undefined, header)),
          (error: unknown) =>
            error instanceof HttpError &&
            error.status === 400 &&
            error.details.length === 1 &&
            error.details[0]?.field === field,
          `${field}: ${header}`,
        );
      }
    }
  });
});
