/**
 * What every response shares: request ids, one log line per request, errors logged once
 * and never leaked, metrics, security headers, unknown routes, probes, /api/me, and the contract
 * the service serves (exactly what the zod schemas and the description generate now).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import { describe, test } from 'node:test';
import request from 'supertest';
import { parse } from 'yaml';
import { eventually } from '@task-manager/testing';
import { renderOpenApiYaml } from '../openapi/generate.ts';
import {
  as,
  ALICE,
  BOB,
  createTask,
  createTestService,
  serviceForFile,
} from './support/test-service.ts';

const service = serviceForFile({ adminUsers: ['admin'] });

describe('request ids', () => {
  test('a well-formed X-Request-Id is echoed; otherwise one is generated', async () => {
    const kept = await request(service.app)
      .get('/health/liveness')
      .set('X-Request-Id', 'trace-0af7651916cd43dd')
      .expect(200);
    assert.equal(kept.headers['x-request-id'], 'trace-0af7651916cd43dd');
    for (const incoming of [undefined, 'has spaces', 'x'.repeat(200), 'line\tbreak']) {
      const req = request(service.app).get('/health/liveness');
      if (incoming !== undefined) req.set('X-Request-Id', incoming);
      const response = await req.expect(200);
      assert.match(response.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    }
  });
});

describe('request log', () => {
  test('one JSON line per request with method, route, status, duration and request id', async () => {
    const { task } = await createTask(service.app, ALICE);
    const before = service.logs.lines.length;
    await request(service.app)
      .get(`/api/tasks/${task.taskId}`)
      .set(as(ALICE))
      .set('X-Request-Id', 'log-line-1')
      .expect(200);
    const lines = service.logs.lines.slice(before);
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.equal(line.level, 'info');
    assert.equal(line.requestId, 'log-line-1');
    assert.equal(line.method, 'GET');
    assert.equal(line.route, '/api/tasks/:taskId');
    assert.equal(line.status, 200);
    assert.equal(line.userId, ALICE);
    assert.equal(typeof line.durationMs, 'number');
    assert.match(String(line.time), /^\d{4}-\d{2}-\d{2}T/);
    // Flat and small: no copy of the request's headers or of the response (pino-http's default).
    assert.deepEqual(Object.keys(line).sort(), [
      'durationMs',
      'level',
      'method',
      'msg',
      'path',
      'requestId',
      'route',
      'service',
      'status',
      'time',
      'userId',
    ]);
  });

  test('a request the client gives up on is logged once, as aborted, with its request id', async () => {
    const server = service.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const before = service.logs.lines.length;
      // The service is still reading the body when the client leaves.
      const socket = await postWithoutWholeBody(server, { 'X-Request-Id': 'aborted-1' });
      socket.destroy();
      const line = await eventually(() => {
        const found = service.logs.lines
          .slice(before)
          .filter((entry) => entry.requestId === 'aborted-1');
        assert.equal(found.length, 1);
        return found[0]!;
      });
      assert.equal(line.level, 'warn');
      assert.equal(line.msg, 'request aborted before the response was sent');
      assert.equal(line.aborted, true);
    } finally {
      server.close();
    }
  });

  test('a rejected request is logged once, with its error details and request id', async () => {
    const before = service.logs.lines.length;
    await request(service.app)
      .post('/api/tasks')
      .set(as(ALICE))
      .set('X-Request-Id', 'bad-input-1')
      .send({ title: '' })
      .expect(400);
    const lines = service.logs.lines.slice(before);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.requestId, 'bad-input-1');
    assert.equal(lines[0]!.status, 400);
    assert.equal(lines[0]!.error, 'invalid task');
    assert.deepEqual(
      (lines[0]!.details as { field: string }[]).map((detail) => detail.field).sort(),
      ['startAt', 'title'],
    );
  });

  test('an unexpected failure is a 500 without internals, logged once with its stack', async () => {
    // A stored item that breaks the data model (written around the API) makes reading it
    // fail inside the service: the client learns nothing of it, the log has everything.
    const { task } = await createTask(service.app, 'carol');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await service.tables.clients.doc.send(
      new UpdateCommand({
        TableName: service.tables.config.tasksTable,
        Key: { userId: 'carol', taskId: task.taskId },
        UpdateExpression: 'SET done = :corrupt',
        ExpressionAttributeValues: { ':corrupt': 'yes' },
      }),
    );
    const before = service.logs.lines.length;
    const response = await request(service.app)
      .get(`/api/tasks/${task.taskId}`)
      .set(as('carol'))
      .set('X-Request-Id', 'corrupt-1')
      .expect(500);
    assert.deepEqual(response.body, { error: 'internal error', details: [] });
    assert.doesNotMatch(response.text, /TaskItemError|at |\.ts/);
    const lines = service.logs.lines.slice(before);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.level, 'error');
    assert.equal(lines[0]!.requestId, 'corrupt-1');
    assert.match(String((lines[0]!.err as { stack?: string }).stack), /TaskItemError/);
  });

  test('probes log at debug level only', async () => {
    const before = service.logs.lines.length;
    await request(service.app).get('/health/readiness').expect(200);
    assert.deepEqual(
      service.logs.lines.slice(before).map((line) => line.level),
      ['debug'],
    );
  });
});

describe('metrics', () => {
  test('GET /metrics: request counts and latency by route and status, and process metrics', async () => {
    await request(service.app).get('/api/tasks').set(as(ALICE)).expect(200);
    await request(service.app).get('/api/tasks').expect(401);
    await request(service.app).get('/api/tasks/not-a-task').set(as(ALICE));
    const response = await request(service.app).get('/metrics').expect(200);
    assert.match(response.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
    const text = response.text;
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/api\/tasks",status_code="200"\} [1-9]/,
    );
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/api\/tasks",status_code="401"\} 1/,
    );
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/api\/tasks\/:taskId",status_code="404"\} 1/,
    );
    assert.match(
      text,
      /http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/tasks",status_code="200"\} \d+/,
    );
    assert.match(text, /process_cpu_user_seconds_total \d/);
    assert.match(text, /nodejs_eventloop_lag_seconds \d/);
    assert.doesNotMatch(text, /route="\/api\/tasks\/[0-9a-f]{8}-/, 'no per-id series');
  });
});

/**
 * Sends alice's POST /api/tasks with only the start of its body, and resolves once the service
 * has the request: it stays in flight until the client leaves (destroy the socket).
 */
