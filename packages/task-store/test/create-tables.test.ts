import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { dynaliteForFile } from '@task-manager/testing';
import {
  addMissingIndexes,
  createDynamoClients,
  ensureTables,
  IndexNotAddedError,
  loadDynamoConfig,
  tableDefinitions,
  TASK_INDEX,
} from '../src/index.ts';

const dynamo = dynaliteForFile();

/** Dynalite tables named `<prefix>-tasks`, `<prefix>-reports` and `<prefix>-idempotency`. */
function tablesNamed(prefix: string) {
  const config = loadDynamoConfig({
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TASKS_TABLE: `${prefix}-tasks`,
    REPORTS_TABLE: `${prefix}-reports`,
    IDEMPOTENCY_TABLE: `${prefix}-idempotency`,
  });
  return { config, client: createDynamoClients(config).client };
}

test('ensureTables creates every table with its indexes, and is idempotent', async () => {
  const { config, client } = tablesNamed('ct');
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
    [TASK_INDEX.byCompletion, TASK_INDEX.byStart, TASK_INDEX.byUserCompletion].sort(),
  );
  client.destroy();
});

test('a table another create-tables made meanwhile counts as existing, not as a failure', async () => {
  const { config, client } = tablesNamed('race');
  // Another run (a second init container) creates each table between this run's look and its
  // own CreateTable, which dynalite then refuses with ResourceInUseException.
  const racing = {
    async send(command: Parameters<DynamoDBClient['send']>[0]) {
      if (command instanceof CreateTableCommand) await client.send(command);
      return client.send(command);
    },
  } as unknown as DynamoDBClient;
  assert.deepEqual(await ensureTables(racing, config), {
    tables: { 'race-tasks': 'exists', 'race-reports': 'exists', 'race-idempotency': 'exists' },
    timeToLive: { 'race-idempotency': 'unsupported' },
  });
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

test('TTL is turned on once: where it is on already, it is left alone', async () => {
  const { config, client } = tablesNamed('ttl');
  // dynalite has no TTL: this client answers for it as DynamoDB does, which refuses to enable
  // TTL a second time, and passes everything else on to dynalite.
  let status = 'DISABLED';
  const updates: unknown[] = [];
  const withTimeToLive = {
    async send(command: Parameters<DynamoDBClient['send']>[0]) {
      if (command instanceof DescribeTimeToLiveCommand) {
        return { TimeToLiveDescription: { TimeToLiveStatus: status } };
      }
      if (command instanceof UpdateTimeToLiveCommand) {
        if (status === 'ENABLED') {
          throw Object.assign(new Error('TimeToLive is already enabled'), {
            name: 'ValidationException',
          });
        }
        updates.push(command.input);
        status = 'ENABLED';
        return {};
      }
      return client.send(command);
    },
  } as unknown as DynamoDBClient;
  for (let run = 1; run <= 2; run += 1) {
    const { timeToLive } = await ensureTables(withTimeToLive, config);
    assert.deepEqual(timeToLive, { 'ttl-idempotency': 'enabled' }, `run ${run}`);
  }
  assert.deepEqual(updates, tableDefinitions(config).timeToLive);
  client.destroy();
});

/** The tasks table as the schema had it before index byUserCompletion. */
function tasksTableWithout(indexName: string, tableName: string): CreateTableCommandInput {
  const definition = tableDefinitions({
    tasksTable: tableName,
    reportsTable: 'unused-r',
    idempotencyTable: 'unused-i',
  }).tables[0]!;
  return {
    ...definition,
    GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes!.filter(
      (index) => index.IndexName !== indexName,
    ),
  };
}

test('on dynalite, a missing index of an existing table is reported, not silently skipped', async () => {
  const { config, client } = tablesNamed('old');
  await client.send(
    new CreateTableCommand(tasksTableWithout(TASK_INDEX.byUserCompletion, 'old-tasks')),
  );
  await assert.rejects(
    ensureTables(client, config),
    (error: unknown) =>
      error instanceof IndexNotAddedError &&
      error.tableName === 'old-tasks' &&
      error.indexName === TASK_INDEX.byUserCompletion,
  );
  client.destroy();
});

/**
 * DynamoDB adds an index to an existing table and backfills it (CREATING, then ACTIVE). No
 * server that does so runs here (dynalite cannot, LocalStack's image is not available), so this
 * stands in for DynamoDB's answers to DescribeTable and UpdateTable, and checks the requests.
 */
test('addMissingIndexes asks DynamoDB for each missing index and waits until it is ACTIVE', async () => {
  const definition = tasksTableWithout('none', 'tasks');
  const present = definition.GlobalSecondaryIndexes!.filter(
    (index) => index.IndexName !== TASK_INDEX.byUserCompletion,
  );
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  let describes = 0;
  let created = false;
  const statuses = ['CREATING', 'CREATING', 'ACTIVE'];
  const standIn = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command.constructor.name === 'UpdateTableCommand') {
        created = true;
        return {};
      }
      describes += 1;
      return {
        Table: {
          GlobalSecondaryIndexes: [
            ...present.map((index) => ({ IndexName: index.IndexName, IndexStatus: 'ACTIVE' })),
            ...(created
              ? [
                  {
                    IndexName: TASK_INDEX.byUserCompletion,
                    IndexStatus: statuses.shift() ?? 'ACTIVE',
                  },
                ]
              : []),
          ],
        },
      };
    },
  } as unknown as DynamoDBClient;
  const added = await addMissingIndexes(standIn, definition, { pollMs: 0 });
  assert.deepEqual(added, [TASK_INDEX.byUserCompletion]);
  const update = sent.find((c) => c.name === 'UpdateTableCommand')!;
  assert.deepEqual(update.input, {
    TableName: 'tasks',
    AttributeDefinitions: definition.AttributeDefinitions,
    GlobalSecondaryIndexUpdates: [
      {
        Create: definition.GlobalSecondaryIndexes!.find(
          (index) => index.IndexName === TASK_INDEX.byUserCompletion,
        ),
      },
    ],
  });
  assert.ok(describes >= 4, 'polled until ACTIVE');
  // With every index in place, nothing is sent but a look.
  sent.length = 0;
  assert.deepEqual(await addMissingIndexes(standIn, definition, { pollMs: 0 }), []);
  assert.deepEqual(
    sent.map((c) => c.name),
    definition.GlobalSecondaryIndexes!.map(() => 'DescribeTableCommand'),
  );
});
