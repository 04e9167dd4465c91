import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { inSpan } from '@task-manager/telemetry';

/** The most requests one BatchWriteItem call accepts. */
export const BATCH_WRITE_LIMIT = 25;

export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export interface BatchWriteOptions {
  signal?: AbortSignal;
  /** Calls per chunk before giving up on items DynamoDB keeps returning as unprocessed. */
  maxAttempts?: number;
  /** First backoff step; each retry waits a random time up to base * 2^attempt (full jitter). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class UnprocessedItemsError extends Error {
  override name = 'UnprocessedItemsError';
}

/**
 * Writes (puts or deletes) requests to one table in chunks of 25.
 *
 * BatchWriteItem succeeds even when DynamoDB throttles part of the batch: those requests
 * come back as UnprocessedItems and are the caller's to resend. They are retried here with
 * exponential backoff, a bounded number of times, so a batch is either written in full or
 * the call fails. (The SDK's own retries cover failed calls, not partial successes.)
 */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<void> {
  for (let offset = 0; offset < requests.length; offset += BATCH_WRITE_LIMIT) {
    await writeChunk(doc, tableName, requests.slice(offset, offset + BATCH_WRITE_LIMIT), options);
  }
}

/**
 * One BatchWriteItem chunk, retried until nothing is left unprocessed, in a "batch write"
 * span: its DynamoDB calls are its children, and it records how many calls it took.
 */
function writeChunk(
  doc: DynamoDBDocumentClient,
  tableName: string,
  chunk: WriteRequest[],
  options: BatchWriteOptions,
): Promise<void> {
  const { signal, maxAttempts = 8, baseDelayMs = 50, maxDelayMs = 2000 } = options;
  const attributes = {
    'db.collection.name': tableName,
    'app.batch.requests': chunk.length,
    'app.batch.operation': chunk[0]?.DeleteRequest ? 'delete' : 'put',
  };
  return inSpan('batch write', attributes, async (span) => {
    let pending = chunk;
    for (let attempt = 1; ; attempt += 1) {
      span.setAttribute('app.batch.attempts', attempt);
      const { UnprocessedItems } = await doc.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
        { abortSignal: signal },
      );
      pending = UnprocessedItems?.[tableName] ?? [];
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new UnprocessedItemsError(
          `${pending.length} writes to table ${tableName} were still unprocessed after ${attempt} BatchWriteItem calls`,
        );
      }
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      await sleep(Math.random() * ceiling, undefined, { signal });
    }
  });
}
