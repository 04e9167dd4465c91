/**
 * An HTTP relay on loopback that forwards every request to `target` and records what passed
 * through; it can be cut (connections refused) and restored on the same port. It stands for the
 * cluster-internal address (a Service) task-service reaches the identity provider by.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpRelay {
  readonly url: string;
  /** "GET /.well-known/openid-configuration", in order. */
  readonly seen: string[];
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpRelay(target: string): Promise<HttpRelay> {
  const to = new URL(target);
  const seen: string[] = [];
  const make = (): Server =>
    createServer((incoming, outgoing) => {
      seen.push(`${incoming.method} ${(incoming.url ?? '').split('?')[0]}`);
      const forwarded = request(
        {
          host: to.hostname,
          port: to.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
    });
  let server = make().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let open = true;
  const shut = async () => {
    if (!open) return;
    open = false;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    cut: shut,
    async restore() {
      server = make().listen(port, '127.0.0.1');
      await once(server, 'listening');
      open = true;
    },
    close: shut,
  };
}
