/**
 * The checks themselves: each policy, fed a deliberately broken copy of a real rendered
 * workload, reports exactly the problem it exists to catch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { effective, effectiveEnv, parseStages, targetStage } from './support/dockerfile.ts';
import { resolveEnv } from './support/env.ts';
import {
  appConfigMap,
  containers,
  workloads,
  type ContainerRef,
  type Workload,
} from './support/kube.ts';
import {
  containerSecurityViolations,
  imageViolations,
  podSecurityViolations,
  probeViolations,
  resourceViolations,
} from './support/policies.ts';
import { parseQuantity } from './support/quantity.ts';
import { render } from './support/render.ts';
import { applyJsonPatch, resolveProfiles, type SkaffoldConfig } from './support/skaffold.ts';

/** A private copy of the rendered task-service workload, to break at will. */
function taskService(): Workload {
  const original = workloads(render('local')).find((w) => w.name === 'task-service')!;
  return { ...original, pod: structuredClone(original.pod) };
}

function ref(workload: Workload, name: string): ContainerRef {
  return containers(workload).find((candidate) => candidate.container.name === name)!;
}

describe('security policy', () => {
  test('accepts the real task-service', () => {
    const workload = taskService();
    assert.deepEqual(podSecurityViolations(workload), []);
    for (const r of containers(workload)) assert.deepEqual(containerSecurityViolations(r, []), []);
  });

  test('catches each weakened setting', () => {
    const cases: Array<[string, (w: Workload) => void, RegExp]> = [
      ['root', (w) => (w.pod.securityContext!.runAsNonRoot = false), /runAsNonRoot is not true/],
      ['no uid', (w) => delete w.pod.securityContext!.runAsUser, /runAsUser/],
      [
        'escalation',
        (w) => (w.pod.containers[0]!.securityContext!.allowPrivilegeEscalation = true),
        /allowPrivilegeEscalation/,
      ],
      [
        'capabilities kept',
        (w) => (w.pod.containers[0]!.securityContext!.capabilities = { drop: ['NET_RAW'] }),
        /drop ALL/,
      ],
      [
        'capability added',
        (w) => (w.pod.containers[0]!.securityContext!.capabilities!.add = ['NET_ADMIN']),
        /added: NET_ADMIN/,
      ],
      [
        'seccomp',
        (w) => (w.pod.securityContext!.seccompProfile = { type: 'Unconfined' }),
        /seccompProfile/,
      ],
      [
        'writable root',
        (w) => (w.pod.containers[0]!.securityContext!.readOnlyRootFilesystem = false),
        /readOnlyRootFilesystem is not true/,
      ],
      ['no /tmp', (w) => (w.pod.containers[0]!.volumeMounts = []), /without an emptyDir \/tmp/],
    ];
    for (const [name, breakIt, expected] of cases) {
      const workload = taskService();
      breakIt(workload);
      const problems = containerSecurityViolations(ref(workload, 'task-service'), []);
      assert.match(problems.join('\n'), expected, name);
    }
  });

  test('a documented relaxation waives only its own setting', () => {
    const workload = taskService();
    workload.pod.containers[0]!.securityContext!.readOnlyRootFilesystem = false;
    workload.pod.containers[0]!.securityContext!.allowPrivilegeEscalation = true;
    const relaxed = [
      { container: 'task-service/task-service', setting: 'readOnlyRootFilesystem', reason: 'test' },
    ] as const;
    const problems = containerSecurityViolations(ref(workload, 'task-service'), relaxed);
    assert.deepEqual(problems, [
      'task-service/task-service: allowPrivilegeEscalation is not false',
    ]);
  });

  test('catches a mounted token, a host namespace and an unbounded emptyDir', () => {
    const workload = taskService();
    workload.pod.automountServiceAccountToken = true;
    workload.pod.hostNetwork = true;
    delete workload.pod.volumes![0]!.emptyDir!.sizeLimit;
    assert.equal(podSecurityViolations(workload).length, 3);
  });
});

