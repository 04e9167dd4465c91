/**
 * What is inside the runtime images, read with `find` in a throw-away container: which packages
 * node_modules holds, that only compiled output ships, and that nothing is the app's to modify.
 */
import { COMPILE_CACHE_DIR } from '@task-manager/task-service/launch';
import { dockerChecked } from './command.ts';

export interface TreeEntry {
  uid: number;
  mode: number;
  type: 'f' | 'd' | 'l' | string;
  /** Relative to the listed root. */
  path: string;
}

/** `find` with `args`, run as root in a throw-away, network-less container of `image`. */
export function findInImage(image: string, args: readonly string[]): Promise<string> {
  return dockerChecked([
    'run',
    '--rm',
    '--network',
    'none',
    '--user',
    '0',
    '--entrypoint',
    'find',
    image,
    ...args,
  ]);
}

export async function listTree(image: string, root: string): Promise<TreeEntry[]> {
  const stdout = await findInImage(image, [root, '-mindepth', '1', '-printf', '%U %m %y %P\\n']);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [uid = '', mode = '', type = '', ...rest] = line.split(' ');
      return { uid: Number(uid), mode: parseInt(mode, 8), type, path: rest.join(' ') };
    });
}

/**
 * Install locations under node_modules (`node_modules/express`, `node_modules/@scope/name`,
 * `node_modules/a/node_modules/b`, `services/x/node_modules/c`), ignoring directories that merely
 * happen to be called node_modules inside a package (test fixtures).
 */
export function installedPackages(tree: readonly TreeEntry[]): Set<string> {
  const installed = new Set<string>();
  const byDepth = [...tree].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  for (const entry of byDepth) {
    if (entry.type !== 'd' && entry.type !== 'l') continue;
    const match = /^(?:(.*)\/)?node_modules\/(?:@[^/]+\/)?[^/@.][^/]*$/.exec(entry.path);
    if (!match) continue;
    // A scope directory (`node_modules/@aws-sdk`) does not match: names cannot start with @.
    const owner = match[1] ?? '';
    const ownerIsRoot = owner === '' || !owner.split('/').includes('node_modules');
    if (ownerIsRoot || installed.has(owner)) installed.add(entry.path);
  }
  return installed;
}

/** Files outside node_modules that are not compiled JavaScript or a package manifest. */
export function nonRuntimeFiles(tree: readonly TreeEntry[]): string[] {
  return tree
    .filter((entry) => entry.type === 'f' && !entry.path.split('/').includes('node_modules'))
    .filter((entry) => {
      const name = entry.path.split('/').at(-1) ?? '';
      if (name === 'package.json') return false;
      const parts = entry.path.split('/');
      // V8's compiled code of a bundle (services/task-service/dist/compile-cache): runs, is no source.
      if (parts.includes('dist') && parts.includes(COMPILE_CACHE_DIR)) return false;
      return !(parts.includes('dist') && /\.(?:js|mjs|cjs|json)$/.test(name));
    })
    .map((entry) => entry.path);
}

/** Sources, source maps and tests: never needed to serve or run. */
export function sourceFiles(tree: readonly TreeEntry[]): string[] {
  return tree
    .filter((entry) => !entry.path.split('/').includes('node_modules'))
    .filter(
      (entry) =>
        /\.(?:ts|tsx|mts|cts|vue|map)$/.test(entry.path) ||
        entry.path.split('/').some((part) => ['test', 'tests', '__tests__', 'e2e'].includes(part)),
    )
    .map((entry) => entry.path);
}

/** Entries the running app could change: not root-owned, or writable by group or others. */
export function modifiableEntries(tree: readonly TreeEntry[]): string[] {
  return tree
    .filter((entry) => entry.type !== 'l' && (entry.uid !== 0 || (entry.mode & 0o022) !== 0))
    .map((entry) => `${entry.path} (uid ${entry.uid}, mode ${entry.mode.toString(8)})`);
}

/** npm caches anywhere a build could have left one. */
export async function npmCaches(image: string): Promise<string[]> {
  const stdout = await findInImage(image, [
    '/root',
    '/home',
    '/tmp',
    '/app',
    '-maxdepth',
    '3',
    '(',
    '-name',
    '.npm',
    '-o',
    '-name',
    '_cacache',
    ')',
  ]);
  return stdout.split('\n').filter((line) => line !== '');
}
