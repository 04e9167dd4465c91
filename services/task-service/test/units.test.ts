/** The small pure pieces: CSV fields, If-Match parsing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvField, csvRow } from '../src/csv.ts';
import { parseIfMatch, taskETag } from '../src/etag.ts';
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

describe('If-Match', () => {
  test('strong tags give versions; "*" and absence mean no condition', () => {
    assert.equal(taskETag(7), '"7"');
    assert.equal(parseIfMatch(undefined), undefined);
    assert.equal(parseIfMatch('*'), undefined);
    assert.deepEqual(parseIfMatch('"3"'), { versions: [3] });
    assert.deepEqual(parseIfMatch(' "3" ,"12"'), { versions: [3, 12] });
  });

  test('weak and foreign tags match nothing; malformed headers are a 400', () => {
    assert.deepEqual(parseIfMatch('W/"3"'), { versions: [] });
    assert.deepEqual(parseIfMatch('"abc", "0", "01"'), { versions: [] });
    for (const header of ['3', '"3', 'W/3', '"a"b"', '', '"3",']) {
      assert.throws(
        () => parseIfMatch(header),
        (error: unknown) =>
          error instanceof HttpError &&
          error.status === 400 &&
          error.details[0]?.field === 'If-Match',
        header,
      );
    }
  });
});
