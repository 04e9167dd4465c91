/**
 * The single definition of the project's DynamoDB tables: key schema, indexes and the
 * attribute names the apps read and write. Table creation (npm start, tests, the
 * Kubernetes init Job) and every data-access module use this file; nothing else
 * describes the tables.
 *
 * Tasks table
 *   key            userId (HASH) + taskId (RANGE): a user's tasks form one item collection,
 *                  so a lookup by (user, id) can never return another user's task.
 *   index byStart  userId (HASH) + startKey (RANGE): a user's tasks by start time.
 *                  startKey = "<startAt as UTC ISO>#<taskId>", unique per task, so two tasks
 *                  starting at the same instant never share an index sort key.
 *   index byCompletion
 *                  completionBucket (HASH) + completionKey (RANGE), sparse: only done tasks
 *                  carry these attributes. completionBucket is the UTC hour of completion
 *                  ("2026-11-21T15"), so completions spread over 24 partition keys a day
 *                  instead of one hot key, and a time window is read by querying the hours
 *                  it covers. completionKey = "<completedAt as UTC ISO>#<taskId>".
 *   index byUserCompletion
 *                  userId (HASH) + completionKey (RANGE), sparse like byCompletion: a user's
 *                  done tasks by completion time (the Done view, newest first). completionKey
 *                  ends with the taskId, so its sort keys are unique per task. Items written
 *                  before this index existed already carry completionKey when done, so DynamoDB
 *                  backfills it from them when create-tables adds it to an existing table.
 *
 * Idempotency table
 *   key            userId (HASH) + idempotencyKey (RANGE): the Idempotency-Key of a create,
 *                  per user, so two users' keys never meet.
 *   item           fingerprint of the request, the taskId the key creates (chosen when the key
 *                  is first seen, so a retry creates that same task or finds it), the first
 *                  answer once it is known, and expiresAt (epoch seconds), the table's TTL
 *                  attribute: DynamoDB deletes the item some time after it passed, and reads
 *                  ignore it from that moment on.
 *
 * Reports table
 *   key            pk (HASH) + sk (RANGE)
 *   summary item   pk "REPORT#<date>", sk "SUMMARY"; carries kind = "report" and date,
 *                  which place it in index byDate for listing reports newest first.
 *   line items     pk "REPORT#<date>", sk "RUN#<runId>#<completionKey>"; one per completed
 *                  task. A run writes all its lines first and then the summary that names its
 *                  runId, so readers only ever see a complete run (DynamoDB Local servers such
 *                  as dynalite have no transactions to do this otherwise).
 *   user profile   pk "USER#<userId>", sk "PROFILE"; a person's display name (name, updatedAt),
 *                  written by task-service as people use the app and read by the report job,
 *                  100 per BatchGetItem, when it publishes. No `kind`, so never in byDate.
 */
