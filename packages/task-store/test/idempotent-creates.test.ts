/**
 * Creates with an Idempotency-Key, against dynalite: a retry gets the first answer and creates
 * nothing, concurrent attempts create one task, another body is refused, keys expire.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createTestTables,
  dynaliteBehindProxyForFile,
  scanTable,
  type TestTables,
} from '@task-manager/testing';
import {
  createDynamoClients,
  IDEMPOTENCY_KEY_LIFETIME_SECONDS,
  IdempotencyKeyReusedError,
  IdempotentCreates,
  TaskRepository,
} from '../src/index.ts';

const servers = dynaliteBehindProxyForFile();

const task = { title: 'Pay the rent', startAt: '2026-12-01T09:00:00+09:00' };

async function setUp(options: { now?: () => Date } = {}) {
  const tables: TestTables = await createTestTables(servers.dynamo.endpoint);
  const tasks = new TaskRepository(tables.clients.doc, tables.config.tasksTable, options);
  const creates = new IdempotentCreates(
    tables.clients.doc,
    tables.config.idempotencyTable,
    tasks,
    options,
  );
  const storedTasks = async (userId: string) =>
    (await scanTable(tables.clients, tables.config.tasksTable)).filter((t) => t.userId === userId);
  return { tables, tasks, creates, storedTasks };
}

describe('IdempotentCreates', () => {
  test('the same key and body again: the first answer, and nothing created', async () => {
    const { tasks, creates, storedTasks } = await setUp();
    const first = await creates.create('alice', 'key-1', task);
    assert.equal(first.replayed, false);
    await tasks.update('alice', first.record.task.taskId, { title: 'changed since' });
    const again = await creates.create('alice', 'key-1', task);
    assert.equal(again.replayed, true);
    assert.deepEqual(again.record, first.record, 'the first answer, not the current task');
    // The same task written differently is the same request.
    const sameInstant = { title: 'Pay the rent', contents: '', startAt: '2026-12-01T00:00:00Z' };
    assert.deepEqual((await creates.create('alice', 'key-1', sameInstant)).record, first.record);
    assert.equal((await storedTasks('alice')).length, 1);
  });

  test('the same key with another body is refused and creates nothing', async () => {
    const { creates, storedTasks } = await setUp();
    await creates.create('alice', 'key-2', task);
    await assert.rejects(
      creates.create('alice', 'key-2', { ...task, title: 'Pay the rent twice' }),
      IdempotencyKeyReusedError,
    );
    await assert.rejects(
      creates.create('alice', 'key-2', { ...task, startAt: '2026-12-02T09:00:00+09:00' }),
      IdempotencyKeyReusedError,
    );
    assert.equal((await storedTasks('alice')).length, 1);
  });

  test('keys are per user, and a new key is a new task', async () => {
    const { creates, storedTasks } = await setUp();
    const alices = await creates.create('alice', 'shared', task);
    const bobs = await creates.create('bob', 'shared', { ...task, title: 'Other body' });
    assert.notEqual(alices.record.task.taskId, bobs.record.task.taskId);
    const another = await creates.create('alice', 'another', task);
    assert.notEqual(another.record.task.taskId, alices.record.task.taskId);
    assert.equal((await storedTasks('alice')).length, 2);
    assert.equal((await storedTasks('bob')).length, 1);
  });

  test('concurrent attempts with one key create one task and all get it', async () => {
    const { creates, storedTasks } = await setUp();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => creates.create('alice', 'racing', task)),
    );
    const ids = new Set(results.map((result) => result.record.task.taskId));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((result) => !result.replayed).length, 1);
    assert.equal((await storedTasks('alice')).length, 1);
  });

  test('after its lifetime a key is forgotten, even before TTL deletes it', async () => {
    let now = new Date('2026-11-29T00:00:00Z');
    const { creates, storedTasks } = await setUp({ now: () => now });
    const first = await creates.create('alice', 'old-key', task);
    now = new Date(now.getTime() + (IDEMPOTENCY_KEY_LIFETIME_SECONDS - 1) * 1000);
    assert.equal((await creates.create('alice', 'old-key', task)).replayed, true);
    now = new Date(now.getTime() + 1000);
    const later = await creates.create('alice', 'old-key', { ...task, title: 'New body' });
    assert.equal(later.replayed, false);
    assert.notEqual(later.record.task.taskId, first.record.task.taskId);
    assert.equal((await storedTasks('alice')).length, 2);
  });

  test('a create that failed after the task was written is completed by its retry, once', async () => {
    const { tables, storedTasks } = await setUp();
    // The tasks table through a proxy that loses the answer to the task's write, with no SDK
    // retry: the first attempt fails although DynamoDB stored the task (a 503 for the client).
    const proxied = createDynamoClients({
      ...tables.config,
      endpoint: servers.proxy.endpoint,
      maxAttempts: 1,
    });
    const creates = new IdempotentCreates(
      tables.clients.doc,
      tables.config.idempotencyTable,
      new TaskRepository(proxied.doc, tables.config.tasksTable),
    );
    servers.proxy.loseNextResponse('PutItem', tables.config.tasksTable);
    await assert.rejects(creates.create('alice', 'unlucky', task));
    assert.equal((await storedTasks('alice')).length, 1, 'the write happened');

    const retry = await creates.create('alice', 'unlucky', task);
    assert.equal(retry.replayed, true);
    const [stored] = await storedTasks('alice');
    assert.equal(retry.record.task.taskId, stored!.taskId);
    assert.equal((await storedTasks('alice')).length, 1, 'the retry created nothing');
    assert.deepEqual((await creates.create('alice', 'unlucky', task)).record, retry.record);
    proxied.client.destroy();
  });

  test("a claim whose answer was lost finds itself on the SDK's retry: created, not replayed", async () => {
    const { tables, tasks, storedTasks } = await setUp();
    // The idempotency table through a proxy that loses the answer to the claim's put, which
    // DynamoDB stored: the SDK's retry of that put then meets the claim it made itself.
    const proxied = createDynamoClients({ ...tables.config, endpoint: servers.proxy.endpoint });
    const creates = new IdempotentCreates(proxied.doc, tables.config.idempotencyTable, tasks);
    const lostBefore = servers.proxy.lost.length;
    servers.proxy.loseNextResponse('PutItem', tables.config.idempotencyTable);
    const first = await creates.create('alice', 'lost-claim', task);
    assert.equal(servers.proxy.lost.length, lostBefore + 1, 'the first answer was lost');
    assert.equal(first.replayed, false);
    assert.equal((await storedTasks('alice')).length, 1);
    assert.equal((await creates.create('alice', 'lost-claim', task)).replayed, true);
    proxied.client.destroy();
  });
});
