/**
 * A loopback TCP proxy in front of a DynamoDB endpoint that can lose a response: the request
 * reaches the server and is applied, and then the connection to the client is cut before the
 * answer gets through, as a timeout or a reset connection does on a real network. The SDK sees
 * a transport error and retries the same request, which is the case retried conditional writes
 * must recognise. Everything else passes through untouched.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface LostResponseProxy {
  readonly endpoint: string;
  /** Lose the response to the next request for this operation (PutItem, UpdateItem...). */
  loseNextResponse(operation: string): void;
  /** Responses lost so far, by operation, in order. */
  readonly lost: readonly string[];
  close(): Promise<void>;
}

const TARGET = /x-amz-target:\s*DynamoDB_\d+\.(\w+)/i;

export async function startLostResponseProxy(target: string): Promise<LostResponseProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const armed: string[] = [];
  const lost: string[] = [];

  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    // Set when a request whose response is to be lost has gone upstream on this connection.
    let doomed: string | undefined;
    client.on('data', (chunk: Buffer) => {
      const operation = TARGET.exec(chunk.toString('latin1'))?.[1];
      if (operation !== undefined && armed.includes(operation)) {
        armed.splice(armed.indexOf(operation), 1);
        doomed = operation;
      }
      upstream.write(chunk);
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
    loseNextResponse(operation) {
      armed.push(operation);
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
