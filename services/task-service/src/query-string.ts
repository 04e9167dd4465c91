/**
 * The app's query string parser (Express's 'query parser' setting): Node's querystring, as
 * Express's 'simple' parser uses, with one rule added. A parameter whose name or value is not
 * valid percent-encoded UTF-8 (`q=%zz`, `q=%ff`, `q=%E3%81`) is a 400 naming it: querystring
 * would decode it leniently, into U+FFFD or the escape as it stands, and the request would then
 * act on text the client never sent. The path is held to the same rule (middleware/errors.ts).
 */
import { parse, unescape, type ParsedUrlQuery } from 'node:querystring';
import { badRequest, INVALID_PERCENT_ENCODING } from './http-errors.ts';

/** Whether a name or value percent-decodes to text. */
function decodes(component: string): boolean {
  try {
    decodeURIComponent(component);
    return true;
  } catch {
    return false;
  }
}

/** The names of the parameters that do not decode, as readable as they can be made. */
function malformedParameters(text: string): string[] {
  const names = new Set<string>();
  for (const pair of text.split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? '' : pair.slice(equals + 1);
    if (!decodes(name) || !decodes(value)) names.add(unescape(name.replaceAll('+', ' ')));
  }
  return [...names];
}

/**
 * Parses a URL's query string (null when the URL has none). Repeated names give arrays, which
 * validation rejects (validation.ts, singleValuedQuery); nothing nests. Throws a 400 naming each
 * parameter that does not decode; Express calls this as a route reads `req.query`, so the route
 * fails with it before acting.
 */
export function parseQueryString(text: string | null | undefined): ParsedUrlQuery {
  if (!text) return parse('');
  const malformed = malformedParameters(text);
  if (malformed.length > 0) {
    throw badRequest(
      'invalid query parameters',
      malformed.map((field) => ({ field, message: INVALID_PERCENT_ENCODING })),
    );
  }
  return parse(text);
}
