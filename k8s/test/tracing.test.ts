/**
 * The tracing component: Jaeger pinned and receiving OTLP/HTTP where its Service says, the apps
 * pointed at it with settings their tracing accepts, and only the apps let through to it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IService } from 'kubernetes-models/v1/Service';
import { parse } from 'yaml';
import { readTracingSettings } from '../../packages/telemetry/src/settings.ts';
import { resolveEnv } from './support/env.ts';
import * as k from './support/kube.ts';

const JAEGER_IMAGE = 'jaegertracing/jaeger:2.14.1';
const TRACED_PROGRAMS = ['task-service/task-service', 'task-reporter/task-reporter'];

type Json = Record<string, unknown>;

const workload = (variant: k.Variant, name: string) => k.workload(k.render(variant), name);
/** Whether `from`'s Pods may reach `to`'s port in a variant, by its NetworkPolicies. */
const allowed = (variant: k.Variant, from: string, port: string, to = 'jaeger') =>
  k.ingressAllowed(k.render(variant), workload(variant, from), workload(variant, to), port);
const jaegerContainer = (variant: k.Variant) => k.mainContainer(k.render(variant), 'jaeger');

/** Jaeger's own configuration, as mounted from its ConfigMap. */
function jaegerConfig(variant: k.Variant): Json {
  const [configMap] = k.generatedConfigMaps(k.render(variant), 'jaeger-config');
  return parse(configMap?.data?.['config.yaml'] ?? '') as Json;
}

const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((current, key) => (current as Json | undefined)?.[key], value);

const portOf = (endpoint: unknown): number => Number(String(endpoint).split(':').at(-1));

