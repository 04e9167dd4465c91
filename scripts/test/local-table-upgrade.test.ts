/**
 * `npm start` keeps its tasks when the schema gains an index: dynalite cannot add one to an
 * existing table, so the table is rebuilt from a backup of its items, and a rebuild that was
 * interrupted is finished by the next start. Real dynalite, real tables.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  createDynamoClients,
  loadDynamoConfig,
  TASK_INDEX,
  TaskRepository,
  tableDefinitions,
  type DynamoClients,
  type TableNames,
} from '@task-manager/task-store';
import { startDynalite, type DynaliteServer } from '@task-manager/testing';
import { upgradeLocalTables } from '../local-table-upgrade.ts';

let dynamo: DynaliteServer;
let clients: DynamoClients;
let backupDir: string;
before(async () => {
  dynamo = await startDynalite();
  clients = createDynamoClients(loadDynamoConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint }));
  backupDir = await mkdtemp(join(tmpdir(), 'local-table-upgrade-'));
});
after(async () => {
  clients?.client.destroy();
  await dynamo?.stop();
  if (backupDir) await rm(backupDir, { recursive: true, force: true });
});

function names(prefix: string): TableNames {
  return {
    tasksTable: `${prefix}-tasks`,
    reportsTable: `${prefix}-reports`,
    idempotencyTable: `${prefix}-idempotency`,
  };
}

async function indexesOf(table: string): Promise<string[]> {
  const { Table } = await clients.client.send(new DescribeTableCommand({ TableName: table }));
  return (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName!).sort();
}

test('a tasks table of the old schema is rebuilt with the new index, every task kept', async () => {
  const tables = names('upgrade');
  const definition = tableDefinitions(tables).tables[0]!;
  await clients.client.send(
    new CreateTableCommand({
      ...definition,
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes!.filter(
        (index) => index.IndexName !== TASK_INDEX.byUserCompletion,
      ),
    }),
  );
  const repo = new TaskRepository(clients.doc, tables.tasksTable);
  const open = await repo.create('alice', { title: 'open', startAt: '2026-11-01T00:00:00Z' });
  const made = await repo.create('alice', { title: 'done', startAt: '2026-11-02T00:00:00Z' });
  const done = await repo.update('alice', made.task.taskId, { done: true });
  await repo.create('bob', { title: 'bob', startAt: '2026-11-03T00:00:00Z' });

  const logged: string[] = [];
  const result = await upgradeLocalTables(clients, tables, backupDir, (line) => logged.push(line));
  assert.equal(result.tables[tables.tasksTable], 'created');
  assert.deepEqual(await indexesOf(tables.tasksTable), Object.values(TASK_INDEX).sort());
  assert.match(
    logged.join('\n'),
    /rebuilding table upgrade-tasks to add index byUserCompletion \(3 items\)/,
  );
  assert.match(logged.join('\n'), /restored 3 items/);
  // Same tasks, same versions; the done one is found by completion time at once.
  assert.deepEqual(await repo.get('alice', open.task.taskId), open);
  assert.deepEqual(await repo.get('alice', done.task.taskId), done);
  const byCompletion = await repo.list('alice', { limit: 5, sort: 'completedAt' });
  assert.deepEqual(byCompletion.items, [done]);
  assert.equal(existsSync(join(backupDir, `${tables.tasksTable}.rebuild-backup.json`)), false);

  // Run again: nothing to do.
  const again = await upgradeLocalTables(clients, tables, backupDir, (line) => logged.push(line));
  assert.equal(again.tables[tables.tasksTable], 'exists');
});

test('a rebuild that stopped after dropping the table is finished by the next start', async () => {
  const tables = names('interrupted');
  const item = {
    userId: 'alice',
    taskId: '00000000-0000-4000-8000-000000000001',
    title: 'survivor',
    contents: '',
    startAt: '2026-11-01T00:00:00.000Z',
    startKey: '2026-11-01T00:00:00.000Z#00000000-0000-4000-8000-000000000001',
    done: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    version: 4,
  };
  // The backup is all that is left: the table itself is gone.
  await writeFile(
    join(backupDir, `${tables.tasksTable}.rebuild-backup.json`),
    JSON.stringify([item]),
  );
  await upgradeLocalTables(clients, tables, backupDir, () => {});
  const repo = new TaskRepository(clients.doc, tables.tasksTable);
  assert.equal((await repo.get('alice', item.taskId))?.version, 4);
});