async function postWithoutWholeBody(
  server: Server,
  extraHeaders: Record<string, string> = {},
): Promise<Socket> {
  const { port } = server.address() as AddressInfo;
  const arrived = once(server, 'request');
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const headers = Object.entries({ ...as(ALICE), ...extraHeaders })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(
    `POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: 1000\r\n${headers}\r\n{"title":`,
  );
  await arrived;
  return socket;
}

describe('metrics: requests in flight', () => {
  test('http_requests_in_flight counts a request until it ends, and the scrape itself', async () => {
    const scrape = async () => {
      const text = (await request(service.app).get('/metrics').expect(200)).text;
      return Number(/^http_requests_in_flight (\d+)$/m.exec(text)?.[1]);
    };
    // Only the scrape, once the earlier tests' requests have all ended.
    await eventually(async () => assert.equal(await scrape(), 1));
    const server = service.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      // The request waits for the rest of its body, in flight.
      const socket = await postWithoutWholeBody(server);
      assert.equal(await scrape(), 2);
      socket.destroy();
      await eventually(async () => assert.equal(await scrape(), 1));
    } finally {
      server.close();
      await once(server, 'close');
    }
  });
});

describe('routing and headers', () => {
  test('unknown routes answer 404 JSON, inside and outside /api', async () => {
    for (const path of ['/', '/api', '/api/task', '/api/tasks/x/y', '/favicon.ico']) {
      const response = await request(service.app)
        .get(path)
        .set(as(ALICE))
        .expect(404)
        .expect('Content-Type', /application\/json/);
      assert.deepEqual(response.body, { error: `no route for GET ${path}`, details: [] });
    }
  });

  test('a known path with an unsupported method answers 405 with Allow', async () => {
    const response = await request(service.app)
      .put('/api/tasks')
      .set(as(ALICE))
      .send({})
      .expect(405)
      .expect('Allow', 'GET, HEAD, POST');
    assert.equal(response.body.error, 'PUT is not supported here');
    await request(service.app).post('/health/liveness').expect(405).expect('Allow', 'GET, HEAD');
  });

  test('security headers are set, and API, probe and metrics answers are not cached', async () => {
    const response = await request(service.app).get('/api/tasks').set(as(ALICE)).expect(200);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.ok(response.headers['content-security-policy']);
    assert.equal(response.headers['x-powered-by'], undefined);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers.etag, undefined, 'lists carry no ETag');
    for (const path of ['/health/liveness', '/health/readiness', '/health/startup', '/metrics']) {
      const answer = await request(service.app).get(path).expect(200);
      assert.equal(answer.headers['cache-control'], 'no-store', path);
    }
  });
});

