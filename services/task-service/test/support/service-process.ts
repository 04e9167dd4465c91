/**
 * task-service as its own process, the way a container or `npm start` runs it: real signals,
 * real exit codes, its JSON log lines parsed as they arrive.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { eventually } from '@task-manager/testing';
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
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `entry` (BUILT_MAIN or SOURCE_MAIN) with exactly `env` (plus PATH). `nodeArgs` go
 * before the entry, e.g. ['--import', MODULE_RECORDER].
 */
export function spawnService(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ServiceProcess {
  const args = entry === SOURCE_MAIN ? ['--conditions=development', ...nodeArgs] : nodeArgs;
  const child = spawn(process.execPath, [...args, entry], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split('\n');
    stdout = lines.pop()!;
    for (const line of lines) if (line !== '') logs.push(JSON.parse(line));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { process: child, logs, stderr: () => stderr, exited };
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
