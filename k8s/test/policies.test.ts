/**
 * The checks themselves: each policy, fed a deliberately broken copy of a real rendered
 * workload, reports exactly the problem it exists to catch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveEnv } from './support/env.ts';
import {
  appConfigMap,
  containers,
  parseQuantity,
  render,
  workload,
  type Workload,
} from './support/kube.ts';
import {
  containerSecurityViolations as security,
  imageViolations,
  podSecurityViolations,
  probeViolations,
  resourceViolations,
} from './support/policies.ts';
import {
  applyJsonPatch,
  effective,
  parseStages,
  resolveProfiles,
  targetStage,
  type SkaffoldConfig,
} from './support/skaffold.ts';

/** A private copy of the rendered task-service workload, its main container, and a check of it. */
function taskService(
  breakIt: (w: Workload, c: Workload['pod']['containers'][number]) => void = () => {},
) {
  const w = structuredClone(workload(render('local'), 'task-service'));
  breakIt(w, w.pod.containers[0]!);
  const ref = (name: string) => containers(w).find((r) => r.container.name === name)!;
  return { w, ref, main: ref('task-service') };
}

describe('security policy', () => {
  test('accepts the real task-service', () => {
    const { w } = taskService();
    assert.deepEqual(
      [...podSecurityViolations(w), ...containers(w).flatMap((r) => security(r, []))],
      [],
    );
  });

  test('catches each weakened setting', () => {
    const cases: Array<[string, Parameters<typeof taskService>[0], RegExp]> = [
      ['root', (w) => (w.pod.securityContext!.runAsNonRoot = false), /runAsNonRoot is not true/],
      ['no uid', (w) => delete w.pod.securityContext!.runAsUser, /runAsUser/],
      [
        'escalation',
        (_, c) => (c.securityContext!.allowPrivilegeEscalation = true),
        /allowPrivilegeEscalation/,
      ],
      [
        'capabilities kept',
        (_, c) => (c.securityContext!.capabilities = { drop: ['NET_RAW'] }),
        /drop ALL/,
      ],
      [
        'capability added',
        (_, c) => (c.securityContext!.capabilities!.add = ['NET_ADMIN']),
        /added: NET_ADMIN/,
      ],
      [
        'seccomp',
        (w) => (w.pod.securityContext!.seccompProfile = { type: 'Unconfined' }),
        /seccompProfile/,
      ],
      [
        'writable root',
        (_, c) => (c.securityContext!.readOnlyRootFilesystem = false),
        /readOnlyRootFilesystem is not true/,
      ],
      ['no /tmp', (_, c) => (c.volumeMounts = []), /without an emptyDir \/tmp/],
    ];
    for (const [name, breakIt, expected] of cases) {
      assert.match(security(taskService(breakIt).main, []).join('\n'), expected, name);
    }
  });

  test('a documented relaxation waives only its own setting', () => {
    const { main } = taskService((_, c) => {
      c.securityContext!.readOnlyRootFilesystem = false;
      c.securityContext!.allowPrivilegeEscalation = true;
    });
    const relaxed = [
      { container: main.id, setting: 'readOnlyRootFilesystem', reason: 'test' },
    ] as const;
    assert.deepEqual(security(main, relaxed), [
      'task-service/task-service: allowPrivilegeEscalation is not false',
    ]);
  });

  test('catches a mounted token, a host namespace and an unbounded emptyDir', () => {
    const { w } = taskService((w) => {
      w.pod.automountServiceAccountToken = true;
      w.pod.hostNetwork = true;
      delete w.pod.volumes![0]!.emptyDir!.sizeLimit;
    });
    assert.equal(podSecurityViolations(w).length, 3);
  });
});

describe('resource policy', () => {
  test('catches an init container without limits and a request above its limit', () => {
    const { ref, main } = taskService((w, c) => {
      delete w.pod.initContainers![0]!.resources!.limits;
      c.resources!.requests!.memory = '1Gi';
    });
    assert.deepEqual(resourceViolations(ref('create-tables')), [
      'task-service/create-tables: no cpu limit',
      'task-service/create-tables: no memory limit',
    ]);
    assert.match(resourceViolations(main).join(), /memory request 1Gi exceeds/);
  });

  test('parses the quantities Kubernetes uses', () => {
    assert.deepEqual(['250m', '2', '128Mi', '1Gi'].map(parseQuantity), [
      0.25,
      2,
      128 * 2 ** 20,
      2 ** 30,
    ]);
    assert.throws(() => parseQuantity('lots'));
  });
});

