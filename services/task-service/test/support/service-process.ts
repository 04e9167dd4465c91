/**
 * task-service as its own process, the way a container or `npm start` runs it: real signals,
 * real exit codes, its JSON log lines parsed as they arrive.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { eventually, spawnChild, type Exit } from '@task-manager/testing';
import { LISTENING_MESSAGE } from '../../src/launch.ts';

/** The built program, as the image runs it (`npm run build` first). */
export const BUILT_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** The sources, as `npm start` and `skaffold dev` run them. */
export const SOURCE_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ServiceProcess {
  process: ChildProcess;
  /** Parsed JSON lines from stdout. */
  logs: Record<string, unknown>[];
  stderr: () => string;
  /** Its exit, once all it wrote has been read: the logs and stderr are complete by then. */
  exited: Promise<Exit>;
}

/**
 * Starts `entry` (BUILT_MAIN or SOURCE_MAIN) with exactly `env` (plus PATH), through the harness
 * verify and the benchmarks use (spawnChild). `nodeArgs` go before the entry, e.g.
 * ['--import', MODULE_RECORDER].
 */
export function spawnService(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ServiceProcess {
  const args = entry === SOURCE_MAIN ? ['--conditions=development', ...nodeArgs] : nodeArgs;
  const logs: Record<string, unknown>[] = [];
  const child = spawnChild({
    name: 'task-service',
    command: process.execPath,
    args: [...args, entry],
    env,
    keepOutput: true,
    onLine: (line, stream) => {
      if (stream === 'stdout' && line !== '')
        logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  const stderr = () =>
    child
      .output('stderr')
      .map((line) => `${line}\n`)
      .join('');
  return { process: child.process, logs, stderr, exited: child.finished };
}

/** Starts the service on an ephemeral port and waits until it is ready. */
export async function startService(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ServiceProcess & { baseUrl: string }> {
  const child = spawnService(
    entry,
    { PORT: '0', HOST: '127.0.0.1', READINESS_INTERVAL_MS: '200', ...env },
    nodeArgs,
  );
  try {
    const listening = await eventually(() => {
      const line = child.logs.find((entry) => entry.msg === LISTENING_MESSAGE);
      assert.ok(line, `not listening yet; stderr: ${child.stderr()}`);
      return line;
    });
    const baseUrl = `http://127.0.0.1:${String(listening.port)}`;
    await eventually(async () => {
      await request(baseUrl).get('/health/readiness').expect(200);
    });
    return { ...child, baseUrl };
  } catch (error) {
    // A service that never became ready must not outlive the test that started it.
    child.process.kill('SIGKILL');
    throw error;
  }
}
