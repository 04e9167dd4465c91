/**
 * A settings change rolls the Pods: the ConfigMap's name carries a hash of its data, every
 * reference uses that name, so a changed value changes exactly the Pod templates that read it.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import { readConfigMap, readLocalSignIn } from '../../docker/smoke/cluster-config.ts';
import * as k from './support/kube.ts';

/** Every ConfigMap name a workload's Pods refer to, from env and envFrom. */
function configMapsReadBy(workload: k.Workload): string[] {
  const names = k
    .containers(workload)
    .flatMap(({ container }) => [
      ...(container.env ?? []).map((entry) => entry.valueFrom?.configMapKeyRef?.name),
      ...(container.envFrom ?? []).map((source) => source.configMapRef?.name),
    ]);
  names.push(...(workload.pod.volumes ?? []).map((volume) => volume.configMap?.name));
  return [...new Set(names.filter((name) => name !== undefined))].sort();
}

for (const variant of k.ALL_VARIANTS) {
  test(`${variant}: the settings ConfigMap's name carries a hash of its data; every reference names a rendered ConfigMap`, () => {
    const objects = k.render(variant);
    const names = k.ofKind(objects, 'ConfigMap').map((c) => c.metadata.name);
    const hashed = (name: string) => k.generatedName(k.APP_CONFIG).test(name);
    assert.ok(names.some(hashed), names.join(', '));
    assert.ok(!names.includes(k.APP_CONFIG), 'no plain (unhashed) task-manager-config');
    for (const workload of k.workloads(objects)) {
      for (const name of configMapsReadBy(workload)) {
        assert.ok(names.includes(name), `${workload.name} refers to ConfigMap ${name}`);
      }
    }
  });
}

test('changing one setting rolls exactly the workloads that read the settings', () => {
  const before = k.render('local');
  const after = k.renderKustomization([k.VARIANTS.local], {
    configMapGenerator: [{ name: k.APP_CONFIG, behavior: 'merge', literals: ['LOG_LEVEL=warn'] }],
  });
  assert.equal(k.appConfig(after).LOG_LEVEL, 'warn');
  const settings = k.appConfigMap(before).metadata.name;
  assert.notEqual(k.appConfigMap(after).metadata.name, settings);
  const workloads = k.workloads(before);
  const rolled = workloads.filter((w) => !isDeepStrictEqual(w.pod, k.workload(after, w.name).pod));
  const readers = workloads.filter((w) => configMapsReadBy(w).includes(settings));
  assert.deepEqual(k.namesOf(readers), ['identity-provider', 'task-reporter', 'task-service']);
  assert.deepEqual(k.namesOf(rolled), k.namesOf(readers));
});

test('the container smoke test runs with the values Kustomize generates for k8s/base', () => {
  const generated = k.appConfig(k.renderDirectory('k8s/base'));
  assert.deepEqual(readConfigMap(k.fromRoot('k8s/base')), generated);
});

test("the container smoke test signs in with the local cluster's settings, moved to its address", () => {
  const local = k.appConfig(k.render('local'));
  const origin = 'http://127.0.0.1:12345';
  const moved = readLocalSignIn(k.repoRoot, origin);
  assert.ok(Object.keys(moved).length >= 5);
  for (const [key, value] of Object.entries(moved)) {
    assert.equal(value, local[key]!.replaceAll(local.PUBLIC_URL!, origin), key);
  }
  assert.equal(moved.OIDC_ISSUER, `${origin}/idp`);
  assert.equal(moved.OIDC_BACKCHANNEL_URL, local.OIDC_BACKCHANNEL_URL, 'the same network name');
});
