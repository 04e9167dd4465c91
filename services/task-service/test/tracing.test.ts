/**
 * Traces of the real service, as its own process, sent to a real OTLP/HTTP receiver: the
 * caller's traceparent is honoured, DynamoDB calls are children of the server span, request
 * id, trace id and log lines find one another, in both OTLP encodings. With tracing off
 * nothing is sent (nothing of OpenTelemetry is even loaded); a collector that is down, or
 * too slow to keep up, changes no answer and no exit code. (Shutdown with tracing on, of the
 * built program, is in main-process.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import {
  assertBuilt,
  createTestTables,
  eventually,
  MODULE_RECORDER,
  startDownServer,
  startDynalite,
  startOtlpReceiver,
  type DynaliteServer,
  type OtlpReceiver,
  type ReceivedSpan,
  type TestTables,
} from '@task-manager/testing';
import {
  BUILT_MAIN,
  SOURCE_MAIN,
  spawnService,
  startService,
  type ServiceProcess,
} from './support/service-process.ts';
import { as, ALICE, newTask, testIdentity } from './support/test-service.ts';
import { newTraceparent, spansOfTrace } from './support/traces.ts';

let dynamo: DynaliteServer;
let tables: TestTables;
let scratch: string;
/** The settings that trust the test identity provider, filled in before the first test. */
let identityEnv: Record<string, string> = {};
before(async () => {
  // The bundle the image runs: built by `npm run build`, never stale.
  assertBuilt(['@task-manager/task-service']);
  identityEnv = (await testIdentity()).env;
  dynamo = await startDynalite();
  tables = await createTestTables(dynamo.endpoint);
  scratch = await mkdtemp(path.join(tmpdir(), 'task-service-tracing-'));
});
after(async () => {
  await dynamo?.stop();
  await rm(scratch, { recursive: true, force: true });
});

type Service = ServiceProcess & { baseUrl: string };

async function start(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Service> {
  return startService(entry, { ...identityEnv, ...tables.env, ...env }, nodeArgs);
}

async function stop(service: Service): ServiceProcess['exited'] {
  service.process.kill('SIGTERM');
  return service.exited;
}

/** Tracing to `receiver`, exporting every 100 ms so spans arrive while the test polls. */
function tracingTo(receiver: OtlpReceiver, extra: Record<string, string> = {}) {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=task-service-test-pod,k8s.namespace.name=test',
    ...extra,
  };
}

/** The request's log line, written as its response closes (a moment after the client has it). */
function requestLine(service: Service, requestId: string): Promise<Record<string, unknown>> {
  return eventually(() => {
    const line = service.logs.find((entry) => entry.requestId === requestId);
    assert.ok(line, `no log line for request ${requestId}`);
    return line;
  });
}

/** Waits for the trace's spans until `names` have all arrived. */
async function traceSpans(
  receiver: OtlpReceiver,
  traceId: string,
  names: string[],
): Promise<Record<string, ReceivedSpan>> {
  return eventually(() => {
    const spans = spansOfTrace(receiver, traceId);
    assert.deepEqual(spans.map((span) => span.name).sort(), [...names].sort());
    return Object.fromEntries(spans.map((span) => [span.name, span]));
  });
}

