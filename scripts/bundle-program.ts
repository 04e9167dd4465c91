/**
 * The production build of task-service: its `npm run build` runs this script from the
 * workspace's directory (with `--compile-cache-only`, it only remakes dist/compile-cache/).
 *
 * The program is an entry point, services/task-service/src/main.ts, that starts tracing and only
 * then imports the program itself, services/task-service/src/run.ts
 * (packages/telemetry/README.md). esbuild makes them two files:
 *
 *   dist/main.js   the entry point (ES module), importing ./run.cjs once tracing is set up;
 *   dist/run.cjs   the program and everything it imports, in one CommonJS file, except
 *                  BUNDLE_EXTERNALS: what OpenTelemetry patches as it loads (express, pino, the
 *                  AWS SDK), the SDK itself and @task-manager/telemetry, loaded from node_modules;
 *   dist/compile-cache/  V8's compiled code of all that (warmCompileCache, below).
 *
 * Why: starting the compiled tree meant resolving and reading hundreds of files, and as ES
 * modules, Node builds a namespace for each built-in module imported (node:http's reads its
 * lazily loaded WebSocket and so loads all of undici). One CommonJS file requires the built-ins
 * and the external packages (their CommonJS builds, a file or two each) instead. The packages it
 * inlines are devDependencies of the workspace, so images install only the external ones;
 * dist/bundled-packages.json names them, with their licences, and `npm run audit:prod` checks
 * them with the production dependencies.
 *
 * Workspace packages are inlined from their compiled dist/, so they are built first (the
 * root `npm run build` and the Dockerfiles build packages/* before the programs).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { BUNDLE_EXTERNALS } from '../packages/telemetry/src/externals.ts';
import {
  COMPILE_CACHE_DIR,
  PROGRAM_BUNDLE,
  TASK_SERVICE_HEAP_FLAGS,
} from '../services/task-service/src/launch.ts';

/** How main.ts imports the program, and what that import becomes in dist/main.js. */
const PROGRAM_IMPORT = './run.ts';

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  /** The package's licence file, which its copyright notice requires to travel with the code. */
  licenseText: string | null;
}

/** The program is CommonJS, which has no import.meta: its directory is __dirname (services/task-service/src/contract-file.ts). */
const PROGRAM_DEFINES = { 'import.meta.dirname': '__dirname' };

