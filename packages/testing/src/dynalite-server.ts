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
import type { Server } from 'node:http';
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
  /** Starts answering again on the same port (data survives when `path` is set). */
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
  const make = (): Server =>
    dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(options.path ? { path: options.path } : {}),
    }) as Server;

  let server: Server | undefined = make();
  const port = await listen(server, options.port ?? 0, host);

  return {
    endpoint: `http://${host}:${port}`,
    port,
    get running() {
      return server !== undefined;
    },
    async stop() {
      if (!server) return;
      const closing = server;
      server = undefined;
      closing.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        closing.close((error) => (error ? reject(error) : resolve())),
      );
      // dynalite keeps its LevelDB open; close it so a restart with the same path can reopen it.
      await closeStore(closing);
    },
    async start() {
      if (server) return;
      server = make();
      await listen(server, port, host);
    },
  };
}

async function closeStore(server: Server): Promise<void> {
  const db = (server as unknown as { db?: { close?: (cb: () => void) => void } }).db;
  if (db?.close) await new Promise<void>((resolve) => db.close!(() => resolve()));
}
