export { characterCount, CONTENTS_MAX, TITLE_MAX } from './limits.ts';
export { TEXT_PROBLEM_MESSAGES, textProblem, type TextKind, type TextProblem } from './text.ts';
export {
  ceilToMillisecond,
  compareInstants,
  EARLIEST_INSTANT,
  INSTANT_PROBLEM_MESSAGES,
  instantProblem,
  LATEST_INSTANT,
  type InstantProblem,
} from './instant.ts';
export { isUserId, USER_ID_MAX_LENGTH, USER_ID_PATTERN, USER_ID_RULE } from './user-id.ts';
export {
  matchesSearch,
  SEARCH_QUERY_MAX,
  SEARCH_QUERY_PROBLEM_MESSAGES,
  searchFold,
  searchQueryProblem,
  searchTerms,
  type SearchQueryProblem,
} from './search.ts';
