/**
 * Searching tasks by words. Matching is case-insensitive and Unicode-aware: both the query and
 * the task's text are compared in one folded form (NFKC, then case folding), so "ｶﾀｶﾅ" finds
 * "カタカナ", "ＴＡＳＫ" finds "task", "STRASSE" finds "Straße". A query is split into words at
 * white space, and a task matches when every word occurs in its title or its details.
 */
import { characterCount } from './limits.ts';
import { textProblem } from './text.ts';

/** The longest search query, in characters after trimming. */
export const SEARCH_QUERY_MAX = 200;

/**
 * NFKC with case folding, as far as JavaScript can without tables: upper-casing first folds the
 * characters whose lower case alone would not meet their capital's (ß → SS → ss, ς → Σ → σ,
 * ſ → S → s), and NFKC recomposes what case mapping decomposed. Repeated until nothing changes
 * (ẞ lower-cases to ß, which folds further), which takes at most a few rounds.
 */
export function searchFold(value: string): string {
  let folded = value.normalize('NFKC');
  for (let round = 0; round < 4; round += 1) {
    const next = folded.toUpperCase().toLowerCase().normalize('NFKC');
    if (next === folded) break;
    folded = next;
  }
  return folded;
}

/** The folded words of a query ([] for one without any). */
export function searchTerms(query: string): string[] {
  return searchFold(query)
    .split(/[\p{White_Space}]+/u)
    .filter((term) => term !== '');
}

/** Whether every term occurs in one of the texts (terms as searchTerms gives them). */
export function matchesSearch(terms: readonly string[], ...texts: readonly string[]): boolean {
  const folded = texts.map(searchFold);
  return terms.every((term) => folded.some((text) => text.includes(term)));
}

export type SearchQueryProblem = 'empty' | 'too-long' | 'text';

export const SEARCH_QUERY_PROBLEM_MESSAGES: Readonly<Record<SearchQueryProblem, string>> = {
  empty: 'must contain at least one visible character',
  'too-long': `must be at most ${SEARCH_QUERY_MAX} characters`,
  text: 'must be one line of valid Unicode text without control characters',
};

/** Why `query` is not a search query the API accepts, or undefined when it is. */
export function searchQueryProblem(query: string): SearchQueryProblem | undefined {
  const trimmed = query.trim();
  const problem = textProblem(trimmed, 'title');
  if (problem === 'malformed' || problem === 'control') return 'text';
  if (trimmed === '' || problem === 'invisible' || searchTerms(trimmed).length === 0) {
    return 'empty';
  }
  if (characterCount(trimmed) > SEARCH_QUERY_MAX) return 'too-long';
  return undefined;
}
