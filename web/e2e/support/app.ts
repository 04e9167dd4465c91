/**
 * Runs the real application for the end-to-end tests exactly as `npm start` does (the
 * repository's scripts/start.ts: embedded DynamoDB, the development identity provider,
 * task-service, and the built UI behind `vite preview`), on private ports and a throw-away data
 * directory so that several runs can share the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { appAddressesIn, type AppAddresses } from '../../../scripts/app-addresses.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

export interface RunningApp {
  /** The UI and, under /api, the task API: one origin, as in production (PUBLIC_URL). */
  origin: string;
  /** The development identity provider's issuer. */
  issuer: string;
  dynamoEndpoint: string;
  dataDir: string;
  /** Everything the app printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startApp(): Promise<RunningApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'task-manager-e2e-'));
  let output = '';

  // Its own process group, so stopping it also stops task-service (dynalite, the provider and
  // vite preview run inside the start script) even if the start script does not get the chance.
  const child = spawn(process.execPath, ['--conditions=development', 'scripts/start.ts'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Ports the system picks, read back from what npm start prints: nothing to race for.
      WEB_PORT: '0',
      API_PORT: '0',
      DYNAMODB_PORT: '0',
      IDP_PORT: '0',
      DATA_DIR: dataDir,
    },
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const stopApp = () => stop(child, exited, dataDir);
  stopOnExit.add(child);

  let addresses: AppAddresses;
  try {
    addresses = await waitUntilReady(exited, () => output);
  } catch (error) {
    await stopApp();
    throw error;
  }
  return {
    origin: addresses.origin,
    issuer: addresses.issuer,
    dynamoEndpoint: addresses.dynamoEndpoint,
    dataDir,
    output: () => output,
    stop: stopApp,
  };
}

/**
 * Ready once npm start has printed its addresses, the UI answers and the API behind its proxy
 * reports itself ready.
 */
async function waitUntilReady(
  exited: Promise<number | null>,
  output: () => string,
): Promise<AppAddresses> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`the app exited with code ${exitCode} before it was ready:\n${output()}`);
    }
    const addresses = appAddressesIn(output());
    if (
      addresses &&
      (await status(`${addresses.origin}/health/readiness`)) === 200 &&
      (await status(addresses.origin)) === 200
    ) {
      return addresses;
    }
    await delay(250);
  }
  throw new Error(`the app was not ready after ${START_TIMEOUT_MS} ms:\n${output()}`);
}

async function status(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

const stopOnExit = new Set<ChildProcess>();

// Last resort if the test process dies without running its `after` hooks.
process.once('exit', () => {
  for (const child of stopOnExit) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stop(
  child: ChildProcess,
  exited: Promise<number | null>,
  dataDir: string,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(child, 'SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), delay(STOP_TIMEOUT_MS, false)]);
    if (!stopped) {
      killGroup(child, 'SIGKILL');
      await exited;
    }
  }
  // Children of the start script may outlive it for a moment; make sure none is left.
  killGroup(child, 'SIGKILL');
  stopOnExit.delete(child);
  await rm(dataDir, { recursive: true, force: true });
}

/** Runs the report job against the app's DynamoDB, as `npm run report -- --date <date>`. */
export async function runReportJob(app: RunningApp, date: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--conditions=development', 'batch/src/main.ts', '--date', date],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DYNAMODB_ENDPOINT: app.dynamoEndpoint, LOG_LEVEL: 'warn' },
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the report job exited with ${code}:\n${output}`);
  return output;
}
