/**
 * The Ingress `task-manager` of a local cluster in miniature: one origin on the host, /api and
 * /auth to task-service, /idp to the identity provider (its path unchanged), everything else to
 * task-web. k8s/test/sign-in.test.ts keeps these routes equal to the rendered Ingress's. It
 * listens before the containers start: its address is the app's PUBLIC_URL and the issuer's
 * origin, which the provider and task-service are started with.
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

export interface Ingress {
  /** http://127.0.0.1:<port>: the app's one address. */
  readonly url: string;
  /** Where each Service is reachable from the host (the containers' published ports). */
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
