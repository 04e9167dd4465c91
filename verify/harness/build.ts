/**
 * verify runs the built output, as the containers do. It builds the workspaces it runs when
 * their dist is missing or older than their sources, so a stale build is never what gets verified.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

const WORKSPACES = [
  { name: '@task-manager/task-store', dir: 'packages/task-store', entry: 'dist/index.js' },
  { name: '@task-manager/task-service', dir: 'services/task-service', entry: 'dist/main.js' },
  { name: '@task-manager/batch', dir: 'batch', entry: 'dist/main.js' },
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function isStale(workspace: (typeof WORKSPACES)[number]): boolean {
  const entry = join(REPO_ROOT, workspace.dir, workspace.entry);
  if (!existsSync(entry)) return true;
  return newestMtime(join(REPO_ROOT, workspace.dir, 'src')) > statSync(entry).mtimeMs;
}

/** Builds the stale workspaces; returns their names. Throws if a build fails. */
export function buildIfStale(): string[] {
  const stale = WORKSPACES.filter(isStale);
  if (stale.length === 0) return [];
  const args = ['run', 'build', ...stale.flatMap((workspace) => ['-w', workspace.name])];
  const result = spawnSync('npm', args, { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status})`);
  return stale.map((workspace) => workspace.name);
}
