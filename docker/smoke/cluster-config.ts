/**
 * The environment the containers get in the cluster: the values of the ConfigMap
 * `task-manager-config` as k8s/base generates it (configMapGenerator from an env file), for
 * exactly the variables each program reads (the lists the apps export). Like the local overlay,
 * the test adds the DynamoDB endpoint, and it names an admin so the report API can be read.
 * k8s/test/config-rollout.test.ts checks that this reads what Kustomize renders.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** The source of the ConfigMap, relative to k8s/base (its configMapGenerator's `envs`). */
const CONFIG_ENV_FILE = 'config/task-manager-config.env';

/** The data of the ConfigMap k8s/base generates. */
export function readConfigMap(k8sBase: string): Record<string, string> {
  const values = parseEnv(readFileSync(path.join(k8sBase, CONFIG_ENV_FILE), 'utf8'));
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) => (value === undefined ? [] : [[key, value]])),
  );
}

/** The ConfigMap's values of `names` (the ones it sets), then the overrides. */
export function environmentFor(
  configMap: Readonly<Record<string, string>>,
  names: readonly string[],
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = configMap[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...overrides };
}
