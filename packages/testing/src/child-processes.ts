/** Every child goes through here so that killAllChildren, called on exit, leaves none behind. */
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
  /**
   * Resolves once it has exited and all it wrote has been read: when its pipes close, which for
   * a group also waits for what its leader started.
   */
  readonly finished: Promise<Exit>;
  readonly alive: boolean;
  /** The last lines of stdout and stderr, for diagnostics when something fails. */
  tail(): string[];
  /** Every line of `stream`, or of both in the order they came; empty unless keepOutput. */
  output(stream?: 'stdout' | 'stderr'): string[];
  /** Sends a signal; returns the performance.now() at which it was sent. */
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
  /** Its own process group: signals and kill() reach its children too (`npm start`'s). */
  group?: boolean;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Keeps every line, not just the tail: for tests that check all that a program wrote. */
  keepOutput?: boolean;
}

const TAIL_LINES = 40;
const running = new Set<ChildProcess>();
const groups = new Set<number>();

/** Signals a process, or its whole group, unless it is gone already. */
function send(pid: number, group: boolean, signal: NodeJS.Signals): void {
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {
    // Nothing of it is left.
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
  const kept: { line: string; stream: 'stdout' | 'stderr' }[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (line) => {
      lines.push(stream === 'stderr' ? `[stderr] ${line}` : line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (options.keepOutput) kept.push({ line, stream });
      options.onLine?.(line, stream);
    });
  }

  let alive = true;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const finished = new Promise<Exit>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
      resolve({ code, signal }),
    );
  });

  return {
    name: options.name,
    process: child,
    pid,
    spawnedAt,
    exited,
    finished,
    get alive() {
      return alive;
    },
    tail: () => [...lines],
    output: (stream) =>
      kept.filter((entry) => !stream || entry.stream === stream).map(({ line }) => line),
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

/** Spawns a program listening on port 0; resolves to the port `portIn` finds in its stdout. */
export async function spawnListening(
  options: SpawnOptions,
  portIn: (line: string) => number | undefined,
): Promise<{ child: ManagedChild; port: number }> {
  const listening = Promise.withResolvers<number>();
  const child = spawnChild({
    ...options,
    onLine: (line, stream) => {
      options.onLine?.(line, stream);
      const port = stream === 'stdout' ? portIn(line) : undefined;
      if (port !== undefined) listening.resolve(port);
    },
  });
  const exitedFirst = child.exited.then((exit) => {
    throw new Error(
      `${options.name} exited (${exit.code ?? exit.signal}) before it listened:\n  ${child.tail().join('\n  ')}`,
    );
  });
  // Once it listens, its exit is someone else's business.
  exitedFirst.catch(() => {});
  return { child, port: await Promise.race([listening.promise, exitedFirst]) };
}

/** Aborts, with the error `reason` makes of the exit, once the child has exited. */
export function exitSignal(child: ManagedChild, reason: (exit: Exit) => Error): AbortSignal {
  const controller = new AbortController();
  void child.exited.then((exit) => controller.abort(reason(exit)));
  return controller.signal;
}

/** Kills every child still running; synchronous so it also works in an 'exit' handler. */
function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of groups) send(pid, true, 'SIGKILL');
}
// Last resort, for a program that exits without running its own clean-up.
process.once('exit', killAllChildren);

/** Waits for an exit at most `ms`; undefined if the process is still running by then. */
export function exitWithin(child: ManagedChild, ms: number): Promise<Exit | undefined> {
  // An unreferenced timer: it never keeps this process alive once the child has exited.
  return Promise.race([child.exited, sleep(ms, undefined, { ref: false })]);
}
