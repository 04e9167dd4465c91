/** dynalite in a process of its own, so it does not share an event loop with what is measured. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { DynaliteOptions, DynaliteServer } from './dynalite-server.ts';

export interface DynaliteProcess extends Omit<DynaliteServer, 'port'> {
  readonly pid: number;
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
  options: Pick<DynaliteOptions, 'path'> = {},
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
  const ask = async (op: 'stop' | 'start'): Promise<void> => {
    const done = nextReply(child, op);
    child.send({ op });
    await done;
    running = op === 'start';
  };
  return {
    endpoint: endpoint!,
    pid: child.pid!,
    get running() {
      return running;
    },
    stop: () => ask('stop'),
    start: () => ask('start'),
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
