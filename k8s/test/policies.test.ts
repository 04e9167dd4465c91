/** The checks themselves: each policy, fed a broken copy of a workload, reports its problem. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { resolveEnv } from './support/env.ts';
import * as k from './support/kube.ts';
import * as p from './support/policies.ts';
import * as s from './support/skaffold.ts';

const security = p.containerSecurityViolations;

/** A private copy of the rendered task-service workload, its main container, and a check of it. */
function taskService(breakIt: (w: k.Workload, c: IContainer) => void = () => {}) {
  const w = structuredClone(k.workload(k.render('local'), 'task-service'));
  breakIt(w, w.pod.containers[0]!);
  const ref = (name: string) => k.containers(w).find((r) => r.container.name === name)!;
  return { w, ref, main: ref('task-service') };
}

describe('security policy', () => {
  test('accepts the real task-service', () => {
    const { w } = taskService();
    const refs = k.containers(w);
    assert.deepEqual([...p.podSecurityViolations(w), ...refs.flatMap((r) => security(r, {}))], []);
  });

  test('catches each weakened setting', () => {
    type Case = [string, IPodSecurityContext, ISecurityContext, Partial<IContainer>, RegExp];
    // [name, Pod securityContext, container securityContext, container fields, expected problem]
    const addsNetAdmin = { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } };
    const cases: Case[] = [
      ['root', { runAsNonRoot: false }, {}, {}, /runAsNonRoot is not true/],
      ['no uid', { runAsUser: undefined }, {}, {}, /runAsUser/],
      ['escalation', {}, { allowPrivilegeEscalation: true }, {}, /allowPrivilegeEscalation/],
      ['capabilities kept', {}, { capabilities: { drop: ['NET_RAW'] } }, {}, /drop ALL/],
      ['capability added', {}, addsNetAdmin, {}, /added: NET_ADMIN/],
      ['seccomp', { seccompProfile: { type: 'Unconfined' } }, {}, {}, /seccompProfile/],
      ['writable', {}, { readOnlyRootFilesystem: false }, {}, /readOnlyRootFilesystem is not true/],
      ['no /tmp', {}, {}, { volumeMounts: [] }, /without an emptyDir \/tmp/],
    ];
    for (const [name, pod, own, fields, expected] of cases) {
      const { main } = taskService((w, c) => {
        Object.assign(w.pod.securityContext!, pod);
        Object.assign(c.securityContext!, own);
        Object.assign(c, fields);
      });
      assert.match(security(main, {}).join('\n'), expected, name);
    }
  });

  test('a documented relaxation waives only its own setting', () => {
    const { main } = taskService((_, c) => {
      c.securityContext!.readOnlyRootFilesystem = false;
      c.securityContext!.allowPrivilegeEscalation = true;
    });
    const relaxed = { [main.id]: { readOnlyRootFilesystem: 'a reason' } };
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
    assert.equal(p.podSecurityViolations(w).length, 3);
  });
});

describe('resource policy', () => {
  test('catches an init container without limits and a request above its limit', () => {
    const { ref, main } = taskService((w, c) => {
      delete w.pod.initContainers![0]!.resources!.limits;
      c.resources!.requests!.memory = '1Gi';
    });
    assert.deepEqual(p.resourceViolations(ref('create-tables')), [
      'task-service/create-tables: no cpu limit',
      'task-service/create-tables: no memory limit',
    ]);
    assert.match(p.resourceViolations(main).join(), /memory request 1Gi exceeds/);
  });

  test('parses the quantities Kubernetes uses', () => {
    const quantities = ['250m', '2', '128Mi', '1Gi'].map(k.parseQuantity);
    assert.deepEqual(quantities, [0.25, 2, 128 * 2 ** 20, 2 ** 30]);
    assert.throws(() => k.parseQuantity('lots'));
  });
});

