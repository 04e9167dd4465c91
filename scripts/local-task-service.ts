/**
 * task-service as a child process, started from its TypeScript sources the way the
 * container starts the built ones: a separate process with its own signals and exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { holdLifeline, lifelineFor } from './children.ts';
import { REPO_ROOT } from './local-config.ts';

const MAIN = 'services/task-service/src/main.ts';

export interface TaskServiceProcess {
  process: ChildProcess;
  /** Where the service listens, on loopback. */
  origin: string;
  exited: Promise<number | null>;
}

export async function startTaskServiceProcess(options: {
  port: number;
  dynamoEnv: Record<string, string>;
  /** OIDC_*, PUBLIC_URL and SESSION_KEYS: the embedded identity provider's. */
  identityEnv: Record<string, string>;
  /** Restart on source changes (node --watch), for npm run dev. */
  watch: boolean;
  env: NodeJS.ProcessEnv;
}): Promise<TaskServiceProcess> {
  const lifeline = lifelineFor({
    watch: options.watch,
    env: {
      ...options.env,
      ...options.dynamoEnv,
      ...options.identityEnv,
      PORT: String(options.port),
      HOST: '127.0.0.1',
    },
  });
  const args = [
    '--conditions=development',
    ...lifeline.nodeArgs,
    ...(options.watch ? ['--watch'] : []),
    MAIN,
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: lifeline.spawn.env,
    stdio: [lifeline.spawn.stdin, 'inherit', 'inherit'],
    // Its own process group: Ctrl-C reaches only the start script, which then sends exactly
    // one SIGTERM. (A second signal makes task-service exit at once, by design.)
    detached: true,
  });
  holdLifeline(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const origin = `http://127.0.0.1:${options.port}`;
  await waitForStartup(origin, exited);
  return { process: child, origin, exited };
}

/** Resolves when /health/startup answers 200; rejects if the process exits first. */
async function waitForStartup(origin: string, exited: Promise<number | null>): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`task-service exited with code ${exitCode}`);
    const started = await fetch(`${origin}/health/startup`, { signal: AbortSignal.timeout(1000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (started) return;
    await sleep(200);
  }
  throw new Error(`task-service did not start within 60 s at ${origin}`);
}
