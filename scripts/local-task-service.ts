/**
 * task-service as a child process, started from its TypeScript sources the way the
 * container starts the built ones: a separate process with its own signals and exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { listeningPortIn } from '@task-manager/task-service/launch';
import { holdLifeline, lifelineFor } from './children.ts';
import { portInUse, REPO_ROOT } from './local-config.ts';

const MAIN = 'services/task-service/src/main.ts';

export interface TaskServiceProcess {
  process: ChildProcess;
  /** Where the service listens, on loopback (its first start's address). */
  origin: string;
  /** Resolves when it has exited, with how: "with code 1", "on SIGKILL". */
  exited: Promise<string>;
}

const originOf = (port: number) => `http://127.0.0.1:${port}`;

export async function startTaskServiceProcess(options: {
  port: number;
  dynamoEnv: Record<string, string>;
  /** OIDC_*, PUBLIC_URL and SESSION_KEYS: the embedded identity provider's. */
  identityEnv: Record<string, string>;
  /** Restart on source changes (node --watch), for npm run dev. */
  watch: boolean;
  env: NodeJS.ProcessEnv;
  /**
   * Called with the service's address each time it says it listens: on its start, and after
   * every restart under watch, which with port 0 may be on another port.
   */
  onListening: (origin: string) => void;
  /** Called with the process as soon as it exists, so whoever stops the app can stop it too. */
  onSpawn: (child: ChildProcess) => void;
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
    // Its log goes on to this process's stdout, read on the way for the port it listens on.
    stdio: [lifeline.spawn.stdin, 'pipe', 'inherit'],
    // Its own process group: Ctrl-C reaches only the start script, which then sends exactly
    // one SIGTERM. (A second signal makes task-service exit at once, by design.)
    detached: true,
  });
  holdLifeline(child);
  options.onSpawn(child);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `on ${signal}` : `with code ${code}`)),
  );
  let portTaken = false;
  let sawFatal: () => void = () => {};
  const fatal = new Promise<string>((resolve) => {
    sawFatal = () => resolve('with a fatal error (its log above says why)');
  });
  const firstPort = new Promise<number>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      const fatalLine = fatalIn(line);
      if (fatalLine) {
        portTaken ||= fatalLine.err?.code === 'EADDRINUSE';
        sawFatal();
      }
      const port = listeningPortIn(line);
      if (port === undefined) return;
      options.onListening(originOf(port));
      resolve(port);
    });
  });
  // Under --watch the process is node's watcher, which stays up, waiting for a change, when the
  // service fails: the service's own fatal line is what says that its first start failed.
  const failed = options.watch ? Promise.race([exited, fatal]) : exited;
  const port = await Promise.race([
    firstPort,
    failed.then((how): never => {
      if (portTaken) throw portInUse('API_PORT', options.port);
      exitedEarly(how);
    }),
  ]);
  const origin = originOf(port);
  await waitForStartup(origin, exited);
  return { process: child, origin, exited };
}

function exitedEarly(how: string): never {
  throw new Error(`task-service exited ${how}`);
}

/**
 * A task-service log line at level fatal, parsed: it is about to exit (or, watched, to wait for
 * a change). Its failure to listen on a port that is taken is one (err.code EADDRINUSE).
 */
function fatalIn(line: string): { err?: { code?: unknown } } | undefined {
  // Every request logs a line: only a line that can be a fatal one is parsed.
  if (!line.includes('"fatal"')) return undefined;
  try {
    const parsed = JSON.parse(line) as { level?: unknown; err?: { code?: unknown } };
    return parsed.level === 'fatal' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves when /health/startup answers 200; rejects if the process exits first. */
async function waitForStartup(origin: string, exited: Promise<string>): Promise<void> {
  let exit: string | undefined;
  void exited.then((how) => (exit = how));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exit !== undefined) exitedEarly(exit);
    const started = await fetch(`${origin}/health/startup`, { signal: AbortSignal.timeout(1000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (started) return;
    await sleep(200);
  }
  throw new Error(`task-service did not start within 60 s at ${origin}`);
}