/** main.ts's import of the program points at the separate bundle instead of inlining it. */
const programStaysSeparate: Plugin = {
  name: 'program-stays-separate',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/run\.ts$/ }, (args) => {
      if (args.path !== PROGRAM_IMPORT) return undefined;
      return { path: `./${PROGRAM_BUNDLE}`, external: true };
    });
  },
};

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/** The third-party packages esbuild inlined, from its metafile. */
function bundledPackages(metafile: Metafile, cwd: string): BundledPackage[] {
  const roots = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) roots.add(path.resolve(cwd, match[1]!));
  }
  return [...roots]
    .map((root) => {
      const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: string;
      };
      const file = readdirSync(root).find((name) => LICENSE_FILE.test(name));
      return {
        name: manifest.name,
        version: manifest.version,
        license: manifest.license ?? 'UNKNOWN',
        licenseText: file === undefined ? null : readFileSync(path.join(root, file), 'utf8'),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

function commonOptions(workspaceDir: string): BuildOptions {
  return {
    absWorkingDir: workspaceDir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    external: [...BUNDLE_EXTERNALS],
    logLevel: 'warning',
    // A failure's stack trace names the functions it went through.
    keepNames: true,
  };
}

/**
 * The third-party packages the program's bundle inlines, found without writing it and without a
 * build first (workspace packages are read from their sources, under the `development`
 * condition): `npm run audit:prod` audits them with the production dependencies, since as
 * devDependencies `npm audit --omit=dev` would not.
 */
export async function inlinedPackages(workspaceDir: string): Promise<BundledPackage[]> {
  const { metafile } = await build({
    ...commonOptions(workspaceDir),
    entryPoints: ['src/run.ts'],
    outfile: `dist/${PROGRAM_BUNDLE}`,
    format: 'cjs',
    define: PROGRAM_DEFINES,
    conditions: ['development'],
    write: false,
    metafile: true,
  });
  return bundledPackages(metafile, workspaceDir);
}

/**
 * Fills dist/compile-cache with V8's compiled code for what the program loads as it starts
 * (run.cjs, the external packages, telemetry and, with tracing on, its SDK), which
 * services/task-service/src/main.ts hands to Node: compiling them was about a fifth of the
 * start-up time. It starts the program as the image does (its heap flags) but with no
 * configuration at all, so it loads everything and then stops at the configuration check (exit
 * 1) before it would listen; Node writes the cache as it exits. The cache is portable (its paths
 * are relative to it), so it holds wherever dist/ and node_modules keep their places: here, and
 * under the image's /app, where the Dockerfile's build makes it with the image's own Node.js (a
 * cache only serves the Node.js build that made it). Node keeps one cache per user id (a
 * directory named with it), so the image's is made by the image's user: the Dockerfile runs
 * `--compile-cache-only` again as that user.
 */
export function warmCompileCache(workspaceDir: string): number {
  const directory = path.join(workspaceDir, 'dist', COMPILE_CACHE_DIR);
  mkdirSync(directory, { recursive: true });
  // Twice: as shipped, and with tracing on, which loads OpenTelemetry's SDK first (the endpoint
  // is never called: the program stops before its first span).
  for (const env of [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }]) {
    const run = spawnSync(process.execPath, [...TASK_SERVICE_HEAP_FLAGS, 'dist/main.js'], {
      cwd: workspaceDir,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    if (run.status !== 1 || !run.stderr.includes('invalid configuration')) {
      throw new Error(
        `loading the program to fill its compile cache: expected the configuration check to ` +
          `stop it (exit 1), got exit ${run.status}:\n${run.stdout}${run.stderr}`,
      );
    }
  }
  let files = 0;
  // Made by whoever builds, read by the image's user: readable by all, writable by none but
  // the owner (the image's file system is read-only in any case).
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    const isFile = entry.isFile();
    chmodSync(path.join(entry.parentPath, entry.name), isFile ? 0o644 : 0o755);
    if (isFile) files += 1;
  }
  if (files === 0) throw new Error(`no compile cache was written to ${directory}`);
  return files;
}

export async function bundleProgram(
  workspaceDir: string,
): Promise<{ packages: BundledPackage[]; compileCacheFiles: number }> {
  const dist = path.join(workspaceDir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const common = commonOptions(workspaceDir);
  await build({
    ...common,
    entryPoints: ['src/main.ts'],
    outfile: 'dist/main.js',
    format: 'esm',
    plugins: [programStaysSeparate],
  });
  const program = await build({
    ...common,
    entryPoints: ['src/run.ts'],
    outfile: `dist/${PROGRAM_BUNDLE}`,
    format: 'cjs',
    define: PROGRAM_DEFINES,
    metafile: true,
  });
  const packages = bundledPackages(program.metafile, workspaceDir);
  writeFileSync(path.join(dist, 'bundled-packages.json'), `${JSON.stringify(packages, null, 2)}\n`);
  return { packages, compileCacheFiles: warmCompileCache(workspaceDir) };
}

if (import.meta.main && process.argv.includes('--compile-cache-only')) {
  console.log(`dist/${COMPILE_CACHE_DIR}: ${warmCompileCache(process.cwd())} modules`);
} else if (import.meta.main) {
  const { packages, compileCacheFiles } = await bundleProgram(process.cwd());
  console.log(
    `dist/main.js and dist/${PROGRAM_BUNDLE}, inlining ${packages.length} packages: ` +
      packages.map((p) => `${p.name}@${p.version}`).join(', ') +
      `; dist/${COMPILE_CACHE_DIR}: ${compileCacheFiles} modules`,
  );
}
