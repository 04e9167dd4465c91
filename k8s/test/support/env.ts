/**
 * A container's environment as the kubelet resolves it, and the environment each of our programs
 * reads, from its own config module, with its own loader to check the values.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { REPORTER_ENV_VARS, loadConfig as loadReporter } from '../../../batch/src/config.ts';
import * as createTables from '../../../packages/task-store/src/config.ts';
import * as identityProvider from '../../../services/identity-provider/src/config.ts';
import * as taskService from '../../../services/task-service/src/config.ts';
import {
  find,
  mainContainer,
  type ContainerRef,
  type IContainer,
  type KubeObject,
} from './kube.ts';

export const PROGRAMS = {
  'task-service': { reads: taskService.TASK_SERVICE_ENV_VARS, load: taskService.loadConfig },
  'task-reporter': { reads: REPORTER_ENV_VARS, load: loadReporter },
  'create-tables': {
    reads: createTables.CREATE_TABLES_ENV_VARS,
    load: createTables.loadCreateTablesConfig,
  },
  'identity-provider': {
    reads: identityProvider.IDENTITY_PROVIDER_ENV_VARS,
    load: identityProvider.loadConfig,
  },
  // nginx serving static files: configured by its image, reads no environment.
  'task-web': { reads: [], load: () => undefined },
} satisfies Record<string, { reads: readonly string[]; load(env: Env): unknown }>;

export type ProgramName = keyof typeof PROGRAMS;
type Env = Record<string, string | undefined>;

/** Which of our programs a container runs, by its name; undefined for third-party ones. */
export const programOf = (container: string) =>
  container in PROGRAMS ? (container as ProgramName) : undefined;

/** Where set, these come from the Secret SIGN_IN_SECRET, never a ConfigMap or a literal. */
export { SECRET_VARIABLES } from '../../../docker/smoke/secrets.ts';
/** Made in the cluster (k8s/create-dev-secret.sh, or by hand on aws), never in a manifest. */
export const SIGN_IN_SECRET = 'task-manager-oidc';

export interface ResolvedEnv {
  /** Variables the container will have, with their values (a Downward API field as <field>). */
  values: Map<string, string>;
  /** Variables from a Secret made in the cluster (value unknown here), and where from. */
  secretRefs: Array<{ variable: string; secret: string; key: string; optional: boolean }>;
  /** Variables the Downward API sets. */
  fromPod: Set<string>;
  /** Variables whose value refers to others with $(NAME), and the names it refers to. */
  references: Map<string, string[]>;
  /** References the kubelet could not resolve: the container would not start. */
  problems: string[];
}

export function resolveEnv(container: IContainer, objects: KubeObject[]): ResolvedEnv {
  const env: ResolvedEnv = {
    values: new Map(),
    secretRefs: [],
    fromPod: new Set(),
    references: new Map(),
    problems: [],
  };
  const data = (name = '') =>
    objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === name)
      ? (find<IConfigMap>(objects, 'ConfigMap', name).data ?? {})
      : undefined;
  // envFrom would hand a container every key of a ConfigMap, read or not: each variable is named.
  if (container.envFrom) env.problems.push(`${container.name}: envFrom instead of named variables`);
  for (const { name, value, valueFrom } of container.env ?? []) {
    const field = valueFrom?.fieldRef?.fieldPath ?? valueFrom?.resourceFieldRef?.resource;
    const configMapRef = valueFrom?.configMapKeyRef;
    const secretRef = valueFrom?.secretKeyRef;
    if (value !== undefined) {
      const pattern = /\$\(([A-Za-z_]\w*)\)/g;
      const referenced = [...value.matchAll(pattern)].map((match) => match[1]!);
      if (referenced.length > 0) env.references.set(name, referenced);
      const substituted = value.replace(pattern, (text, ref: string) => {
        if (env.values.has(ref)) return env.values.get(ref)!;
        env.problems.push(`${name}: $(${ref}) is not defined before it`);
        return text;
      });
      env.values.set(name, substituted);
    } else if (field !== undefined) {
      env.fromPod.add(name);
      env.values.set(name, `<${field}>`);
    } else if (configMapRef) {
      const found = data(configMapRef.name)?.[configMapRef.key];
      if (found !== undefined) env.values.set(name, found);
      else if (!configMapRef.optional) {
        env.problems.push(`${name}: ConfigMap ${configMapRef.name} has no key ${configMapRef.key}`);
      }
    } else if (secretRef) {
      // Not a problem in itself: which Secrets, and how they are made, is sign-in's to check.
      const { name: secret = '', key, optional = false } = secretRef;
      env.secretRefs.push({ variable: name, secret, key, optional });
    } else {
      env.problems.push(
        `${name}: neither a value, a ConfigMap/Secret reference nor the Downward API`,
      );
    }
  }
  return env;
}

/** The environment of the container named after its workload (task-service/task-service). */
export const envOf = (objects: KubeObject[], name: string) =>
  resolveEnv(mainContainer(objects, name), objects);

/** The variables a container gets, with stand-ins of the right shape for the Secret's values. */
export function programEnv(env: ResolvedEnv): Record<string, string> {
  const secret = Buffer.alloc(32, 7).toString('base64url');
  const secrets = env.secretRefs.map(({ variable }) => [variable, secret]);
  return { ...Object.fromEntries(secrets), ...Object.fromEntries(env.values) };
}

/** Our containers, each with the program it runs and its resolved environment. */
export function programContainers(refs: ContainerRef[], objects: KubeObject[]) {
  return refs.flatMap((ref) => {
    const program = programOf(ref.container.name);
    return program ? [{ ref, program, env: resolveEnv(ref.container, objects) }] : [];
  });
}
