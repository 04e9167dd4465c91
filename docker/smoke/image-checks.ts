/**
 * Checks on the runtime images themselves, before anything runs: what they contain, who owns
 * it, and how they start.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import {
  installedPackages,
  listTree,
  modifiableEntries,
  nonRuntimeFiles,
  npmCaches,
  sourceFiles,
} from './image-contents.ts';
import { inspectImage, repoRoot } from './images.ts';
import { productionClosure, readLockfile } from './production-closure.ts';

function sample(items: readonly string[]): string {
  return items.slice(0, 5).join(', ') + (items.length > 5 ? `, ... (${items.length})` : '');
}

/** Dev tools that must never reach a runtime image (named in the report when absent). */
const DEV_ONLY = ['dynalite', 'classic-level', 'typescript', '@task-manager/testing', 'vite'];

export async function checkNodeImage(
  checks: Checks,
  image: string,
  workspace: string,
  command: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<void> {
  const config = await inspectImage(image);
  const settings = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const withEnv = settings.length > 0 ? `, ENV ${settings.join(' ')}` : '';
  await checks.check(`${image}: USER 1000:1000, CMD ${JSON.stringify(command)}${withEnv}`, () => {
    expect(config.user === '1000:1000', `USER is "${config.user}"`);
    expect(
      JSON.stringify(config.cmd) === JSON.stringify(command),
      `CMD is ${JSON.stringify(config.cmd)}`,
    );
    const missing = settings.filter((setting) => !config.env.includes(setting));
    expect(missing.length === 0, `ENV lacks ${missing.join(' ')} (has ${config.env.join(' ')})`);
  });

  const tree = await listTree(image, '/app');
  await checks.check(
    `${image}: node_modules holds exactly ${workspace}'s production dependencies`,
    () => {
      const lock = readLockfile(path.join(repoRoot, 'package-lock.json'));
      const expected = productionClosure(lock, workspace);
      // npm also links the workspace itself into node_modules.
      const manifest = path.join(repoRoot, workspace, 'package.json');
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      expected.add(`node_modules/${name}`);
      const installed = installedPackages(tree);
      const extra = [...installed].filter((location) => !expected.has(location));
      const missing = [...expected].filter((location) => !installed.has(location));
      expect(extra.length === 0, `not production dependencies: ${sample(extra)}`);
      expect(missing.length === 0, `missing: ${sample(missing)}`);
      const devTools = DEV_ONLY.filter((name) => installed.has(`node_modules/${name}`));
      expect(devTools.length === 0, `dev tools installed: ${devTools.join(', ')}`);
      return `${installed.size} packages; no ${DEV_ONLY.join(', ')}`;
    },
  );

  await checks.check(`${image}: only compiled JavaScript outside node_modules`, () => {
    const others = nonRuntimeFiles(tree);
    expect(others.length === 0, `also ships ${sample(others)}`);
    const sources = sourceFiles(tree);
    expect(sources.length === 0, `ships sources or tests: ${sample(sources)}`);
    const files = tree.filter((entry) => entry.type === 'f');
    return `${files.filter((entry) => !entry.path.includes('node_modules/')).length} files: dist/*.js, package.json and any compile cache`;
  });

  await checks.check(`${image}: /app is root-owned and read-only to the app user`, () => {
    const modifiable = modifiableEntries(tree);
    expect(modifiable.length === 0, `modifiable: ${sample(modifiable)}`);
    return `${tree.length} entries`;
  });

  await checks.check(`${image}: no npm cache`, async () => {
    const caches = await npmCaches(image);
    expect(caches.length === 0, `found ${caches.join(', ')}`);
  });
}

export async function checkWebImage(checks: Checks, image: string): Promise<void> {
  const config = await inspectImage(image);
  await checks.check(`${image}: USER 101:101, port 8080, STOPSIGNAL SIGQUIT`, () => {
    expect(config.user === '101:101', `USER is "${config.user}"`);
    expect(config.exposedPorts.includes('8080/tcp'), `EXPOSE ${config.exposedPorts.join(' ')}`);
    expect(config.stopSignal === 'SIGQUIT', `STOPSIGNAL ${config.stopSignal}`);
  });

  const tree = await listTree(image, '/usr/share/nginx/task-web');
  await checks.check(`${image}: only the built bundle, root-owned and read-only to nginx`, () => {
    const paths = tree.map((entry) => entry.path);
    expect(paths.includes('index.html'), 'no index.html');
    expect(
      paths.some((entry) => /^assets\/.+\.js$/.test(entry)),
      'no assets/*.js',
    );
    const sources = sourceFiles(tree);
    expect(sources.length === 0, `ships sources or source maps: ${sample(sources)}`);
    const modifiable = modifiableEntries(tree);
    expect(modifiable.length === 0, `modifiable: ${sample(modifiable)}`);
    return `${tree.filter((entry) => entry.type === 'f').length} files`;
  });
}