// The sources, as npm start runs them, and the bundle the image runs (dist/main.js loading
// dist/run.cjs): OpenTelemetry patches what each of them loads, in its own way.
for (const { form, entry } of [
  { form: 'sources', entry: SOURCE_MAIN },
  { form: 'built bundle', entry: BUILT_MAIN },
]) {
  describe(`${form}, with tracing on`, () => {
    let receiver: OtlpReceiver;
    before(async () => {
      receiver = await startOtlpReceiver();
    });
    after(() => receiver.close());

    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      describe(protocol, () => {
        let service: Service;
        before(async () => {
          service = await start(
            entry,
            tracingTo(receiver, { OTEL_EXPORTER_OTLP_PROTOCOL: protocol }),
          );
        });
        after(() => stop(service));

        test("a caller's traceparent: the server span continues its trace, DynamoDB calls are its children", async () => {
          const trace = newTraceparent();
          const requestId = `create-${protocol.replace('/', '-')}`;
          const created = await request(service.baseUrl)
            .post('/api/tasks')
            .set(as(ALICE))
            .set('X-Request-Id', requestId)
            .set('traceparent', trace.header)
            .send(newTask())
            .expect(201);

          const spans = await traceSpans(receiver, trace.traceId, [
            'POST /api/tasks',
            'DynamoDB.PutItem',
          ]);
          const server = spans['POST /api/tasks']!;
          const putItem = spans['DynamoDB.PutItem']!;
          assert.equal(server.encoding, protocol === 'http/json' ? 'json' : 'protobuf');
          assert.equal(server.kind, 'server');
          assert.equal(server.parentSpanId, trace.parentSpanId, "the caller's span is the parent");
          assert.equal(server.attributes['http.route'], '/api/tasks');
          assert.equal(server.attributes['http.response.status_code'], 201);
          assert.equal(server.attributes['app.request.id'], requestId);
          assert.equal(putItem.kind, 'client');
          assert.equal(putItem.parentSpanId, server.spanId);
          assert.equal(putItem.attributes['rpc.method'], 'PutItem');
          assert.equal(putItem.attributes['db.system.name'], 'dynamodb');
          assert.deepEqual(putItem.attributes['aws.dynamodb.table_names'], [
            tables.config.tasksTable,
          ]);
          assert.equal(server.resource['service.name'], 'task-service');
          assert.equal(server.resource['service.version'], '0.1.0');
          assert.equal(server.resource['k8s.pod.name'], 'task-service-test-pod');
          assert.equal(server.resource['k8s.namespace.name'], 'test');

          // The request's log line carries the ids: request id, trace and span meet there.
          const line = await requestLine(service, requestId);
          assert.equal(line.trace_id, trace.traceId);
          assert.equal(line.span_id, server.spanId);

          // Reading it back: GetItem under GET's server span; listing: a Query.
          const read = newTraceparent();
          await request(service.baseUrl)
            .get(`/api/tasks/${created.body.taskId}`)
            .set(as(ALICE))
            .set('traceparent', read.header)
            .expect(200);
          const readSpans = await traceSpans(receiver, read.traceId, [
            'GET /api/tasks/:taskId',
            'DynamoDB.GetItem',
          ]);
          assert.equal(
            readSpans['DynamoDB.GetItem']!.parentSpanId,
            readSpans['GET /api/tasks/:taskId']!.spanId,
          );
        });
      });
    }

    describe('requests, ids and logs', () => {
      let service: Service;
      before(async () => {
        service = await start(entry, tracingTo(receiver));
      });
      after(() => stop(service));

      test('without a traceparent a request starts its own trace, findable from its request id and back', async () => {
        const response = await request(service.baseUrl)
          .get('/api/tasks')
          .set(as(ALICE))
          .expect(200);
        const requestId = response.headers['x-request-id'] as string;
        // Request id -> trace: the log line, or the span attribute (Jaeger: tag app.request.id).
        const { trace_id: traceId, span_id: spanId } = await requestLine(service, requestId);
        assert.match(String(traceId), /^[0-9a-f]{32}$/);
        const spans = await traceSpans(receiver, String(traceId), [
          'GET /api/tasks',
          'DynamoDB.Query',
        ]);
        const server = spans['GET /api/tasks']!;
        assert.equal(server.parentSpanId, undefined, 'a new trace');
        assert.equal(server.spanId, spanId);
        assert.equal(server.attributes['app.request.id'], requestId);
        // Trace -> request id: the server span says it, and so do the trace's log lines.
        // (Work done for the request logs in its trace too, such as the provider's discovery on
        // the first request that needs it; every request line in the trace is this request's.)
        const linesOfTrace = service.logs.filter((line) => line.trace_id === traceId);
        assert.deepEqual(
          linesOfTrace.filter((line) => 'requestId' in line).map((line) => line.requestId),
          [requestId],
        );
      });

      test('a rejected request is traced and logged with its ids too', async () => {
        const trace = newTraceparent();
        await request(service.baseUrl)
          .post('/api/tasks')
          .set(as(ALICE))
          .set('X-Request-Id', 'bad-input')
          .set('traceparent', trace.header)
          .send({ title: '' })
          .expect(400);
        const spans = await traceSpans(receiver, trace.traceId, ['POST /api/tasks']);
        assert.equal(spans['POST /api/tasks']!.attributes['http.response.status_code'], 400);
        assert.equal((await requestLine(service, 'bad-input')).trace_id, trace.traceId);
      });

      test('probes, /metrics and the readiness checks of the table are not traced', async () => {
        for (const path of [
          '/health/liveness',
          '/health/readiness',
          '/health/startup',
          '/metrics',
        ]) {
          await request(service.baseUrl).get(path).expect(200);
        }
        // The readiness monitor has checked the table many times by now (every 200 ms); a
        // traced request afterwards shows the export pipeline is working.
        const trace = newTraceparent();
        await request(service.baseUrl)
          .get('/api/me')
          .set(as(ALICE))
          .set('traceparent', trace.header)
          .expect(200);
        await traceSpans(receiver, trace.traceId, ['GET /api/me']);
        const names = new Set(receiver.spans.map((span) => span.name));
        for (const name of names) {
          assert.doesNotMatch(name, /health|metrics|DescribeTable/, name);
        }
      });
    });
  });

  describe(`${form}, with tracing off`, () => {
    let receiver: OtlpReceiver;
    before(async () => {
      receiver = await startOtlpReceiver();
    });
    after(() => receiver.close());

    async function exercise(service: Service): Promise<void> {
      const created = await request(service.baseUrl)
        .post('/api/tasks')
        .set(as(ALICE))
        .set('traceparent', newTraceparent().header)
        .send(newTask())
        .expect(201);
      await request(service.baseUrl)
        .get(`/api/tasks/${created.body.taskId}`)
        .set(as(ALICE))
        .expect(200);
      await request(service.baseUrl).get('/api/tasks').set(as(ALICE)).expect(200);
    }

    test('no endpoint: nothing is sent and nothing of the OpenTelemetry SDK is loaded; logs carry no trace ids', async () => {
      const recordTo = path.join(scratch, 'modules.json');
      const service = await start(
        entry,
        // Everything but an endpoint: still off.
        {
          OTEL_SERVICE_NAME: 'task-service',
          OTEL_TRACES_SAMPLER: 'always_on',
          RECORD_MODULES_TO: recordTo,
        },
        ['--import', MODULE_RECORDER],
      );
      await exercise(service);
      assert.deepEqual(await stop(service), { code: 0, signal: null });

      assert.equal(receiver.requests.length, 0);
      const modules = JSON.parse(await readFile(recordTo, 'utf8')) as string[];
      assert.ok(
        modules.some((url) => url.includes('/express/')),
        'the recorder saw the service load',
      );
      // Only the no-op API may appear: prom-client loads it for its exemplars, traced or not.
      assert.deepEqual(
        modules.filter((url) =>
          /\/(@opentelemetry\/(?!api\/)[^/]+|import-in-the-middle|require-in-the-middle)\//.test(
            url,
          ),
        ),
        [],
      );
      // The request that came with a traceparent logged its line, and no line has a trace id.
      assert.ok(
        service.logs.some((line) => line.msg === 'request completed' && line.method === 'POST'),
      );
      assert.ok(service.logs.every((line) => !('trace_id' in line)));
    });

    test('OTEL_SDK_DISABLED=true: nothing is sent, even with an endpoint', async () => {
      const service = await start(entry, { ...tracingTo(receiver), OTEL_SDK_DISABLED: 'true' });
      await exercise(service);
      assert.deepEqual(await stop(service), { code: 0, signal: null });
      assert.equal(receiver.requests.length, 0);
    });
  });
}

