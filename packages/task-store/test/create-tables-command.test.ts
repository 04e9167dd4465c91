/**
 * The `create-tables` command as the init containers run it, as a real process against a real
 * DynamoDB API (dynalite) that is not listening yet when it starts: it must wait, log each wait,
 * and create the tables once DynamoDB answers — or give up clearly at its deadline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { eventually, spawnChild, dynaliteForFile } from '@task-manager/testing';
import { backoffDelay, createDynamoClients, loadDynamoConfig } from '../src/index.ts';

const COMMAND = new URL('../src/bin/create-tables.ts', import.meta.url).pathname;

const dynamo = dynaliteForFile();

type Line = Record<string, unknown>;

interface Run {
  /** The JSON lines it has written so far. */
  stdout(): Line[];
  stderr(): Line[];
  exitCode: Promise<number | null>;
}

function runCreateTables(env: Record<string, string>): Run {
  const child = spawnChild({
    name: 'create-tables',
    command: process.execPath,
    args: ['--conditions=development', COMMAND],
    env,
    keepOutput: true,
  });
  const parsed = (stream: 'stdout' | 'stderr') =>
    child.output(stream).map((line) => JSON.parse(line) as Line);
  return {
    stdout: () => parsed('stdout'),
    stderr: () => parsed('stderr'),
    exitCode: child.finished.then(({ code }) => code),
  };
}

const waits = (run: Run) => run.stdout().filter((line) => line.level === 'warn');

/** Short SDK timeouts so each attempt against a closed port fails fast. */
const FAST_FAILING = { DYNAMODB_TIMEOUT_MS: '500', DYNAMODB_MAX_ATTEMPTS: '1' };

test(
  'waits for DynamoDB to start, logging each wait, then creates the tables',
  { timeout: 90_000 },
  async () => {
    await dynamo.stop();
    const run = runCreateTables({
      ...FAST_FAILING,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      TASKS_TABLE: 'waited-tasks',
      REPORTS_TABLE: 'waited-reports',
      IDEMPOTENCY_TABLE: 'waited-keys',
      CREATE_TABLES_WAIT_SECONDS: '120',
    });
    try {
      // Two failed attempts prove it is waiting rather than failing; then DynamoDB comes up.
      await eventually(() => assert.ok(waits(run).length >= 2), { timeoutMs: 30_000 });
    } finally {
      await dynamo.start();
    }
    assert.equal(await run.exitCode, 0, JSON.stringify(run.stderr()));

    const logged = waits(run);
    assert.deepEqual(
      logged.map((line) => [line.attempt, line.delayMs]),
      logged.map((_, index) => [index + 1, backoffDelay(index + 1)]),
      'one line per wait, naming the attempt and the delay',
    );
    for (const line of logged) {
      assert.equal(line.endpoint, dynamo.endpoint);
      assert.match(String(line.error), /ECONNREFUSED/, 'the line names the error');
    }
    assert.deepEqual(run.stdout().at(-1), {
      level: 'info',
      msg: 'tables ready',
      tables: { 'waited-tasks': 'created', 'waited-reports': 'created', 'waited-keys': 'created' },
      // dynalite has no TTL, and says so.
      timeToLive: { 'waited-keys': 'unsupported' },
    });

    const { client } = createDynamoClients(
      loadDynamoConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint }),
    );
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'waited-tasks' }));
    assert.equal(Table?.TableStatus, 'ACTIVE');
    client.destroy();
  },
);

test(
  'gives up at CREATE_TABLES_WAIT_SECONDS with a message naming the endpoint and the error',
  { timeout: 60_000 },
  async () => {
    await dynamo.stop();
    try {
      const run = runCreateTables({
        ...FAST_FAILING,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        CREATE_TABLES_WAIT_SECONDS: '1',
      });
      assert.equal(await run.exitCode, 1);
      const [failure, ...more] = run.stderr();
      assert.deepEqual(more, []);
      assert.equal(failure?.msg, 'create-tables failed');
      const message = String(failure?.error);
      const attempts = new RegExp(
        `^DynamoDB at ${dynamo.endpoint} did not answer within 1 s \\(CREATE_TABLES_WAIT_SECONDS; (\\d+) attempts\\); last error: .*ECONNREFUSED`,
      ).exec(message)?.[1];
      assert.ok(attempts, message);
      // Every failed attempt but the last was followed by a wait, each logged. How many there
      // were depends on how fast this machine is: the count is the one the command reports.
      assert.deepEqual(
        waits(run).map((line) => line.attempt),
        Array.from({ length: Number(attempts) - 1 }, (_, index) => index + 1),
      );
      assert.ok(waits(run).every((line) => /ECONNREFUSED/.test(String(line.error))));
    } finally {
      await dynamo.start();
    }
  },
);

test('a bad setting stops it at once, naming the variable', async () => {
  const run = runCreateTables({
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    CREATE_TABLES_WAIT_SECONDS: 'soon',
  });
  assert.equal(await run.exitCode, 1);
  assert.match(String(run.stderr()[0]?.error), /CREATE_TABLES_WAIT_SECONDS must be an integer/);
  assert.deepEqual(run.stdout(), []);
});
