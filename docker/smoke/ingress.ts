/**
 * A local cluster's Ingress in miniature (k8s/test/sign-in.test.ts keeps the routes equal). It
 * listens first: its address is the PUBLIC_URL and the issuer's origin the containers get.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The Ingress's paths (pathType Prefix) and the Service each goes to, as in k8s/. */
export const INGRESS_ROUTES = [
  { path: '/api', service: 'task-service' },
  { path: '/auth', service: 'task-service' },
  { path: '/idp', service: 'identity-provider' },
  { path: '/', service: 'task-web' },
] as const;

type RoutedService = (typeof INGRESS_ROUTES)[number]['service'];

/** `upstreams`: each Service's address from the host (its container's published port). */
export interface Ingress {
  readonly url: string;
  readonly upstreams: Map<RoutedService, string>;
  close(): Promise<void>;
}

export async function startIngress(): Promise<Ingress> {
  const upstreams = new Map<RoutedService, string>();
  const server = http.createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    const pathname = path.split('?')[0]!;
    // The first route that is the path or a whole-segment prefix of it ('/' comes last).
    const { service } = INGRESS_ROUTES.find(
      ({ path: prefix }) =>
        prefix === '/' || pathname === prefix || pathname.startsWith(`${prefix}/`),
    )!;
    const base = upstreams.get(service);
    if (!base) {
      outgoing.writeHead(503, { 'content-type': 'text/plain' }).end(`${service} is not up`);
      return;
    }
    const upstream = new URL(path, base);
    const headers = { ...incoming.headers, host: upstream.host };
    const forward = http.request(upstream, { method: incoming.method, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forward.on('error', (error) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
    incoming.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstreams,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
