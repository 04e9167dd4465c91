/**
 * The Ingress `task-manager` in miniature: one origin on the host, /api to task-service and
 * everything else to task-web, so a browser can use the two containers as it would in the cluster.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ingress {
  readonly url: string;
  close(): Promise<void>;
}

export async function startIngress(webUrl: string, apiUrl: string): Promise<Ingress> {
  const server = http.createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    const upstream = new URL(path, path === '/api' || path.startsWith('/api/') ? apiUrl : webUrl);
    const forward = http.request(
      upstream,
      { method: incoming.method, headers: { ...incoming.headers, host: upstream.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', (error) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
    incoming.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
