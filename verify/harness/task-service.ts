/**
 * Starts the built task-service (services/task-service/dist/main.js, as the container image runs
 * it) as a child process with its configuration in the environment, as its container does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { exitWithin, spawnListening, type ManagedChild } from './children.ts';
import { createHttpClient } from './http.ts';
import {
  listeningPortIn,
  TASK_SERVICE_HEAP_FLAGS,
  TASK_SERVICE_MALLOC_ENV,
} from '@task-manager/task-service/launch';
import { TASK_SERVICE_ENTRY } from './paths.ts';

export interface TaskServiceInstance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ManagedChild;
}

export interface TaskServiceOptions {
  name: string;
  env: Record<string, string>;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Starts the service on a port the kernel chooses (PORT=0) and resolves once it says which
 * (services/task-service/src/launch.ts), so no port is ever picked for it and raced for.
 */
export async function spawnTaskService(options: TaskServiceOptions): Promise<TaskServiceInstance> {
  const { child, port } = await spawnListening(
    {
      name: options.name,
      command: process.execPath,
      // With the image's heap flags and malloc settings, so memory behaves as in the container.
      args: [...TASK_SERVICE_HEAP_FLAGS, TASK_SERVICE_ENTRY],
      env: { ...TASK_SERVICE_MALLOC_ENV, ...options.env, PORT: '0' },
      onLine: options.onLine,
    },
    listeningPortIn,
  );
  return { name: options.name, port, url: `http://127.0.0.1:${port}`, child };
}

/**
 * Polls GET /health/readiness on a new connection each time until it answers 200; resolves to
 * the performance.now() of that answer. Rejects if the process exits or the deadline passes.
 */
export async function waitUntilReady(
  instance: Pick<TaskServiceInstance, 'url' | 'child' | 'name'>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<number> {
  const probe = createHttpClient(instance.url, {
    connections: 1,
    timeoutMs: 1000,
    keepAlive: false,
  });
  const deadline = performance.now() + options.timeoutMs;
  try {
    while (performance.now() < deadline) {
      if (!instance.child.alive) {
        const exit = await instance.child.exited;
        throw new Error(
          `${instance.name} exited (${exit.code ?? exit.signal}) before ready:\n  ${instance.child
            .tail()
            .join('\n  ')}`,
        );
      }
      const reply = await probe.send({ method: 'GET', path: '/health/readiness' });
      if (reply.status === 200) return performance.now();
      await sleep(options.intervalMs);
    }
    throw new Error(
      `${instance.name} not ready within ${options.timeoutMs} ms:\n  ${instance.child.tail().join('\n  ')}`,
    );
  } finally {
    probe.close();
  }
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
