/**
 * The environment the containers get in the cluster: the values of the ConfigMap
 * `task-manager-config` in k8s/base, for exactly the variables each program reads (the lists
 * the apps export). Like the local overlay, the test adds the DynamoDB endpoint, and it names
 * an admin so the report API can be read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const CONFIG_MAP = 'task-manager-config';

interface Manifest {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The data of the ConfigMap, wherever in k8s/base it is defined. */
export function readConfigMap(k8sBase: string): Record<string, string> {
  for (const file of yamlFiles(k8sBase)) {
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const manifest = document.toJS() as Manifest | null;
      if (manifest?.kind === 'ConfigMap' && manifest.metadata?.name === CONFIG_MAP) {
        return manifest.data ?? {};
      }
    }
  }
  throw new Error(`no ConfigMap ${CONFIG_MAP} under ${k8sBase}`);
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
