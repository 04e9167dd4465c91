/**
 * A loopback TCP proxy in front of a server (DynamoDB, the identity provider...) that injects
 * real network faults (stalls, lost responses, an outage), so tests exercise the client's
 * failure handling without faking it.
 *
 * Its port stays its own for its whole life, cut or not: a port closed for an outage and listened
 * on again later could be taken meanwhile by another process, which would then answer instead.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { forFile } from './for-file.ts';
import { startDynalite, type DynaliteServer } from './dynalite-server.ts';

export interface FaultProxy {
  readonly endpoint: string;
  /**
   * While true, requests are held: a call stays in flight for as long as a test needs, with no
   * timing involved. Set back to false, the held requests go on to the server, in order; those
   * whose connection went away meanwhile are dropped.
   */
  stall: boolean;
  /** The operations (GetItem, Query...) held back right now: a test's sign a call is in flight. */
  readonly heldCalls: readonly string[];
  /**
   * The next request for `operation` (whose text contains `containing`, if given) reaches the
   * server and is applied, then its connection is cut before the answer gets through: the SDK
   * retries the same request, the case retried conditional writes must recognise.
   */
  loseNextResponse(operation: string, containing?: string): void;
  /** Responses lost so far, by operation, in order. */
  readonly lost: readonly string[];
  /** The first line of each HTTP request, without the version ("GET /jwks"), in order. */
  readonly requests: readonly string[];
  /**
   * The outage: open connections are reset, and so is each new one as it arrives, until
   * restore(). Clients see ECONNRESET, never ECONNREFUSED: refusing needs the port closed.
   */
  cut(): void;
  /** The end of the outage: new connections go through again. */
  restore(): void;
  close(): Promise<void>;
}

interface Held {
  readonly operation: string;
  forward(): void;
}

const TARGET = /x-amz-target:\s*DynamoDB_\d+\.(\w+)/i;
// A request starts a chunk: clients write its head in one go, and send one request at a time.
const REQUEST_LINE = /^([A-Z]+ \S+) HTTP\/1\.[01]\r\n/;

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  // Chunks held by the stall, by operation ('body' for a chunk that continues a request).
  const held = new Set<Held>();
  const armed: { operation: string; containing: string | undefined }[] = [];
  const lost: string[] = [];
  const requests: string[] = [];
  let cut = false;
  let stall = false;

  const server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    // Set when a request whose response is to be lost has gone upstream on this connection.
    let doomed: string | undefined;
    // This connection's held chunks: dropped when it goes away (its client hung up).
    const holding = new Set<Held>();
    client.on('data', (chunk: Buffer) => {
      const head = chunk.toString('latin1');
      const requestLine = REQUEST_LINE.exec(head)?.[1];
      if (requestLine !== undefined) requests.push(requestLine);
      const operation = TARGET.exec(head)?.[1];
      const forward = (): void => {
        if (upstream.destroyed) return;
        const text = chunk.toString('utf8');
        const match = armed.findIndex(
          (fault) =>
            fault.operation === operation &&
            (fault.containing === undefined || text.includes(fault.containing)),
        );
        if (match !== -1) doomed = armed.splice(match, 1)[0]!.operation;
        upstream.write(chunk);
      };
      if (!stall) {
        forward();
        return;
      }
      const entry = { operation: operation ?? 'body', forward };
      held.add(entry);
      holding.add(entry);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (doomed === undefined) {
        client.write(chunk);
        return;
      }
      // The server has answered, so it has applied the request; the client never hears it.
      lost.push(doomed);
      client.destroy();
      upstream.destroy();
    });
    const end = (): void => {
      for (const entry of holding) held.delete(entry);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const proxy: FaultProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get stall() {
      return stall;
    },
    set stall(value) {
      stall = value;
      if (stall) return;
      // In arrival order, so each connection's chunks reach the server as they were sent.
      for (const entry of held) {
        held.delete(entry);
        entry.forward();
      }
    },
    get heldCalls() {
      return [...held].map((entry) => entry.operation);
    },
    loseNextResponse(operation, containing) {
      armed.push({ operation, containing });
    },
    lost,
    requests,
    cut() {
      cut = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    restore() {
      cut = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

export type DownServer = Pick<FaultProxy, 'endpoint' | 'close'>;

/** A server that is down: a proxy cut for good, so it resets every connection and keeps its port. */
export async function startDownServer(): Promise<DownServer> {
  // Port 0 is never dialled: a cut proxy resets each connection before it connects upstream.
  const proxy = await startFaultProxy('http://127.0.0.1:0');
  proxy.cut();
  return proxy;
}

export interface DynaliteBehindProxy {
  /** The server itself: what a test reads directly, or stops for an outage. */
  readonly dynamo: DynaliteServer;
  /** In front of it: the endpoint the code under test is given. */
  readonly proxy: FaultProxy;
}

/** For a test file: dynalite with a fault proxy in front of it (see forFile). */
export function dynaliteBehindProxyForFile(): DynaliteBehindProxy {
  return forFile(async (stopLater) => {
    const dynamo = await startDynalite();
    stopLater(() => dynamo.stop());
    const proxy = await startFaultProxy(dynamo.endpoint);
    stopLater(() => proxy.close());
    return { dynamo, proxy };
  });
}
