/**
 * What the API answers, as zod schemas: the one definition of the response bodies. openapi.yaml's
 * response schemas are generated from them (`npm run generate:openapi`), and the web app's types
 * from openapi.yaml; test/openapi.test.ts checks every answer the service really gives against
 * the generated document, so a field the code sends but these lack (or the other way round)
 * fails there.
 *
 * They describe, they do not check: the service builds these bodies itself. Lengths are in
 * characters (code points), as JSON Schema counts them.
 */
import { CONTENTS_MAX, TITLE_MAX, USER_ID_PATTERN, USER_ID_RULE } from '@task-manager/contract';
import { REPORT_PER_USER_LIMIT } from '@task-manager/task-store';
import { z } from 'zod';
import { NAME_MAX } from './auth/identity.ts';
import { REPORT_LIST_LIMIT, TASK_LIST_LIMIT } from './validation.ts';

/** How the API writes every instant it stores: UTC, with milliseconds. */
export const utcDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  .meta({
    id: 'UtcDateTime',
    description: 'A UTC instant with milliseconds, as the API writes them.',
    format: 'date-time',
  });

export const userId = z
  .string()
  .regex(USER_ID_PATTERN)
  .meta({
    id: 'UserId',
    description: `The \`sub\` of the person's token: ${USER_ID_RULE}.`,
  });

export const task = z
  .strictObject({
    taskId: z.string().meta({ format: 'uuid' }),
    title: z.string().min(1).max(TITLE_MAX),
    contents: z.string().max(CONTENTS_MAX),
    startAt: utcDateTime.meta({ description: 'When the task starts, normalised to UTC.' }),
    done: z.boolean(),
    completedAt: utcDateTime
      .nullable()
      .meta({ description: 'When the task was marked done; null while it is open.' }),
    createdAt: utcDateTime,
    updatedAt: utcDateTime,
  })
  .meta({ id: 'Task' });

/** A task as the API answers it. */
export type Task = z.infer<typeof task>;

const nextCursor = z.string().nullable();

export const taskPage = z
  .strictObject({
    items: z.array(task).max(TASK_LIST_LIMIT.max),
    nextCursor: nextCursor.meta({
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  })
  .meta({ id: 'TaskPage' });

export const me = z
  .strictObject({
    userId,
    name: z.string().min(1).max(NAME_MAX).meta({
      description: "The display name (the token's name, preferred_username or email; else the id).",
    }),
    isAdmin: z.boolean(),
  })
  .meta({ id: 'Me' });

export const reportSummary = z
  .strictObject({
    date: z.string().meta({ format: 'date' }),
    timeZone: z.string().meta({ description: 'The IANA time zone that defines the day.' }),
    count: z.int().min(0),
    users: z.int().min(0).meta({
      description: 'How many people completed at least one task that day.',
    }),
    perUser: z
      .array(
        z
          .strictObject({
            userId: z.string(),
            name: z.string().min(1).meta({
              description:
                "The person's display name when the report was published (the id when unknown).",
            }),
            count: z.int().min(1),
          })
          .meta({ id: 'UserCount' }),
      )
      .max(REPORT_PER_USER_LIMIT)
      .meta({
        description:
          `Tasks completed per person, sorted by userId, for the ${REPORT_PER_USER_LIMIT} who ` +
          'completed the most (ties by userId): `users` counts everyone, the CSV names everyone.',
      }),
    generatedAt: utcDateTime.meta({
      description:
        'When the run that made the report began reading the day’s tasks: the report is as of ' +
        'then.',
    }),
    partial: z.boolean().meta({
      description:
        'True when the report is as of an instant before its day ended (`npm run report -- --date` ' +
        'today, say): tasks completed later that day are missing. A run after the ' +
        "day's end (the nightly CronJob) replaces it with the complete report.",
    }),
  })
  .meta({ id: 'ReportSummary' });

export const reportLine = z
  .strictObject({
    taskId: z.string(),
    userId: z.string(),
    title: z.string(),
    completedAt: utcDateTime,
  })
  .meta({ id: 'ReportLine' });

export const report = reportSummary
  .extend({ items: z.array(reportLine) })
  .meta({ id: 'Report', description: 'The summary and every line, in completion order.' });

export const reportPage = z
  .strictObject({
    items: z.array(reportSummary).max(REPORT_LIST_LIMIT.max),
    nextCursor,
  })
  .meta({ id: 'ReportPage' });

export const errorDetail = z
  .strictObject({
    field: z.string().meta({
      description:
        'The bad body field, query parameter or header (e.g. title, cursor, If-Match, body).',
    }),
    message: z.string().min(1),
  })
  .meta({ id: 'ErrorDetail' });

/**
 * The one error body every 4xx and 5xx answer carries:
 * { "error": "<summary>", "details": [{ "field": "<name>", "message": "<what is wrong>" }] }.
 */
export const errorBody = z
  .strictObject({ error: z.string().min(1), details: z.array(errorDetail) })
  .meta({ id: 'Error' });

export type TaskBody = z.output<typeof task>;
export type TaskPageBody = z.output<typeof taskPage>;
export type MeBody = z.output<typeof me>;
export type ReportBody = z.output<typeof report>;
export type ReportPageBody = z.output<typeof reportPage>;
export type ErrorDetail = z.output<typeof errorDetail>;
export type ErrorBody = z.output<typeof errorBody>;

/** A probe's answer (/health/*). */
export const probeOk = z.strictObject({ status: z.literal('ok') });
export const probeUnavailable = z.strictObject({
  status: z.literal('unavailable'),
  error: z.string().min(1),
  details: z.array(z.never()).max(0),
});

/** POST /auth/logout's answer to a client that asked for JSON. */
export const signedOut = z.strictObject({ redirectTo: z.url() });
