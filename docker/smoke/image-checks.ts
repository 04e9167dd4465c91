/**
 * Checks on the images themselves, before anything runs: how they start and what they contain,
 * read with `find` in a throw-away container: which packages node_modules holds, that only
 * compiled output ships, that nothing is the app's to modify, and no secret.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import { COMPILE_CACHE_DIR, TASK_SERVICE_COMMAND } from '@task-manager/task-service/launch';
import { TASK_SERVICE_MALLOC_ENV } from '@task-manager/task-service/launch';
import { REPO_ROOT } from '@task-manager/testing';
import { allImages, images, inspectImage, sizeOnTopOf } from './images.ts';
import { checkBuildContextFilter, checkNoSecrets } from './secrets.ts';
import { dockerChecked, expectNone, type Check } from './support.ts';

/** `find` with `args`, run as root in a throw-away, network-less container of `image`. */
export function findInImage(image: string, args: readonly string[]): Promise<string> {
  const run = ['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'find'];
  return dockerChecked([...run, image, ...args]);
}

/** The entries below `root`, their paths relative to it. */
async function listTree(image: string, root: string) {
  const stdout = await findInImage(image, [root, '-mindepth', '1', '-printf', '%U %m %y %P\\n']);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [uid, mode = '', type, ...rest] = line.split(' ');
      return { uid: Number(uid), mode: parseInt(mode, 8), type, path: rest.join(' ') };
    });
}

type Tree = Awaited<ReturnType<typeof listTree>>;

const outsideNodeModules = (file: string) => !file.split('/').includes('node_modules');

/** Sources, source maps and tests outside node_modules: never needed to serve or run. */
function sourceFiles(tree: Tree): string[] {
  const tests = ['test', 'tests', '__tests__', 'e2e'];
  return tree
    .map((entry) => entry.path)
    .filter(outsideNodeModules)
    .filter(
      (file) =>
        /\.(?:ts|tsx|mts|cts|vue|map)$/.test(file) ||
        file.split('/').some((part) => tests.includes(part)),
    );
}

/** Entries the running app could change: not root-owned, or writable by group or others. */
function modifiableEntries(tree: Tree): string[] {
  return tree
    .filter((entry) => entry.type !== 'l' && (entry.uid !== 0 || (entry.mode & 0o022) !== 0))
    .map((entry) => `${entry.path} (uid ${entry.uid}, mode ${entry.mode.toString(8)})`);
}

/**
 * Install locations under node_modules (`node_modules/express`, `node_modules/@scope/name`,
 * `node_modules/a/node_modules/b`, `services/x/node_modules/c`), ignoring directories that merely
 * happen to be called node_modules inside a package (test fixtures).
 */
function installedPackages(tree: Tree): Set<string> {
  const installed = new Set<string>();
  const byDepth = [...tree].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  for (const entry of byDepth) {
    if (entry.type !== 'd' && entry.type !== 'l') continue;
    // A scope directory (`node_modules/@aws-sdk`) does not match: names cannot start with @.
    const match = /^(?:(.*)\/)?node_modules\/(?:@[^/]+\/)?[^/@.][^/]*$/.exec(entry.path);
    if (!match) continue;
    const owner = match[1] ?? '';
    const ownerIsRoot = owner === '' || !owner.split('/').includes('node_modules');
    if (ownerIsRoot || installed.has(owner)) installed.add(entry.path);
  }
  return installed;
}

/**
 * The install locations (`node_modules/express`, `packages/x/node_modules/y`) of the production
 * install of `workspace` (the workspace's own link included), as npm reads them from
 * package-lock.json: through dependencies, optional and peer dependencies, never dev ones.
 */
