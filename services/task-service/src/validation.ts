/**
 * Request validation with zod. Every problem becomes one { field, message } detail, named
 * the way the client wrote it (a body field, a query parameter), and unknown fields are
 * errors too: a misspelt field silently ignored is a change the client thinks it made.
 *
 * These schemas are also the contract's request side: `npm run generate:openapi` turns them
 * into openapi.yaml's request bodies and query parameters. `.meta()` holds what the document
 * says about a schema that zod cannot derive from a refinement (a description, a format, a
 * length counted in characters), beside the rule it describes.
 */
import {
  CONTENTS_MAX,
  characterCount,
  compareInstants,
  EARLIEST_INSTANT,
  INSTANT_PROBLEM_MESSAGES,
  instantProblem,
  LATEST_INSTANT,
  SEARCH_QUERY_MAX,
  SEARCH_QUERY_PROBLEM_MESSAGES,
  searchQueryProblem,
  TEXT_PROBLEM_MESSAGES,
  textProblem,
  TITLE_MAX,
  type TextKind,
} from '@task-manager/contract';
import { MAX_CURSOR_LENGTH } from '@task-manager/task-store';
import { z } from 'zod';
import { badRequest, type ErrorDetail, type HttpError } from './http-errors.ts';

/** What an unknown field, in a body or a query, is told. */
export const UNKNOWN_FIELD = 'is not a known field';
/** What a query parameter or a singleton header given more than once is told. */
export const REPEATED_FIELD = 'must be given at most once';

function detailsOf(error: z.ZodError, rootField: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ field: key, message: UNKNOWN_FIELD });
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

/** A string that is valid text of this kind (see @task-manager/contract's text rules). */
function text(kind: TextKind) {
  return z.string({ error: typeError('a string') }).superRefine((value, ctx) => {
    const problem = textProblem(kind === 'title' ? value.trim() : value, kind);
    if (problem !== undefined) ctx.addIssue(TEXT_PROBLEM_MESSAGES[kind][problem]);
  });
}

const title = text('title')
  .transform((value) => value.trim())
  .refine(
    (value) => characterCount(value) >= 1 && characterCount(value) <= TITLE_MAX,
    `must be 1 to ${TITLE_MAX} characters after trimming`,
  )
  .meta({
    id: 'Title',
    description:
      `1 to ${TITLE_MAX} characters (Unicode code points) after trimming; surrounding whitespace is ` +
      'removed. One line of text: no control characters (U+0000–U+001F, U+007F–U+009F, so no ' +
      'tabs or line breaks), no U+2028/U+2029, no noncharacters, no lone surrogates, and at ' +
      'least one visible character (not only spaces or invisible characters such as U+200B).',
    minLength: 1,
  });

const contents = text('contents')
  .refine(
    (value) => characterCount(value) <= CONTENTS_MAX,
    `must be at most ${CONTENTS_MAX} characters`,
  )
  .meta({
    id: 'Contents',
    description:
      `At most ${CONTENTS_MAX} characters (Unicode code points). Tabs and line breaks (U+0009, ` +
      'U+000A, U+000D) are kept; other control characters, noncharacters and lone surrogates ' +
      'are refused, and a non-empty value needs at least one visible character.',
    maxLength: CONTENTS_MAX,
  });

/**
 * An RFC 3339 date-time in the supported range. A stored one (`exact`) must also keep its
 * precision; a query bound may be finer and is compared exactly.
 */
function dateTime(options: { exact: boolean }) {
  return z
    .string({ error: typeError(INSTANT_PROBLEM_MESSAGES.invalid.replace(/^must be /, '')) })
    .superRefine((value, ctx) => {
      const problem = instantProblem(value, options);
      if (problem !== undefined) ctx.addIssue(INSTANT_PROBLEM_MESSAGES[problem]);
    });
}

const startAt = dateTime({ exact: true }).meta({
  id: 'DateTime',
  description:
    'RFC 3339 date-time with seconds and an offset, e.g. 2026-11-21T09:00:00+09:00, at most ' +
    'millisecond precision (further digits must be zeros: they would not be kept). Supported ' +
    `range, in UTC: ${EARLIEST_INSTANT} to ${LATEST_INSTANT}, the instants whose UTC year has ` +
    'four digits (so 9999-12-31T23:30:00-01:00, year 10000 in UTC, is refused).',
  format: 'date-time',
  examples: ['2026-11-21T09:00:00+09:00'],
});
// Not a component of its own: zod-openapi would keep each parameter's `param` beside the $ref.
const bound = dateTime({ exact: false }).meta({
  description:
    'RFC 3339 date-time with seconds and an offset, in the same range as DateTime, with any ' +
    'precision: a bound finer than a millisecond is compared exactly, never truncated.',
  format: 'date-time',
  examples: ['2026-11-21T00:00:00Z'],
});

const done = z.boolean({ error: typeError('true or false') });

/** A time the client reports from the past (a completion, a creation): not later than now. */
const pastInstant = startAt.refine(
  (value) => Date.parse(value) <= Date.now(),
  'must not be in the future',
);

const bodyObject = { error: typeError('a JSON object') };

export const createTaskBody = z
  .strictObject({ title, contents: contents.optional(), startAt }, bodyObject)
  .meta({ id: 'NewTask' });

const PATCHABLE_FIELDS = ['title', 'contents', 'startAt', 'done'] as const;

const completedOnlyWhenDone = {
  message: 'may only be given with done: true',
  path: ['completedAt'],
};

