/**
 * The built task-service as a child process, started as its image starts it: `launch` is
 * task-service's TASK_SERVICE_LAUNCH, passed in so this package does not depend on task-service
 * (npm would follow that edge into every image's production install).
 */
import { request } from 'node:http';
import { REPO_ROOT } from './builds.ts';
import {
  exitSignal,
  exitWithin,
  spawnListening,
  type Exit,
  type ManagedChild,
} from './child-processes.ts';
import { eventually } from './eventually.ts';

/** How a Node.js program's image starts it: node's flags, the entry (from /app), its env. */
export interface ProgramLaunch {
  readonly nodeFlags: readonly string[];
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
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

/** Starts the service on PORT=0 and resolves once it says which port it got: nothing to race for. */
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
export function statusOf(url: string, timeoutMs: number): Promise<number> {
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

/** Polls /health/readiness, a new connection each time, until 200; resolves to performance.now(). */
export async function waitUntilReady(
  instance: Pick<TaskServiceInstance, 'url' | 'child' | 'name'>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<number> {
  const tail = () => instance.child.tail().join('\n  ');
  const exited = exitSignal(
    instance.child,
    (exit) =>
      new Error(`${instance.name} exited (${exit.code ?? exit.signal}) before ready:\n  ${tail()}`),
  );
  return eventually(
    async () => {
      if ((await statusOf(`${instance.url}/health/readiness`, 1000)) !== 200) {
        throw new Error(`${instance.name} not ready within ${options.timeoutMs} ms:\n  ${tail()}`);
      }
      return performance.now();
    },
    { ...options, signal: exited },
  );
}

export interface Shutdown extends Exit {
  /** From SIGTERM to the process's exit. */
  exitMs: number;
}

/** SIGTERM, as Kubernetes stops a Pod; SIGKILL if it has not exited after `graceMs`. */
export async function stopTaskService(
  instance: TaskServiceInstance,
  graceMs = 30_000,
): Promise<Shutdown> {
  if (!instance.child.alive) return { ...(await instance.child.exited), exitMs: 0 };
  const sentAt = instance.child.signal('SIGTERM');
  const exit = await exitWithin(instance.child, graceMs);
  const exitMs = performance.now() - sentAt;
  if (exit) return { ...exit, exitMs };
  return { ...(await instance.child.kill()), exitMs };
}
