/**
 * A loopback TCP proxy in front of a DynamoDB endpoint that injects network faults, so tests
 * exercise real failure modes against a real DynamoDB API instead of faking the client:
 *
 * - `delayMs` makes every DynamoDB call slow, as a congested network does.
 * - `stall` makes calls hang: the endpoint accepts connections but never answers, as an
 *   overloaded or half-dead DynamoDB can.
 * - `loseNextResponse` loses a response: the request reaches the server and is applied, and
 *   then the connection to the client is cut before the answer gets through, as a timeout or a
 *   reset connection does on a real network. The SDK sees a transport error and retries the
 *   same request, which is the case retried conditional writes must recognise.
 *
 * With no fault set, everything passes through untouched.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface FaultProxy {
  readonly endpoint: string;
  /** Added latency, in milliseconds, before each request is forwarded. */
  delayMs: number;
  /** While true, requests are swallowed: they stay held until their connection goes away. */
  stall: boolean;
  /**
   * The DynamoDB operations (GetItem, Query...) whose requests the proxy is holding back
   * right now: how a test knows a request is in flight without waiting blindly.
   */
  readonly heldCalls: readonly string[];
  /**
   * Lose the response to the next request for this operation (PutItem, UpdateItem...), or to
   * the next one whose request text also contains `containing` (a table name, say).
   */
  loseNextResponse(operation: string, containing?: string): void;
  /** Responses lost so far, by operation, in order. */
  readonly lost: readonly string[];
  close(): Promise<void>;
}

const TARGET = /x-amz-target:\s*DynamoDB_\d+\.(\w+)/i;

/** The operation a request chunk starts, or undefined for a chunk that continues a body. */
const operationOf = (chunk: Buffer): string | undefined =>
  TARGET.exec(chunk.toString('latin1'))?.[1];

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const state = { delayMs: 0, stall: false };
  const held: string[] = [];
  const armed: { operation: string; containing: string | undefined }[] = [];
  const lost: string[] = [];

  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    // Set when a request whose response is to be lost has gone upstream on this connection.
    let doomed: string | undefined;
    const forward = (chunk: Buffer, operation: string | undefined): void => {
      const text = chunk.toString('utf8');
      const match = armed.findIndex(
        (fault) =>
          fault.operation === operation &&
          (fault.containing === undefined || text.includes(fault.containing)),
      );
      if (match !== -1) {
        armed.splice(match, 1);
        doomed = operation;
      }
      upstream.write(chunk);
    };
    // What this connection holds right now: released when forwarded, or when the connection
    // goes away (a stalled call is not held any more once its client has hung up).
    const holding: string[] = [];
    const release = (heldAs: string): void => {
      if (!holding.includes(heldAs)) return;
      holding.splice(holding.indexOf(heldAs), 1);
      held.splice(held.indexOf(heldAs), 1);
    };
    client.on('data', (chunk: Buffer) => {
      const operation = operationOf(chunk);
      const heldAs = operation ?? 'body';
      held.push(heldAs);
      holding.push(heldAs);
      if (state.stall) return;
      setTimeout(() => {
        release(heldAs);
        if (!upstream.destroyed) forward(chunk, operation);
      }, state.delayMs);
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
      for (const heldAs of [...holding]) release(heldAs);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get stall() {
      return state.stall;
    },
    set stall(value: boolean) {
      state.stall = value;
    },
    get heldCalls() {
      return [...held];
    },
    loseNextResponse(operation, containing) {
      armed.push({ operation, containing });
    },
    get lost() {
      return [...lost];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
