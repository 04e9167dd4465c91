/**
 * The environment each program in the manifests reads, straight from the programs' own config
 * modules, with their own loaders to prove the configured values are accepted.
 */
import { REPORTER_ENV_VARS, loadConfig as loadReporterConfig } from '../../../batch/src/config.ts';
import {
  CREATE_TABLES_ENV_VARS,
  loadCreateTablesConfig,
} from '../../../packages/task-store/src/config.ts';
import {
  IDENTITY_PROVIDER_ENV_VARS,
  loadConfig as loadIdentityProviderConfig,
} from '../../../services/identity-provider/src/config.ts';
import {
  TASK_SERVICE_ENV_VARS,
  loadConfig as loadTaskServiceConfig,
} from '../../../services/task-service/src/config.ts';

type Env = Record<string, string | undefined>;

export interface Program {
  /** Every variable the program reads. */
  reads: readonly string[];
  /** Throws the program's own ConfigError on a value it would refuse at start. */
  load(env: Env): unknown;
}

export const PROGRAMS = {
  'task-service': { reads: TASK_SERVICE_ENV_VARS, load: loadTaskServiceConfig },
  'task-reporter': { reads: REPORTER_ENV_VARS, load: loadReporterConfig },
  'create-tables': { reads: CREATE_TABLES_ENV_VARS, load: loadCreateTablesConfig },
  'identity-provider': { reads: IDENTITY_PROVIDER_ENV_VARS, load: loadIdentityProviderConfig },
  // nginx serving static files: configured by its image, reads no environment.
  'task-web': { reads: [], load: () => undefined },
} satisfies Record<string, Program>;

export type ProgramName = keyof typeof PROGRAMS;

/** Which program a container runs, by container name; undefined for third-party containers. */
export function programOf(containerName: string): ProgramName | undefined {
  return containerName in PROGRAMS ? (containerName as ProgramName) : undefined;
}

/** Where set, these must come from the Secret task-manager-oidc, never a ConfigMap or literal. */
export { SECRET_VARIABLES } from '../../../docker/smoke/secrets.ts';

/** The Secret that holds them, created in the cluster (k8s/create-dev-secret.sh, or by hand on aws). */
export const SIGN_IN_SECRET = 'task-manager-oidc';

/** Stand-in values for the Secret's keys, for the programs' loaders (never in a manifest). */
export function exampleSecrets(variables: Iterable<string>): Record<string, string> {
  const value = Buffer.alloc(32, 7).toString('base64url');
  return Object.fromEntries([...variables].map((name) => [name, value]));
}
