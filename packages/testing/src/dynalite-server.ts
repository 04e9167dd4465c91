// Consumers type-check this file from their own projects, which do not include the declaration.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./dynalite.d.ts" />
/**
 * A real DynamoDB API server (dynalite) for tests, benchmarks and `npm start`.
 *
 * It listens on loopback, on an ephemeral port unless one is given, and can be stopped and
 * started again on the same port, which is how tests simulate a DynamoDB outage.
 */
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

  // One server for the whole life of this handle: stop() only closes its listener and drops
  // its connections, like a network outage, and start() listens again. Its store stays open:
  // dynalite's own close() shuts the store while requests are still being processed, and a
  // request's next store operation then throws "Database is closed" from a callback, which
  // kills the process. DynamoDB keeps its data through an outage anyway.
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
