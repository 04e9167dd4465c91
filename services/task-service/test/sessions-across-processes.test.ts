/**
 * Sessions need no session store: a cookie sealed by one task-service is read by any other that
 * holds the same key, so it survives a restart and works across replicas. The real lifecycle
 * (server.ts, configuration from the environment), two at once on their own ports.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import {
  createTestTables,
  SESSION_COOKIE,
  startDynalite,
  type DynaliteServer,
  type TestIdentity,
  type TestTables,
} from '@task-manager/testing';
import { runService, type RunningForTest } from './support/running-service.ts';
import { newTask, testIdentity } from './support/test-service.ts';

let dynamo: DynaliteServer;
let tables: TestTables;
let identity: TestIdentity;
const running: RunningForTest[] = [];

before(async () => {
  dynamo = await startDynalite();
  tables = await createTestTables(dynamo.endpoint);
  identity = await testIdentity();
});
after(async () => {
  for (const service of running) await service.stop();
  await dynamo?.stop();
});

async function start(): Promise<RunningForTest> {
  // The same SESSION_KEYS for every instance, as a Secret gives every replica.
  const service = await runService(tables, { SESSION_KEYS: identity.env.SESSION_KEYS! });
  running.push(service);
  return service;
}

const asSession = (cookie: string) => ({
  Cookie: `${SESSION_COOKIE}=${cookie}`,
  Origin: identity.env.PUBLIC_URL!,
});

test('a session survives a restart of task-service', async () => {
  const first = await start();
  const cookie = await identity.signIn(first.baseUrl, 'gina');
  await request(first.baseUrl)
    .post('/api/tasks')
    .set(asSession(cookie))
    .send(newTask())
    .expect(201);
  assert.equal(await first.stop(), 'graceful');

  const second = await start();
  const response = await request(second.baseUrl)
    .get('/api/tasks')
    .set(asSession(cookie))
    .expect(200);
  assert.equal(response.body.items.length, 1);
});

test('one session works on two task-service processes sharing the key', async () => {
  const [one, two] = [await start(), await start()];
  const cookie = await identity.signIn(one.baseUrl, 'hana');
  const created = await request(two.baseUrl)
    .post('/api/tasks')
    .set(asSession(cookie))
    .send(newTask({ title: 'made on two' }))
    .expect(201);
  const read = await request(one.baseUrl)
    .get(`/api/tasks/${created.body.taskId}`)
    .set(asSession(cookie))
    .expect(200);
  assert.equal(read.body.title, 'made on two');
  await request(two.baseUrl)
    .get('/api/me')
    .set(asSession(cookie))
    .expect(200, { userId: 'hana', name: 'hana', isAdmin: false });
});
