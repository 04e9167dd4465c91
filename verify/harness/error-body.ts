/**
 * What every error response of the API must look like (services/task-service/openapi.yaml): a JSON body
 * { error: string, details: [{ field, message }] }, and nothing a client should not see — no
 * stack frames, no file paths, no exception class names.
 */
import type { Reply } from './http.ts';

const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\bat [\w$.<>[\] ]+ \(?[^()\s]+:\d+:\d+\)?/],
  ['stack frame', /\\n\s+at \S/],
  ['file path', /(?:^|[\s"'(])\/(?:work|app|home|usr|opt|tmp|var|srv)\/[\w./-]+/],
  ['file path', /\bnode_modules\b|\bfile:\/\//],
  ['file path', /\b[\w-]+\.(?:ts|js|mjs|cjs):\d+/],
  [
    'exception class',
    /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|EvalError|URIError|AggregateError|ZodError|TaskItemError|\w+Exception)\b/,
  ],
];

/** Problems with an error reply's body; empty when it is a proper JSON error. */
export function errorBodyProblems(reply: Reply): string[] {
  const problems: string[] = [];
  const type = String(reply.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) problems.push(`content-type "${type}"`);
  let body: unknown;
  try {
    body = JSON.parse(reply.body);
  } catch {
    problems.push('body is not JSON');
  }
  if (body !== undefined) {
    const { error, details } = (body ?? {}) as { error?: unknown; details?: unknown };
    if (typeof error !== 'string' || error === '') problems.push('no "error" string');
    if (!Array.isArray(details)) {
      problems.push('no "details" array');
    } else if (
      !details.every(
        (d: { field?: unknown; message?: unknown } | null) =>
          typeof d?.field === 'string' && typeof d.message === 'string',
      )
    ) {
      problems.push('a detail without string field and message');
    }
  }
  problems.push(...leaks(reply.body));
  if (!reply.headers['x-request-id']) problems.push('no X-Request-Id header');
  return problems;
}

/** Internal details found in a response body. */
export function leaks(text: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(text)).map(
    ([kind, pattern]) => `${kind} in body: "${pattern.exec(text)![0].slice(0, 80)}"`,
  );
}

/** The fields the error's details name. */
export function detailFields(reply: Reply): string[] {
  try {
    const body = JSON.parse(reply.body) as { details?: Array<{ field?: unknown }> };
    return (body.details ?? []).map((detail) => String(detail.field));
  } catch {
    return [];
  }
}
