/**
 * Every container, init containers included: requests and limits, pinned images, the strict
 * security context as the image's own uid. Exceptions state their reason and must still apply.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as k from './support/kube.ts';
import * as p from './support/policies.ts';
import { artifactTarget, skaffoldFor } from './support/skaffold.ts';

const LOCALSTACK_RELAXATIONS: p.Relaxations = {
  'localstack/localstack': {
    runAsNonRoot: 'the LocalStack image only runs as root (localstack/localstack#12603)',
    readOnlyRootFilesystem: 'LocalStack writes into its installation directory at start-up',
  },
};
const DEV_RELAXATIONS: p.Relaxations = {
  ...LOCALSTACK_RELAXATIONS,
  'task-service/task-service': {
    readOnlyRootFilesystem: "Skaffold's file sync writes the changed sources into the container",
  },
  'task-web/task-web': {
    readOnlyRootFilesystem: "Skaffold's file sync and Vite's dependency cache write into it",
  },
};
// Jaeger runs as its image's non-root user with a read-only root filesystem: no exception.
const RELAXATIONS = { local: LOCALSTACK_RELAXATIONS, dev: DEV_RELAXATIONS, aws: {} };

/** The uid:gid the image's build target runs as (its last USER, inherited through stages). */
function imageUser(variant: k.Variant, image: string | undefined) {
  const artifact = skaffoldFor(variant).build.artifacts.find((a) => a.image === p.imageName(image));
  if (!artifact) return undefined;
  const { user } = artifactTarget(artifact);
  const match = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  if (!match)
    throw new Error(`${image}: USER "${user}" in its Dockerfile is not a numeric uid:gid`);
  return `${match[1]}:${match[2] ?? match[1]}`;
}

for (const variant of k.ALL_VARIANTS) {
  describe(variant, () => {
    const refs = () => k.allContainers(k.render(variant));
    const artifacts = skaffoldFor(variant).build.artifacts.map((artifact) => artifact.image);
    const relaxations = RELAXATIONS[k.overlayOf(variant)];
    const release = k.overlayOf(variant) === 'aws' ? k.RELEASE : undefined;

    /** Each rule lists what breaks it, naming where; nothing may. */
    const RULES: Record<string, () => string[]> = {
      'every container, init containers included, has CPU and memory requests and limits': () =>
        refs().flatMap(p.resourceViolations),
      'every image is a Skaffold artifact (untagged, or the release on aws) or a pinned third-party one':
        () => refs().flatMap((ref) => p.imageViolations(ref, artifacts, release)),
      'every Skaffold artifact is deployed, so no image is built for nothing': () => {
        const used = refs().map((ref) => p.imageName(ref.container.image));
        return artifacts.filter((image) => !used.includes(image));
      },
      'Pods: no service account token, no host namespaces or paths, bounded emptyDirs': () =>
        k.workloads(k.render(variant)).flatMap(p.podSecurityViolations),
      'containers, init containers included, run with the strict security context': () =>
        refs().flatMap((ref) => p.containerSecurityViolations(ref, relaxations)),
    };
    for (const [name, violations] of Object.entries(RULES)) {
      test(name, () => assert.deepEqual(violations(), []));
    }

    test('no :latest anywhere in the rendered manifests', () => {
      assert.doesNotMatch(JSON.stringify(k.render(variant)), /:latest\b/);
    });

    test('each documented exception is still needed', () => {
      for (const [container, settings] of Object.entries(relaxations)) {
        const ref = refs().find((candidate) => candidate.id === container);
        assert.ok(ref, `exception for ${container}, which is not deployed`);
        for (const setting of Object.keys(settings) as Array<keyof typeof settings>) {
          const message = `${container} no longer relaxes ${setting}`;
          assert.notEqual(p.effectiveSecurity(ref)[setting], true, message);
        }
      }
    });

    test("containers of the project's images run as the user their Dockerfile target sets", () => {
      const built = refs().filter((ref) => artifacts.includes(p.imageName(ref.container.image)));
      assert.ok(built.length > 0);
      for (const ref of built) {
        const { runAsUser, runAsGroup } = p.effectiveSecurity(ref);
        assert.equal(`${runAsUser}:${runAsGroup}`, imageUser(variant, ref.container.image), ref.id);
      }
    });
  });
}

test('LocalStack is pinned to 4.14.0, the last tag that starts without an auth token', () => {
  const localstack = k.workload(k.render('local'), 'localstack');
  const images = k.containers(localstack).map((ref) => ref.container.image);
  assert.deepEqual(images, ['localstack/localstack:4.14.0']);
});

test('the images run as node (1000) and nginx-unprivileged (101); the dev web image is Vite on node', () => {
  const users = (variant: k.Variant) =>
    ['task-service', 'task-web', 'task-reporter', 'identity-provider'].map((image) =>
      imageUser(variant, image),
    );
  assert.deepEqual(users('local'), ['1000:1000', '101:101', '1000:1000', '1000:1000']);
  assert.deepEqual(users('dev'), ['1000:1000', '1000:1000', '1000:1000', '1000:1000']);
});
