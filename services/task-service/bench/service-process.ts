/**
 * Child processes for the task-service benchmarks: task-service itself (on a port the kernel
 * chooses), the OTLP collector, and what /proc says about them. Every child is killed when
 * the benchmark exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { portFromOutput } from '@task-manager/testing';
import {
  COMPILE_CACHE_DIR,
  listeningPortIn,
  TASK_SERVICE_ENTRY,
  TASK_SERVICE_HEAP_FLAGS,
  TASK_SERVICE_MALLOC_ENV,
} from '../src/launch.ts';

export const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** `node --conditions=development [flags] <script>`, script relative to this directory. */
export function node(
  script: string,
  env: NodeJS.ProcessEnv,
  stdout: 'pipe' | 'ignore',
  flags: readonly string[] = [],
): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=development', ...flags, fileURLToPath(new URL(script, import.meta.url))],
    { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] },
  );
  children.push(child);
  return child;
}

export async function waitFor(url: string, intervalMs = 100): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not answer`);
}

/** The first JSON line a child process prints (its address). */
export async function firstLine<T>(child: ChildProcess): Promise<T> {
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return JSON.parse(chunk.toString('utf8').split('\n')[0]!) as T;
}

/**
 * The environment that gives the bundle, run without its entry point (TASK_SERVICE_BUNDLE), the
 * compile cache dist/main.js would have enabled (services/task-service/src/main.ts), so that
 * comparing the two measures the entry point itself.
 */
export const ENTRY_COMPILE_CACHE_ENV = {
  NODE_COMPILE_CACHE: fileURLToPath(new URL(`../dist/${COMPILE_CACHE_DIR}/`, import.meta.url)),
  NODE_COMPILE_CACHE_PORTABLE: '1',
};

/**
 * A task-service on a port the kernel chooses (PORT=0), built, as the image runs it: node with
 * the image's heap flags and malloc settings (src/launch.ts) and `entry` (the image's,
 * TASK_SERVICE_ENTRY, unless given), from the repository root, as the image's /app. The caller
 * builds first (ensureBuilt).
 */
export async function startTaskService(
  env: NodeJS.ProcessEnv,
  entry: string = TASK_SERVICE_ENTRY,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...TASK_SERVICE_HEAP_FLAGS, entry], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    env: {
      ...process.env,
      ...TASK_SERVICE_MALLOC_ENV,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  // Its log names the port (src/launch.ts).
  const port = await portFromOutput(child.stdout!, listeningPortIn);
  return { child, url: `http://127.0.0.1:${port}` };
}

/** A task-service that answers its readiness probe. */
export async function runningTaskService(
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; pid: number }> {
  const { child, url } = await startTaskService(env);
  await waitFor(`${url}/health/readiness`);
  return { url, pid: child.pid! };
}

/**
 * A process's resident memory in MB from /proc: `VmRSS` now, or `VmHWM`, the highest it has
 * been. Undefined where /proc is missing.
 */
export function residentMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) / 1024;
  } catch {
    return undefined;
  }
}
