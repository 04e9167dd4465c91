import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite, type DynaliteServer } from '@task-manager/testing';
import { createDynamoClients, ensureTables, loadDynamoConfig, TASK_INDEX } from '../src/index.ts';

let dynamo: DynaliteServer;
before(async () => {
  dynamo = await startDynalite();
});
after(() => dynamo.stop());

test('ensureTables creates both tables with their indexes, and is idempotent', async () => {
  const config = loadDynamoConfig({
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TASKS_TABLE: 'ct-tasks',
    REPORTS_TABLE: 'ct-reports',
  });
  const { client } = createDynamoClients(config);
  assert.deepEqual(await ensureTables(client, config), {
    'ct-tasks': 'created',
    'ct-reports': 'created',
  });
  assert.deepEqual(await ensureTables(client, config), {
    'ct-tasks': 'exists',
    'ct-reports': 'exists',
  });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'ct-tasks' }));
  assert.deepEqual(
    Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort(),
    [TASK_INDEX.byCompletion, TASK_INDEX.byStart].sort(),
  );
  client.destroy();
});
