/**
 * skaffold.yaml as Skaffold sees it for a given command: the base configuration with the
 * profiles it activates laid on top (profile fields first, then their JSON patches).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fromRoot } from './paths.ts';
import { overlayOf, type Variant } from './render.ts';

export interface SyncRule {
  src: string;
  dest: string;
  strip?: string;
}

export interface Artifact {
  image: string;
  context?: string;
  docker?: { dockerfile?: string; target?: string };
  sync?: { manual?: SyncRule[] };
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export interface Profile {
  name: string;
  activation?: Array<{ command?: string; env?: string; kubeContext?: string }>;
  patches?: JsonPatchOperation[];
  [field: string]: unknown;
}

export interface SkaffoldConfig {
  apiVersion: string;
  kind: string;
  build: { artifacts: Artifact[]; local?: { push?: boolean } };
  manifests: { kustomize?: { paths?: string[] } };
  deploy: { kubectl?: object; statusCheck?: boolean; [field: string]: unknown };
  portForward?: Array<{
    resourceType: string;
    resourceName: string;
    namespace?: string;
    port: number | string;
    localPort?: number;
  }>;
  profiles?: Profile[];
}

export function readSkaffoldYaml(): unknown {
  return parse(readFileSync(fromRoot('skaffold.yaml'), 'utf8'));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge field by field; arrays and scalars replace (Skaffold's profile overlay). */
function overlay(base: unknown, top: unknown): unknown {
  if (!isObject(base) || !isObject(top)) return structuredClone(top);
  const merged: Record<string, unknown> = { ...structuredClone(base) };
  for (const [key, value] of Object.entries(top)) merged[key] = overlay(base[key], value);
  return merged;
}

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`JSON pointer must start with /: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** RFC 6902 add/replace/remove, strict about missing targets as Skaffold is. */
export function applyJsonPatch(document: unknown, operations: JsonPatchOperation[]): unknown {
  const result = structuredClone(document) as Json;
  for (const operation of operations) {
    const tokens = pointer(operation.path);
    const last = tokens.pop()!;
    let parent: Json = result;
    for (const token of tokens) {
      const next: Json | undefined = Array.isArray(parent)
        ? parent[Number(token)]
        : isObject(parent)
          ? parent[token]
          : undefined;
      if (next === undefined) throw new Error(`${operation.op} ${operation.path}: no such path`);
      parent = next;
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) {
        throw new Error(`${operation.op} ${operation.path}: bad array index`);
      }
      if (operation.op === 'add') parent.splice(index, 0, operation.value as Json);
      else if (index >= parent.length) throw new Error(`${operation.path}: no such element`);
      else if (operation.op === 'replace') parent[index] = operation.value as Json;
      else parent.splice(index, 1);
    } else if (isObject(parent)) {
      if (operation.op !== 'add' && !(last in parent)) {
        throw new Error(`${operation.op} ${operation.path}: no such member`);
      }
      if (operation.op === 'remove') delete parent[last];
      else parent[last] = operation.value as Json;
    } else {
      throw new Error(`${operation.op} ${operation.path}: parent is not a container`);
    }
  }
  return result;
}

export function profilesActivatedBy(config: SkaffoldConfig, command: string): string[] {
  return (config.profiles ?? [])
    .filter((profile) => profile.activation?.some((activation) => activation.command === command))
    .map((profile) => profile.name);
}

/** Fields of a profile that select or patch it rather than overlay the configuration. */
const PROFILE_CONTROL_FIELDS = ['name', 'activation', 'requiresAllActivations', 'patches'];

/** The configuration with the named profiles applied, in the order the file declares them. */
export function resolveProfiles(config: SkaffoldConfig, names: string[]): SkaffoldConfig {
  const { profiles = [], ...base } = config;
  for (const name of names) {
    if (!profiles.some((profile) => profile.name === name)) throw new Error(`no profile ${name}`);
  }
  let resolved: unknown = base;
  for (const profile of profiles.filter((candidate) => names.includes(candidate.name))) {
    const fields = Object.fromEntries(
      Object.entries(profile).filter(([key]) => !PROFILE_CONTROL_FIELDS.includes(key)),
    );
    resolved = overlay(resolved, fields);
    if (profile.patches) resolved = applyJsonPatch(resolved, profile.patches);
  }
  return resolved as SkaffoldConfig;
}

export function loadSkaffoldConfig(): SkaffoldConfig {
  return readSkaffoldYaml() as SkaffoldConfig;
}

/** How Skaffold builds the images each variant runs: `skaffold dev` builds the dev targets. */
export function skaffoldFor(variant: Variant): SkaffoldConfig {
  const config = loadSkaffoldConfig();
  if (overlayOf(variant) === 'dev') {
    return resolveProfiles(config, profilesActivatedBy(config, 'dev'));
  }
  if (variant.startsWith('aws')) return resolveProfiles(config, ['aws']);
  return config;
}
