/**
 * A write applied by DynamoDB whose response is lost on the way back is retried by the SDK
 * (DYNAMODB_MAX_ATTEMPTS). The retry of a conditional write then meets the result of its own
 * first attempt; it must be recognised as success, not reported as a conflict or a missing
 * task. The response is really lost here: a proxy cuts the connection after dynalite answered.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  createTestTables,
  dynaliteBehindProxyForFile,
  scanTable,
  type TestTables,
} from '@task-manager/testing';
import {
  createDynamoClients,
  getReport,
  ReportWriter,
  TaskNotFoundError,
  TaskRepository,
  TaskVersionMismatchError,
} from '../src/index.ts';

const servers = dynaliteBehindProxyForFile();

/** A repository that talks to dynalite through the proxy, and one that reads it directly. */
async function setUp(): Promise<{
  repo: TaskRepository;
  direct: TaskRepository;
  tables: TestTables;
}> {
  const tables = await createTestTables(servers.dynamo.endpoint);
  assert.ok(tables.config.maxAttempts > 1, 'the SDK must be allowed to retry');
  const { doc } = createDynamoClients({ ...tables.config, endpoint: servers.proxy.endpoint });
  return {
    repo: new TaskRepository(doc, tables.config.tasksTable),
    direct: new TaskRepository(tables.clients.doc, tables.config.tasksTable),
    tables,
  };
}

async function storedItems(tables: TestTables, userId: string): Promise<Record<string, unknown>[]> {
  const items = await scanTable(tables.clients, tables.config.tasksTable);
  return items.filter((item) => item.userId === userId);
}

describe('a write whose response was lost, retried by the SDK', () => {
  test('create succeeds with the task it stored, and stores exactly one', async () => {
    const { repo, tables } = await setUp();
    servers.proxy.loseNextResponse('PutItem');
    const created = await repo.create('alice', { title: 'once', startAt: '2026-11-21T00:00:00Z' });
    assert.deepEqual(servers.proxy.lost, ['PutItem'], 'the first response was lost');
    const items = await storedItems(tables, 'alice');
    assert.equal(items.length, 1);
    assert.equal(items[0]?.taskId, created.task.taskId);
    assert.equal(created.version, 1);
    assert.equal(created.task.title, 'once');
  });

  test('an update with an expected version succeeds, applied once', async () => {
    const { repo, direct } = await setUp();
    const { task } = await direct.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    const lostBefore = servers.proxy.lost.length;
    servers.proxy.loseNextResponse('UpdateItem');
    const updated = await repo.update(
      'alice',
      task.taskId,
      { title: 'renamed', done: true },
      { expectedVersions: [1] },
    );
    assert.equal(servers.proxy.lost.length, lostBefore + 1, 'the first response was lost');
    assert.equal(updated.version, 2);
    assert.equal(updated.task.title, 'renamed');
    assert.equal(updated.task.done, true);
    assert.deepEqual(await direct.get('alice', task.taskId), updated);
  });

  test('an update without an expected version is applied once, not once per attempt', async () => {
    const { repo, direct } = await setUp();
    const { task } = await direct.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    const lostBefore = servers.proxy.lost.length;
    servers.proxy.loseNextResponse('UpdateItem');
    const updated = await repo.update('alice', task.taskId, { title: 'renamed' });
    assert.equal(servers.proxy.lost.length, lostBefore + 1, 'the first response was lost');
    assert.equal(updated.version, 2);
    assert.equal((await direct.get('alice', task.taskId))?.version, 2);
  });

  test('delete succeeds, with or without an expected version', async () => {
    const { repo, direct, tables } = await setUp();
    const a = await direct.create('alice', { title: 'a', startAt: '2026-11-21T00:00:00Z' });
    const b = await direct.create('alice', { title: 'b', startAt: '2026-11-21T00:00:00Z' });
    const lostBefore = servers.proxy.lost.length;
    servers.proxy.loseNextResponse('DeleteItem');
    await repo.delete('alice', a.task.taskId, { expectedVersions: [1] });
    servers.proxy.loseNextResponse('DeleteItem');
    await repo.delete('alice', b.task.taskId);
    assert.equal(servers.proxy.lost.length, lostBefore + 2, 'both first responses were lost');
    assert.deepEqual(await storedItems(tables, 'alice'), []);
  });

  test('the write token stays out of the task', async () => {
    const { repo, tables } = await setUp();
    const created = await repo.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    const { Item } = await tables.clients.doc.send(
      new GetCommand({
        TableName: tables.config.tasksTable,
        Key: { userId: 'alice', taskId: created.task.taskId },
      }),
    );
    assert.equal(typeof Item?.writeToken, 'string');
    assert.equal('writeToken' in created.task, false);
  });
});

