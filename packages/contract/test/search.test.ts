import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  matchesSearch,
  SEARCH_QUERY_MAX,
  searchFold,
  searchQueryProblem,
  searchTerms,
} from '../src/index.ts';

describe('searchFold', () => {
  test('folds case, width and compatibility forms, Japanese included', () => {
    const same: [string, string][] = [
      ['Report', 'rEPORT'],
      ['ＴＡＳＫ１', 'task1'], // full-width Latin and digits
      ['ｶﾀｶﾅ', 'カタカナ'], // half-width katakana
      ['ｶﾞｲﾄﾞ', 'ガイド'], // half-width with voiced marks composes
      ['Straße', 'STRASSE'],
      ['ΣΟΦΟΣ', 'σοφος'.replace(/ς$/, 'ς')],
      ['ﬁle', 'FILE'], // ligature
      ['①', '1'],
      ['Å', 'å'], // A + ring composed
    ];
    for (const [a, b] of same) assert.equal(searchFold(a), searchFold(b), `${a} / ${b}`);
    assert.notEqual(searchFold('ひらがな'), searchFold('ヒラガナ'), 'kana are not folded together');
  });

  test('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const once = searchFold(value);
        assert.equal(searchFold(once), once);
      }),
    );
  });
});

describe('matching', () => {
  test('every word must occur in the title or the details', () => {
    const terms = searchTerms('  Quarterly 報告 ');
    assert.deepEqual(terms, ['quarterly', '報告']);
    assert.equal(matchesSearch(terms, 'QUARTERLY review', '週次報告を送る'), true);
    assert.equal(matchesSearch(terms, 'quarterly review', ''), false);
    assert.equal(matchesSearch(searchTerms('ｶﾀｶﾅ'), 'カタカナの練習', ''), true);
    assert.equal(matchesSearch(searchTerms('strasse'), 'Hauptstraße 1', ''), true);
  });

  test('a text always matches its own words, whatever their case', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.boolean(), (word, upper) => {
        const terms = searchTerms(upper ? word.toUpperCase() : word);
        fc.pre(terms.length > 0);
        assert.equal(matchesSearch(terms, `x ${word} y`), true);
      }),
    );
  });
});

describe('searchQueryProblem', () => {
  test('accepts words in any script, refuses empty, invisible, control and overlong queries', () => {
    assert.equal(searchQueryProblem('milk'), undefined);
    assert.equal(searchQueryProblem(' 報告書 '), undefined);
    assert.equal(searchQueryProblem(''), 'empty');
    assert.equal(searchQueryProblem('   '), 'empty');
    assert.equal(searchQueryProblem('\u200b'), 'empty');
    assert.equal(searchQueryProblem('a\nb'), 'text');
    assert.equal(searchQueryProblem('a\u0000'), 'text');
    assert.equal(searchQueryProblem('\ud800'), 'text');
    assert.equal(searchQueryProblem('x'.repeat(SEARCH_QUERY_MAX)), undefined);
    assert.equal(searchQueryProblem('x'.repeat(SEARCH_QUERY_MAX + 1)), 'too-long');
    assert.equal(searchQueryProblem('😀'.repeat(SEARCH_QUERY_MAX)), undefined, 'code points');
  });
});
