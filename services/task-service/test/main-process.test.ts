/**
 * The built program, as a container runs it: `node dist/main.js` in a child process, with
 * real signals and real exit codes. `npm run build` must have run first (the root `npm test`
 * builds before testing); a missing or stale build fails here with that instruction.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import request from 'supertest';
import {
  assertBuilt,
  createTestTables,
  startDynalite,
  startFaultProxy,
  startOtlpReceiver,
  eventually,
  type DynaliteServer,
  type FaultProxy,
  type TestTables,
} from '@task-manager/testing';
import { CONTRACT_FILE } from '../src/contract-file.ts';
import { SHUTDOWN_BEGUN_MESSAGE } from '../src/server.ts';
import {
  BUILT_MAIN,
  spawnService,
  startService,
  type ServiceProcess,
} from './support/service-process.ts';
import { newTraceparent } from './support/traces.ts';
import { as, ALICE, newTask, testIdentity } from './support/test-service.ts';

/** The settings that trust the test identity provider, filled in before the first test. */
let identityEnv: Record<string, string> = {};

let dynamo: DynaliteServer;
let tables: TestTables;
let proxy: FaultProxy;
before(async () => {
  // The bundle the image runs: built by `npm run build`, never stale.
  assertBuilt(['@task-manager/task-service']);
  identityEnv = (await testIdentity()).env;
  dynamo = await startDynalite();
  tables = await createTestTables(dynamo.endpoint);
  proxy = await startFaultProxy(dynamo.endpoint);
});
after(async () => {
  await proxy?.close();
  await dynamo?.stop();
});

/** Holds every DynamoDB call from now until the test sets `proxy.stall = false` or ends. */
function stallDynamo(t: TestContext): void {
  proxy.stall = true;
  t.after(() => {
    proxy.stall = false;
  });
}

/** Waits for the child's shutdown to begin (not ready, no new connections); its log line. */
function shutdownBegun(child: ServiceProcess): Promise<Record<string, unknown>> {
  return eventually(() => {
    const line = child.logs.find(({ msg }) => msg === SHUTDOWN_BEGUN_MESSAGE);
    assert.ok(line, 'the shutdown has begun');
    return line;
  });
}

