/**
 * The tracing set-up end to end, in child processes (it installs process-wide hooks): spans
 * made with inSpan reach a real OTLP/HTTP receiver in both encodings, with the resource the
 * environment describes; with tracing off nothing of OpenTelemetry is even loaded; a
 * collector that is down or silent costs a bounded wait at exit and nothing else.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  MODULE_RECORDER,
  spawnChild,
  startDownServer,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '@task-manager/testing';

const FIXTURE = fileURLToPath(new URL('./fixtures/traced-program.ts', import.meta.url));
const { version } = JSON.parse(
  await readFile(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

let scratch: string;
before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'telemetry-test-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

interface FixtureRun {
  code: number | null;
  result: { started: boolean; flushed: string; ran: number };
  stderr: string;
  /** Every module URL the process resolved. */
  modules: string[];
}

let runs = 0;
async function runFixture(env: Record<string, string>): Promise<FixtureRun> {
  const recordTo = path.join(scratch, `modules-${(runs += 1)}.json`);
  const child = spawnChild({
    name: 'traced-program',
    command: process.execPath,
    args: ['--conditions=development', '--import', MODULE_RECORDER, FIXTURE],
    env: { RECORD_MODULES_TO: recordTo, ...env },
    keepOutput: true,
  });
  const { code } = await child.finished;
  const stdout = child.output('stdout').join('\n');
  const stderr = child.output('stderr').join('\n');
  const modules = JSON.parse(await readFile(recordTo, 'utf8')) as string[];
  assert.ok(stdout.trim() !== '', `no output; stderr: ${stderr}`);
  return { code, result: JSON.parse(stdout), stderr, modules };
}

const openTelemetryModules = (run: FixtureRun) =>
  run.modules.filter((url) =>
    /\/(@opentelemetry|import-in-the-middle|require-in-the-middle)\//.test(url),
  );

function byName(spans: readonly ReceivedSpan[]): Record<string, ReceivedSpan> {
  return Object.fromEntries(spans.map((span) => [span.name, span]));
}

describe('with an OTLP endpoint', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const [protocol, encoding, contentType] of [
    ['http/protobuf', 'protobuf', 'application/x-protobuf'],
    ['http/json', 'json', 'application/json'],
  ] as const) {
    test(`${protocol}: the spans arrive whole, as one trace with the right parents`, async () => {
      const received = receiver.spans.length;
      const run = await runFixture({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.result, { started: true, flushed: 'flushed', ran: 5 });

      const spans = receiver.spans.slice(received);
      assert.deepEqual(spans.map((span) => span.name).sort(), [
        'handled',
        'inner',
        'outer',
        'thrown',
      ]);
      assert.ok(spans.every((span) => span.encoding === encoding));
      assert.ok(receiver.requests.at(-1)!.contentType.startsWith(contentType));
      const { outer, inner, thrown, handled } = byName(spans);
      assert.equal(outer!.parentSpanId, undefined, 'a root span');
      assert.match(outer!.traceId, /^[0-9a-f]{32}$/);
      for (const child of [inner!, thrown!, handled!]) {
        assert.equal(child.traceId, outer!.traceId);
        assert.equal(child.parentSpanId, outer!.spanId);
      }
      assert.deepEqual(outer!.attributes, {
        'app.text': 'hello',
        'app.count': 3,
        'app.ratio': 0.25,
        'app.flag': true,
        'app.later': 'set after start',
      });
      assert.equal(outer!.kind, 'internal');
      assert.deepEqual(inner!.status, { code: 'unset' });
      assert.deepEqual(thrown!.status, { code: 'error', message: 'boom' });
      assert.deepEqual(handled!.status, { code: 'error', message: 'handled failure' });
    });
  }

  test('the resource names the service and its version; the environment adds to it', async () => {
    const received = receiver.spans.length;
    const run = await runFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=task-service-5c7f9-abcde,k8s.namespace.name=dev',
    });
    assert.equal(run.code, 0, run.stderr);
    const { resource } = receiver.spans[received]!;
    assert.equal(resource['service.name'], 'fixture-service');
    assert.equal(resource['service.version'], version);
    assert.equal(resource['k8s.pod.name'], 'task-service-5c7f9-abcde');
    assert.equal(resource['k8s.namespace.name'], 'dev');
    assert.equal(resource['telemetry.sdk.language'], 'nodejs');

    const renamed = receiver.spans.length;
    await runFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'renamed',
    });
    assert.equal(receiver.spans[renamed]!.resource['service.name'], 'renamed');
  });

  const samplers: Record<string, string>[] = [
    { OTEL_TRACES_SAMPLER: 'always_off' },
    { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
    { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
  ];
  for (const sampler of samplers) {
    const name = Object.entries(sampler).map(([key, value]) => `${key}=${value}`);
    test(`${name.join(' ')}: the work runs, no span is recorded`, async () => {
      const received = receiver.spans.length;
      const run = await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...sampler });
      assert.deepEqual(run.result, { started: true, flushed: 'flushed', ran: 5 });
      assert.equal(receiver.spans.length, received);
    });
  }

  test('OTEL_BSP_MAX_EXPORT_BATCH_SIZE=1: one export request per span', async () => {
    const requests = receiver.requests.length;
    const received = receiver.spans.length;
    const run = await runFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(receiver.spans.length - received, 4);
    assert.equal(receiver.requests.length - requests, 4);
  });

  test('the SDK is loaded when tracing is on (the control for the tests below)', async () => {
    const run = await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    const loaded = openTelemetryModules(run).join('\n');
    assert.match(loaded, /@opentelemetry\/sdk-trace\//);
    assert.match(loaded, /import-in-the-middle\//);
  });
});

describe('with tracing off', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  const cases: Record<string, (endpoint: string) => Record<string, string>> = {
    'no endpoint': () => ({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }),
    'OTEL_SDK_DISABLED=true': (endpoint) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SDK_DISABLED: 'true',
    }),
    'OTEL_TRACES_EXPORTER=none': (endpoint) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_EXPORTER: 'none',
    }),
    // The program's configuration check reports it and stops; tracing stays out of the way.
    'an invalid setting': (endpoint) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_SAMPLER: 'sometimes',
    }),
  };
  for (const [name, env] of Object.entries(cases)) {
    test(`${name}: the work runs, nothing is sent, nothing of OpenTelemetry is loaded`, async () => {
      const run = await runFixture(env(receiver.endpoint));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.result, { started: false, flushed: 'off', ran: 5 });
      assert.deepEqual(openTelemetryModules(run), []);
      assert.equal(receiver.requests.length, 0);
    });
  }
});

describe('a collector that is not there or does not answer', () => {
  test('down (every connection reset): the work runs, shutdown gives up by its deadline, exit 0', async (t) => {
    const collector = await startDownServer();
    t.after(() => collector.close());
    const run = await runFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      FLUSH_TIMEOUT_MS: '500',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.ran, 5);
    assert.ok(['failed', 'timed out'].includes(run.result.flushed), run.result.flushed);
  });

  test('silent (never answers): shutdown returns "timed out" at its deadline, exit 0', async () => {
    const receiver = await startOtlpReceiver();
    receiver.hold = true;
    try {
      const run = await runFixture({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        FLUSH_TIMEOUT_MS: '500',
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.result, { started: true, flushed: 'timed out', ran: 5 });
      assert.equal(receiver.requests.length, 1, 'the export was sent and left unanswered');
    } finally {
      await receiver.close();
    }
  });
});
