import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestTables, dynaliteForFile } from '@task-manager/testing';
import { batchWrite, type DynamoClients } from '../src/index.ts';
import { queryPages } from '../src/query-pages.ts';

const dynamo = dynaliteForFile();

/** A report partition of `count` lines (sk line-00 …), and a count of the Queries sent. */
async function partition(count: number) {
  const { clients, config } = await createTestTables(dynamo.endpoint);
  const table = config.reportsTable;
  const sk = (n: number) => `line-${String(n).padStart(2, '0')}`;
  await batchWrite(
    clients.doc,
    table,
    Array.from({ length: count }, (_, n) => ({ PutRequest: { Item: { pk: 'p', sk: sk(n) } } })),
  );
  const queries = countQueries(clients);
  const input = {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'p' },
    Limit: 4,
  };
  return { doc: clients.doc, input, queries, sk };
}

function countQueries(clients: DynamoClients): { sent: number } {
  const queries = { sent: 0 };
  clients.doc.middlewareStack.add(
    (next) => (args) => {
      queries.sent += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countQueries' },
  );
  return queries;
}

const keys = (items: Record<string, unknown>[]) => items.map((item) => item.sk);

test('reads page after page to the end, and no page more', async () => {
  const { doc, input, queries, sk } = await partition(10);
  const pages: unknown[][] = [];
  for await (const items of queryPages(doc, input)) pages.push(keys(items));
  assert.deepEqual(pages, [
    [sk(0), sk(1), sk(2), sk(3)],
    [sk(4), sk(5), sk(6), sk(7)],
    [sk(8), sk(9)],
  ]);
  assert.equal(queries.sent, 3);
  // The caller's input is not the paginator's to change.
  assert.equal('ExclusiveStartKey' in input, false);
});

test('reads the next page only when asked for it', async () => {
  const { doc, input, queries, sk } = await partition(10);
  const seen: unknown[] = [];
  for await (const items of queryPages(doc, input)) {
    seen.push(...keys(items));
    assert.equal(queries.sent, 1);
    break;
  }
  assert.deepEqual(seen, [sk(0), sk(1), sk(2), sk(3)]);
  assert.equal(queries.sent, 1);
});

test('an abort between pages stops it before the next page is read', async () => {
  const { doc, input, queries } = await partition(10);
  const controller = new AbortController();
  const pages = queryPages(doc, input, controller.signal);
  assert.equal((await pages.next()).done, false);
  controller.abort();
  await assert.rejects(pages.next(), { name: 'AbortError' });
  assert.equal(queries.sent, 1);
});

test('a Query that fails fails the iteration with its error', async () => {
  const { doc, input } = await partition(1);
  const missing = { ...input, TableName: 'no-such-table' };
  await assert.rejects(
    (async () => {
      for await (const items of queryPages(doc, missing)) assert.fail(`read ${items.length}`);
    })(),
    { name: 'ResourceNotFoundException' },
  );
});
