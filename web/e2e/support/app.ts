/**
 * The real application as `npm start` (scripts/start.ts) runs it, on ports the system picks and a
 * throw-away data directory, so that several runs can share the machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventually,
  exitSignal,
  exitWithin,
  REPO_ROOT,
  spawnChild,
  statusOf,
} from '@task-manager/testing';
import { appAddressesIn, type AppAddresses } from '../../../scripts/app-addresses.ts';

const START_TIMEOUT_MS = 180_000;

export type RunningApp = AppAddresses & { stop(): Promise<void> };

/** The environment a shell would give the programs npm start runs. */
const inherited = process.env as Record<string, string>;

export async function startApp(): Promise<RunningApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'task-manager-e2e-'));
  const app = spawnChild({
    name: 'npm start',
    command: process.execPath,
    args: ['--conditions=development', 'scripts/start.ts'],
    cwd: REPO_ROOT,
    group: true,
    // Ports are read back from what npm start prints: nothing to race for.
    env: {
      ...inherited,
      WEB_PORT: '0',
      API_PORT: '0',
      DYNAMODB_PORT: '0',
      IDP_PORT: '0',
      DATA_DIR: dataDir,
    },
    keepOutput: true,
  });
  const stop = async (): Promise<void> => {
    if (app.alive) {
      app.signal('SIGTERM');
      await exitWithin(app, 15_000);
    }
    await app.kill();
    await rm(dataDir, { recursive: true, force: true });
  };
  const exited = exitSignal(
    app,
    ({ code }) =>
      new Error(
        `the app exited with code ${code} before it was ready:\n${app.output().join('\n')}`,
      ),
  );
  try {
    // Ready once npm start has printed its addresses, the UI answers and the API reports ready.
    const addresses = await eventually(
      async () => {
        const found = appAddressesIn(app.output().join('\n'));
        if (
          found &&
          (await statusOf(`${found.origin}/health/readiness`, 2000)) === 200 &&
          (await statusOf(found.origin, 2000)) === 200
        ) {
          return found;
        }
        throw new Error(
          `the app was not ready after ${START_TIMEOUT_MS} ms:\n${app.output().join('\n')}`,
        );
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 250, signal: exited },
    );
    return { ...addresses, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs the report job against the app's DynamoDB, as `npm run report -- --date <date>`. */
export async function runReportJob(app: RunningApp, date: string): Promise<void> {
  const job = spawnChild({
    name: 'the report job',
    command: process.execPath,
    args: ['--conditions=development', 'batch/src/main.ts', '--date', date],
    cwd: REPO_ROOT,
    env: { ...inherited, DYNAMODB_ENDPOINT: app.dynamoEndpoint, LOG_LEVEL: 'warn' },
  });
  const { code } = await job.exited;
  if (code !== 0) throw new Error(`the report job exited with ${code}:\n${job.tail().join('\n')}`);
}
