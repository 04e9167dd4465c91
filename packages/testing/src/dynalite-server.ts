// Consumers type-check this file from their own projects, which do not include the declaration.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./dynalite.d.ts" />
/** A real DynamoDB API (dynalite) on loopback, stopped and started again to simulate an outage. */
import { once } from 'node:events';
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface DynaliteOptions {
  /** Directory for on-disk data (LevelDB); in memory when omitted. */
  path?: string;
  port?: number;
  host?: string;
}

export interface DynaliteServer {
  readonly endpoint: string;
  readonly port: number;
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
  const host = options.host ?? '127.0.0.1';
  // createTableMs etc. default to 500 ms of simulated provisioning; tests want tables at once.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  }) as Server;

  // stop() closes only the listener: dynalite's own close() shuts the store under requests in
  // flight, whose next store operation then throws "Database is closed" and kills the process.
  const port = await listen(server, options.port ?? 0, host);
  let running = true;

  return {
    endpoint: `http://${host}:${port}`,
    port,
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
      await listen(server, port, host);
      running = true;
    },
  };
}
