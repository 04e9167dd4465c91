/**
 * Each container's environment against what its program reads (*_ENV_VARS): all set or left to a
 * stated default, nothing extra, accepted by the program's own loader, each from its proper source.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TRACING_ENV_VARS } from '../../packages/telemetry/src/settings.ts';
import * as e from './support/env.ts';
import * as k from './support/kube.ts';

const ON_AWS = 'unset: the SDK uses the regional DynamoDB endpoint of AWS_REGION';
const DYNAMODB_CLIENTS: e.ProgramName[] = ['task-service', 'task-reporter', 'create-tables'];

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
function leftToDefault(variant: k.Variant, program: e.ProgramName): Record<string, string> {
  const onAws = k.overlayOf(variant) === 'aws';
  const unset: Record<string, string> = {};
  if (program === 'task-service') {
    unset.HOST = 'unset: listen on every interface, as a Pod must';
    if (onAws) unset.OIDC_BACKCHANNEL_URL = 'unset: the Pod reaches the provider at its issuer URL';
  }
  if (program === 'identity-provider') {
    unset.HOST = 'unset: its default 0.0.0.0, every interface';
    unset.PORT = 'unset: its default 9000 is the port the container declares (tested below)';
    unset.IDP_CLI_CLIENT_ID = 'unset: its default task-manager-cli, the id npm run token uses';
    unset.IDP_ACCESS_TOKEN_TTL_SECONDS = 'unset: its default, 10 minutes';
    unset.IDP_SIGNING_KEYS_FILE =
      'unset: a key is generated at start; a restart invalidates access tokens (k8s/README.md)';
    unset.IDP_COOKIE_KEYS = 'unset: random at start, like the sign-ins it keeps in memory';
  }
  if (onAws && DYNAMODB_CLIENTS.includes(program)) unset.DYNAMODB_ENDPOINT = ON_AWS;
  if (program === 'task-service' || program === 'task-reporter') {
    for (const name of TRACING_ENV_VARS) {
      const reason = k.hasTracing(variant) ? TRACING_DEFAULTS[name] : TRACING_OFF;
      if (reason !== undefined) unset[name] = reason;
    }
  }
  return unset;
}

/** Downward API variables only substituted into another (K8S_POD_NAME, in resource attributes). */
function substitutionOnly(env: e.ResolvedEnv): Set<string> {
  const referenced = [...env.references.values()].flat();
  return new Set([...env.fromPod].filter((name) => referenced.includes(name)));
}

/** The variables a container gets, except those only substituted into another. */
const variables = (env: e.ResolvedEnv) =>
  [...env.values.keys(), ...env.secretRefs.map((ref) => ref.variable)].filter(
    (name) => !substitutionOnly(env).has(name),
  );

/** Workloads of third-party images, whose environment is their own business. */
const THIRD_PARTY = ['localstack', 'jaeger'];

