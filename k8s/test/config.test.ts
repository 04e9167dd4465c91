/**
 * The environment of every container against what its program reads (the programs' own
 * *_ENV_VARS lists): every variable set, or deliberately left to the app's default for a stated
 * reason; none set that the program does not read; every value accepted by the program's own
 * config loader; all of it from the app's ConfigMap (the tracing component's, for OTEL_*), with
 * the Downward API only to fill the Pod's name into OTEL_RESOURCE_ATTRIBUTES.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { TRACING_ENV_VARS } from '../../packages/telemetry/src/settings.ts';
import { PROGRAMS, programOf, type ProgramName } from './support/app-env.ts';
import { resolveEnv, type ResolvedEnv } from './support/env.ts';
import {
  allContainers,
  appConfig,
  appConfigMap,
  generatedName,
  matchesSelector,
  ofKind,
  workloads,
} from './support/kube.ts';
import { ALL_VARIANTS, hasTracing, render, type Variant } from './support/render.ts';

const ON_AWS = 'unset: the SDK uses the regional DynamoDB endpoint of AWS_REGION';

/**
 * TEMPORARY (issue 11, phase A → phase B): task-service now requires OpenID Connect settings,
 * which the manifests do not give it yet. Phase B wires them (ConfigMap keys, the Secret for
 * OIDC_CLIENT_SECRET and SESSION_KEYS, the development identity provider) and deletes this
 * list; until then these tests accept their absence and supply example values to the loader.
 */
const AWAITING_OIDC_PACKAGING: Record<string, string> = {
  OIDC_ISSUER: 'http://localhost:8080/idp',
  OIDC_CLIENT_ID: 'task-manager',
  OIDC_CLIENT_SECRET: 'from-a-secret',
  OIDC_AUDIENCE: 'http://localhost:8080/api',
  OIDC_BACKCHANNEL_URL: 'http://identity-provider:9000',
  PUBLIC_URL: 'http://localhost:8080',
  SESSION_KEYS: Buffer.alloc(32, 1).toString('base64url'),
  SESSION_IDLE_TIMEOUT_SECONDS: '3600',
  SESSION_MAX_AGE_SECONDS: '43200',
  ADMIN_GROUP: 'task-admins',
};
const TRACING_OFF = 'unset: no OTLP endpoint, so tracing is off (k8s/components/tracing sets it)';
/** What the tracing component leaves to the apps' defaults (packages/telemetry/src/settings.ts). */
const TRACING_DEFAULTS: Partial<Record<(typeof TRACING_ENV_VARS)[number], string>> = {
  OTEL_SDK_DISABLED: 'unset: false, tracing runs once an endpoint is set',
  OTEL_TRACES_EXPORTER: 'unset: otlp',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'unset: OTEL_EXPORTER_OTLP_ENDPOINT applies to traces',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'unset: OTEL_EXPORTER_OTLP_PROTOCOL applies to traces',
  OTEL_SERVICE_NAME: 'unset: each program names itself (task-service, task-reporter)',
  OTEL_TRACES_SAMPLER_ARG: 'unset: the sampler takes no ratio',
  OTEL_BSP_MAX_QUEUE_SIZE: "unset: the batch span processor's bounded default",
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "unset: the batch span processor's default",
  OTEL_BSP_SCHEDULE_DELAY: "unset: the batch span processor's default",
  OTEL_BSP_EXPORT_TIMEOUT: "unset: the batch span processor's default",
};

/** Variables a program reads that the manifests leave to its default, and why. */
function leftToDefault(variant: Variant, program: ProgramName): Record<string, string> {
  const unset: Record<string, string> = {};
  if (program === 'task-service') {
    unset.HOST = 'unset: listen on every interface, as a Pod must';
    for (const name of Object.keys(AWAITING_OIDC_PACKAGING)) unset[name] = 'issue 11 phase B';
  }
  if (variant.startsWith('aws') && program !== 'task-web') unset.DYNAMODB_ENDPOINT = ON_AWS;
  if (program === 'task-service' || program === 'task-reporter') {
    for (const name of TRACING_ENV_VARS) {
      const reason = hasTracing(variant) ? TRACING_DEFAULTS[name] : TRACING_OFF;
      if (reason !== undefined) unset[name] = reason;
    }
  }
  return unset;
}

/**
 * Downward API variables that exist only to be substituted into another one with $(NAME),
 * as K8S_POD_NAME is into OTEL_RESOURCE_ATTRIBUTES: the program never reads them itself.
 */
function substitutionOnly(env: ResolvedEnv): Set<string> {
  const referenced = new Set([...env.references.values()].flat());
  return new Set([...env.fromPod.keys()].filter((name) => referenced.has(name)));
}

/** Workloads of third-party images, whose environment is their own business. */
const THIRD_PARTY = ['localstack', 'jaeger'];

