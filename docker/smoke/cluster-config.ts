/**
 * The containers' environment in the cluster: k8s/base's ConfigMap and a local cluster's sign-in
 * settings. k8s/test/config-rollout.test.ts checks that this reads what Kustomize renders.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

const LOCAL_SIGN_IN_FILE = 'k8s/components/identity-provider/sign-in.env';

const readEnvFile = (file: string) =>
  parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;

/** The data of the ConfigMap k8s/base generates (its configMapGenerator's env file). */
export function readConfigMap(k8sBase: string): Record<string, string> {
  return readEnvFile(path.join(k8sBase, 'config/task-manager-config.env'));
}

/** A local cluster's sign-in settings, moved from its PUBLIC_URL to `origin`. */
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
