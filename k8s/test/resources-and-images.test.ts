/**
 * Requests and limits on every container (init containers too), and images: the project's own
 * under their bare Skaffold artifact name, third-party ones pinned, never :latest.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { allContainers } from './support/kube.ts';
import { fromRoot } from './support/paths.ts';
import { imageName, imageViolations, resourceViolations } from './support/policies.ts';
import { ALL_VARIANTS, render } from './support/render.ts';
import { skaffoldFor } from './support/skaffold.ts';

/** The release the aws overlay's images are tagged with when deployed without Skaffold. */
const RELEASE = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string })
  .version;

for (const variant of ALL_VARIANTS) {
  describe(variant, () => {
    const artifacts = skaffoldFor(variant).build.artifacts.map((artifact) => artifact.image);
    const releaseTag = variant.startsWith('aws') ? RELEASE : undefined;

    test('every container, init containers included, has CPU and memory requests and limits', () => {
      assert.deepEqual(allContainers(render(variant)).flatMap(resourceViolations), []);
    });

    test('every image is a Skaffold artifact (untagged, or the release on aws) or a pinned third-party one', () => {
      const problems = allContainers(render(variant)).flatMap((ref) =>
        imageViolations(ref, artifacts, releaseTag),
      );
      assert.deepEqual(problems, []);
    });

    test('every Skaffold artifact is deployed, so no image is built for nothing', () => {
      const used = new Set(
        allContainers(render(variant)).map((ref) => imageName(ref.container.image ?? '')),
      );
      assert.deepEqual(
        artifacts.filter((image) => !used.has(image)),
        [],
      );
    });

    test('no :latest anywhere in the rendered manifests', () => {
      assert.doesNotMatch(JSON.stringify(render(variant)), /:latest\b/);
    });
  });
}

test('LocalStack is pinned to 4.14.0, the last tag that starts without an auth token', () => {
  const images = allContainers(render('local'))
    .filter((ref) => ref.workload.name === 'localstack')
    .map((ref) => ref.container.image);
  assert.deepEqual(images, ['localstack/localstack:4.14.0']);
});
