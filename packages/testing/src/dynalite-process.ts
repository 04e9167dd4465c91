/**
 * dynalite in a process of its own, for benchmarks and `npm run verify`: the database then has
 * its own event loop and core, as DynamoDB would, instead of sharing one with the code being
 * measured, and "DynamoDB is down" means what it means in production: the port refuses
 * connections while the data stays.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface DynaliteProcessOptions {
  /** Directory for on-disk data (LevelDB); in memory when omitted. */
  path?: string;
}

export interface DynaliteProcess {
  readonly endpoint: string;
  readonly pid: number;
  readonly running: boolean;
  /** Stops answering, as in an outage: the listener closes, the data stays. */
  stop(): Promise<void>;
  /** Answers again on the same port, with the same data. */
  start(): Promise<void>;
  /** Ends the process and waits for it to exit. */
  close(): Promise<void>;
}

interface Reply {
  op: string;
  endpoint?: string;
}

/** The child's next message `op`; rejects if it exits first. */
function nextReply(child: ChildProcess, op: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Reply): void => {
      if (message.op !== op) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      child.off('message', onMessage);
      reject(new Error(`dynalite exited (${code ?? signal}) awaiting ${op}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startDynaliteProcess(
  options: DynaliteProcessOptions = {},
): Promise<DynaliteProcess> {
  const child = fork(
    new URL('./dynalite-process-main.ts', import.meta.url).pathname,
    options.path === undefined ? [] : [options.path],
    // No flags of this process (a test runner's, say): the child needs none.
    { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  // A benchmark that dies must not leave its database running.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const { endpoint } = await nextReply(child, 'ready');
  let running = true;
  return {
    endpoint: endpoint!,
    pid: child.pid!,
    get running() {
      return running;
    },
    async stop() {
      const stopped = nextReply(child, 'stopped');
      child.send({ op: 'stop' });
      await stopped;
      running = false;
    },
    async start() {
      const started = nextReply(child, 'started');
      child.send({ op: 'start' });
      await started;
      running = true;
    },
    async close() {
      process.off('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      // Closing the channel ends it (dynalite-process-main.ts), as the parent's exit would.
      child.disconnect();
      await exited;
    },
  };
}
