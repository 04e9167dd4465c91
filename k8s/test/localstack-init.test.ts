/**
 * LocalStack's init hook (localstack/init/create-tables.sh) recreates the tables on every start,
 * and task-service becomes ready again. It runs under sh with a stand-in `awslocal` against
 * dynalite (localstack/README.md says what that leaves unproven).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  createDynamoClients,
  ensureTables,
  loadDynamoConfig,
  TaskRepository,
} from '@task-manager/task-store';
import {
  eventually,
  startDynalite,
  startTestIdentity,
  type DynaliteServer,
} from '@task-manager/testing';
import {
  localstackTableFiles,
  TABLES_DIR,
  TIME_TO_LIVE_SUFFIX,
} from '../../scripts/localstack-tables.ts';
import { loadConfig } from '../../services/task-service/src/config.ts';
import { createLogger } from '../../services/task-service/src/logger.ts';
import { startTaskService } from '../../services/task-service/src/server.ts';
import * as k from './support/kube.ts';
import { runScript, standin } from './support/standin.ts';

const HOOK = 'localstack/init/create-tables.sh';
const READY_D = '/etc/localstack/init/ready.d';
const TABLE_FILES = Object.keys(localstackTableFiles()).sort();
const TIME_TO_LIVE_FILES = TABLE_FILES.filter((name) => name.endsWith(TIME_TO_LIVE_SUFFIX));
const DEFINITION_FILES = TABLE_FILES.filter((name) => !TIME_TO_LIVE_FILES.includes(name));
const TABLES = DEFINITION_FILES.map((name) => path.basename(name, '.json'));

function localstack() {
  const objects = k.renderDirectory('localstack');
  const [configMap, ...more] = k.generatedConfigMaps(objects, 'localstack-init');
  assert.ok(configMap && more.length === 0, 'one generated ConfigMap localstack-init-<hash>');
  const { pod } = k.workload(objects, 'localstack');
  return { configMap, pod, container: pod.containers[0]! };
}

describe('the generated table definitions', () => {
  test('the committed files are exactly what the schema produces (npm run generate:localstack-tables)', () => {
    const expected = localstackTableFiles();
    assert.deepEqual(fs.readdirSync(k.fromRoot(TABLES_DIR)).sort(), Object.keys(expected).sort());
    for (const [name, contents] of Object.entries(expected)) {
      assert.equal(k.readText(`${TABLES_DIR}/${name}`), contents, name);
    }
  });

  test('they name the tables the apps use in the cluster, and TTL for the idempotency keys', () => {
    for (const variant of ['local', 'dev'] as const) {
      const config = k.appConfig(k.render(variant));
      const used = [config.TASKS_TABLE, config.REPORTS_TABLE, config.IDEMPOTENCY_TABLE];
      assert.deepEqual(TABLES, used.sort(), variant);
      assert.deepEqual(TIME_TO_LIVE_FILES, [`${config.IDEMPOTENCY_TABLE}${TIME_TO_LIVE_SUFFIX}`]);
    }
  });
});

describe('the LocalStack manifests', () => {
  test('the ConfigMap carries the hook and every definition, byte for byte', () => {
    const { configMap } = localstack();
    assert.deepEqual(configMap.data, {
      'create-tables.sh': k.readText(HOOK),
      ...localstackTableFiles(),
    });
  });

  test('the hook alone is mounted in ready.d, executable; the definitions at its TABLES_DIR', () => {
    const { configMap, pod, container } = localstack();
    const volume = pod.volumes?.find((v) => v.configMap?.name === configMap.metadata.name);
    assert.ok(volume, 'a volume of the localstack-init ConfigMap');
    assert.equal(volume.configMap?.defaultMode, 0o555, 'r-x for everyone: LocalStack execs it');
    const mounts = (container.volumeMounts ?? []).filter((m) => m.name === volume.name);
    const hook = mounts.find((m) => m.mountPath.startsWith(`${READY_D}/`));
    // By subPath: a whole ConfigMap volume in ready.d would also expose the copy in its hidden
    // ..<timestamp> directory, which LocalStack's recursive walk would run a second time.
    assert.deepEqual(
      { mountPath: hook?.mountPath, subPath: hook?.subPath, readOnly: hook?.readOnly },
      { mountPath: `${READY_D}/create-tables.sh`, subPath: 'create-tables.sh', readOnly: true },
    );
    const tablesDir = /^TABLES_DIR=\$\{TABLES_DIR:-([^}]+)\}$/m.exec(k.readText(HOOK))?.[1];
    const definitions = mounts.find((m) => m.mountPath === tablesDir);
    assert.ok(
      definitions && !definitions.subPath && definitions.readOnly,
      `mounted at ${tablesDir}`,
    );
  });

  test('the hook in the repository is executable and starts with a shebang, as LocalStack needs', () => {
    assert.match(k.readText(HOOK), /^#!\/bin\/sh\n/);
    assert.equal(fs.statSync(k.fromRoot(HOOK)).mode & 0o555, 0o555);
  });

  test('one DynamoDB database for every region, so the hook needs no AWS_REGION', () => {
    const env = localstack().container.env ?? [];
    assert.equal(env.find((e) => e.name === 'DYNAMODB_SHARE_DB')?.value, '1');
  });
});

type HookCall = { args: string[]; accessKeyId?: string; region?: string };

describe('the hook, run with a stand-in awslocal against dynalite', () => {
  let dynamo: DynaliteServer;
  before(async () => {
    dynamo = await startDynalite();
  });
  after(() => dynamo.stop());

  const runHook = () =>
    runScript<HookCall>(
      HOOK,
      { awslocal: standin('awslocal-standin.ts') },
      { TABLES_DIR: k.fromRoot(TABLES_DIR), STANDIN_DYNAMODB_ENDPOINT: dynamo.endpoint },
    );

  const dynamoConfig = () => loadDynamoConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint });

  test('creates every table with one create-table call per definition, then turns on TTL', async () => {
    const result = await runHook();
    assert.equal(result.code, 0, result.stderr);
    const call = (operation: string) => (file: string) => {
      const input = `file://${k.fromRoot(TABLES_DIR, file)}`;
      return ['dynamodb', operation, '--cli-input-json', input];
    };
    const expected = [
      ...DEFINITION_FILES.map(call('create-table')),
      ...TIME_TO_LIVE_FILES.map(call('update-time-to-live')),
    ];
    const args = result.calls.map((call) => call.args);
    assert.deepEqual(args, expected);
    assert.match(result.stdout, /time to live on for task-idempotency-keys\b/);
    for (const call of result.calls) {
      assert.ok(call.accessKeyId && call.region, 'awslocal gets credentials and a region');
    }
    for (const table of TABLES)
      assert.match(result.stdout, new RegExp(`created table ${table}\\b`));
  });

  test('the tables are the ones create-tables makes, and they work', async () => {
    const config = dynamoConfig();
    const { client, doc } = createDynamoClients(config);
    try {
      // create-tables finds them in place...
      const { tables } = await ensureTables(client, config);
      assert.deepEqual(tables, Object.fromEntries(TABLES.map((name) => [name, 'exists'])));
      // ...identical, keys and indexes, to what it creates itself.
      const reference = {
        tasksTable: 'reference-tasks',
        reportsTable: 'reference-reports',
        idempotencyTable: 'reference-idempotency-keys',
      };
      await ensureTables(client, reference);
      const shape = async (name: string) => {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, BillingModeSummary } =
          Table as TableDescription;
        return {
          KeySchema,
          AttributeDefinitions,
          BillingModeSummary: BillingModeSummary?.BillingMode,
          GlobalSecondaryIndexes: GlobalSecondaryIndexes?.map((i) => ({
            IndexName: i.IndexName,
            KeySchema: i.KeySchema,
            Projection: i.Projection,
          })),
        };
      };
      for (const key of Object.keys(reference) as Array<keyof typeof reference>) {
        assert.deepEqual(await shape(config[key]), await shape(reference[key]), key);
      }

      const tasks = new TaskRepository(doc, config.tasksTable);
      const created = await tasks.create('hook-user', {
        title: 'made in a hook-created table',
        contents: '',
        startAt: '2026-01-01T09:00:00+09:00',
      });
      const page = await tasks.list('hook-user', { status: 'all', limit: 10 });
      const titles = page.items.map((record) => record.task.title);
      assert.deepEqual(titles, ['made in a hook-created table']);
      assert.equal(page.items[0]?.task.taskId, created.task.taskId);
    } finally {
      client.destroy();
    }
  });

  test('running it again, with the tables in place, succeeds', async () => {
    const result = await runHook();
    assert.equal(result.code, 0, result.stderr);
    for (const table of TABLES) assert.match(result.stdout, new RegExp(`table ${table} exists`));
  });

  test('any other failure fails the hook (LocalStack marks it ERROR), naming the table', async () => {
    await dynamo.stop();
    try {
      const result = await runHook();
      assert.notEqual(result.code, 0);
      for (const table of TABLES) {
        const failed = new RegExp(`could not create table ${table}: \\s*Could not connect`);
        assert.match(result.stderr, failed);
      }
    } finally {
      await dynamo.start();
    }
  });

  test('after a LocalStack restart empties DynamoDB, the hook brings task-service back to ready', async () => {
    const identity = await startTestIdentity();
    const token = await identity.token('restart-user');
    const config = loadConfig({
      ...k.appConfig(k.render('local')),
      // The cluster's provider settings point into the cluster (the issuer, and its Service as
      // the back channel): trust a provider started here, reached at its issuer, instead.
      ...identity.env,
      OIDC_BACKCHANNEL_URL: undefined,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      DYNAMODB_TIMEOUT_MS: '500',
      DYNAMODB_MAX_ATTEMPTS: '1',
      READINESS_INTERVAL_MS: '100',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const logs: string[] = [];
    const sink = new PassThrough().on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const service = await startTaskService(config, createLogger('info', sink));
    const base = `http://127.0.0.1:${service.port}`;
    const status = async (url: string, init?: RequestInit) =>
      (await fetch(base + url, init)).status;
    const addTask = () =>
      status('/api/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ title: 'after the restart', startAt: '2026-01-01T09:00:00Z' }),
      });
    const poll = { timeoutMs: 30_000, intervalMs: 100 };
    const { client } = createDynamoClients(dynamoConfig());
    try {
      await eventually(async () => assert.equal(await status('/health/readiness'), 200), poll);

      // What a LocalStack restart leaves behind: a DynamoDB without the tables.
      for (const TableName of TABLES) await client.send(new DeleteTableCommand({ TableName }));
      await eventually(async () => assert.equal(await status('/health/readiness'), 503), poll);
      assert.equal(await addTask(), 503, 'no table: the API answers 503, it does not crash');

      // LocalStack is ready again and runs its ready.d hook.
      const hook = await runHook();
      assert.equal(hook.code, 0, hook.stderr);
      await eventually(async () => assert.equal(await status('/health/readiness'), 200), poll);
      assert.equal(await addTask(), 201);
      assert.equal(await status('/health/startup'), 200, 'the same process, never restarted');
      const recovered = /tasks table unreachable: not ready[\s\S]*tasks table reachable: ready/;
      assert.match(logs.join(''), recovered);
    } finally {
      client.destroy();
      await service.stop();
      await identity.close();
    }
  });
});
