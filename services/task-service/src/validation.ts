/**
 * Request validation with zod. Every problem becomes one { field, message } detail, named
 * the way the client wrote it (a body field, a query parameter), and unknown fields are
 * errors too: a misspelt field silently ignored is a change the client thinks it made.
 */
import { z } from 'zod';
import { badRequest, type ErrorDetail, type HttpError } from './http-errors.ts';

function detailsOf(error: z.ZodError, rootField: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ field: key, message: 'is not a known field' });
    } else {
      details.push({
        field: issue.path.map(String).join('.') || rootField,
        message: issue.message,
      });
    }
  }
  return details;
}

/** Parses `input` or throws a 400 HttpError naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
  summary: string,
  rootField: string,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badRequest(summary, detailsOf(result.error, rootField)) as HttpError;
}

function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `must be ${expected}`;
}

/** Length in characters as people count them (code points), not UTF-16 units. */
function characters(value: string): number {
  return [...value].length;
}

const text = z
  .string({ error: typeError('a string') })
  .refine((value) => value.isWellFormed(), 'must be valid Unicode text');

export const TITLE_MAX = 100;
export const CONTENTS_MAX = 2000;

const title = text
  .transform((value) => value.trim())
  .refine(
    (value) => characters(value) >= 1 && characters(value) <= TITLE_MAX,
    `must be 1 to ${TITLE_MAX} characters after trimming`,
  );

const contents = text.refine(
  (value) => characters(value) <= CONTENTS_MAX,
  `must be at most ${CONTENTS_MAX} characters`,
);

const dateTime = z.iso.datetime({
  offset: true,
  error: (issue) =>
    issue.input === undefined
      ? 'is required'
      : 'must be an ISO 8601 date-time with seconds and an offset, e.g. 2026-11-21T09:00:00+09:00',
});

const done = z.boolean({ error: typeError('true or false') });

const bodyObject = { error: typeError('a JSON object') };

export const createTaskBody = z.strictObject(
  { title, contents: contents.optional(), startAt: dateTime },
  bodyObject,
);

export const PATCHABLE_FIELDS = ['title', 'contents', 'startAt', 'done'] as const;

export const patchTaskBody = z
  .strictObject(
    {
      title: title.optional(),
      contents: contents.optional(),
      startAt: dateTime.optional(),
      done: done.optional(),
    },
    bodyObject,
  )
  .refine((value) => Object.keys(value).length > 0, {
    message: `must set at least one of ${PATCHABLE_FIELDS.join(', ')}`,
  });

/**
 * Query parameters arrive as strings, or as arrays when repeated (?limit=1&limit=2).
 * A repeated parameter is ambiguous, so it is an error rather than a guess.
 */
export function singleValuedQuery(query: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  const repeated: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'string') values[name] = value;
    else repeated.push({ field: name, message: 'must be given at most once' });
  }
  if (repeated.length > 0) throw badRequest('invalid query parameters', repeated);
  return values;
}

function limit(max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d{1,4}$/, `must be an integer from 1 to ${max}`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= max, `must be an integer from 1 to ${max}`)
    .optional()
    .transform((value) => value ?? fallback);
}

const cursor = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'is not a cursor this API issued')
  .optional();

export const TASK_LIST_LIMIT = { max: 100, default: 50 } as const;

export const listTasksQuery = z
  .strictObject({
    from: dateTime.optional(),
    to: dateTime.optional(),
    status: z
      .enum(['open', 'done', 'all'], { error: 'must be one of open, done, all' })
      .optional()
      .transform((value) => value ?? 'all'),
    limit: limit(TASK_LIST_LIMIT.max, TASK_LIST_LIMIT.default),
    cursor,
  })
  .refine(
    (query) =>
      query.from === undefined ||
      query.to === undefined ||
      Date.parse(query.from) < Date.parse(query.to),
    { message: 'must be later than from', path: ['to'] },
  );

export const REPORT_LIST_LIMIT = { max: 100, default: 30 } as const;

export const listReportsQuery = z.strictObject({
  limit: limit(REPORT_LIST_LIMIT.max, REPORT_LIST_LIMIT.default),
  cursor,
});
