/**
 * The environment the containers get in the cluster: the values of the ConfigMap
 * `task-manager-config` as k8s/base generates it (configMapGenerator from an env file), with the
 * sign-in settings a local cluster merges into it (k8s/components/identity-provider), for exactly
 * the variables each program reads (the lists the apps export). Like the local overlay, the test
 * adds the DynamoDB endpoint. k8s/test/config-rollout.test.ts checks that this reads what
 * Kustomize renders.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** The source of the ConfigMap, relative to k8s/base (its configMapGenerator's `envs`). */
const CONFIG_ENV_FILE = 'config/task-manager-config.env';

/** What k8s/components/identity-provider merges into it on a local cluster. */
export const LOCAL_SIGN_IN_FILE = 'k8s/components/identity-provider/sign-in.env';

function readEnvFile(file: string): Record<string, string> {
  const values = parseEnv(readFileSync(file, 'utf8'));
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) => (value === undefined ? [] : [[key, value]])),
  );
}

/** The data of the ConfigMap k8s/base generates. */
export function readConfigMap(k8sBase: string): Record<string, string> {
  return readEnvFile(path.join(k8sBase, CONFIG_ENV_FILE));
}

/**
 * A local cluster's sign-in settings (the issuer, the client, the audience, the app's address
 * and the back channel), moved from the cluster's address (its PUBLIC_URL, http://localhost:8080)
 * to `origin`, where the test's miniature Ingress listens. The back channel stays as it is: the
 * provider's container has the same name and port on the test's network as its Service.
 */
export function readLocalSignIn(repoRoot: string, origin: string): Record<string, string> {
  const settings = readEnvFile(path.join(repoRoot, LOCAL_SIGN_IN_FILE));
  const clusterOrigin = settings.PUBLIC_URL;
  if (!clusterOrigin) throw new Error(`${LOCAL_SIGN_IN_FILE} sets no PUBLIC_URL`);
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, value.replaceAll(clusterOrigin, origin)]),
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
