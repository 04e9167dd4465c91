/**
 * Whether a build is out of date, decided one way for the whole repository: its output is
 * missing or older than its sources or than the outputs of builds it inlines. (`tsc --build`
 * would know neither the esbuild bundle nor the Vite build.)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Paths are relative to the repository root; the output's time is the build's. */
export interface Build {
  /** The workspace whose `npm run build` makes it. */
  workspace: string;
  output: string;
  /** Files or directories it is made from. */
  sources: readonly string[];
  /** Builds whose output it contains: their outputs count among its sources. */
  inlines?: readonly string[];
  /** Builds whose output it loads at run time: built first, but no source of it. */
  loads?: readonly string[];
}

const tsc = (dir: string, entry = 'index.js'): Pick<Build, 'output' | 'sources'> => ({
  output: `${dir}/dist/${entry}`,
  sources: [`${dir}/src`, `${dir}/tsconfig.build.json`, 'tsconfig.base.json'],
});

/** Every build that something here runs, each after the builds it inlines or loads. */
export const BUILDS: readonly Build[] = [
  { workspace: '@task-manager/contract', ...tsc('packages/contract') },
  { workspace: '@task-manager/runtime', ...tsc('packages/runtime') },
  { workspace: '@task-manager/telemetry', ...tsc('packages/telemetry') },
  {
    workspace: '@task-manager/task-store',
    ...tsc('packages/task-store'),
    loads: ['@task-manager/contract', '@task-manager/runtime', '@task-manager/telemetry'],
  },
  {
    workspace: '@task-manager/task-service',
    // scripts/bundle-program.ts writes run.cjs after main.js.
    output: 'services/task-service/dist/run.cjs',
    sources: [
      'services/task-service/src',
      'scripts/bundle-program.ts',
      'packages/telemetry/src/externals.ts',
    ],
    inlines: ['@task-manager/contract', '@task-manager/runtime', '@task-manager/task-store'],
    loads: ['@task-manager/telemetry'],
  },
  {
    workspace: '@task-manager/batch',
    ...tsc('batch', 'main.js'),
    loads: ['@task-manager/runtime', '@task-manager/task-store', '@task-manager/telemetry'],
  },
  {
    workspace: '@task-manager/web',
    output: 'web/dist/index.html',
    sources: ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/package.json'],
    // Vite's production build resolves the contract's rules to its compiled dist/.
    inlines: ['@task-manager/contract'],
  },
];

/** The newest mtime of a file or of any file under a directory; 0 if missing. */
function newestChange(location: string): number {
  if (!existsSync(location)) return 0;
  const info = statSync(location);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  // Files only: a directory's own time changes with any editor's scratch file.
  for (const entry of readdirSync(location, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The stale builds `workspaces` need (themselves and what they inline or load), in building
 * order. A build that inlines a stale one is stale too: it will be older than its next output.
 */
export function staleBuilds(
  workspaces: readonly string[],
  builds: readonly Build[] = BUILDS,
  root: string = REPO_ROOT,
): Build[] {
  const byName = new Map(builds.map((build) => [build.workspace, build]));
  const needed = new Set<string>();
  const need = (name: string): void => {
    const build = byName.get(name);
    if (build === undefined) throw new Error(`no build is known for ${name}`);
    if (needed.has(name)) return;
    needed.add(name);
    for (const other of [...(build.inlines ?? []), ...(build.loads ?? [])]) need(other);
  };
  workspaces.forEach(need);

  const stale = new Set<string>();
  for (const build of builds) {
    if (!needed.has(build.workspace)) continue;
    const built = newestChange(path.join(root, build.output));
    const inlined = (build.inlines ?? []).map((name) => byName.get(name)!);
    const isStale =
      built === 0 ||
      build.sources.some((source) => newestChange(path.join(root, source)) > built) ||
      inlined.some(
        (other) =>
          stale.has(other.workspace) || newestChange(path.join(root, other.output)) > built,
      );
    if (isStale) stale.add(build.workspace);
  }
  return builds.filter((build) => stale.has(build.workspace));
}

export interface EnsureBuiltOptions {
  log?: (message: string) => void;
  /**
   * Stops a build in progress, and fails it, with everything the build started: it runs in a
   * process group of its own then (npm passes a signal on to the shell running the script, not
   * to the build under it), so only this signal stops it, not a Ctrl-C at the terminal.
   */
  signal?: AbortSignal;
  builds?: readonly Build[];
  root?: string;
}

/** Builds what `workspaces` need and is stale, in order; resolves to the workspaces built. */
export async function ensureBuilt(
  workspaces: readonly string[],
  {
    log = (message) => console.error(message),
    signal,
    builds = BUILDS,
    root = REPO_ROOT,
  }: EnsureBuiltOptions = {},
): Promise<string[]> {
  const built: string[] = [];
  for (const { workspace } of staleBuilds(workspaces, builds, root)) {
    signal?.throwIfAborted();
    log(`building ${workspace} (out of date)`);
    const npm = spawn('npm', ['run', 'build', '--silent', '-w', workspace], {
      cwd: root,
      // To stderr: verify and the benchmarks print their figures on stdout.
      stdio: ['ignore', 2, 2],
      detached: signal !== undefined,
    });
    const stop = (): void => {
      process.kill(-npm.pid!, 'SIGTERM');
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const [code] = (await once(npm, 'exit')) as [number | null];
      signal?.throwIfAborted();
      if (code !== 0) throw new Error(`npm run build -w ${workspace} exited with ${code}`);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    built.push(workspace);
  }
  return built;
}

/** Fails, saying what to run, when a build `workspaces` need is missing or out of date. */
export function assertBuilt(workspaces: readonly string[]): void {
  const stale = staleBuilds(workspaces).map((build) => build.workspace);
  if (stale.length > 0) {
    throw new Error(
      `out of date or missing: ${stale.join(', ')}; run \`npm run build\` at the repository root`,
    );
  }
}
