/**
 * Every process verify, the benchmarks and the tests start goes through here, so that however
 * they end (success, a failed check, an exception, Ctrl-C) no child outlives them and no port
 * stays taken: their entry points call killAllChildren on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** performance.now() when spawn() was called. */
  readonly spawnedAt: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  readonly alive: boolean;
  /** The last lines of stdout and stderr, for diagnostics when something fails. */
  tail(): string[];
  /** Sends a signal; resolves to the performance.now() at which it was sent. */
  signal(signal: NodeJS.Signals): number;
  /** SIGKILL unless it has already exited, then waits for the exit. */
  kill(): Promise<Exit>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /**
   * Its own process group: signals and kill() reach everything it started too (`npm start`
   * runs DynamoDB, the provider and the UI server as its children).
   */
  group?: boolean;
  /** Called with every line of output (log audit, progress markers). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

const TAIL_LINES = 40;
const running = new Set<ChildProcess>();
const groups = new Set<number>();

/** Signals a process, or its whole group; false when none of them is left. */
function send(pid: number, group: boolean, signal: NodeJS.Signals): boolean {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function spawnChild(options: SpawnOptions): ManagedChild {
  const spawnedAt = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    // Only what we pass: the children must not inherit credentials or settings from this shell.
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group ?? false,
  });
  const { pid } = child;
  if (pid === undefined) throw new Error(`could not start ${options.name}`);
  const group = options.group ?? false;
  running.add(child);
  if (group) groups.add(pid);

  const lines: string[] = [];
  const remember = (line: string): void => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    remember(line);
    options.onLine?.(line, 'stdout');
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    remember(`[stderr] ${line}`);
    options.onLine?.(line, 'stderr');
  });

  let alive = true;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      running.delete(child);
      resolve({ code, signal });
    });
  });

  return {
    name: options.name,
    process: child,
    pid,
    spawnedAt,
    exited,
    get alive() {
      return alive;
    },
    tail: () => [...lines],
    signal(signal) {
      const at = performance.now();
      send(pid, group, signal);
      return at;
    },
    async kill() {
      // A group's members may outlive its leader: they are killed whether it has exited or not.
      if (alive || group) send(pid, group, 'SIGKILL');
      groups.delete(pid);
      return exited;
    },
  };
}

/**
 * Spawns a program that listens on a port the kernel chose (port 0) and prints which: resolves
 * once `portIn` finds the port in a stdout line, or rejects if the program exits first.
 */
export async function spawnListening(
  options: SpawnOptions,
  portIn: (line: string) => number | undefined,
): Promise<{ child: ManagedChild; port: number }> {
  let announce: (port: number) => void = () => {};
  const listening = new Promise<number>((resolve) => (announce = resolve));
  const child = spawnChild({
    ...options,
    onLine: (line, stream) => {
      options.onLine?.(line, stream);
      const port = stream === 'stdout' ? portIn(line) : undefined;
      if (port !== undefined) announce(port);
    },
  });
  const exitedFirst = child.exited.then((exit) => {
    throw new Error(
      `${options.name} exited (${exit.code ?? exit.signal}) before it listened:\n  ${child.tail().join('\n  ')}`,
    );
  });
  // Once it listens, its exit is someone else's business.
  exitedFirst.catch(() => {});
  return { child, port: await Promise.race([listening, exitedFirst]) };
}

/** Kills every child still running; synchronous so it also works in an 'exit' handler. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of groups) send(pid, true, 'SIGKILL');
}

/** Waits for an exit at most `ms`; undefined if the process is still running by then. */
export async function exitWithin(child: ManagedChild, ms: number): Promise<Exit | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      child.exited,
      sleep(ms, undefined, { signal: timer.signal }).catch(() => undefined),
    ]);
  } finally {
    timer.abort();
  }
}