test('an invalid OTEL_ setting stops the service at start, named in the one configuration error', async () => {
  const receiver = await startOtlpReceiver();
  try {
    const child = spawnService(SOURCE_MAIN, {
      ...identityEnv,
      ...tables.env,
      ...tracingTo(receiver),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_SAMPLER_ARG: 'x',
      OTEL_TRACES_SAMPLER: 'traceidratio',
    });
    assert.deepEqual(await child.exited, { code: 1, signal: null });
    const { level, msg } = JSON.parse(child.stderr().trim()) as { level: string; msg: string };
    assert.equal(level, 'fatal');
    assert.match(msg, /OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/protobuf, http\/json/);
    assert.match(msg, /OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/);
    assert.equal(receiver.requests.length, 0);
  } finally {
    await receiver.close();
  }
});

describe('a collector that fails', () => {
  test('down (every connection reset): every answer is the same as without tracing, exit 0', async (t) => {
    const collector = await startDownServer();
    t.after(() => collector.close());

    const answers = async (env: Record<string, string>) => {
      const service = await start(BUILT_MAIN, env);
      const created = await request(service.baseUrl)
        .post('/api/tasks')
        .set(as(ALICE))
        .set('traceparent', newTraceparent().header)
        .send(newTask({ title: 'same either way' }));
      const responses = [
        created,
        await request(service.baseUrl).get(`/api/tasks/${created.body.taskId}`).set(as(ALICE)),
        await request(service.baseUrl).get('/api/tasks/no-such-task').set(as(ALICE)),
        await request(service.baseUrl).post('/api/tasks').set(as(ALICE)).send({}),
        await request(service.baseUrl).get('/api/me').set(as(ALICE)),
      ];
      const exit = await stop(service);
      return {
        exit,
        service,
        answers: responses.map((response) => ({
          status: response.status,
          // Ids and times differ from run to run; the shape of every answer must not.
          body: JSON.stringify(response.body).replace(/"[^"]*\d[^"]*"/g, '"…"'),
        })),
      };
    };
    const without = await answers({});
    const down = await answers({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    assert.deepEqual(down.answers, without.answers);
    assert.deepEqual(down.exit, { code: 0, signal: null });
    assert.equal(down.service.stderr(), '');
    assert.ok(
      down.service.logs.some(
        (line) => line.msg === 'the last spans could not be exported before exit',
      ),
      'the spans were attempted and their loss logged',
    );
  });

  test('too slow to keep up: the queue fills and drops spans, requests are never held up', async () => {
    const receiver = await startOtlpReceiver();
    receiver.hold = true;
    try {
      const service = await start(BUILT_MAIN, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_MAX_QUEUE_SIZE: '4',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2',
        // The first export stays unanswered for the whole test; nothing gives up on it.
        OTEL_BSP_EXPORT_TIMEOUT: '600000',
        OTEL_EXPORTER_OTLP_TIMEOUT: '600000',
      });
      const requests = 20;
      for (let index = 0; index < requests; index += 1) {
        await request(service.baseUrl)
          .post('/api/tasks')
          .set(as(ALICE))
          .send(newTask({ title: `task ${index}` }))
          .expect(201);
      }
      // Every request was answered while the collector held the first export. Now it answers.
      assert.equal(receiver.requests.length, 1);
      receiver.release();
      receiver.hold = false;
      assert.deepEqual(await stop(service), { code: 0, signal: null });
      // 2 spans per request were made; at most the held batch (2) plus a full queue (4) left.
      assert.ok(receiver.spans.length >= 2, `${receiver.spans.length} spans arrived`);
      assert.ok(receiver.spans.length <= 6, `${receiver.spans.length} spans arrived`);
    } finally {
      await receiver.close();
    }
  });
});