for (const variant of k.ALL_VARIANTS) {
  describe(variant, () => {
    const objects = () => k.render(variant);
    const allContainers = () => k.allContainers(objects());
    const appContainers = () => e.programContainers(allContainers(), objects());

    test('every container of ours runs a known program', () => {
      const ours = allContainers().filter((ref) => !THIRD_PARTY.includes(ref.workload.name));
      const unknown = ours.filter((ref) => !e.programOf(ref.container.name)).map((ref) => ref.id);
      assert.deepEqual(unknown, []);
    });

    test('Pods opt out of service links, so their environment is only what the manifests list', () => {
      const linked = k.workloads(objects()).filter((w) => w.pod.enableServiceLinks !== false);
      assert.deepEqual(k.namesOf(linked), []);
    });

    test('every environment reference resolves', () => {
      const problems = allContainers().flatMap((ref) =>
        e.resolveEnv(ref.container, objects()).problems.map((problem) => `${ref.id}: ${problem}`),
      );
      assert.deepEqual(problems, []);
    });

    test('each program gets every variable it reads, except those documented as left unset', () => {
      for (const { ref, program, env } of appContainers()) {
        const unset = leftToDefault(variant, program);
        const expected = e.PROGRAMS[program].reads.filter((name) => !(name in unset));
        assert.deepEqual(variables(env).sort(), expected.sort(), `${ref.id} (${program})`);
      }
    });

    test("each program's own config loader accepts the values the manifests give it", () => {
      for (const { ref, program, env } of appContainers()) {
        // The Secret's values exist only in the cluster: stand-ins of the right shape here.
        const load = () => e.PROGRAMS[program].load(e.programEnv(env));
        assert.doesNotThrow(load, `${ref.id} (${program})`);
      }
    });

    test('settings come from the app ConfigMaps, secrets from the Secret, keys named as the variables; the Pod only fills in its name', () => {
      for (const { ref, env } of appContainers()) {
        const helpers = substitutionOnly(env);
        for (const entry of ref.container.env ?? []) {
          const where = `${ref.id}: ${entry.name}`;
          if (env.fromPod.has(entry.name)) {
            assert.ok(helpers.has(entry.name), `${where}: from the Downward API, used by nothing`);
          } else if (entry.value !== undefined) {
            // A literal only to compose the Pod's own facts into a variable the program reads.
            const references = env.references.get(entry.name) ?? [];
            assert.ok(
              references.length > 0 && references.every((name) => helpers.has(name)),
              `${where} is a literal: settings belong in a ConfigMap`,
            );
          } else if (e.SECRET_VARIABLES.includes(entry.name)) {
            const secret = entry.valueFrom?.secretKeyRef;
            assert.deepEqual(secret, { name: e.SIGN_IN_SECRET, key: entry.name }, where);
          } else {
            // Both ConfigMaps are generated, so a changed value rolls the Pods (hashed names).
            const source = entry.valueFrom?.configMapKeyRef;
            const configMap = (TRACING_ENV_VARS as readonly string[]).includes(entry.name)
              ? k.generatedName('task-manager-tracing')
              : new RegExp(`^${k.appConfigMap(objects()).metadata.name}$`);
            assert.match(source?.name ?? '', configMap, where);
            assert.equal(source?.key, entry.name, where);
          }
        }
      }
    });

    test('no secret is a ConfigMap key or a literal value', () => {
      const isSecret = (name: string) => e.SECRET_VARIABLES.includes(name);
      assert.deepEqual(Object.keys(k.appConfig(objects())).filter(isSecret), []);
      for (const { id, container } of allContainers()) {
        for (const { name, value } of container.env ?? []) {
          if (isSecret(name)) assert.equal(value, undefined, `${id}: ${name} is a literal`);
        }
      }
    });

    test('every ConfigMap key is read by some container', () => {
      const read = new Set(appContainers().flatMap(({ env }) => [...env.values.keys()]));
      const [tracing] = k.generatedConfigMaps(objects(), 'task-manager-tracing');
      const keys = [...Object.keys(k.appConfig(objects())), ...Object.keys(tracing?.data ?? {})];
      const unread = keys.filter((key) => !read.has(key));
      assert.deepEqual(unread, []);
    });

    test('task-service listens on PORT, the port its Service, probes and Ingress use', () => {
      const port = k.containerPort(k.mainContainer(objects(), 'task-service'), 'http');
      assert.equal(String(port), k.appConfig(objects()).PORT);
    });

    test('the identity provider, where deployed, listens on its default port, the one it declares', () => {
      for (const { ref, program, env } of appContainers()) {
        if (program !== 'identity-provider') continue;
        const { port } = e.PROGRAMS[program].load(e.programEnv(env));
        assert.equal(k.containerPort(ref.container, 'http'), port, ref.id);
      }
    });

    if (k.overlayOf(variant) === 'aws') {
      test('nothing mentions DYNAMODB_ENDPOINT and no AWS credentials are configured', () => {
        const text = JSON.stringify(objects());
        assert.doesNotMatch(text, /DYNAMODB_ENDPOINT/);
        assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
        // The only Secret read is the one of sign-in.
        const secrets = allContainers().flatMap((ref) =>
          e.resolveEnv(ref.container, objects()).secretRefs.map((r) => r.secret),
        );
        assert.deepEqual([...new Set(secrets)], [e.SIGN_IN_SECRET]);
      });
    } else {
      test('DYNAMODB_ENDPOINT is the LocalStack Service', () => {
        const endpoint = new URL(k.appConfig(objects()).DYNAMODB_ENDPOINT ?? '');
        const backend = k.serviceBackend(objects(), endpoint.hostname, Number(endpoint.port));
        assert.equal(backend.workload, 'localstack');
      });
    }
  });
}

test('the shared DynamoDB settings are the same for task-service and the report job', () => {
  const objects = k.render('local');
  const service = e.envOf(objects, 'task-service').values;
  const reporter = e.envOf(objects, 'task-reporter').values;
  for (const name of e.PROGRAMS['create-tables'].reads) {
    assert.equal(reporter.get(name), service.get(name), name);
  }
});
