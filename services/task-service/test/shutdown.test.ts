/**
 * Graceful shutdown of the real lifecycle in this process (the signal handling and exit
 * codes of the built program are in main-process.test.ts).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import {
  createTestTables,
  eventually,
  startDynalite,
  startFaultProxy,
  type DynaliteServer,
  type FaultProxy,
  type TestTables,
} from '@task-manager/testing';
import { SHUTDOWN_BEGUN_MESSAGE } from '../src/server.ts';
import { runService, type RunningForTest } from './support/running-service.ts';
import { as, ALICE } from './support/test-service.ts';

let dynamo: DynaliteServer;
let tables: TestTables;
let proxy: FaultProxy;
before(async () => {
  dynamo = await startDynalite();
  tables = await createTestTables(dynamo.endpoint);
  proxy = await startFaultProxy(dynamo.endpoint);
});
after(async () => {
  await proxy?.close();
  await dynamo?.stop();
});

async function startBehindProxy(env: Record<string, string> = {}): Promise<RunningForTest> {
  proxy.stall = false;
  const service = await runService(tables, {
    DYNAMODB_ENDPOINT: proxy.endpoint,
    DYNAMODB_TIMEOUT_MS: '5000',
    ...env,
  });
  await eventually(() => assert.equal(service.health.readiness.ok, true));
  return service;
}

interface Answer {
  response: IncomingMessage;
  body: string;
  socket: Socket;
}

function get(service: RunningForTest, path: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${service.baseUrl}${path}`,
      { headers: as(ALICE), ...(agent ? { agent } : {}) },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ response, body, socket: req.socket! }));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('in-flight requests finish, new connections are refused, readiness drops at once', async (t) => {
  const service = await startBehindProxy();
  t.after(() => service.stop());
  // Its DynamoDB call is held: the request stays in flight until the stall ends.
  proxy.stall = true;
  const arrived = once(service.server, 'request');
  const slow = get(service, '/api/tasks');
  await arrived;

  const stopping = service.stop();
  assert.deepEqual(service.health.readiness, { ok: false, reason: 'shutting down' });
  await assert.rejects(get(service, '/health/liveness'), { code: 'ECONNREFUSED' });
  // While the request is held, stop() waits for it (an already settled stop() would win).
  assert.equal(await Promise.race([stopping, Promise.resolve('still waiting')]), 'still waiting');

  proxy.stall = false;
  const { response, body } = await slow;
  assert.equal(response.statusCode, 200);
  assert.deepEqual(JSON.parse(body), { items: [], nextCursor: null });
  assert.equal(response.headers.connection, 'close', 'the client is told not to reuse it');
  assert.equal(await stopping, 'graceful');
});

test('idle keep-alive connections are closed instead of holding shutdown up', async () => {
  const service = await startBehindProxy();
  const agent = new Agent({ keepAlive: true });
  try {
    const { response, socket } = await get(service, '/health/liveness', agent);
    assert.equal(response.statusCode, 200);
    assert.equal(socket.destroyed, false, 'the connection stays open for reuse');
    const closed = once(socket, 'close');
    // Without closing idle connections this would wait for keepAliveTimeout (65 s) and be
    // forced; the test's own timeout would fail first.
    assert.equal(await service.stop(), 'graceful');
    await closed;
  } finally {
    agent.destroy();
    await service.stop();
  }
});

test('requests still running at SHUTDOWN_TIMEOUT_MS are cut and the outcome is forced', async (t) => {
  const service = await startBehindProxy({ SHUTDOWN_TIMEOUT_MS: '300' });
  t.after(() => service.stop());
  proxy.stall = true;
  const arrived = once(service.server, 'request');
  // Settled into a value at once: the connection may be cut before stop() resolves.
  const stuck = get(service, '/api/tasks').then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code,
  );
  await arrived;
  assert.equal(await service.stop(), 'forced');
  assert.equal(await stuck, 'ECONNRESET');
  assert.ok(service.logs.lines.some((line) => line.msg.startsWith('shutdown timeout reached')));
  // The cut request's line comes before the last one, though it is written after its connection.
  const messages = service.logs.lines.map((line) => line.msg);
  assert.ok(messages.includes('request aborted before the response was sent'));
  assert.equal(messages.at(-1), 'task-service stopped');
});

test('"task-service stopped" is logged after the line of every request it waited for', async () => {
  const service = await startBehindProxy();
  // Their DynamoDB calls are held, so every request is still running when stop() begins.
  proxy.stall = true;
  const requests = 20;
  let arrived = 0;
  const allArrived = new Promise<void>((resolve) =>
    service.server.on('request', () => {
      if (++arrived === requests) resolve();
    }),
  );
  const answers = Array.from({ length: requests }, () => get(service, '/api/tasks'));
  await allArrived;
  const stopping = service.stop();
  proxy.stall = false;
  assert.equal(await stopping, 'graceful');
  for (const { response } of await Promise.all(answers)) assert.equal(response.statusCode, 200);

  const messages = service.logs.lines.map((line) => line.msg);
  const begun = service.logs.lines.find(({ msg }) => msg === SHUTDOWN_BEGUN_MESSAGE);
  assert.equal(begun?.inFlight, requests, 'it waited for every one');
  assert.equal(messages.filter((msg) => msg === 'request completed').length, requests);
  assert.equal(messages.at(-1), 'task-service stopped');
});