for (const variant of k.ALL_VARIANTS.filter(k.hasTracing)) {
  describe(variant, () => {
    test('Jaeger: the pinned all-in-one image, started with its mounted configuration', () => {
      const container = jaegerContainer(variant);
      assert.equal(container.image, JAEGER_IMAGE);
      assert.deepEqual(container.args, ['--config=/etc/jaeger/config.yaml']);
      const mount = container.volumeMounts?.find((m) => m.mountPath === '/etc/jaeger');
      assert.equal(mount?.readOnly, true);
      const volume = workload(variant, 'jaeger').pod.volumes?.find((v) => v.name === mount?.name);
      // Generated from a file, hashed: a changed configuration rolls Jaeger.
      assert.match(volume?.configMap?.name ?? '', k.generatedName('jaeger-config'));
      // The traces are in memory: one replica.
      assert.equal(workload(variant, 'jaeger').replicas, 1);
    });

    test("Jaeger's configuration: OTLP/HTTP in, memory (bounded) out, UI and health on the declared ports", () => {
      const config = jaegerConfig(variant);
      const container = jaegerContainer(variant);
      const { receivers, exporters } = at(config, 'service', 'pipelines', 'traces') as Json;
      assert.deepEqual([receivers, exporters], [['otlp'], ['jaeger_storage_exporter']]);
      const extensions = [...(at(config, 'service', 'extensions') as string[])].sort();
      assert.deepEqual(extensions, ['healthcheckv2', 'jaeger_query', 'jaeger_storage']);
      // Only the HTTP protocol, on every interface (other Pods send to it).
      assert.deepEqual(Object.keys(at(config, 'receivers', 'otlp', 'protocols') as Json), ['http']);
      const receiver = at(config, 'receivers', 'otlp', 'protocols', 'http', 'endpoint');
      assert.equal(receiver, `0.0.0.0:${k.containerPort(container, 'otlp-http')}`);
      // The UI on every interface, so a port-forwarded connection reaches it.
      const ui = at(config, 'extensions', 'jaeger_query', 'http', 'endpoint');
      assert.equal(ui, `0.0.0.0:${k.containerPort(container, 'ui')}`);
      // The probes ask the health extension, at its port and path.
      const health = at(config, 'extensions', 'healthcheckv2', 'http');
      assert.equal(portOf(at(health, 'endpoint')), k.containerPort(container, 'health'));
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        assert.equal(probe?.httpGet?.port, 'health');
        assert.equal(probe?.httpGet?.path, at(health, 'status', 'path'));
      }
      // The one storage the pipeline writes and the UI reads is memory, with a bound.
      const storage = at(config, 'exporters', 'jaeger_storage_exporter', 'trace_storage') as string;
      assert.equal(at(config, 'extensions', 'jaeger_query', 'storage', 'traces'), storage);
      const backends = at(config, 'extensions', 'jaeger_storage', 'backends');
      const maxTraces = at(backends, storage, 'memory', 'max_traces');
      assert.ok(Number.isInteger(maxTraces) && (maxTraces as number) <= 50_000, String(maxTraces));
    });

    test('the jaeger Service exposes the OTLP receiver and the UI by their port names', () => {
      const service = k.find<IService>(k.render(variant), 'Service', 'jaeger');
      const ports = service.spec?.ports?.map((port) => [port.name, port.port, port.targetPort]);
      assert.deepEqual(ports, [
        ['otlp-http', 4318, 'otlp-http'],
        ['ui', 16686, 'ui'],
      ]);
    });

    test('task-service and the report job export to that receiver, with settings their tracing accepts', () => {
      const objects = k.render(variant);
      const otlpPort = k.serviceBackend(objects, 'jaeger', 'otlp-http').port;
      for (const ref of k.allContainers(objects)) {
        const env = resolveEnv(ref.container, objects).values;
        const otel = [...env.keys()].filter((name) => name.startsWith('OTEL_'));
        if (!TRACED_PROGRAMS.includes(ref.id)) {
          assert.deepEqual(otel, [], `${ref.id} is not traced`);
          continue;
        }
        const endpoint = new URL(env.get('OTEL_EXPORTER_OTLP_ENDPOINT') ?? '');
        assert.equal(endpoint.hostname, 'jaeger', ref.id);
        assert.equal(Number(endpoint.port), otlpPort, ref.id);
        const settings = readTracingSettings(Object.fromEntries(env));
        assert.ok(settings.enabled, ref.id);
        assert.equal(settings.protocol, 'http/protobuf');
        assert.equal(settings.sampler.name, 'parentbased_always_on');
      }
    });

    test('the resource attributes name each Pod and its namespace, from the Downward API', () => {
      const objects = k.render(variant);
      for (const id of TRACED_PROGRAMS) {
        const ref = k.allContainers(objects).find((candidate) => candidate.id === id)!;
        // Every reference resolves: config.test.ts, "every environment reference resolves".
        assert.equal(
          resolveEnv(ref.container, objects).values.get('OTEL_RESOURCE_ATTRIBUTES'),
          'k8s.pod.name=<metadata.name>,k8s.namespace.name=<metadata.namespace>',
          id,
        );
      }
    });

    test("the apps reach Jaeger's OTLP port, and LocalStack still; no other Pod reaches Jaeger, and no Pod its UI", () => {
      for (const name of ['task-service', 'task-reporter']) {
        assert.ok(allowed(variant, name, 'otlp-http'), name);
        // The UI is for people, through `kubectl port-forward` (which policies do not filter).
        assert.ok(!allowed(variant, name, 'ui'), name);
        // Tracing takes nothing away.
        assert.ok(allowed(variant, name, 'http', 'localstack'), `${name} reaches LocalStack`);
      }
      for (const name of ['task-web', 'localstack']) {
        assert.ok(!allowed(variant, name, 'otlp-http'), name);
      }
    });
  });
}

for (const variant of k.ALL_VARIANTS.filter((candidate) => !k.hasTracing(candidate))) {
  test(`${variant}: without the component, no OTEL_ variable and no Jaeger`, () => {
    assert.doesNotMatch(JSON.stringify(k.render(variant)), /OTEL_|jaeger/i);
  });
}

test('with the network-policies component, Jaeger is isolated like every Pod of the app', () => {
  // Default deny applies to Jaeger (part-of task-manager); only the apps' rule opens it.
  assert.ok(!allowed('local+network-policies+tracing', 'task-web', 'health'));
  // Without it, tracing's own policy isolates Jaeger: checked above for local+tracing.
});
