import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite, type DynaliteServer } from '@task-manager/testing';
import {
  createDynamoClients,
  ensureTables,
  loadDynamoConfig,
  tableDefinitions,
  TASK_INDEX,
} from '../src/index.ts';

let dynamo: DynaliteServer;
before(async () => {
  dynamo = await startDynalite();
});
after(() => dynamo.stop());

test('ensureTables creates every table with its indexes, and is idempotent', async () => {
  const config = loadDynamoConfig({
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TASKS_TABLE: 'ct-tasks',
    REPORTS_TABLE: 'ct-reports',
    IDEMPOTENCY_TABLE: 'ct-idempotency',
  });
  const { client } = createDynamoClients(config);
  // dynalite has no TTL: it says so instead of failing, and readers check expiry themselves.
  assert.deepEqual(await ensureTables(client, config), {
    tables: { 'ct-tasks': 'created', 'ct-reports': 'created', 'ct-idempotency': 'created' },
    timeToLive: { 'ct-idempotency': 'unsupported' },
  });
  assert.deepEqual(await ensureTables(client, config), {
    tables: { 'ct-tasks': 'exists', 'ct-reports': 'exists', 'ct-idempotency': 'exists' },
    timeToLive: { 'ct-idempotency': 'unsupported' },
  });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'ct-tasks' }));
  assert.deepEqual(
    Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort(),
    [TASK_INDEX.byCompletion, TASK_INDEX.byStart].sort(),
  );
  client.destroy();
});

test('the schema asks for TTL on the idempotency table, on its expiresAt attribute', () => {
  const { timeToLive } = tableDefinitions({
    tasksTable: 't',
    reportsTable: 'r',
    idempotencyTable: 'i',
  });
  assert.deepEqual(timeToLive, [
    { TableName: 'i', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } },
  ]);
});