describe('node dist/main.js', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} while a slow request is in flight: the request is answered, exit 0`, async (t) => {
      const child = await startService(BUILT_MAIN, {
        ...identityEnv,
        ...tables.env,
        DYNAMODB_ENDPOINT: proxy.endpoint,
        DYNAMODB_TIMEOUT_MS: '5000',
      });
      t.after(() => child.process.kill('SIGKILL'));
      const created = await request(child.baseUrl)
        .post('/api/tasks')
        .set(as(ALICE))
        .send(newTask({ title: `before ${signal}` }))
        .expect(201);

      // The next request's DynamoDB call is held: the request stays in flight until released.
      stallDynamo(t);
      const slow = request(child.baseUrl)
        .get(`/api/tasks/${created.body.taskId}`)
        .set(as(ALICE))
        .set('X-Request-Id', `slow-${signal}`)
        .then((response) => response);
      await eventually(() => assert.ok(proxy.heldCalls.includes('GetItem')));
      child.process.kill(signal);
      assert.equal((await shutdownBegun(child)).inFlight, 1);
      proxy.stall = false;

      const response = await slow;
      assert.equal(response.status, 200);
      assert.equal(response.body.title, `before ${signal}`);
      assert.deepEqual(await child.exited, { code: 0, signal: null });

      const messages = child.logs.map((line) => line.msg);
      assert.ok(messages.includes('signal received, shutting down'));
      assert.equal(messages.at(-1), 'task-service stopped', 'logs are flushed before exit');
      const requestLine = child.logs.find((line) => line.requestId === `slow-${signal}`);
      assert.equal(requestLine?.status, 200);
      assert.equal(child.stderr(), '');
    });
  }

  test('serves its contract, found beside the bundle', async (t) => {
    const child = await startService(BUILT_MAIN, { ...identityEnv, ...tables.env });
    t.after(() => child.process.kill('SIGKILL'));
    const response = await request(child.baseUrl).get('/api/openapi.yaml').buffer(true);
    assert.equal(response.status, 200);
    assert.ok(response.text === readFileSync(CONTRACT_FILE, 'utf8'), 'not openapi.yaml');
  });

  /** Starts the program with a list request held in flight: its DynamoDB call gets no answer. */
  async function startWithRequestHeld(t: TestContext, env: Record<string, string> = {}) {
    const child = await startService(BUILT_MAIN, {
      ...identityEnv,
      ...tables.env,
      DYNAMODB_ENDPOINT: proxy.endpoint,
      DYNAMODB_TIMEOUT_MS: '30000',
      ...env,
    });
    t.after(() => child.process.kill('SIGKILL'));
    stallDynamo(t);
    const held = request(child.baseUrl)
      .get('/api/tasks')
      .set(as(ALICE))
      .then(
        () => 'answered',
        () => 'connection closed',
      );
    await eventually(() => assert.ok(proxy.heldCalls.includes('Query')));
    return { child, held };
  }

  test('a shutdown that has to cut a request at SHUTDOWN_TIMEOUT_MS exits 1', async (t) => {
    const { child, held } = await startWithRequestHeld(t, { SHUTDOWN_TIMEOUT_MS: '300' });
    child.process.kill('SIGTERM');
    assert.deepEqual(await child.exited, { code: 1, signal: null });
    assert.equal(await held, 'connection closed');
    const stopped = child.logs.find((line) => line.msg === 'task-service stopped');
    assert.equal(stopped?.outcome, 'forced');
  });

  test('a second signal exits at once, non-zero, without waiting', async (t) => {
    const { child, held } = await startWithRequestHeld(t);
    child.process.kill('SIGTERM');
    await eventually(() =>
      assert.ok(child.logs.some((line) => line.msg === 'signal received, shutting down')),
    );
    child.process.kill('SIGTERM');
    assert.deepEqual(await child.exited, { code: 143, signal: null });
    assert.equal(await held, 'connection closed');
    assert.ok(child.logs.some((line) => String(line.msg).startsWith('second signal')));
  });

  test('bad configuration: one clear message naming every bad value, exit 1', async () => {
    const child = spawnService(BUILT_MAIN, {
      ...identityEnv,
      ...tables.env,
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DYNAMODB_TIMEOUT_MS: '-5',
      ADMIN_USERS: 'admin, not valid',
      PUBLIC_URL: 'http://tasks.example.com',
      SESSION_KEYS: 'too-short',
    });
    assert.deepEqual(await child.exited, { code: 1, signal: null });
    const lines = child.stderr().trim().split('\n');
    assert.equal(lines.length, 1, child.stderr());
    const { level, msg } = JSON.parse(lines[0]!) as { level: string; msg: string };
    assert.equal(level, 'fatal');
    for (const name of [
      'PORT',
      'LOG_LEVEL',
      'DYNAMODB_TIMEOUT_MS',
      'ADMIN_USERS',
      'PUBLIC_URL',
      'SESSION_KEYS',
    ]) {
      assert.match(msg, new RegExp(name));
    }
    assert.doesNotMatch(msg, /too-short/, 'a secret value is never printed');
    assert.deepEqual(child.logs, []);
  });

  test('a failure to start (port taken) is logged and exits 1', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const { port } = blocker.address() as AddressInfo;
      const child = spawnService(BUILT_MAIN, {
        ...identityEnv,
        ...tables.env,
        PORT: String(port),
        HOST: '127.0.0.1',
      });
      assert.deepEqual(await child.exited, { code: 1, signal: null });
      const fatal = child.logs.find((line) => line.level === 'fatal');
      assert.equal(fatal?.msg, 'task-service failed to start');
      assert.equal((fatal?.err as { code?: string } | undefined)?.code, 'EADDRINUSE');
    } finally {
      blocker.close();
    }
  });
});

describe('node dist/main.js with tracing on', () => {
  test('SIGTERM while a slow request is in flight: answered, its spans exported at shutdown, exit 0', async (t) => {
    const receiver = await startOtlpReceiver();
    t.after(() => receiver.close());
    const child = await startService(BUILT_MAIN, {
      ...identityEnv,
      ...tables.env,
      DYNAMODB_ENDPOINT: proxy.endpoint,
      DYNAMODB_TIMEOUT_MS: '5000',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // No export on a schedule during the test: only the shutdown's flush can deliver them.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    t.after(() => child.process.kill('SIGKILL'));

    stallDynamo(t);
    const trace = newTraceparent();
    const slow = request(child.baseUrl)
      .get('/api/tasks')
      .set(as(ALICE))
      .set('traceparent', trace.header)
      .then((response) => response);
    await eventually(() => assert.ok(proxy.heldCalls.includes('Query')));
    child.process.kill('SIGTERM');
    assert.equal((await shutdownBegun(child)).inFlight, 1);
    proxy.stall = false;

    assert.equal((await slow).status, 200);
    assert.deepEqual(await child.exited, { code: 0, signal: null });
    assert.equal(child.logs.at(-1)?.msg, 'task-service stopped', 'and no complaint about spans');
    assert.equal(child.stderr(), '');
    const spans = receiver.spans.filter((span) => span.traceId === trace.traceId);
    assert.deepEqual(spans.map((span) => span.name).sort(), ['DynamoDB.Query', 'GET /api/tasks']);
  });

  test('SIGTERM with a collector that never answers: exit 0 once the flush deadline passes, and the log says so', async (t) => {
    const receiver = await startOtlpReceiver();
    receiver.hold = true;
    t.after(() => receiver.close());
    const child = await startService(BUILT_MAIN, {
      ...identityEnv,
      ...tables.env,
      DYNAMODB_ENDPOINT: proxy.endpoint,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    t.after(() => child.process.kill('SIGKILL'));
    await request(child.baseUrl).post('/api/tasks').set(as(ALICE)).send(newTask()).expect(201);

    child.process.kill('SIGTERM');
    assert.deepEqual(await child.exited, { code: 0, signal: null });
    const messages = child.logs.map((line) => line.msg);
    assert.equal(messages.at(-2), 'task-service stopped');
    assert.deepEqual(child.logs.at(-1), {
      ...child.logs.at(-1),
      level: 'warn',
      outcome: 'timed out',
      msg: 'the last spans could not be exported before exit',
    });
    assert.equal(receiver.requests.length, 1, 'the spans were sent, and left unanswered');
  });
});
