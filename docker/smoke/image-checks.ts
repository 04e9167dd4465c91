/** The images before anything runs: how they start, and what `find` lists in them. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import {
  COMPILE_CACHE_DIR,
  TASK_SERVICE_COMMAND,
  TASK_SERVICE_CONTRACT,
  TASK_SERVICE_MALLOC_ENV,
} from '@task-manager/task-service/launch';
import { REPO_ROOT } from '@task-manager/testing';
import { allImages, findInImage, images, inspectImage, sizeOnTopOf } from './images.ts';
import { checkBuildContextFilter, checkNoSecrets } from './secrets.ts';
import type { Check } from './support.ts';

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

/** Install locations (`node_modules/@scope/a/node_modules/b`), not a package's own fixtures. */
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

/** The install locations of `workspace`'s production install (its own link too), by npm. */
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

/** The node images: the workspace each installs, how it runs, and any file it reads besides code. */
const NODE_IMAGES = [
  {
    image: images.service.tag,
    workspace: 'services/task-service',
    command: TASK_SERVICE_COMMAND,
    env: TASK_SERVICE_MALLOC_ENV,
    data: [TASK_SERVICE_CONTRACT],
  },
  { image: images.reporter.tag, workspace: 'batch', command: REPORTER_COMMAND, env: {} },
  {
    image: images.provider.tag,
    workspace: 'services/identity-provider',
    command: ['node', 'services/identity-provider/dist/main.js'],
    env: {},
  },
];

async function checkNodeImage(
  check: Check,
  { image, workspace, command, env, data = [] }: (typeof NODE_IMAGES)[number],
): Promise<void> {
  const { Config: config } = await inspectImage(image);
  const settings = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const withEnv = settings.length > 0 ? `, ENV ${settings.join(' ')}` : '';
  await check(`${image}: USER 1000:1000, CMD ${JSON.stringify(command)}${withEnv}`, () => {
    assert.deepEqual({ user: config.User, cmd: config.Cmd }, { user: '1000:1000', cmd: command });
    const missing = settings.filter((setting) => !config.Env?.includes(setting));
    assert.deepEqual(missing, [], `ENV lacks (it has ${config.Env?.join(' ')})`);
  });

  const tree = await listTree(image, '/app');
  await check(`${image}: node_modules holds exactly ${workspace}'s production dependencies`, () => {
    const expected = productionClosure(workspace);
    const installed = installedPackages(tree);
    const outside = (these: Set<string>, those: Set<string>) =>
      [...these].filter((at) => !those.has(at));
    assert.deepEqual(outside(installed, expected), [], 'not production dependencies');
    assert.deepEqual(outside(expected, installed), [], 'missing');
    const devTools = DEV_ONLY.filter((name) => installed.has(`node_modules/${name}`));
    assert.deepEqual(devTools, [], 'dev tools');
    return `${installed.size} packages; no ${DEV_ONLY.join(', ')}`;
  });

  const alsoData = data.length > 0 ? ` and ${data.join(', ')}` : '';
  await check(`${image}: only compiled JavaScript${alsoData} outside node_modules`, () => {
    const files = tree.filter((entry) => entry.type === 'f' && outsideNodeModules(entry.path));
    // Compiled JavaScript and manifests, and V8's compiled code of a bundle (dist/compile-cache).
    const runtime = (parts: string[]) =>
      parts.at(-1) === 'package.json' ||
      (parts.includes('dist') &&
        (parts.includes(COMPILE_CACHE_DIR) || /\.(?:js|mjs|cjs|json)$/.test(parts.at(-1)!)));
    const paths = files.map((entry) => entry.path);
    const others = paths.filter((file) => !runtime(file.split('/')) && !data.includes(file));
    assert.deepEqual(others, [], 'also ships');
    assert.deepEqual(
      data.filter((file) => !paths.includes(file)),
      [],
      'lacks what it reads',
    );
    assert.deepEqual(sourceFiles(tree), [], 'ships sources or tests');
    return `${files.length} files: dist/*.js, package.json and any compile cache${alsoData}`;
  });

  await check(`${image}: /app is root-owned and read-only to the app user`, () => {
    assert.deepEqual(modifiableEntries(tree), [], 'modifiable');
    return `${tree.length} entries`;
  });

  await check(`${image}: no npm cache`, async () => {
    const where = '/root /home /tmp /app -maxdepth 3 ( -name .npm -o -name _cacache )';
    assert.equal(await findInImage(image, where.split(' ')), '', 'found');
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
    assert.match(paths.join('\n'), /^assets\/.+\.js$/m, 'no assets/*.js');
    assert.deepEqual(sourceFiles(tree), [], 'ships sources or source maps');
    assert.deepEqual(modifiableEntries(tree), [], 'modifiable');
    return `${tree.filter((entry) => entry.type === 'f').length} files`;
  });
}

/** Each image's size, then what each image is and holds. */
export async function checkImages(check: Check): Promise<void> {
  for (const image of allImages) await check(`${image.tag}: size`, () => sizeOnTopOf(image));
  for (const spec of NODE_IMAGES) await checkNodeImage(check, spec);
  await checkWebImage(check, images.web.tag);
  await checkBuildContextFilter(check);
  for (const image of allImages) await checkNoSecrets(check, image.tag);
}
