/**
 * The environment the containers get in the cluster: the ConfigMap `task-manager-config` as
 * k8s/base generates it, with the sign-in settings a local cluster merges into it
 * (k8s/components/identity-provider), for exactly the variables each program reads.
 * k8s/test/config-rollout.test.ts checks that this reads what Kustomize renders.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

const LOCAL_SIGN_IN_FILE = 'k8s/components/identity-provider/sign-in.env';

function readEnvFile(file: string): Record<string, string> {
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The data of the ConfigMap k8s/base generates (its configMapGenerator's env file). */
export function readConfigMap(k8sBase: string): Record<string, string> {
  return readEnvFile(path.join(k8sBase, 'config/task-manager-config.env'));
}

/**
 * A local cluster's sign-in settings, moved from the cluster's address (its PUBLIC_URL) to
 * `origin`, where the test's miniature Ingress listens. The back channel stays as it is: the
 * provider's container has its Service's name and port on the test's network.
 */
export function readLocalSignIn(repoRoot: string, origin: string): Record<string, string> {
  const settings = readEnvFile(path.join(repoRoot, LOCAL_SIGN_IN_FILE));
  const clusterOrigin = settings.PUBLIC_URL;
  if (!clusterOrigin) throw new Error(`${LOCAL_SIGN_IN_FILE} sets no PUBLIC_URL`);
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, value.replaceAll(clusterOrigin, origin)]),
  );
}

/** The values of `names` that `settings` has, then the overrides. */
export function environmentFor(
  settings: Readonly<Record<string, string>>,
  names: readonly string[],
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const picked = names.filter((name) => settings[name] !== undefined);
  return { ...Object.fromEntries(picked.map((name) => [name, settings[name]!])), ...overrides };
}