describe('image policy', () => {
  /** `pull`: the container's imagePullPolicy, IfNotPresent unless given (null: unset). */
  type Options = { pull?: string | null; artifact?: string; release?: string };
  const check = (
    image: string,
    { pull = 'IfNotPresent', artifact = 'task-service', release }: Options = {},
  ) => {
    const { main } = taskService((_, c) =>
      Object.assign(c, { image, imagePullPolicy: pull ?? undefined }),
    );
    return p.imageViolations(main, [artifact], release).join('\n');
  };
  const released = { artifact: 'registry/task-service', release: '1.2.3' };
  /** [image, options, the problem reported ('': none)] */
  const CASES: Array<[string, Options, RegExp | '']> = [
    ['task-service', {}, ''],
    ['localstack/localstack:4.14.0', {}, ''],
    [`busybox@sha256:${'a'.repeat(64)}`, {}, ''],
    ['localstack/localstack:latest', {}, /uses :latest/],
    ['localstack/localstack', {}, /not pinned/],
    ['localstack/localstack:stable', {}, /not pinned/],
    ['task-service:1.0.0', {}, /no tag or digest/],
    ['task-service', { pull: 'Always' }, /imagePullPolicy Always pulls/],
    // Unset, an untagged image is pulled Always by the kubelet (without Skaffold's tag).
    ['task-service', { pull: null }, /imagePullPolicy unset pulls/],
    ['task-service', { pull: 'Never' }, ''],
    ['localstack/localstack:4.14.0', { pull: null }, ''],
    // Where the release tag is required, an artifact must carry exactly that tag.
    ['registry/task-service:1.2.3', released, ''],
    ['registry/task-service', released, /must be tagged with the release 1.2.3/],
    ['registry/task-service:1.2.4', released, /must be tagged with the release/],
  ];

  test('accepts bare artifacts and pinned images; catches :latest, unpinned, wrongly tagged and pulled artifacts', () => {
    for (const [image, options, expected] of CASES) {
      const problems = check(image, options);
      const where = `${image} ${JSON.stringify(options)}`;
      if (expected === '') assert.equal(problems, '', where);
      else assert.match(problems, expected, where);
    }
  });
});

describe('probe policy', () => {
  test('catches a missing probe, an undeclared port and a liveness quicker than readiness', () => {
    const broken = taskService((_, c) => {
      delete c.readinessProbe;
      c.startupProbe!.httpGet!.port = 'metrics';
      Object.assign(c.livenessProbe!, { periodSeconds: 1, timeoutSeconds: 1 });
    });
    assert.deepEqual(p.probeViolations(broken.main, true), [
      'task-service/task-service: no readinessProbe',
      'task-service/task-service: startupProbe checks port metrics, which the container does not declare',
      'task-service/task-service: livenessProbe timeoutSeconds 1 is not below periodSeconds 1',
    ]);
    const quick = taskService((_, c) => {
      c.readinessProbe = { httpGet: { path: '/', port: 'http' }, periodSeconds: 10 };
      Object.assign(c.livenessProbe!, { periodSeconds: 1, timeoutSeconds: 0.5 });
    });
    assert.match(p.probeViolations(quick.main, true).join(), /restart before unready/);
  });
});

describe('environment resolution', () => {
  const objects = k.render('local');
  const name = k.appConfigMap(objects).metadata.name;

  test('a missing ConfigMap key stops the container unless the reference is optional', () => {
    const ref = (optional?: boolean) => ({
      name: 'A',
      valueFrom: { configMapKeyRef: { name, key: 'NOPE', optional } },
    });
    const required = resolveEnv({ name: 'x', env: [ref()] }, objects);
    assert.deepEqual(required.problems, [`A: ConfigMap ${name} has no key NOPE`]);
    const env = [ref(true), { name: 'B', value: 'literal' }];
    const optional = resolveEnv({ name: 'x', env }, objects);
    assert.deepEqual([...optional.values], [['B', 'literal']]);
    assert.deepEqual(optional.problems, []);
  });

  test('envFrom is refused: it would set every key of the ConfigMap, read or not', () => {
    const resolved = resolveEnv({ name: 'x', envFrom: [{ configMapRef: { name } }] }, objects);
    assert.deepEqual(resolved.problems, ['x: envFrom instead of named variables']);
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
  } as unknown as s.SkaffoldConfig;

  test('overlays profile fields, then applies its patches', () => {
    const resolved = s.resolveProfiles(base, ['p']);
    assert.deepEqual(resolved.build, {
      artifacts: [{ image: 'a', docker: { target: 'dev' } }],
      local: { push: true },
    });
    assert.deepEqual(resolved.manifests.kustomize?.paths, ['two']);
    assert.equal(resolved.profiles, undefined);
  });

  test('a patch of a path that does not exist fails, as in Skaffold', () => {
    for (const path of ['/build/artifacts/3/image', '/build/nope']) {
      assert.throws(() => s.applyJsonPatch(base, [{ op: 'replace', path, value: 'x' }]), path);
    }
    assert.throws(() => s.resolveProfiles(base, ['unknown']));
  });
});