import type {
  CreateTableCommandInput,
  UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';
import { ceilToMillisecond } from '@task-manager/contract';

export const TASK_INDEX = {
  byStart: 'byStart',
  byCompletion: 'byCompletion',
  byUserCompletion: 'byUserCompletion',
} as const;

export const REPORT_INDEX = {
  byDate: 'byDate',
} as const;

/** The value of `kind` on report summary items; the partition key of index byDate. */
export const REPORT_KIND = 'report';

export function tasksTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'userId', AttributeType: 'S' },
      { AttributeName: 'taskId', AttributeType: 'S' },
      { AttributeName: 'startKey', AttributeType: 'S' },
      { AttributeName: 'completionBucket', AttributeType: 'S' },
      { AttributeName: 'completionKey', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'userId', KeyType: 'HASH' },
      { AttributeName: 'taskId', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TASK_INDEX.byStart,
        KeySchema: [
          { AttributeName: 'userId', KeyType: 'HASH' },
          { AttributeName: 'startKey', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: TASK_INDEX.byCompletion,
        KeySchema: [
          { AttributeName: 'completionBucket', KeyType: 'HASH' },
          { AttributeName: 'completionKey', KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['userId', 'taskId', 'title', 'completedAt'],
        },
      },
      {
        IndexName: TASK_INDEX.byUserCompletion,
        KeySchema: [
          { AttributeName: 'userId', KeyType: 'HASH' },
          { AttributeName: 'completionKey', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** How long an Idempotency-Key is remembered: a retry within this time replays the first answer. */
export const IDEMPOTENCY_KEY_LIFETIME_SECONDS = 24 * 60 * 60;

export function idempotencyTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'userId', AttributeType: 'S' },
      { AttributeName: 'idempotencyKey', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'userId', KeyType: 'HASH' },
      { AttributeName: 'idempotencyKey', KeyType: 'RANGE' },
    ],
  };
}

export function idempotencyTimeToLive(tableName: string): UpdateTimeToLiveCommandInput {
  return {
    TableName: tableName,
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  };
}

/** The names of the project's tables, as configured. */
export interface TableNames {
  tasksTable: string;
  reportsTable: string;
  idempotencyTable: string;
}

/** Every table of the project and the TTL settings they need: what create-tables makes. */
export function tableDefinitions(names: TableNames): {
  tables: CreateTableCommandInput[];
  timeToLive: UpdateTimeToLiveCommandInput[];
} {
  return {
    tables: [
      tasksTableDefinition(names.tasksTable),
      reportsTableDefinition(names.reportsTable),
      idempotencyTableDefinition(names.idempotencyTable),
    ],
    timeToLive: [idempotencyTimeToLive(names.idempotencyTable)],
  };
}

export function reportsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'kind', AttributeType: 'S' },
      { AttributeName: 'date', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: REPORT_INDEX.byDate,
        KeySchema: [
          { AttributeName: 'kind', KeyType: 'HASH' },
          { AttributeName: 'date', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * Normalises an ISO 8601 date-time with any offset to UTC with millisecond precision. Callers
 * store only instants in the contract's range (four-digit UTC years), so these texts sort as
 * the instants do.
 */
export function toUtcIso(dateTime: string): string {
  return new Date(dateTime).toISOString();
}

/**
 * A query bound of any precision as a sort-key prefix that compares exactly: stored instants
 * are whole milliseconds, so the first millisecond at or after the bound is equivalent.
 */
export function boundKey(dateTime: string): string {
  return new Date(ceilToMillisecond(dateTime)).toISOString();
}

export function startKey(startAt: string, taskId: string): string {
  return `${toUtcIso(startAt)}#${taskId}`;
}

/** The UTC hour an instant falls in, e.g. "2026-11-21T15": the byCompletion partition key. */
export function completionBucket(completedAt: string): string {
  return toUtcIso(completedAt).slice(0, 13);
}

export function completionKey(completedAt: string, taskId: string): string {
  return `${toUtcIso(completedAt)}#${taskId}`;
}

/**
 * The byCompletion partition keys that cover [from, to): every UTC hour that overlaps the
 * window, in time order. A day in any time zone spans 23 to 25 of them.
 */
export function completionBucketsBetween(from: Date, to: Date): string[] {
  const hourMs = 3_600_000;
  const buckets: string[] = [];
  for (let t = Math.floor(from.getTime() / hourMs) * hourMs; t < to.getTime(); t += hourMs) {
    buckets.push(new Date(t).toISOString().slice(0, 13));
  }
  return buckets;
}

export function reportPartitionKey(date: string): string {
  return `REPORT#${date}`;
}

export const REPORT_SUMMARY_SK = 'SUMMARY';

export function reportLinePrefix(runId: string): string {
  return `RUN#${runId}#`;
}

export function userProfilePartitionKey(userId: string): string {
  return `USER#${userId}`;
}

export const USER_PROFILE_SK = 'PROFILE';
