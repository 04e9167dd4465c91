/**
 * A settings change reaches the Pods: the ConfigMap is generated with a hash of its data in its
 * name, every reference uses that name, and so a changed value changes the Pod templates of
 * exactly the workloads that read it — which is what makes a Deployment roll.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { describe, test } from 'node:test';
import { readConfigMap, readLocalSignIn } from '../../docker/smoke/cluster-config.ts';
import {
  allContainers,
  APP_CONFIG,
  appConfig,
  appConfigMap,
  generatedName,
  ofKind,
  workloads,
  type Workload,
} from './support/kube.ts';
import { fromRoot } from './support/paths.ts';
import { ALL_VARIANTS, render, renderDirectory } from './support/render.ts';

/** Every ConfigMap name a workload's Pods refer to, from env and envFrom. */
function configMapsReadBy(workload: Workload): string[] {
  const names = new Set<string>();
  for (const { container } of allContainers([workload.object])) {
    for (const entry of container.env ?? []) {
      const name = entry.valueFrom?.configMapKeyRef?.name;
      if (name) names.add(name);
    }
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef?.name) names.add(source.configMapRef.name);
    }
  }
  for (const volume of workload.pod.volumes ?? []) {
    if (volume.configMap?.name) names.add(volume.configMap.name);
  }
  return [...names].sort();
}

for (const variant of ALL_VARIANTS) {
  describe(variant, () => {
    test('the settings ConfigMap is generated: its name carries a hash of its data', () => {
      const configMaps = ofKind(render(variant), 'ConfigMap').map((c) => c.metadata.name);
      assert.ok(
        configMaps.some((name) => generatedName(APP_CONFIG).test(name)),
        configMaps.join(', '),
      );
      assert.ok(!configMaps.includes(APP_CONFIG), 'no plain (unhashed) task-manager-config');
    });

    test('every reference to a ConfigMap names one that is rendered, hash included', () => {
      const rendered = new Set(ofKind(render(variant), 'ConfigMap').map((c) => c.metadata.name));
      for (const workload of workloads(render(variant))) {
        for (const name of configMapsReadBy(workload)) {
          assert.ok(rendered.has(name), `${workload.name} refers to ConfigMap ${name}`);
        }
      }
    });
  });
}

test('changing one setting rolls exactly the workloads that read the settings', () => {
  const before = render('local');
  const after = renderDirectory('k8s/test/fixtures/local-with-changed-setting');
  assert.equal(appConfigMap(after).data?.LOG_LEVEL, 'warn');
  assert.notEqual(appConfigMap(after).metadata.name, appConfigMap(before).metadata.name);

  const podTemplate = (objects: typeof before, name: string) =>
    workloads(objects).find((w) => w.name === name)!.pod;
  const rolled = workloads(before)
    .map((w) => w.name)
    .filter((name) => !isDeepStrictEqual(podTemplate(before, name), podTemplate(after, name)))
    .sort();
  const readers = workloads(before)
    .filter((w) => configMapsReadBy(w).includes(appConfigMap(before).metadata.name))
    .map((w) => w.name)
    .sort();
  assert.deepEqual(readers, ['identity-provider', 'task-reporter', 'task-service']);
  assert.deepEqual(rolled, readers);
});

test('the container smoke test runs with the values Kustomize generates for k8s/base', () => {
  assert.deepEqual(
    readConfigMap(fromRoot('k8s/base')),
    appConfigMap(renderDirectory('k8s/base')).data,
  );
});

test("the container smoke test signs in with the local cluster's settings, moved to its address", () => {
  const local = appConfig(render('local'));
  const origin = 'http://127.0.0.1:12345';
  const moved = readLocalSignIn(fromRoot(), origin);
  assert.ok(Object.keys(moved).length >= 5);
  for (const [key, value] of Object.entries(moved)) {
    assert.equal(value, local[key]!.replaceAll(local.PUBLIC_URL!, origin), key);
  }
  assert.equal(moved.OIDC_ISSUER, `${origin}/idp`);
  assert.equal(moved.OIDC_BACKCHANNEL_URL, local.OIDC_BACKCHANNEL_URL, 'the same network name');
});
