import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { createTestTables, dynaliteForFile } from '@task-manager/testing';
import {
  batchWrite,
  completedTasksBetween,
  completionBucket,
  completionKey,
  startKey,
  type CompletedTask,
  type DynamoClients,
} from '../src/index.ts';

const dynamo = dynaliteForFile();

/** A task item as the task repository stores it; done when completedAt is given. */
function taskItem(taskId: string, completedAt?: string, userId = 'alice') {
  const createdAt = '2026-11-01T00:00:00.000Z';
  return {
    userId,
    taskId,
    title: `Title of ${taskId}`,
    contents: '',
    startAt: createdAt,
    startKey: startKey(createdAt, taskId),
    done: completedAt !== undefined,
    ...(completedAt === undefined
      ? {}
      : {
          completedAt,
          completionBucket: completionBucket(completedAt),
          completionKey: completionKey(completedAt, taskId),
        }),
    createdAt,
    updatedAt: completedAt ?? createdAt,
    version: 2,
  };
}

async function seed(items: ReturnType<typeof taskItem>[]) {
  const { clients, config } = await createTestTables(dynamo.endpoint);
  await batchWrite(
    clients.doc,
    config.tasksTable,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
  return { clients, table: config.tasksTable };
}

function recordQueries(clients: DynamoClients): QueryCommandInput[] {
  const queries: QueryCommandInput[] = [];
  clients.doc.middlewareStack.add(
    (next, context) => (args) => {
      assert.equal(context.commandName, 'QueryCommand', 'only Query is used');
      // A copy: the paginator sends every page of a Query with one input object, changed in place.
      queries.push({ ...(args.input as QueryCommandInput) });
      return next(args);
    },
    { step: 'initialize', name: 'recordQueries' },
  );
  return queries;
}

async function collect(iterable: AsyncIterable<CompletedTask>): Promise<string[]> {
  const ids: string[] = [];
  for await (const task of iterable) ids.push(task.taskId);
  return ids;
}

const from = new Date('2026-11-19T15:00:00.000Z');
const to = new Date('2026-11-20T15:00:00.000Z');

test('yields the tasks completed in [from, to), in completion order, by UTC instant', async () => {
  const { clients, table } = await seed([
    taskItem('before', '2026-11-19T14:59:59.999Z'),
    taskItem('at-start', '2026-11-19T15:00:00.000Z'),
    taskItem('last-ms', '2026-11-20T14:59:59.999Z'),
    taskItem('at-end', '2026-11-20T15:00:00.000Z'),
    taskItem('after', '2026-11-20T16:30:00.000Z'),
    taskItem('midday', '2026-11-20T03:00:00.000Z', 'bob'),
    taskItem('open'),
  ]);
  const queries = recordQueries(clients);
  const tasks: CompletedTask[] = [];
  for await (const task of completedTasksBetween(clients.doc, table, from, to)) tasks.push(task);

  assert.deepEqual(
    tasks.map((task) => task.taskId),
    ['at-start', 'midday', 'last-ms'],
  );
  assert.deepEqual(tasks[1], {
    userId: 'bob',
    taskId: 'midday',
    title: 'Title of midday',
    completedAt: '2026-11-20T03:00:00.000Z',
  });
  // One Query per UTC hour of the window, all on the completion index.
  assert.equal(queries.length, 24);
  assert.ok(queries.every((query) => query.IndexName === 'byCompletion'));
});

test('reads every page when an hour holds more than one page', async () => {
  const items = Array.from({ length: 23 }, (_, n) =>
    taskItem(
      `t${String(n).padStart(2, '0')}`,
      `2026-11-20T03:${String(n).padStart(2, '0')}:00.000Z`,
    ),
  );
  const { clients, table } = await seed(items);
  const queries = recordQueries(clients);
  const ids = await collect(completedTasksBetween(clients.doc, table, from, to, { pageSize: 5 }));
  assert.deepEqual(
    ids,
    items.map((item) => item.taskId),
  );
  const hour03 = queries.filter(
    (query) => query.ExpressionAttributeValues?.[':bucket'] === '2026-11-20T03',
  );
  assert.equal(hour03.length, 5, '23 items in pages of 5');
  assert.ok(hour03.slice(1).every((query) => query.ExclusiveStartKey !== undefined));
});

test('a window inside one hour applies both bounds to that hour', async () => {
  const { clients, table } = await seed([
    taskItem('a', '2026-11-20T03:09:59.999Z'),
    taskItem('b', '2026-11-20T03:10:00.000Z'),
    taskItem('c', '2026-11-20T03:19:59.999Z'),
    taskItem('d', '2026-11-20T03:20:00.000Z'),
  ]);
  const ids = await collect(
    completedTasksBetween(
      clients.doc,
      table,
      new Date('2026-11-20T03:10:00.000Z'),
      new Date('2026-11-20T03:20:00.000Z'),
    ),
  );
  assert.deepEqual(ids, ['b', 'c']);
});

test('compares and returns completion times as UTC instants, whatever offset they were stored with', async () => {
  const { clients, table } = await seed([
    // 00:00 in Tokyo on the 20th is 15:00 UTC on the 19th: inside the window.
    taskItem('tokyo-midnight', '2026-11-20T00:00:00.000+09:00'),
    // 23:59 on the 19th in New York is 04:59 UTC on the 20th: inside.
    taskItem('new-york-evening', '2026-11-19T23:59:00.000-05:00'),
    // 23:59:59.999 on the 19th in Tokyo is just before the window.
    taskItem('tokyo-last-ms', '2026-11-19T23:59:59.999+09:00'),
  ]);
  const tasks: CompletedTask[] = [];
  for await (const task of completedTasksBetween(clients.doc, table, from, to)) tasks.push(task);
  assert.deepEqual(
    tasks.map((task) => [task.taskId, task.completedAt]),
    [
      ['tokyo-midnight', '2026-11-19T15:00:00.000Z'],
      ['new-york-evening', '2026-11-20T04:59:00.000Z'],
    ],
  );
});

test('a window with no completed tasks yields nothing', async () => {
  const { clients, table } = await seed([
    taskItem('open'),
    taskItem('old', '2026-01-01T00:00:00.000Z'),
  ]);
  assert.deepEqual(await collect(completedTasksBetween(clients.doc, table, from, to)), []);
});

test('rejects an empty or inverted window', async () => {
  const { clients, table } = await seed([]);
  await assert.rejects(collect(completedTasksBetween(clients.doc, table, to, to)), RangeError);
  await assert.rejects(collect(completedTasksBetween(clients.doc, table, to, from)), RangeError);
});

test('stops when aborted', async () => {
  const { clients, table } = await seed([taskItem('a', '2026-11-20T03:00:00.000Z')]);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    collect(completedTasksBetween(clients.doc, table, from, to, { signal: controller.signal })),
    { name: 'AbortError' },
  );
});