for (const variant of ALL_VARIANTS) {
  describe(variant, () => {
    const objects = () => render(variant);
    const appContainers = () =>
      allContainers(objects()).flatMap((ref) => {
        const program = programOf(ref.container.name);
        return program ? [{ ref, program, env: resolveEnv(ref.container, objects()) }] : [];
      });

    test('every container of ours runs a known program', () => {
      const unknown = allContainers(objects())
        .filter((ref) => !THIRD_PARTY.includes(ref.workload.name) && !programOf(ref.container.name))
        .map((ref) => ref.id);
      assert.deepEqual(unknown, []);
    });

    test('Pods opt out of service links, so their environment is only what the manifests list', () => {
      const linked = workloads(objects())
        .filter((workload) => workload.pod.enableServiceLinks !== false)
        .map((workload) => workload.name);
      assert.deepEqual(linked, []);
    });

    test('every environment reference resolves', () => {
      const problems = allContainers(objects()).flatMap((ref) =>
        resolveEnv(ref.container, objects()).problems.map((problem) => `${ref.id}: ${problem}`),
      );
      assert.deepEqual(problems, []);
    });

    test('each program gets every variable it reads, except those documented as left unset', () => {
      for (const { ref, program, env } of appContainers()) {
        const helpers = substitutionOnly(env);
        const set = [...env.values.keys()].filter((name) => !helpers.has(name)).sort();
        const expected = PROGRAMS[program].reads
          .filter((name) => !(name in leftToDefault(variant, program)))
          .sort();
        assert.deepEqual(set, expected, `${ref.id} (${program})`);
      }
    });

    test('no container gets a variable its program does not read', () => {
      for (const { ref, program, env } of appContainers()) {
        const reads: readonly string[] = PROGRAMS[program].reads;
        const helpers = substitutionOnly(env);
        const extra = [...env.values.keys(), ...env.fromSecrets].filter(
          (name) => !reads.includes(name) && !helpers.has(name),
        );
        assert.deepEqual(extra, [], `${ref.id} (${program})`);
      }
    });

    test("each program's own config loader accepts the values the manifests give it", () => {
      for (const { ref, program, env } of appContainers()) {
        assert.doesNotThrow(
          () =>
            PROGRAMS[program].load({
              ...(program === 'task-service' ? AWAITING_OIDC_PACKAGING : {}),
              ...Object.fromEntries(env.values),
            }),
          `${ref.id} (${program})`,
        );
      }
    });

    test('settings come from the app ConfigMaps, key named as the variable; the Pod only fills in its name', () => {
      for (const { ref, env } of appContainers()) {
        assert.equal(ref.container.envFrom, undefined, ref.id);
        const helpers = substitutionOnly(env);
        for (const entry of ref.container.env ?? []) {
          const where = `${ref.id}: ${entry.name}`;
          if (env.fromPod.has(entry.name)) {
            assert.ok(
              helpers.has(entry.name),
              `${where}: from the Downward API, and used by nothing`,
            );
            continue;
          }
          if (entry.value !== undefined) {
            // A literal only to compose the Pod's own facts into a variable the program reads.
            const references = env.references.get(entry.name) ?? [];
            assert.ok(
              references.length > 0 && references.every((name) => helpers.has(name)),
              `${where} is a literal: settings belong in a ConfigMap`,
            );
            continue;
          }
          // Both ConfigMaps are generated, so a changed value rolls the Pods (hashed names).
          const source = entry.valueFrom?.configMapKeyRef;
          const configMap = (TRACING_ENV_VARS as readonly string[]).includes(entry.name)
            ? generatedName('task-manager-tracing')
            : new RegExp(`^${appConfigMap(objects()).metadata.name}$`);
          assert.match(source?.name ?? '', configMap, where);
          assert.equal(source?.key, entry.name, where);
        }
      }
    });

    test('every ConfigMap key is read by some container', () => {
      const read = new Set(appContainers().flatMap(({ env }) => [...env.values.keys()]));
      const tracing = ofKind<IConfigMap>(objects(), 'ConfigMap').find((configMap) =>
        generatedName('task-manager-tracing').test(configMap.metadata.name),
      );
      const keys = [...Object.keys(appConfig(objects())), ...Object.keys(tracing?.data ?? {})];
      assert.deepEqual(
        keys.filter((key) => !read.has(key)),
        [],
      );
    });

    test('task-service listens on PORT, the port its Service, probes and Ingress use', () => {
      const service = workloads(objects()).find((w) => w.name === 'task-service')!;
      const port = service.pod.containers[0]!.ports?.find((p) => p.name === 'http');
      assert.equal(String(port?.containerPort), appConfig(objects()).PORT);
    });
  });
}

test('locally, DYNAMODB_ENDPOINT is the LocalStack Service', () => {
  for (const variant of ['local', 'dev', 'local+network-policies'] as const) {
    const objects = render(variant);
    const endpoint = new URL(appConfig(objects).DYNAMODB_ENDPOINT ?? '');
    const service = ofKind<IService>(objects, 'Service').find(
      (s) => s.metadata.name === endpoint.hostname,
    );
    assert.ok(service, `${variant}: no Service ${endpoint.hostname}`);
    assert.ok(service.spec?.ports?.some((p) => String(p.port) === endpoint.port));
    const backing = workloads(objects).filter((w) =>
      matchesSelector(w.podLabels, service.spec?.selector),
    );
    assert.deepEqual(
      backing.map((w) => w.name),
      ['localstack'],
      variant,
    );
  }
});

test('on AWS nothing mentions DYNAMODB_ENDPOINT and no credentials are configured', () => {
  for (const variant of ['aws', 'aws+network-policies'] as const) {
    const text = JSON.stringify(render(variant));
    assert.doesNotMatch(text, /DYNAMODB_ENDPOINT/, variant);
    assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secretKeyRef/, variant);
  }
});

test('the shared DynamoDB settings are the same for task-service and the report job', () => {
  const objects = render('local');
  const envOf = (id: string) => {
    const ref = allContainers(objects).find((candidate) => candidate.id === id)!;
    return resolveEnv(ref.container, objects).values;
  };
  const service = envOf('task-service/task-service');
  const reporter = envOf('task-reporter/task-reporter');
  for (const name of PROGRAMS['create-tables'].reads) {
    assert.equal(reporter.get(name), service.get(name), name);
  }
});
