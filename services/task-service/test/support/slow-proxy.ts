/**
 * A TCP proxy in front of dynalite that can hold traffic back: `delayMs` makes every
 * DynamoDB call slow, `stall` makes calls hang (the endpoint accepts connections but never
 * answers, as an overloaded or half-dead DynamoDB can). Nothing in the service is faked:
 * it talks to a real DynamoDB API through a slow network.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface SlowProxy {
  readonly endpoint: string;
  /**
   * The DynamoDB operations (GetItem, Query...) whose requests the proxy is holding back
   * right now: how a test knows a request is in flight without waiting blindly.
   */
  readonly heldCalls: readonly string[];
  delayMs: number;
  stall: boolean;
  close(): Promise<void>;
}

export async function startSlowProxy(target: string): Promise<SlowProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const state = { delayMs: 0, stall: false };
  const held: string[] = [];
  const operationOf = (chunk: Buffer): string =>
    /x-amz-target:\s*DynamoDB_\d+\.(\w+)/i.exec(chunk.toString('latin1'))?.[1] ?? 'body';

  const server = createServer((client) => {
    track(client);
    const upstream = connect(Number(port), hostname);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      const operation = operationOf(chunk);
      held.push(operation);
      // Stalled requests are swallowed: they stay held until the connection goes away.
      if (state.stall) return;
      setTimeout(() => {
        held.splice(held.indexOf(operation), 1);
        if (!upstream.destroyed) upstream.write(chunk);
      }, state.delayMs);
    });
    upstream.on('data', (chunk) => client.write(chunk));
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
    get heldCalls() {
      return [...held];
    },
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
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