describe('a report summary whose response was lost, retried by the SDK', () => {
  const window = { start: new Date('2026-11-19T15:00:00Z'), end: new Date('2026-11-20T15:00:00Z') };
  const line = { taskId: 't1', userId: 'u', title: 'x', completedAt: '2026-11-20T01:00:00.000Z' };

  test('is published, not superseded: the report stands and the run removes older runs', async () => {
    const tables = await createTestTables(servers.dynamo.endpoint);
    const table = tables.config.reportsTable;
    const older = new ReportWriter(tables.clients.doc, table, {
      date: '2026-11-20',
      timeZone: 'Asia/Tokyo',
      window,
    });
    await older.add({ ...line, title: 'older' });
    await older.publish();
    const { doc } = createDynamoClients({ ...tables.config, endpoint: servers.proxy.endpoint });
    const run = new ReportWriter(doc, table, {
      date: '2026-11-20',
      timeZone: 'Asia/Tokyo',
      window,
    });
    await run.add(line);
    const lostBefore = servers.proxy.lost.length;
    servers.proxy.loseNextResponse('PutItem');
    await run.publish();
    assert.equal(servers.proxy.lost.length, lostBefore + 1, 'the first response was lost');
    assert.equal(await run.removeOlderRuns(), 1);
    const report = await getReport(tables.clients.doc, table, '2026-11-20');
    const lines = [];
    for await (const stored of report!.lines) lines.push(stored);
    assert.deepEqual(lines, [line]);
  });
});

describe('conditional failures on a first attempt are still failures', () => {
  test('a stale version answers a mismatch, a missing task not found', async () => {
    const { repo, direct } = await setUp();
    const { task } = await direct.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    await direct.update('alice', task.taskId, { title: 'moved on' });
    await assert.rejects(
      repo.update('alice', task.taskId, { title: 'x' }, { expectedVersions: [1] }),
      (error) => error instanceof TaskVersionMismatchError && error.currentVersion === 2,
    );
    await assert.rejects(
      repo.delete('alice', task.taskId, { expectedVersions: [1] }),
      TaskVersionMismatchError,
    );
    await direct.delete('alice', task.taskId);
    await assert.rejects(repo.delete('alice', task.taskId), TaskNotFoundError);
    await assert.rejects(repo.update('alice', task.taskId, { title: 'x' }), TaskNotFoundError);
  });
});

describe('the item returned with a conditional failure (ReturnValuesOnConditionCheckFailure)', () => {
  // dynalite does not return it, so DynamoDB's side is stood in for by a client whose send
  // answers as DynamoDB does: the failure carries the item, and no further read is needed.
  function clientFailingWith(item: Record<string, unknown>, attempts: number) {
    const sent: string[] = [];
    const doc = {
      send: async (command: object) => {
        sent.push(command.constructor.name);
        if (!(command instanceof UpdateCommand)) throw new Error('only UpdateItem expected');
        const values = command.input.ExpressionAttributeValues ?? {};
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: { attempts },
          Item: marshall({ ...item, writeToken: item.writeToken ?? values[':writeToken'] }),
        });
      },
    } as unknown as DynamoDBDocumentClient;
    return { doc, sent };
  }
  const stored = {
    userId: 'alice',
    taskId: 'ff0c2a52-6fd8-4a8e-9d3d-3f7bb0c1a001',
    title: 'renamed',
    contents: '',
    startAt: '2026-11-21T00:00:00.000Z',
    startKey: '2026-11-21T00:00:00.000Z#ff0c2a52-6fd8-4a8e-9d3d-3f7bb0c1a001',
    done: false,
    createdAt: '2026-11-21T00:00:00.000Z',
    updatedAt: '2026-11-21T00:00:00.000Z',
    version: 2,
  };

  test('our own token in it is success, without another read', async () => {
    const { doc, sent } = clientFailingWith(stored, 2);
    const repo = new TaskRepository(doc, 'tasks');
    const updated = await repo.update('alice', stored.taskId, { title: 'renamed' });
    assert.equal(updated.version, 2);
    assert.equal(updated.task.title, 'renamed');
    assert.deepEqual(sent, ['UpdateCommand']);
  });

  test("another write's token in it is a version mismatch, without another read", async () => {
    const { doc, sent } = clientFailingWith({ ...stored, writeToken: 'someone else' }, 1);
    const repo = new TaskRepository(doc, 'tasks');
    await assert.rejects(
      repo.update('alice', stored.taskId, { title: 'x' }, { expectedVersions: [1] }),
      (error) => error instanceof TaskVersionMismatchError && error.currentVersion === 2,
    );
    assert.deepEqual(sent, ['UpdateCommand']);
  });
});
