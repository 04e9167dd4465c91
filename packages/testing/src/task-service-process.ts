/**
 * The built task-service as a child process, as its container image runs it, from the
 * repository root as from the image's /app, configured by its environment: the one way
 * `npm run verify` and the benchmarks start it (`npm run build` first: ensureBuilt).
 *
 * How the image starts it (node's flags, the entry point, the image's environment, and how its
 * log says which port it got) is the caller's `launch`: task-service's launch.ts exports it as
 * TASK_SERVICE_LAUNCH, beside the Dockerfile's CMD it is checked against. Passed in rather than
 * imported, so that this package does not depend on task-service (an edge npm would follow into
 * every image's production install).
 */
import { request } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitWithin, spawnListening, type ManagedChild } from './child-processes.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** How a Node.js program's image starts it. */
export interface ProgramLaunch {
  /** node's flags before the entry point (the heap bounds). */
  readonly nodeFlags: readonly string[];
  /** The entry point, relative to the repository root (the image's /app). */
  readonly entry: string;
  /** The image's environment besides the program's configuration. */
  readonly env: Readonly<Record<string, string>>;
  /** The port a line of the program's output says it listens on. */
  portIn(line: string): number | undefined;
}

export interface TaskServiceInstance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ManagedChild;
}

export interface TaskServiceOptions {
  name: string;
  env: Record<string, string>;
  /** TASK_SERVICE_LAUNCH, or a variant of it (another entry point). */
  launch: ProgramLaunch;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Starts the service on a port the kernel chooses (PORT=0) and resolves once it says which, so
 * no port is ever picked for it and raced for.
 */
export async function spawnTaskService(options: TaskServiceOptions): Promise<TaskServiceInstance> {
  const { child, port } = await spawnListening(
    {
      name: options.name,
      command: process.execPath,
      // With the image's heap flags and malloc settings, so memory behaves as in the container.
      args: [...options.launch.nodeFlags, options.launch.entry],
      cwd: REPO_ROOT,
      env: { ...options.launch.env, ...options.env, PORT: '0' },
      onLine: options.onLine,
    },
    (line) => options.launch.portIn(line),
  );
  return { name: options.name, port, url: `http://127.0.0.1:${port}`, child };
}

/** The status of one GET on a connection of its own; 0 if none came within `timeoutMs`. */
function statusOf(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = request(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    probe.on('timeout', () => probe.destroy());
    probe.on('error', () => resolve(0));
    probe.end();
  });
}

/**
 * Polls GET /health/readiness on a new connection each time until it answers 200; resolves to
 * the performance.now() of that answer. Rejects if the process exits or the deadline passes.
 */
export async function waitUntilReady(
  instance: Pick<TaskServiceInstance, 'url' | 'child' | 'name'>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    if (!instance.child.alive) {
      const exit = await instance.child.exited;
      throw new Error(
        `${instance.name} exited (${exit.code ?? exit.signal}) before ready:\n  ${instance.child
          .tail()
          .join('\n  ')}`,
      );
    }
    if ((await statusOf(`${instance.url}/health/readiness`, 1000)) === 200) {
      return performance.now();
    }
    await sleep(options.intervalMs);
  }
  throw new Error(
    `${instance.name} not ready within ${options.timeoutMs} ms:\n  ${instance.child.tail().join('\n  ')}`,
  );
}

export interface Shutdown {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From SIGTERM to the process's exit. */
  exitMs: number;
}

/** SIGTERM, as Kubernetes stops a Pod; SIGKILL if it has not exited after `graceMs`. */
export async function stopTaskService(
  instance: TaskServiceInstance,
  graceMs = 30_000,
): Promise<Shutdown> {
  if (!instance.child.alive) {
    const exit = await instance.child.exited;
    return { ...exit, exitMs: 0 };
  }
  const sentAt = instance.child.signal('SIGTERM');
  const exit = await exitWithin(instance.child, graceMs);
  const exitMs = performance.now() - sentAt;
  if (exit) return { ...exit, exitMs };
  return { ...(await instance.child.kill()), exitMs };
}
