/**
 * The benchmarks' child processes, started through the harness `npm run verify` uses too
 * (@task-manager/testing: child-processes.ts, task-service-process.ts): task-service as the image
 * runs it, the OTLP collector and the bare server, each on a port the kernel chooses. A benchmark
 * stops them at its end (their output pipes would keep it from ending); should it fail first,
 * they are killed as it exits. And what /proc says about them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  spawnListening,
  spawnTaskService,
  stopTaskService,
  waitUntilReady,
  type ManagedChild,
  type TaskServiceInstance,
} from '@task-manager/testing';
import { COMPILE_CACHE_DIR, TASK_SERVICE_LAUNCH } from '../src/launch.ts';

/**
 * The environment that gives the bundle, run without its entry point (TASK_SERVICE_BUNDLE), the
 * compile cache dist/main.js would have enabled (services/task-service/src/main.ts), so that
 * comparing the two measures the entry point itself.
 */
export const ENTRY_COMPILE_CACHE_ENV = {
  NODE_COMPILE_CACHE: fileURLToPath(new URL(`../dist/${COMPILE_CACHE_DIR}/`, import.meta.url)),
  NODE_COMPILE_CACHE_PORTABLE: '1',
};

/** The URL a program prints as its first JSON line, {"url": ...} or {"endpoint": ...}. */
function printedUrl(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  const printed = JSON.parse(line) as { url?: string; endpoint?: string };
  return printed.url ?? printed.endpoint;
}

/**
 * `node --conditions=development [flags] <script>` (relative to this directory), a program that
 * prints the URL it listens on as its first JSON line; resolves once it has.
 */
export async function startBenchProcess(
  script: string,
  env: Record<string, string>,
  options: { flags?: readonly string[]; onLine?: (line: string) => void } = {},
): Promise<{ child: ManagedChild; url: string }> {
  let url = '';
  const { child } = await spawnListening(
    {
      name: script,
      command: process.execPath,
      args: [
        '--conditions=development',
        ...(options.flags ?? []),
        fileURLToPath(new URL(script, import.meta.url)),
      ],
      env,
      onLine: (line, stream) => {
        if (stream === 'stdout') options.onLine?.(line);
      },
    },
    (line) => {
      const printed = printedUrl(line);
      if (printed === undefined) return undefined;
      url = printed;
      return Number(new URL(printed).port);
    },
  );
  return { child, url };
}

/**
 * A task-service (the build, as the image runs it, or `entry`) that answers its readiness probe,
 * with the performance.now() of that first answer.
 */
export async function runningTaskService(
  env: Record<string, string>,
  entry?: string,
): Promise<TaskServiceInstance & { readyAt: number }> {
  const service = await spawnTaskService({
    name: 'task-service',
    launch: { ...TASK_SERVICE_LAUNCH, entry: entry ?? TASK_SERVICE_LAUNCH.entry },
    env: { HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  const readyAt = await waitUntilReady(service, { timeoutMs: 30_000, intervalMs: 5 });
  return { ...service, readyAt };
}

/** Spawn to the first 200 on /health/readiness (the table reached), in ms; then it stops. */
export async function startupMs(env: Record<string, string>, entry?: string): Promise<number> {
  const service = await runningTaskService(env, entry);
  await stopTaskService(service);
  return service.readyAt - service.child.spawnedAt;
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
