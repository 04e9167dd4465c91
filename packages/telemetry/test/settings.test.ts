import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  readTracingSettings,
  TRACING_ENV_VARS,
  tracingSettingsProblems,
  type TracingSettings,
} from '../src/settings.ts';

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' };

function enabled(env: Record<string, string>): Extract<TracingSettings, { enabled: true }> {
  const settings = readTracingSettings(env);
  assert.ok(settings.enabled, JSON.stringify(settings));
  return settings;
}

describe('when tracing is on', () => {
  test('off without an endpoint, whatever else is set', () => {
    assert.deepEqual(readTracingSettings({}), {
      enabled: false,
      reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT is set',
    });
    assert.equal(
      readTracingSettings({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }).enabled,
      false,
    );
    assert.equal(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).enabled, false);
  });

  test('on with the base endpoint or the traces endpoint', () => {
    assert.equal(enabled(ENDPOINT).endpoint, 'http://jaeger:4318');
    const traces = 'http://collector:4318/v1/traces';
    assert.equal(enabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces }).endpoint, traces);
    const secure = 'https://collector.example:4318';
    assert.equal(enabled({ OTEL_EXPORTER_OTLP_ENDPOINT: secure }).endpoint, secure);
    // Both set: the traces-specific one wins.
    assert.equal(
      enabled({ ...ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces }).endpoint,
      traces,
    );
  });

  test('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off despite an endpoint', () => {
    assert.deepEqual(readTracingSettings({ ...ENDPOINT, OTEL_SDK_DISABLED: 'TRUE' }), {
      enabled: false,
      reason: 'OTEL_SDK_DISABLED is true',
    });
    assert.deepEqual(readTracingSettings({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }), {
      enabled: false,
      reason: 'OTEL_TRACES_EXPORTER is none',
    });
    assert.equal(enabled({ ...ENDPOINT, OTEL_SDK_DISABLED: 'false' }).enabled, true);
  });
});

describe('defaults', () => {
  test('protobuf, parent-based always-on sampling, the specification’s batch limits', () => {
    const settings = enabled(ENDPOINT);
    assert.equal(settings.protocol, 'http/protobuf');
    assert.deepEqual(settings.sampler, { name: 'parentbased_always_on', ratio: 1 });
    assert.deepEqual(settings.batch, {
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
      exportTimeoutMillis: 30_000,
    });
  });
});

describe('values', () => {
  test('protocol: http/json, and the traces-specific variable wins', () => {
    assert.equal(
      enabled({ ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).protocol,
      'http/json',
    );
    assert.equal(
      enabled({
        ...ENDPOINT,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      }).protocol,
      'http/protobuf',
    );
  });

  test('samplers and their ratio', () => {
    const sampler = (name: string, arg?: string) =>
      enabled({
        ...ENDPOINT,
        OTEL_TRACES_SAMPLER: name,
        ...(arg === undefined ? {} : { OTEL_TRACES_SAMPLER_ARG: arg }),
      }).sampler;
    assert.deepEqual(sampler('always_off'), { name: 'always_off', ratio: 1 });
    assert.deepEqual(sampler('traceidratio', '0.25'), { name: 'traceidratio', ratio: 0.25 });
    assert.deepEqual(sampler('traceidratio', '1'), { name: 'traceidratio', ratio: 1 });
    assert.deepEqual(sampler('ParentBased_TraceIdRatio', '0'), {
      name: 'parentbased_traceidratio',
      ratio: 0,
    });
    // The argument only means something to the ratio samplers.
    assert.deepEqual(sampler('always_on', 'anything'), { name: 'always_on', ratio: 1 });
  });

  test('batch limits', () => {
    assert.deepEqual(
      enabled({
        ...ENDPOINT,
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_BSP_SCHEDULE_DELAY: '250',
        OTEL_BSP_EXPORT_TIMEOUT: '1000',
      }).batch,
      {
        maxQueueSize: 100,
        maxExportBatchSize: 10,
        scheduledDelayMillis: 250,
        exportTimeoutMillis: 1000,
      },
    );
    // A batch may be the whole queue; the largest value allowed is accepted.
    const whole = enabled({
      ...ENDPOINT,
      OTEL_BSP_MAX_QUEUE_SIZE: '1000000000',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1000000000',
    }).batch;
    assert.equal(whole.maxExportBatchSize, whole.maxQueueSize);
  });
});

describe('bad values are reported by name, even while tracing is off', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ OTEL_SDK_DISABLED: 'yes' }, /OTEL_SDK_DISABLED must be one of false, true, got "yes"/],
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, /OTEL_TRACES_EXPORTER must be one of otlp, none/],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' },
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x' },
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http/,
    ],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      /OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/protobuf, http\/json, got "grpc"/,
    ],
    [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /OTEL_TRACES_SAMPLER must be one of always_on/],
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
      /OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "1.5"/,
    ],
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' },
      /OTEL_TRACES_SAMPLER_ARG must be a number/,
    ],
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0x1' },
      /OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "0x1"/,
    ],
    [
      { OTEL_BSP_MAX_QUEUE_SIZE: '0' },
      /OTEL_BSP_MAX_QUEUE_SIZE must be a positive integer, got "0"/,
    ],
    [{ OTEL_BSP_SCHEDULE_DELAY: '1.5' }, /OTEL_BSP_SCHEDULE_DELAY must be a positive integer/],
    [
      { OTEL_BSP_EXPORT_TIMEOUT: '1000000001' },
      /OTEL_BSP_EXPORT_TIMEOUT must be a positive integer, got "1000000001"/,
    ],
    [
      { OTEL_BSP_MAX_QUEUE_SIZE: '10', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20' },
      /OTEL_BSP_MAX_EXPORT_BATCH_SIZE \(20\) must not exceed OTEL_BSP_MAX_QUEUE_SIZE \(10\)/,
    ],
    [
      { OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name' },
      /OTEL_RESOURCE_ATTRIBUTES must be comma-separated key=value pairs .*got "k8s.pod.name"/,
    ],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=1,=2' }, /got "=2"/],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=b=c' }, /got "a=b=c"/],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=%zz' }, /got "a=%zz"/],
  ];
  for (const [env, message] of cases) {
    test(JSON.stringify(env), () => {
      assert.throws(() => readTracingSettings(env), message);
      assert.match(tracingSettingsProblems(env).join('\n'), message);
    });
  }

  test('every problem at once', () => {
    const problems = tracingSettingsProblems({
      OTEL_SDK_DISABLED: 'maybe',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_BSP_EXPORT_TIMEOUT: '-1',
    });
    assert.equal(problems.length, 3, problems.join('\n'));
  });

  test('good values are no problem', () => {
    assert.deepEqual(
      tracingSettingsProblems({
        ...ENDPOINT,
        OTEL_RESOURCE_ATTRIBUTES:
          'k8s.pod.name=task-service-7d9c,k8s.namespace.name=default,team=a%2Cb,',
        OTEL_SERVICE_NAME: 'api',
      }),
      [],
    );
  });
});

test('TRACING_ENV_VARS names every OTEL_ variable the settings read', async () => {
  const source = await import('node:fs/promises').then((fs) =>
    fs.readFile(new URL('../src/settings.ts', import.meta.url), 'utf8'),
  );
  const read = new Set(source.match(/'OTEL_[A-Z_]+'/g)?.map((name) => name.slice(1, -1)));
  for (const name of read) {
    assert.ok((TRACING_ENV_VARS as readonly string[]).includes(name), name);
  }
});