describe('image policy', () => {
  const check = (
    image: string,
    {
      pull = undefined as 'Always' | undefined,
      artifact = 'task-service',
      release = undefined as string | undefined,
    } = {},
  ) =>
    imageViolations(
      taskService((_, c) => Object.assign(c, { image, imagePullPolicy: pull })).main,
      [artifact],
      release,
    ).join('\n');

  test('accepts bare artifacts and pinned third-party images', () => {
    for (const image of [
      'task-service',
      'localstack/localstack:4.14.0',
      `busybox@sha256:${'a'.repeat(64)}`,
    ]) {
      assert.equal(check(image), '', image);
    }
  });

  test('catches :latest, unpinned and tagged-artifact images, and Always pulls of local images', () => {
    assert.match(check('localstack/localstack:latest'), /:latest/);
    assert.match(check('localstack/localstack'), /not pinned/);
    assert.match(check('localstack/localstack:stable'), /not pinned/);
    assert.match(check('task-service:1.0.0'), /no tag or digest/);
    assert.match(check('task-service', { pull: 'Always' }), /imagePullPolicy Always/);
  });

  test('where the release tag is required, an artifact must carry exactly that tag', () => {
    const tagged = (image: string) =>
      check(image, { artifact: 'registry/task-service', release: '1.2.3' });
    assert.equal(tagged('registry/task-service:1.2.3'), '');
    assert.match(tagged('registry/task-service'), /must be tagged with the release 1.2.3/);
    assert.match(tagged('registry/task-service:1.2.4'), /must be tagged with the release/);
  });
});

describe('probe policy', () => {
  test('catches a missing probe, an undeclared port and a liveness quicker than readiness', () => {
    const broken = taskService((_, c) => {
      delete c.readinessProbe;
      c.startupProbe!.httpGet!.port = 'metrics';
      Object.assign(c.livenessProbe!, { periodSeconds: 1, timeoutSeconds: 1 });
    });
    assert.deepEqual(probeViolations(broken.main, true), [
      'task-service/task-service: no readinessProbe',
      'task-service/task-service: startupProbe checks port metrics, which the container does not declare',
      'task-service/task-service: livenessProbe timeoutSeconds 1 is not below periodSeconds 1',
    ]);
    const quick = taskService((_, c) => {
      c.readinessProbe = { httpGet: { path: '/', port: 'http' }, periodSeconds: 10 };
      Object.assign(c.livenessProbe!, { periodSeconds: 1, timeoutSeconds: 0.5 });
    });
    assert.match(probeViolations(quick.main, true).join(), /restart before unready/);
  });
});

describe('environment resolution', () => {
  const objects = render('local');
  const name = appConfigMap(objects).metadata.name;

  test('a missing ConfigMap key stops the container unless the reference is optional', () => {
    const ref = (optional?: boolean) => ({
      name: 'A',
      valueFrom: { configMapKeyRef: { name, key: 'NOPE', optional } },
    });
    const required = resolveEnv({ name: 'x', env: [ref()] }, objects);
    assert.deepEqual(required.problems, [`A: ConfigMap ${name} has no key NOPE`]);
    const optional = resolveEnv(
      { name: 'x', env: [ref(true), { name: 'B', value: 'literal' }] },
      objects,
    );
    assert.deepEqual([...optional.values], [['B', 'literal']]);
    assert.deepEqual(optional.problems, []);
  });

  test('envFrom expands the whole ConfigMap, which is why the manifests never use it', () => {
    const resolved = resolveEnv({ name: 'x', envFrom: [{ configMapRef: { name } }] }, objects);
    assert.ok(resolved.values.has('REPORT_TIMEZONE') && resolved.values.has('PORT'));
  });
});

describe('Skaffold profile resolution', () => {
  const base = {
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
    for (const path of ['/build/artifacts/3/image', '/build/nope']) {
      assert.throws(() => applyJsonPatch(base, [{ op: 'replace', path, value: 'x' }]), path);
    }
    assert.throws(() => resolveProfiles(base, ['unknown']));
  });
});

test('Dockerfile stages inherit USER, WORKDIR and ENV from the stage they are built on', () => {
  const stages = parseStages(`ARG IMAGE=node:24-bookworm-slim
FROM \${IMAGE} AS deps
WORKDIR /app
ENV A=1 B=deps
COPY package.json \\
     package-lock.json ./
FROM deps AS dev
# USER root
USER 1000:1000
ENV B=dev \\
    C=x=y:z
ENV D legacy form
FROM \${IMAGE} AS runtime
COPY --from=deps /app ./`);
  assert.deepEqual(
    stages.map((s) => s.name),
    ['deps', 'dev', 'runtime'],
  );
  assert.deepEqual(effective(stages, stages[1]!), {
    user: '1000:1000',
    workdir: '/app',
    cmd: undefined,
    env: { A: '1', B: 'dev', C: 'x=y:z', D: 'legacy form' },
  });
  assert.deepEqual(effective(stages, targetStage(stages, undefined)!), {
    user: undefined,
    workdir: undefined,
    cmd: undefined,
    env: {},
  });
  assert.deepEqual(
    stages.map((s) => s.copies),
    [['package.json', 'package-lock.json'], [], []],
  );
});
