/**
 * A real DynamoDB API (dynalite) on loopback, stopped and started again to simulate an outage;
 * in this process, or in its own so that it does not share an event loop with what is measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { forFile } from './for-file.ts';

// dynalite ships no types.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: object) => Server;

export interface DynaliteOptions {
  /** Directory for on-disk data (LevelDB); in memory when omitted. */
  path?: string;
  port?: number;
}

export interface DynaliteServer {
  readonly endpoint: string;
  /** Stops answering: closes the listener and drops open connections. */
  stop(): Promise<void>;
  /** Starts answering again on the same port, with the same data. */
  start(): Promise<void>;
  readonly running: boolean;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export async function startDynalite(options: DynaliteOptions = {}): Promise<DynaliteServer> {
  const host = '127.0.0.1';
  // createTableMs etc. default to 500 ms of simulated provisioning; tests want tables at once.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });

  // stop() closes only the listener: dynalite's own close() shuts the store under requests in
  // flight, whose next store operation then throws "Database is closed" and kills the process.
  const port = await listen(server, options.port ?? 0, host);
  let running = true;

  return {
    endpoint: `http://${host}:${port}`,
    get running() {
      return running;
    },
    async stop() {
      if (!running) return;
      running = false;
      // http.Server's own close, not dynalite's override of it, which closes the store.
      const closed = new Promise<void>((resolve, reject) =>
        Server.prototype.close.call(server, (error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
    async start() {
      if (running) return;
      // The same port, as a restarted DynamoDB keeps its address. Between stop() and start() it
      // must refuse connections, so it cannot be held (the fault proxy's cut() resets instead);
      // were it taken meanwhile, this listen fails loudly with EADDRINUSE, never passes wrongly.
      await listen(server, port, host);
      running = true;
    },
  };
}

/** For a test file: dynalite from before its first test to after its last (see forFile). */
export function dynaliteForFile(options: DynaliteOptions = {}): DynaliteServer {
  return forFile(async (stopLater) => {
    const dynamo = await startDynalite(options);
    stopLater(() => dynamo.stop());
    return dynamo;
  });
}

export interface DynaliteProcess extends DynaliteServer {
  readonly pid: number;
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