export const patchTaskBody = z
  .strictObject(
    {
      title: title.optional(),
      contents: contents.optional(),
      startAt: startAt.optional(),
      done: done.optional(),
      // With done: true, the completion time to record (undoing a reopen puts it back).
      completedAt: pastInstant
        .optional()
        .meta({ description: 'Only with `done` true; not in the future.' }),
    },
    bodyObject,
  )
  .refine((value) => Object.keys(value).length > 0, {
    message: `must set at least one of ${PATCHABLE_FIELDS.join(', ')}`,
  })
  .refine((value) => value.completedAt === undefined || value.done === true, completedOnlyWhenDone)
  .meta({ id: 'TaskChanges', minProperties: 1 });

/**
 * PUT's body: a task as GET answered it, to put back under its id (undoing a delete).
 * taskId, when sent, must be the path's; updatedAt, when sent, is ignored: the restore is a
 * new write, at a new time and version.
 */
export const restoreTaskBody = z
  .strictObject(
    {
      taskId: z
        .string({ error: typeError('a string') })
        .meta({ format: 'uuid' })
        .optional(),
      title,
      contents: contents.optional(),
      startAt,
      done,
      completedAt: pastInstant.nullable().optional(),
      createdAt: pastInstant.optional(),
      updatedAt: z.string({ error: typeError('a string') }).optional(),
    },
    bodyObject,
  )
  .refine(
    (value) => value.completedAt === undefined || value.completedAt === null || value.done,
    completedOnlyWhenDone,
  )
  .meta({
    id: 'RestoredTask',
    description:
      'A task as GET answered it. `taskId`, if given, must be the id in the path; `updatedAt` ' +
      'is ignored. `completedAt` only with `done` true (default: now); `completedAt` and ' +
      '`createdAt` (default: now) must not be in the future.',
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
    else repeated.push({ field: name, message: REPEATED_FIELD });
  }
  if (repeated.length > 0) throw badRequest('invalid query parameters', repeated);
  return values;
}

/** A page size: digits in the query string, an integer from 1 to max to the service. */
function limit(max: number, fallback: number) {
  const message = `must be an integer from 1 to ${max}`;
  return z
    .string()
    .regex(/^\d{1,4}$/, message)
    .transform(Number)
    .pipe(z.int().min(1, message).max(max, message))
    .default(fallback)
    .meta({
      // A query parameter is text on the wire; the contract says what it means, as OpenAPI
      // describes numeric parameters (and clients type them).
      override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
        for (const keyword of Object.keys(jsonSchema)) delete jsonSchema[keyword];
        Object.assign(jsonSchema, { type: 'integer', minimum: 1, maximum: max, default: fallback });
      },
    });
}

const cursor = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_CURSOR_LENGTH, 'is not a cursor this API issued')
  .optional()
  .meta({
    param: { description: "The `nextCursor` of the previous page of the same user's list." },
  });

export const TASK_LIST_LIMIT = { max: 100, default: 50 } as const;

/** Words to search for (see @task-manager/contract's search rules), trimmed. */
const searchQuery = z
  .string()
  .superRefine((value, ctx) => {
    const problem = searchQueryProblem(value);
    if (problem !== undefined) ctx.addIssue(SEARCH_QUERY_PROBLEM_MESSAGES[problem]);
  })
  .trim()
  .meta({ minLength: 1 });

const byCompletionOnly =
  'cannot be combined with sort=completedAt (done tasks, by completion time)';

export const listTasksQuery = z
  .strictObject({
    from: bound
      .optional()
      .meta({ param: { description: 'Only tasks starting at or after this instant.' } }),
    to: bound.optional().meta({
      param: { description: 'Only tasks starting before this instant; must be later than `from`.' },
    }),
    status: z
      .enum(['open', 'done', 'all'], { error: 'must be one of open, done, all' })
      .default('all'),
    sort: z
      .enum(['startAt', 'completedAt'], { error: 'must be one of startAt, completedAt' })
      .default('startAt')
      .meta({
        param: { description: 'What the list is ordered by; ties are ordered by task id.' },
      }),
    order: z
      .enum(['asc', 'desc'], { error: 'must be one of asc, desc' })
      .default('asc')
      .meta({ param: { description: 'asc, earliest first; desc, latest first.' } }),
    q: searchQuery.optional().meta({
      param: {
        description:
          `Words to search for in title and details: 1 to ${SEARCH_QUERY_MAX} characters after ` +
          'trimming, one line of text (no control characters), with at least one visible character.',
        example: '報告書',
      },
    }),
    limit: limit(TASK_LIST_LIMIT.max, TASK_LIST_LIMIT.default),
    cursor,
  })
  .refine(
    (query) =>
      query.from === undefined ||
      query.to === undefined ||
      compareInstants(query.from, query.to) < 0,
    { message: 'must be later than from', path: ['to'] },
  )
  .refine((query) => query.sort !== 'completedAt' || query.status !== 'open', {
    message: `open ${byCompletionOnly}`,
    path: ['status'],
  })
  .refine((query) => query.sort !== 'completedAt' || query.from === undefined, {
    message: byCompletionOnly,
    path: ['from'],
  })
  .refine((query) => query.sort !== 'completedAt' || query.to === undefined, {
    message: byCompletionOnly,
    path: ['to'],
  });

export const REPORT_LIST_LIMIT = { max: 100, default: 30 } as const;

export const listReportsQuery = z.strictObject({
  limit: limit(REPORT_LIST_LIMIT.max, REPORT_LIST_LIMIT.default),
  cursor: cursor.meta({ param: { description: 'The `nextCursor` of the previous page.' } }),
});
