/**
 * What a workspace's production install must contain, computed from package-lock.json: the
 * packages reachable from the workspace through dependencies, optionalDependencies and required
 * peerDependencies, never through devDependencies, resolved the way Node resolves them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

export function readLockfile(file: string): Lockfile {
  return JSON.parse(readFileSync(file, 'utf8')) as Lockfile;
}

/** Whether npm installs the package on the images' platform (Linux, glibc, this machine's CPU). */
function fitsPlatform(entry: LockEntry): boolean {
  const allows = (list: string[] | undefined, value: string): boolean =>
    !list ||
    list.some((item) => item === value) ||
    (list.every((item) => item.startsWith('!')) && !list.includes(`!${value}`));
  return (
    allows(entry.os, 'linux') && allows(entry.cpu, process.arch) && allows(entry.libc, 'glibc')
  );
}

/** The lock key Node would load `name` from, starting at the package at `from`. */
function resolve(lock: Lockfile, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = path.posix.dirname(dir)) {
    const base = dir === '.' || dir === '' ? '' : `${dir}/`;
    const candidate = `${base}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === '') return undefined;
  }
}

/**
 * Install locations (lock keys such as `node_modules/express` or
 * `node_modules/@task-manager/task-store`) the production install of `workspace` needs.
 */
export function productionClosure(lock: Lockfile, workspace: string): Set<string> {
  const needed = new Set<string>();
  const visited = new Set<string>();

  const visit = (location: string): void => {
    if (visited.has(location)) return;
    visited.add(location);
    const entry = lock.packages[location];
    if (!entry) throw new Error(`package-lock.json has no entry "${location}"`);
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const edges: Array<[string, boolean]> = [
      ...Object.keys(entry.dependencies ?? {}).map((name): [string, boolean] => [name, false]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((name): [string, boolean] => [
        name,
        true,
      ]),
      ...Object.keys(entry.peerDependencies ?? {})
        .filter((name) => !optionalPeers[name]?.optional)
        .map((name): [string, boolean] => [name, false]),
    ];
    for (const [name, optional] of edges) {
      const target = resolve(lock, location, name);
      if (!target || (optional && !fitsPlatform(lock.packages[target] ?? {}))) {
        if (optional) continue;
        throw new Error(`${location} needs ${name}, which package-lock.json does not resolve`);
      }
      needed.add(target);
      const targetEntry = lock.packages[target];
      visit(targetEntry?.link && targetEntry.resolved ? targetEntry.resolved : target);
    }
  };

  visit(workspace);
  return needed;
}
