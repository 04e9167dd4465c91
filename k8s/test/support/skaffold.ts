/**
 * skaffold.yaml as Skaffold resolves it for a command (profile fields overlaid, then their JSON
 * patches), and the Dockerfile stages its artifacts build.
 */
import { effective, readStages, targetStage } from '@task-manager/testing';
import { overlayOf, readYaml, type Variant } from './kube.ts';

export interface Artifact {
  image: string;
  context?: string;
  docker?: { dockerfile?: string; target?: string };
  sync?: { manual?: Array<{ src: string; dest: string; strip?: string }> };
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export interface SkaffoldConfig {
  build: { artifacts: Artifact[]; local?: { push?: boolean } };
  manifests: { kustomize?: { paths?: string[] } };
  deploy: { kubectl?: { hooks?: unknown }; [field: string]: unknown };
  portForward?: Array<Record<string, string | number>>;
  profiles?: Array<{
    name: string;
    activation?: Array<Record<string, string>>;
    patches?: JsonPatchOperation[];
  }>;
}

export const loadSkaffoldConfig = () => readYaml('skaffold.yaml') as SkaffoldConfig;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge field by field; arrays and scalars replace (Skaffold's profile overlay). */
function overlay(base: unknown, top: unknown): unknown {
  if (!isObject(base) || !isObject(top)) return structuredClone(top);
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(top)) merged[key] = overlay(base[key], value);
  return merged;
}

/** RFC 6902 add/replace/remove, strict about missing targets as Skaffold is. */
export function applyJsonPatch(document: unknown, operations: JsonPatchOperation[]): unknown {
  const result = structuredClone(document) as Json;
  for (const { op, path, value } of operations) {
    const fail = (why: string) => new Error(`${op} ${path}: ${why}`);
    const tokens = path.split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (tokens.shift() !== '') throw fail('a JSON pointer starts with /');
    const last = tokens.pop()!;
    let parent: Json | undefined = result;
    for (const token of tokens) parent = (parent as Record<string, Json> | undefined)?.[token];
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      const end = op === 'add' ? parent.length : parent.length - 1;
      if (!Number.isInteger(index) || index < 0 || index > end) throw fail('no such element');
      parent.splice(index, op === 'add' ? 0 : 1, ...(op === 'remove' ? [] : [value as Json]));
    } else if (isObject(parent)) {
      if (op !== 'add' && !(last in parent)) throw fail('no such member');
      if (op === 'remove') delete parent[last];
      else parent[last] = value as Json;
    } else {
      throw fail('no such path');
    }
  }
  return result;
}

/**
 * The profiles Skaffold applies, in its order (pkg/skaffold/schema/profiles.go): those that
 * switch themselves on for this command and kube context, in file order, then those named with
 * `-p` that are not on already.
 */
export function profilesFor(
  config: SkaffoldConfig,
  { command, kubeContext = 'minikube' }: { command: string; kubeContext?: string },
  named: string[] = [],
): string[] {
  const auto = (config.profiles ?? [])
    .filter((profile) =>
      profile.activation?.some(
        (when) =>
          (when.command === undefined || when.command === command) &&
          (when.kubeContext === undefined || when.kubeContext === kubeContext) &&
          when.env === undefined,
      ),
    )
    .map((profile) => profile.name);
  return [...auto, ...named.filter((name) => !auto.includes(name))];
}

/** Fields of a profile that select or patch it rather than overlay the configuration. */
const PROFILE_CONTROL_FIELDS = ['name', 'activation', 'requiresAllActivations', 'patches'];

/**
 * Skaffold writes the configuration out as YAML and reads it back after each profile's patches,
 * and its fields omit empty lists: a list a patch emptied is gone for the next profile.
 */
function withoutEmptyLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyLists);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => !(Array.isArray(field) && field.length === 0))
      .map(([key, field]) => [key, withoutEmptyLists(field)]),
  );
}

/** The configuration with the profiles applied in the order given (see profilesFor). */
export function resolveProfiles(config: SkaffoldConfig, names: string[]): SkaffoldConfig {
  const { profiles = [], ...base } = config;
  let resolved: unknown = base;
  for (const name of names) {
    const profile = profiles.find((candidate) => candidate.name === name);
    if (!profile) throw new Error(`no profile ${name}`);
    const fields = Object.fromEntries(
      Object.entries(profile).filter(([key]) => !PROFILE_CONTROL_FIELDS.includes(key)),
    );
    const patched = applyJsonPatch(overlay(resolved, fields), profile.patches ?? []);
    resolved = withoutEmptyLists(patched);
  }
  return resolved as SkaffoldConfig;
}

/** How Skaffold builds the images a variant runs: `skaffold dev` builds the dev targets. */
export function skaffoldFor(variant: Variant): SkaffoldConfig {
  const config = loadSkaffoldConfig();
  if (overlayOf(variant) === 'dev')
    return resolveProfiles(config, profilesFor(config, { command: 'dev' }));
  return overlayOf(variant) === 'aws' ? resolveProfiles(config, ['aws']) : config;
}

/** The build target of a Dockerfile, with its effective settings. */
export function dockerTarget(dockerfile: string, target: string | undefined) {
  const stages = readStages(dockerfile);
  const stage = targetStage(stages, target);
  if (!stage) throw new Error(`${dockerfile} has no stage ${target}`);
  return { ...stage, ...effective(stages, stage), last: stage === stages.at(-1) };
}

/** The build target an artifact names, from its Dockerfile in its context. */
export const artifactTarget = ({ context = '.', docker }: Artifact) =>
  dockerTarget(`${context}/${docker?.dockerfile ?? 'Dockerfile'}`, docker?.target);
