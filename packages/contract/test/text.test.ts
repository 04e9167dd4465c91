import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { textProblem } from '../src/index.ts';

// Vertical tab and form feed too: white space to some, but neither a line break nor a tab.
const CONTROL = ['\0', '\x07', '\b', '\v', '\f', '\x1b', '\x7f', '\x80', '\x85', '\x9f'];
const INVISIBLE_ONLY = [
  '\u200b', // zero-width space
  ' \u200b\u2060 ', // spaces around a word joiner
  '\ufeff', // byte-order mark
  '\u3164', // Hangul filler
  '\u00ad', // soft hyphen
  '\u180e', // Mongolian vowel separator
  '\u2800'.slice(0, 0) + '\u034f', // combining grapheme joiner
  '\u3000', // ideographic space
];

describe('textProblem', () => {
  test('ordinary text in any script is text', () => {
    for (const value of [
      'Buy milk',
      '報告書を書く',
      'Ünïcödé ✓',
      '👩‍💻 deploy',
      'a\u200bb',
      'x'.repeat(500),
    ]) {
      assert.equal(textProblem(value, 'title'), undefined, JSON.stringify(value));
      assert.equal(textProblem(value, 'contents'), undefined, JSON.stringify(value));
    }
  });

  test('control characters are refused in both; line breaks and tabs only in contents', () => {
    for (const control of CONTROL) {
      assert.equal(textProblem(`a${control}b`, 'title'), 'control', JSON.stringify(control));
      assert.equal(textProblem(`a${control}b`, 'contents'), 'control', JSON.stringify(control));
    }
    for (const lineBreak of ['\n', '\r\n', '\t', '\r']) {
      assert.equal(textProblem(`a${lineBreak}b`, 'title'), 'control', JSON.stringify(lineBreak));
      assert.equal(textProblem(`a${lineBreak}b`, 'contents'), undefined, JSON.stringify(lineBreak));
    }
    for (const separator of ['\u2028', '\u2029']) {
      assert.equal(textProblem(`a${separator}b`, 'title'), 'control');
    }
  });

  test('noncharacters and lone surrogates are not text', () => {
    assert.equal(textProblem('a\ufffeb', 'title'), 'control');
    assert.equal(textProblem('a\ufdd0b', 'contents'), 'control');
    assert.equal(textProblem('a\ud800b', 'title'), 'malformed');
    assert.equal(textProblem('\udc00', 'contents'), 'malformed');
  });

  test('a value made only of spaces and invisible characters is refused; empty contents is fine', () => {
    for (const value of INVISIBLE_ONLY) {
      assert.equal(textProblem(value, 'title'), 'invisible', JSON.stringify(value));
      assert.equal(textProblem(value, 'contents'), 'invisible', JSON.stringify(value));
    }
    assert.equal(textProblem(' \n\t ', 'contents'), 'invisible');
    assert.equal(textProblem('', 'contents'), undefined);
  });

  test('any printable text with a visible character passes; adding a control character fails', () => {
    const printable = fc
      .string({ unit: 'grapheme', minLength: 1 })
      .filter((value) =>
        /^[\p{L}\p{N}\p{P}\p{S} ]*[\p{L}\p{N}\p{P}\p{S}][\p{L}\p{N}\p{P}\p{S} ]*$/u.test(value),
      );
    const control = fc.constantFrom(...CONTROL);
    fc.assert(
      fc.property(printable, control, fc.nat(), (value, char, at) => {
        assert.equal(textProblem(value, 'title'), undefined);
        const index = at % (value.length + 1);
        const broken = `${value.slice(0, index)}${char}${value.slice(index)}`;
        // Inserting between a surrogate pair breaks it: that is malformed, not control.
        assert.ok(['control', 'malformed'].includes(textProblem(broken, 'title')!));
      }),
    );
  });
});
