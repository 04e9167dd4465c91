/**
 * Security contexts on every Pod and container, init containers included: non-root with the
 * image's own uid, no privilege escalation, no capabilities, RuntimeDefault seccomp, read-only
 * root filesystem with an emptyDir /tmp, no service account token. Exceptions are listed here
 * with their reason, and must be real (a stale exception fails too).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { effective, readStages, targetStage } from './support/dockerfile.ts';
import { allContainers, workloads } from './support/kube.ts';
import { fromRoot } from './support/paths.ts';
import {
  containerSecurityViolations,
  effectiveSecurity,
  imageName,
  podSecurityViolations,
  type Relaxation,
} from './support/policies.ts';
import { ALL_VARIANTS, render, type Variant } from './support/render.ts';
import { skaffoldFor } from './support/skaffold.ts';

const LOCALSTACK_RELAXATIONS: Relaxation[] = [
  {
    container: 'localstack/localstack',
    setting: 'runAsNonRoot',
    reason: 'the LocalStack image only runs as root (localstack/localstack#12603)',
  },
  {
    container: 'localstack/localstack',
    setting: 'readOnlyRootFilesystem',
    reason: 'LocalStack writes into its installation directory at start-up',
  },
];

const DEV_RELAXATIONS: Relaxation[] = [
  ...LOCALSTACK_RELAXATIONS,
  {
    container: 'task-service/task-service',
    setting: 'readOnlyRootFilesystem',
    reason: "Skaffold's file sync writes the changed sources into the container",
  },
  {
    container: 'task-web/task-web',
    setting: 'readOnlyRootFilesystem',
    reason: "Skaffold's file sync and Vite's dependency cache write into the container",
  },
];

const RELAXATIONS: Record<Variant, Relaxation[]> = {
  local: LOCALSTACK_RELAXATIONS,
  'local+network-policies': LOCALSTACK_RELAXATIONS,
  dev: DEV_RELAXATIONS,
  aws: [],
  'aws+network-policies': [],
  // Jaeger runs as the image's non-root user with a read-only root filesystem: no exception.
  'dev+tracing': DEV_RELAXATIONS,
  'local+tracing': LOCALSTACK_RELAXATIONS,
  'local+network-policies+tracing': LOCALSTACK_RELAXATIONS,
};

/** The uid:gid the image's build target runs as (its last USER, inherited through stages). */
function imageUser(variant: Variant, image: string): { uid: number; gid: number } | undefined {
  const artifact = skaffoldFor(variant).build.artifacts.find((a) => a.image === imageName(image));
  if (!artifact?.docker?.dockerfile) return undefined;
  const stages = readStages(fromRoot(artifact.context ?? '.', artifact.docker.dockerfile));
  const stage = targetStage(stages, artifact.docker.target);
  if (!stage)
    throw new Error(`${artifact.docker.dockerfile} has no stage ${artifact.docker.target}`);
  const user = effective(stages, stage, 'user');
  const match = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  if (!match)
    throw new Error(`${image}: USER "${user}" in its Dockerfile is not a numeric uid:gid`);
  return { uid: Number(match[1]), gid: Number(match[2] ?? match[1]) };
}

for (const variant of ALL_VARIANTS) {
  describe(variant, () => {
    const relaxations = RELAXATIONS[variant];

    test('Pods: no service account token, no host namespaces or paths, bounded emptyDirs', () => {
      assert.deepEqual(workloads(render(variant)).flatMap(podSecurityViolations), []);
    });

    test('containers, init containers included, run with the strict security context', () => {
      const problems = allContainers(render(variant)).flatMap((ref) =>
        containerSecurityViolations(ref, relaxations),
      );
      assert.deepEqual(problems, []);
    });

    test('each documented exception is still needed', () => {
      const refs = allContainers(render(variant));
      for (const relaxation of relaxations) {
        const ref = refs.find((candidate) => candidate.id === relaxation.container);
        assert.ok(ref, `exception for ${relaxation.container}, which is not deployed`);
        const actual = effectiveSecurity(ref);
        const strict =
          relaxation.setting === 'runAsNonRoot'
            ? actual.runAsNonRoot === true
            : actual.readOnlyRootFilesystem === true;
        assert.ok(!strict, `${relaxation.container} no longer relaxes ${relaxation.setting}`);
      }
    });

    test("containers of the project's images run as the user their Dockerfile target sets", () => {
      const problems: string[] = [];
      let checked = 0;
      for (const ref of allContainers(render(variant))) {
        const expected = imageUser(variant, ref.container.image ?? '');
        if (!expected) continue;
        checked += 1;
        const actual = effectiveSecurity(ref);
        if (actual.runAsUser !== expected.uid || actual.runAsGroup !== expected.gid) {
          problems.push(
            `${ref.id}: runs as ${actual.runAsUser}:${actual.runAsGroup}, image sets ${expected.uid}:${expected.gid}`,
          );
        }
      }
      assert.deepEqual(problems, []);
      // Every container running an image Skaffold builds was matched to its Dockerfile target.
      const artifacts = skaffoldFor(variant).build.artifacts.map((a) => a.image);
      const built = allContainers(render(variant)).filter((ref) =>
        artifacts.includes(imageName(ref.container.image ?? '')),
      );
      assert.ok(built.length > 0 && checked === built.length, `${checked} of ${built.length}`);
    });
  });
}

test('the images run as node (1000) and nginx-unprivileged (101); the dev web image is Vite on node', () => {
  const users = (variant: Variant) =>
    Object.fromEntries(
      ['task-service', 'task-web', 'task-reporter', 'identity-provider'].map((image) => {
        const user = imageUser(variant, image);
        return [image, user && `${user.uid}:${user.gid}`];
      }),
    );
  assert.deepEqual(users('local'), {
    'task-service': '1000:1000',
    'task-web': '101:101',
    'task-reporter': '1000:1000',
    'identity-provider': '1000:1000',
  });
  assert.deepEqual(users('dev'), {
    'task-service': '1000:1000',
    'task-web': '1000:1000',
    'task-reporter': '1000:1000',
    'identity-provider': '1000:1000',
  });
});
