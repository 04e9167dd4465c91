/**
 * Tasks completed in a time window, read from index byCompletion (see schema.ts): one
 * Query per UTC hour bucket the window overlaps, page by page, never a Scan.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPages } from './query-pages.ts';
import { completionBucketsBetween, TASK_INDEX } from './schema.ts';

export interface CompletedTask {
  userId: string;
  taskId: string;
  title: string;
  /** UTC ISO 8601. */
  completedAt: string;
}

export interface CompletedTasksOptions {
  /** Items per Query page (DynamoDB's 1 MB pages when omitted). */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Yields the tasks completed in [from, to), in completion order, reading one Query page at
 * a time as the consumer pulls: memory holds one page whatever the window's size.
 *
 * Instants are compared in UTC through completionKey ("<completedAt as UTC ISO>#<taskId>"):
 * fixed-width UTC timestamps order as strings exactly as the instants they denote, so
 * `completionKey BETWEEN from AND to` selects [from, to). The upper bound is exclusive in
 * effect because a key always extends its timestamp with "#<taskId>", so a task completed
 * exactly at `to` sorts after the bare timestamp `to`.
 */
export async function* completedTasksBetween(
  doc: DynamoDBDocumentClient,
  tableName: string,
  from: Date,
  to: Date,
  options: CompletedTasksOptions = {},
): AsyncGenerator<CompletedTask> {
  if (!(from.getTime() < to.getTime())) {
    throw new RangeError(
      `the window must end after it starts: [${from.toISOString()}, ${to.toISOString()})`,
    );
  }
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  for (const bucket of completionBucketsBetween(from, to)) {
    // Only the first and last hours can be partly outside the window; the condition is
    // applied to every hour anyway, as it costs nothing and keeps each Query self-evidently right.
    const pages = queryPages(
      doc,
      {
        TableName: tableName,
        IndexName: TASK_INDEX.byCompletion,
        KeyConditionExpression:
          'completionBucket = :bucket AND completionKey BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':bucket': bucket, ':from': fromIso, ':to': toIso },
        ProjectionExpression: 'userId, taskId, title, completedAt',
        ...(options.pageSize === undefined ? {} : { Limit: options.pageSize }),
      },
      options.signal,
      { 'app.completion_bucket': bucket },
    );
    for await (const items of pages) {
      for (const item of items) {
        yield {
          userId: String(item.userId),
          taskId: String(item.taskId),
          title: String(item.title),
          completedAt: new Date(String(item.completedAt)).toISOString(),
        };
      }
    }
  }
}