describe('resource policy', () => {
  test('catches an init container without limits and a request above its limit', () => {
    const workload = taskService();
    delete workload.pod.initContainers![0]!.resources!.limits;
    workload.pod.containers[0]!.resources!.requests!.memory = '1Gi';
    assert.deepEqual(resourceViolations(ref(workload, 'create-tables')), [
      'task-service/create-tables: no cpu limit',
      'task-service/create-tables: no memory limit',
    ]);
    assert.match(
      resourceViolations(ref(workload, 'task-service')).join(),
      /memory request 1Gi exceeds/,
    );
  });

  test('parses the quantities Kubernetes uses', () => {
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(parseQuantity('2'), 2);
    assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
    assert.equal(parseQuantity('1Gi'), 2 ** 30);
    assert.throws(() => parseQuantity('lots'));
  });
});

describe('image policy', () => {
  const check = (image: string, pullPolicy?: 'Always' | 'IfNotPresent') => {
    const workload = taskService();
    const container = workload.pod.containers[0]!;
    container.image = image;
    if (pullPolicy) container.imagePullPolicy = pullPolicy;
    return imageViolations(ref(workload, 'task-service'), ['task-service']).join('\n');
  };

  test('accepts bare artifacts and pinned third-party images', () => {
    assert.equal(check('task-service'), '');
    assert.equal(check('localstack/localstack:4.14.0'), '');
    assert.equal(check('busybox@sha256:' + 'a'.repeat(64)), '');
  });

  test('catches :latest, unpinned and tagged-artifact images, and Always pulls of local images', () => {
    assert.match(check('localstack/localstack:latest'), /:latest/);
    assert.match(check('localstack/localstack'), /not pinned/);
    assert.match(check('localstack/localstack:stable'), /not pinned/);
    assert.match(check('task-service:1.0.0'), /no tag or digest/);
    assert.match(check('task-service', 'Always'), /imagePullPolicy Always/);
  });

  test('where the release tag is required, an artifact must carry exactly that tag', () => {
    const workload = taskService();
    const tagged = (image: string) => {
      workload.pod.containers[0]!.image = image;
      return imageViolations(ref(workload, 'task-service'), ['registry/task-service'], '1.2.3');
    };
    assert.deepEqual(tagged('registry/task-service:1.2.3'), []);
    assert.match(tagged('registry/task-service').join(), /must be tagged with the release 1.2.3/);
    assert.match(tagged('registry/task-service:1.2.4').join(), /must be tagged with the release/);
  });
});

describe('probe policy', () => {
  test('catches a missing probe, an undeclared port and a liveness quicker than readiness', () => {
    const workload = taskService();
    const container = workload.pod.containers[0]!;
    delete container.readinessProbe;
    container.startupProbe!.httpGet!.port = 'metrics';
    container.livenessProbe!.periodSeconds = 1;
    container.livenessProbe!.timeoutSeconds = 1;
    const problems = probeViolations(ref(workload, 'task-service'), true);
    assert.deepEqual(problems, [
      'task-service/task-service: no readinessProbe',
      'task-service/task-service: startupProbe checks port metrics, which the container does not declare',
      'task-service/task-service: livenessProbe timeoutSeconds 1 is not below periodSeconds 1',
    ]);
    container.readinessProbe = { httpGet: { path: '/', port: 'http' }, periodSeconds: 10 };
    container.livenessProbe!.timeoutSeconds = 0.5;
    assert.match(
      probeViolations(ref(workload, 'task-service'), true).join(),
      /restart before unready/,
    );
  });
});

