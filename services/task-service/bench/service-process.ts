/**
 * Child processes for the task-service benchmarks: task-service itself (on a port the kernel
 * chooses), the OTLP collector, and what /proc says about them. Every child is killed when
 * the benchmark exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { listeningPortIn, TASK_SERVICE_COMMAND, TASK_SERVICE_HEAP_FLAGS } from '../src/launch.ts';

export const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** `node <flags> --conditions=development <script>`, script relative to this directory. */
export function node(
  script: string,
  env: NodeJS.ProcessEnv,
  stdout: 'pipe' | 'ignore',
  flags: readonly string[] = [],
): ChildProcess {
  const child = spawn(
    process.execPath,
    [...flags, '--conditions=development', fileURLToPath(new URL(script, import.meta.url))],
    { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] },
  );
  children.push(child);
  return child;
}

/**
 * The port a task-service started with PORT=0 listens on, from its log (src/launch.ts). Its
 * later lines are read and dropped, so a full pipe never blocks it.
 */
async function listeningPort(child: ChildProcess): Promise<number> {
  for await (const line of createInterface({ input: child.stdout! })) {
    const port = listeningPortIn(line);
    if (port !== undefined) {
      child.stdout!.resume();
      return port;
    }
  }
  throw new Error(`task-service exited before it listened (exit code ${child.exitCode})`);
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

/** Start the built service with the image's own command (needs `npm run build` first). */
export const AS_THE_IMAGE_RUNS_IT = 'the image command';

/**
 * A task-service on a port the kernel chooses (PORT=0): `script` (../src/main.ts or
 * ../src/run.ts) from its sources with the image's heap flags, so memory and GC behave as in
 * the container; or AS_THE_IMAGE_RUNS_IT, the image's command (src/launch.ts) run from the
 * repository root, as the image's /app.
 */
export async function startTaskService(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string }> {
  const serviceEnv = { HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, PORT: '0' };
  let child: ChildProcess;
  if (script === AS_THE_IMAGE_RUNS_IT) {
    const [, ...args] = TASK_SERVICE_COMMAND;
    child = spawn(process.execPath, args, {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      env: { ...process.env, ...serviceEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
  } else {
    child = node(script, serviceEnv, 'pipe', TASK_SERVICE_HEAP_FLAGS);
  }
  return { child, url: `http://127.0.0.1:${await listeningPort(child)}` };
}

/** A task-service that answers its readiness probe. */
export async function runningTaskService(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; pid: number }> {
  const { child, url } = await startTaskService(script, env);
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
