/**
 * Every container, init containers included: requests and limits; images (ours under their bare
 * Skaffold artifact name, third-party ones pinned, never :latest); the strict security context
 * (non-root as the image's own uid, no privilege escalation or capabilities, RuntimeDefault
 * seccomp, read-only root with an emptyDir /tmp, no service account token). Exceptions are
 * listed with their reason, and must be real (a stale exception fails too).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  allContainers,
  ALL_VARIANTS,
  readYaml,
  render,
  workloads,
  type Variant,
} from './support/kube.ts';
import {
  containerSecurityViolations,
  effectiveSecurity,
  imageName,
  imageViolations,
  podSecurityViolations,
  resourceViolations,
  type Relaxation,
} from './support/policies.ts';
import { artifactTarget, skaffoldFor } from './support/skaffold.ts';

/** The release the aws overlay's images are tagged with when deployed without Skaffold. */
const RELEASE = (readYaml('package.json') as { version: string }).version;

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
// Jaeger runs as its image's non-root user with a read-only root filesystem: no exception.
const relaxationsOf = (variant: Variant) =>
  ({ local: LOCALSTACK_RELAXATIONS, dev: DEV_RELAXATIONS, aws: [] })[
    variant.split('+')[0] as 'local'
  ];

/** The uid:gid the image's build target runs as (its last USER, inherited through stages). */
function imageUser(variant: Variant, image: string | undefined) {
  const artifact = skaffoldFor(variant).build.artifacts.find((a) => a.image === imageName(image));
  if (!artifact) return undefined;
  const { user } = artifactTarget(artifact);
  const match = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  if (!match)
    throw new Error(`${image}: USER "${user}" in its Dockerfile is not a numeric uid:gid`);
  return `${match[1]}:${match[2] ?? match[1]}`;
}

for (const variant of ALL_VARIANTS) {
  describe(variant, () => {
    const refs = () => allContainers(render(variant));
    const artifacts = skaffoldFor(variant).build.artifacts.map((artifact) => artifact.image);
    const relaxations = relaxationsOf(variant);

    test('every container, init containers included, has CPU and memory requests and limits', () => {
      assert.deepEqual(refs().flatMap(resourceViolations), []);
    });

    test('every image is a Skaffold artifact (untagged, or the release on aws) or a pinned third-party one', () => {
      const release = variant.startsWith('aws') ? RELEASE : undefined;
      assert.deepEqual(
        refs().flatMap((ref) => imageViolations(ref, artifacts, release)),
        [],
      );
    });

    test('every Skaffold artifact is deployed, so no image is built for nothing', () => {
      const used = refs().map((ref) => imageName(ref.container.image));
      assert.deepEqual(
        artifacts.filter((image) => !used.includes(image)),
        [],
      );
    });

    test('no :latest anywhere in the rendered manifests', () => {
      assert.doesNotMatch(JSON.stringify(render(variant)), /:latest\b/);
    });

    test('Pods: no service account token, no host namespaces or paths, bounded emptyDirs', () => {
      assert.deepEqual(workloads(render(variant)).flatMap(podSecurityViolations), []);
    });

    test('containers, init containers included, run with the strict security context', () => {
      assert.deepEqual(
        refs().flatMap((ref) => containerSecurityViolations(ref, relaxations)),
        [],
      );
    });

    test('each documented exception is still needed', () => {
      for (const { container, setting } of relaxations) {
        const ref = refs().find((candidate) => candidate.id === container);
        assert.ok(ref, `exception for ${container}, which is not deployed`);
        assert.notEqual(
          effectiveSecurity(ref)[setting],
          true,
          `${container} no longer relaxes ${setting}`,
        );
      }
    });

    test("containers of the project's images run as the user their Dockerfile target sets", () => {
      const built = refs().filter((ref) => artifacts.includes(imageName(ref.container.image)));
      assert.ok(built.length > 0);
      for (const ref of built) {
        const { runAsUser, runAsGroup } = effectiveSecurity(ref);
        assert.equal(`${runAsUser}:${runAsGroup}`, imageUser(variant, ref.container.image), ref.id);
      }
    });
  });
}

test('LocalStack is pinned to 4.14.0, the last tag that starts without an auth token', () => {
  const images = allContainers(render('local')).filter((ref) => ref.workload.name === 'localstack');
  assert.deepEqual(
    images.map((ref) => ref.container.image),
    ['localstack/localstack:4.14.0'],
  );
});

test('the images run as node (1000) and nginx-unprivileged (101); the dev web image is Vite on node', () => {
  const users = (variant: Variant) =>
    ['task-service', 'task-web', 'task-reporter', 'identity-provider'].map((image) =>
      imageUser(variant, image),
    );
  assert.deepEqual(users('local'), ['1000:1000', '101:101', '1000:1000', '1000:1000']);
  assert.deepEqual(users('dev'), ['1000:1000', '1000:1000', '1000:1000', '1000:1000']);
});