describe('environment resolution', () => {
  const objects = render('local');
  const configMap = appConfigMap(objects).metadata.name;

  test('a missing ConfigMap key stops the container unless the reference is optional', () => {
    const required = resolveEnv(
      {
        name: 'x',
        env: [
          {
            name: 'A',
            valueFrom: { configMapKeyRef: { name: configMap, key: 'NOPE' } },
          },
        ],
      },
      objects,
    );
    assert.deepEqual(required.problems, [`A: ConfigMap ${configMap} has no key NOPE`]);
    const optional = resolveEnv(
      {
        name: 'x',
        env: [
          {
            name: 'A',
            valueFrom: {
              configMapKeyRef: { name: configMap, key: 'NOPE', optional: true },
            },
          },
          { name: 'B', value: 'literal' },
        ],
      },
      objects,
    );
    assert.deepEqual([...optional.values], [['B', 'literal']]);
    assert.deepEqual(optional.problems, []);
  });

  test('envFrom expands the whole ConfigMap, which is why the manifests never use it', () => {
    const resolved = resolveEnv(
      { name: 'x', envFrom: [{ configMapRef: { name: configMap } }] },
      objects,
    );
    assert.ok(resolved.values.has('REPORT_TIMEZONE') && resolved.values.has('PORT'));
  });
});

describe('Skaffold profile resolution', () => {
  const base = {
    apiVersion: 'skaffold/v4beta14',
    kind: 'Config',
    build: { artifacts: [{ image: 'a', docker: { target: 'runtime' } }], local: { push: false } },
    manifests: { kustomize: { paths: ['one'] } },
    deploy: { kubectl: {} },
    profiles: [
      {
        name: 'p',
        build: { local: { push: true } },
        manifests: { kustomize: { paths: ['two'] } },
        patches: [{ op: 'replace', path: '/build/artifacts/0/docker/target', value: 'dev' }],
      },
    ],
  } as unknown as SkaffoldConfig;

  test('overlays profile fields, then applies its patches', () => {
    const resolved = resolveProfiles(base, ['p']);
    assert.deepEqual(resolved.build, {
      artifacts: [{ image: 'a', docker: { target: 'dev' } }],
      local: { push: true },
    });
    assert.deepEqual(resolved.manifests.kustomize?.paths, ['two']);
    assert.equal(resolved.profiles, undefined);
  });

  test('a patch of a path that does not exist fails, as in Skaffold', () => {
    assert.throws(() =>
      applyJsonPatch(base, [{ op: 'replace', path: '/build/artifacts/3/image', value: 'x' }]),
    );
    assert.throws(() => applyJsonPatch(base, [{ op: 'replace', path: '/build/nope', value: 'x' }]));
    assert.throws(() => resolveProfiles(base, ['unknown']));
  });
});

test('Dockerfile stages inherit USER, WORKDIR and ENV from the stage they are built on', () => {
  const stages = parseStages(
    [
      'ARG IMAGE=node:24-bookworm-slim',
      'FROM ${IMAGE} AS deps',
      'WORKDIR /app',
      'ENV A=1 B=deps',
      'COPY package.json \\',
      '     package-lock.json ./',
      'FROM deps AS dev',
      '# USER root',
      'USER 1000:1000',
      'ENV B=dev \\',
      '    C=x=y:z',
      'ENV D legacy form',
      'FROM ${IMAGE} AS runtime',
      'COPY --from=deps /app ./',
    ].join('\n'),
  );
  assert.deepEqual(effectiveEnv(stages, stages[1]!), {
    A: '1',
    B: 'dev',
    C: 'x=y:z',
    D: 'legacy form',
  });
  assert.deepEqual(effectiveEnv(stages, stages[2]!), {});
  assert.deepEqual(
    stages.map((s) => s.name),
    ['deps', 'dev', 'runtime'],
  );
  assert.deepEqual(stages[0]!.copies, ['package.json', 'package-lock.json']);
  assert.deepEqual(stages[2]!.copies, []);
  const dev = targetStage(stages, 'dev')!;
  assert.equal(effective(stages, dev, 'user'), '1000:1000');
  assert.equal(effective(stages, dev, 'workdir'), '/app');
  assert.equal(effective(stages, targetStage(stages, undefined)!, 'user'), undefined);
});