describe('GET /api/me', () => {
  test('names the user and whether they are an admin', async () => {
    const admin = await request(service.app).get('/api/me').set(as('admin'));
    assert.deepEqual(admin.body, { userId: 'admin', name: 'admin', isAdmin: true });
    const user = await request(service.app).get('/api/me').set(as(BOB)).expect(200);
    assert.deepEqual(user.body, { userId: BOB, name: BOB, isAdmin: false });
  });
});

describe('probes of the app', () => {
  test('readiness follows the table check and turns 503 when shutdown begins', async () => {
    const live = await createTestService(service.dynamo);
    await request(live.app).get('/health/readiness').expect(200, { status: 'ok' });
    await request(live.app).get('/health/startup').expect(200, { status: 'ok' });
    live.health.recordTableCheck({ ok: false, reason: 'the tasks table is not reachable (x)' });
    const down = await request(live.app).get('/health/readiness').expect(503);
    assert.deepEqual(down.body, {
      status: 'unavailable',
      error: 'the tasks table is not reachable (x)',
      details: [],
    });
    live.health.recordTableCheck({ ok: true });
    live.health.beginShutdown();
    const stopping = await request(live.app).get('/health/readiness').expect(503);
    assert.equal(stopping.body.error, 'shutting down');
    await request(live.app).get('/health/liveness').expect(200, { status: 'ok' });
    await request(live.app).get('/health/startup').expect(200);

    // A 503 is the probe's answer, asked again every few seconds: debug, as its 200 is. The
    // kubelet would otherwise fill the log with errors through every start and outage.
    const probeLines = live.logs.lines.filter((line) => line.route === '/health/readiness');
    assert.deepEqual(
      probeLines.map((line) => [line.status, line.level, line.msg]),
      [
        [200, 'debug', 'request completed'],
        [503, 'debug', 'request completed'],
        [503, 'debug', 'request completed'],
      ],
    );
    assert.ok(!live.logs.lines.some((line) => line.level === 'error'));

    // A request the probe route refuses is still logged as rejected.
    const before = live.logs.lines.length;
    await request(live.app).post('/health/readiness').expect(405);
    const refused = live.logs.lines.slice(before);
    assert.deepEqual(
      refused.map((line) => [line.status, line.level, line.msg]),
      [[405, 'info', 'request rejected']],
    );
  });
});

describe('GET /api/openapi.yaml', () => {
  test('GET /api/openapi.yaml serves the generated document, without credentials', async () => {
    const response = await request(service.app).get('/api/openapi.yaml').buffer(true);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/yaml; charset=utf-8');
    const served = String(response.text);
    assert.ok(
      served === (await renderOpenApiYaml()),
      'the served document is not the generated one',
    );
    const document = parse(served) as { paths: Record<string, unknown> };
    assert.ok('/api/openapi.yaml' in document.paths, 'it describes itself');
  });

  test('HEAD answers its headers; other methods 405; query parameters 400 naming them', async () => {
    const head = await request(service.app).head('/api/openapi.yaml');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-type'], 'application/yaml; charset=utf-8');
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const response = await request(service.app)[method]('/api/openapi.yaml');
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.allow, 'GET, HEAD');
    }
    const query = await request(service.app).get('/api/openapi.yaml?format=json');
    assert.equal(query.status, 400);
    assert.deepEqual(
      (query.body as { details: { field: string }[] }).details.map((detail) => detail.field),
      ['format'],
    );
  });
});
