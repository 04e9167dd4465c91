/**
 * DynamoDB going away and coming back, against the real service lifecycle: requests answer
 * 503 JSON (never 500, never a hang), the probes follow, the process stays up, and service
 * resumes by itself. dynalite keeps its data on disk here, so a restart loses nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ensureTables } from '@task-manager/task-store';
import {
  createTestTables,
  eventually,
  startDynalite,
  startFaultProxy,
  type DynaliteServer,
  type TestTables,
} from '@task-manager/testing';
import { runService } from './support/running-service.ts';
import { as, ALICE, newTask } from './support/test-service.ts';

let dataDir: string;
let dynamo: DynaliteServer;
let tables: TestTables;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'task-service-outage-'));
  dynamo = await startDynalite({ path: dataDir });
  tables = await createTestTables(dynamo.endpoint);
});
after(async () => {
  await dynamo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function probe(baseUrl: string, name: string): Promise<number> {
  return (await request(baseUrl).get(`/health/${name}`)).status;
}

describe('DynamoDB stopped', () => {
  test('503 JSON while it is down, probes follow, and everything recovers', async () => {
    const service = await runService(tables);
    try {
      await eventually(async () => assert.equal(await probe(service.baseUrl, 'startup'), 200));
      assert.equal(await probe(service.baseUrl, 'readiness'), 200);
      const created = await request(service.baseUrl)
        .post('/api/tasks')
        .set(as(ALICE))
        .send(newTask({ title: 'survives the outage' }))
        .expect(201);
      const path = `/api/tasks/${created.body.taskId}`;

      await dynamo.stop();
      const requests = [
        request(service.baseUrl).get(path),
        request(service.baseUrl).get('/api/tasks'),
        request(service.baseUrl).post('/api/tasks').send(newTask()),
        request(service.baseUrl).patch(path).send({ done: true }),
        request(service.baseUrl).delete(path),
      ];
      for (const pending of requests) {
        const response = await pending.set(as(ALICE)).set('X-Request-Id', 'outage-1');
        assert.equal(response.status, 503);
        assert.match(response.headers['content-type'] ?? '', /^application\/json/);
        assert.deepEqual(response.body, {
          error: 'the task store is unavailable, try again shortly',
          details: [],
        });
        assert.equal(response.headers['retry-after'], '5');
      }
      // Validation still answers without DynamoDB, and still writes nothing.
      await request(service.baseUrl)
        .post('/api/tasks')
        .set(as(ALICE))
        .send({ title: '' })
        .expect(400);

      await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 503));
      const readiness = await request(service.baseUrl).get('/health/readiness');
      assert.equal(readiness.body.status, 'unavailable');
      assert.match(readiness.body.error, /tasks table is not reachable/);
      assert.equal(await probe(service.baseUrl, 'liveness'), 200);
      assert.equal(await probe(service.baseUrl, 'startup'), 200, 'startup stays done');

      await dynamo.start();
      await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 200));
      const after = await request(service.baseUrl).get(path).set(as(ALICE)).expect(200);
      assert.equal(after.body.title, 'survives the outage');
      assert.equal(after.body.done, false, 'the failed PATCH changed nothing');

      // Each failed request was logged once, as an error with its request id and cause.
      const failures = service.logs.lines.filter(
        (line) => line.requestId === 'outage-1' && line.status === 503,
      );
      assert.equal(failures.length, requests.length);
      for (const line of failures) {
        assert.equal(line.level, 'error');
        assert.ok((line.err as { type?: string } | undefined)?.type, 'the cause is logged');
      }
      assert.ok(
        service.logs.lines.some((line) => line.msg === 'tasks table unreachable: not ready'),
      );
    } finally {
      await service.stop();
      if (!dynamo.running) await dynamo.start();
    }
  });

  test('startup and readiness wait for the first successful table check', async () => {
    await dynamo.stop();
    const service = await runService(tables);
    try {
      assert.equal(await probe(service.baseUrl, 'liveness'), 200);
      // Several checks fail while DynamoDB is down; startup stays 503 throughout.
      await eventually(() =>
        assert.ok(
          service.logs.lines.some((line) => line.msg === 'tasks table unreachable: not ready'),
        ),
      );
      const startup = await request(service.baseUrl).get('/health/startup').expect(503);
      assert.equal(startup.body.status, 'unavailable');
      assert.equal(await probe(service.baseUrl, 'readiness'), 503);

      await dynamo.start();
      await eventually(async () => assert.equal(await probe(service.baseUrl, 'startup'), 200));
      assert.equal(await probe(service.baseUrl, 'readiness'), 200);

      // The wait is logged by the readiness monitor; the probes' 503s are answers, logged at
      // debug level only (below this logger's info), and no errors.
      assert.ok(!service.logs.lines.some((line) => String(line.route).startsWith('/health/')));
      assert.ok(!service.logs.lines.some((line) => line.level === 'error'));
    } finally {
      await service.stop();
      if (!dynamo.running) await dynamo.start();
    }
  });
});

describe('DynamoDB hanging', () => {
  test(
    'a call that gets no answer ends in 503 after the configured timeout, then recovers',
    {
      timeout: 30_000,
    },
    async () => {
      const proxy = await startFaultProxy(dynamo.endpoint);
      const service = await runService(tables, {
        DYNAMODB_ENDPOINT: proxy.endpoint,
        DYNAMODB_TIMEOUT_MS: '300',
        DYNAMODB_MAX_ATTEMPTS: '2',
      });
      try {
        await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 200));
        proxy.stall = true;
        const response = await request(service.baseUrl)
          .get('/api/tasks')
          .set(as(ALICE))
          .expect(503);
        assert.equal(response.body.error, 'the task store is unavailable, try again shortly');
        const logged = service.logs.lines.find(
          (line) => line.status === 503 && line.requestId === response.headers['x-request-id'],
        );
        const cause = logged?.err as { name?: string; $metadata?: { attempts?: number } };
        assert.equal(cause.name, 'TimeoutError');
        assert.equal(cause.$metadata?.attempts, 2, 'bounded: DYNAMODB_MAX_ATTEMPTS attempts');
        await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 503));

        proxy.stall = false;
        await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 200));
        await request(service.baseUrl).get('/api/tasks').set(as(ALICE)).expect(200);
      } finally {
        await service.stop();
        await proxy.close();
      }
    },
  );
});

describe('tables gone and created again (what a LocalStack restart does)', () => {
  test('readiness goes false while the table is missing and true once it is back, with no restart', async () => {
    const fresh = await createTestTables(dynamo.endpoint);
    const service = await runService(fresh);
    try {
      await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 200));

      for (const TableName of [fresh.config.tasksTable, fresh.config.reportsTable]) {
        await fresh.clients.client.send(new DeleteTableCommand({ TableName }));
      }
      await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 503));
      const readiness = await request(service.baseUrl).get('/health/readiness');
      assert.match(readiness.body.error, /ResourceNotFoundException/);
      await request(service.baseUrl).post('/api/tasks').set(as(ALICE)).send(newTask()).expect(503);

      await ensureTables(fresh.clients.client, fresh.config);
      await eventually(async () => assert.equal(await probe(service.baseUrl, 'readiness'), 200));
      await request(service.baseUrl).post('/api/tasks').set(as(ALICE)).send(newTask()).expect(201);
      assert.equal(await probe(service.baseUrl, 'startup'), 200, 'startup stays done');
    } finally {
      await service.stop();
    }
  });
});