function productionClosure(workspace: string): Set<string> {
  const args = ['ls', '--package-lock-only', '--omit=dev', '--all', '--parseable', '-w', workspace];
  const listed = execFileSync('npm', args, { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n');
  const root = path.resolve(REPO_ROOT);
  return new Set(
    listed.filter((dir) => dir.startsWith(`${root}/`)).map((dir) => path.relative(root, dir)),
  );
}

/** Dev tools that must never reach a runtime image (named in the report when absent). */
const DEV_ONLY = ['dynalite', 'classic-level', 'typescript', '@task-manager/testing', 'vite'];

async function checkNodeImage(
  check: Check,
  image: string,
  workspace: string,
  command: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<void> {
  const { Config: config } = await inspectImage(image);
  const settings = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const withEnv = settings.length > 0 ? `, ENV ${settings.join(' ')}` : '';
  await check(`${image}: USER 1000:1000, CMD ${JSON.stringify(command)}${withEnv}`, () => {
    assert.equal(config.User, '1000:1000');
    assert.deepEqual(config.Cmd, command);
    const missing = settings.filter((setting) => !config.Env?.includes(setting));
    expectNone(missing, `ENV lacks (it has ${config.Env?.join(' ')})`);
  });

  const tree = await listTree(image, '/app');
  await check(`${image}: node_modules holds exactly ${workspace}'s production dependencies`, () => {
    const expected = productionClosure(workspace);
    const installed = installedPackages(tree);
    expectNone(
      [...installed].filter((at) => !expected.has(at)),
      'not production dependencies',
    );
    expectNone(
      [...expected].filter((at) => !installed.has(at)),
      'missing',
    );
    expectNone(
      DEV_ONLY.filter((name) => installed.has(`node_modules/${name}`)),
      'dev tools',
    );
    return `${installed.size} packages; no ${DEV_ONLY.join(', ')}`;
  });

  await check(`${image}: only compiled JavaScript outside node_modules`, () => {
    const files = tree.filter((entry) => entry.type === 'f' && outsideNodeModules(entry.path));
    // Compiled JavaScript and manifests, and V8's compiled code of a bundle (dist/compile-cache).
    const runtime = (parts: string[]) =>
      parts.at(-1) === 'package.json' ||
      (parts.includes('dist') &&
        (parts.includes(COMPILE_CACHE_DIR) || /\.(?:js|mjs|cjs|json)$/.test(parts.at(-1)!)));
    expectNone(
      files.map((entry) => entry.path).filter((file) => !runtime(file.split('/'))),
      'also ships',
    );
    expectNone(sourceFiles(tree), 'ships sources or tests');
    return `${files.length} files: dist/*.js, package.json and any compile cache`;
  });

  await check(`${image}: /app is root-owned and read-only to the app user`, () => {
    expectNone(modifiableEntries(tree), 'modifiable');
    return `${tree.length} entries`;
  });

  await check(`${image}: no npm cache`, async () => {
    const where = '/root /home /tmp /app -maxdepth 3 ( -name .npm -o -name _cacache )';
    expectNone((await findInImage(image, where.split(' '))).split('\n').filter(Boolean), 'found');
  });
}

async function checkWebImage(check: Check, image: string): Promise<void> {
  const { Config: config } = await inspectImage(image);
  await check(`${image}: USER 101:101, port 8080, STOPSIGNAL SIGQUIT`, () => {
    assert.equal(config.User, '101:101');
    assert.ok(Object.keys(config.ExposedPorts ?? {}).includes('8080/tcp'), 'EXPOSE 8080');
    assert.equal(config.StopSignal, 'SIGQUIT');
  });

  const tree = await listTree(image, '/usr/share/nginx/task-web');
  await check(`${image}: only the built bundle, root-owned and read-only to nginx`, () => {
    const paths = tree.map((entry) => entry.path);
    assert.ok(paths.includes('index.html'), 'no index.html');
    assert.ok(
      paths.some((file) => /^assets\/.+\.js$/.test(file)),
      'no assets/*.js',
    );
    expectNone(sourceFiles(tree), 'ships sources or source maps');
    expectNone(modifiableEntries(tree), 'modifiable');
    return `${tree.filter((entry) => entry.type === 'f').length} files`;
  });
}

/** Each image's size, then what each image is and holds. */
export async function checkImages(check: Check): Promise<void> {
  for (const image of allImages) await check(`${image.tag}: size`, () => sizeOnTopOf(image));
  const provider = ['node', 'services/identity-provider/dist/main.js'];
  const { service, reporter } = images;
  await checkNodeImage(
    check,
    service.tag,
    'services/task-service',
    TASK_SERVICE_COMMAND,
    TASK_SERVICE_MALLOC_ENV,
  );
  await checkNodeImage(check, reporter.tag, 'batch', REPORTER_COMMAND);
  await checkNodeImage(check, images.provider.tag, 'services/identity-provider', provider);
  await checkWebImage(check, images.web.tag);
  await checkBuildContextFilter(check);
  for (const image of allImages) await checkNoSecrets(check, image.tag);
}
