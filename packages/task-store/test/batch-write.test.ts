import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWrite, UnprocessedItemsError, type WriteRequest } from '../src/index.ts';

// dynalite never throttles, so it never returns UnprocessedItems: this stands in for a
// DynamoDB that leaves part of each batch unprocessed (the only stub in these tests).
function throttlingClient(unprocessedPerCall: (call: number, sent: number) => number) {
  const calls: number[] = [];
  const doc = {
    send: async (command: BatchWriteCommand) => {
      const requests = command.input.RequestItems!.t!;
      calls.push(requests.length);
      const left = unprocessedPerCall(calls.length, requests.length);
      return { UnprocessedItems: left > 0 ? { t: requests.slice(0, left) } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc, calls };
}

const requests: WriteRequest[] = Array.from({ length: 60 }, (_, n) => ({
  PutRequest: { Item: { pk: 'p', sk: String(n) } },
}));

test('writes in chunks of 25 and resends unprocessed items until none are left', async () => {
  const { doc, calls } = throttlingClient((call) => (call === 1 ? 10 : call === 2 ? 3 : 0));
  await batchWrite(doc, 't', requests, { baseDelayMs: 1 });
  assert.deepEqual(calls, [25, 10, 3, 25, 10]);
});

test('gives up after maxAttempts calls when items stay unprocessed', async () => {
  const { doc, calls } = throttlingClient(() => 5);
  await assert.rejects(
    batchWrite(doc, 't', requests, { baseDelayMs: 1, maxAttempts: 4 }),
    UnprocessedItemsError,
  );
  assert.deepEqual(calls, [25, 5, 5, 5]);
});

test('stops waiting between retries when aborted', async () => {
  const { doc } = throttlingClient(() => 5);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    batchWrite(doc, 't', requests, {
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      signal: controller.signal,
    }),
    { name: 'AbortError' },
  );
});

test('writes nothing for no requests', async () => {
  const { doc, calls } = throttlingClient(() => 0);
  await batchWrite(doc, 't', []);
  assert.deepEqual(calls, []);
});
