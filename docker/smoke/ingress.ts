/**
 * The Ingress `task-manager` of a local cluster in miniature: one origin on the host, /api and
 * /auth to task-service, /idp to the identity provider (its path unchanged), everything else to
 * task-web, so a browser and the sign-in flow use the containers as they would the cluster.
 * k8s/test/sign-in.test.ts keeps these routes equal to the rendered Ingress's.
 *
 * It listens before the containers start, because its address is the app's public address
 * (PUBLIC_URL) and the issuer's origin, which the provider and task-service are started with.
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

export type RoutedService = (typeof INGRESS_ROUTES)[number]['service'];

/** The Service a path goes to: the longest route that is the path or a whole-segment prefix of it. */
export function serviceFor(path: string): RoutedService {
  const pathname = path.split('?')[0]!;
  const matching = INGRESS_ROUTES.filter(
    ({ path: prefix }) =>
      prefix === '/' || pathname === prefix || pathname.startsWith(`${prefix}/`),
  );
  return matching.sort((a, b) => b.path.length - a.path.length)[0]!.service;
}

export interface Ingress {
  /** http://127.0.0.1:<port>: the app's one address. */
  readonly url: string;
  /** Where each Service is reachable from the host (the containers' published ports). */
  route(service: RoutedService, upstream: string): void;
  close(): Promise<void>;
}

export async function startIngress(): Promise<Ingress> {
  const upstreams = new Map<RoutedService, string>();
  const server = http.createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    const service = serviceFor(path);
    const base = upstreams.get(service);
    if (!base) {
      outgoing.writeHead(503, { 'content-type': 'text/plain' }).end(`${service} is not up`);
      return;
    }
    const upstream = new URL(path, base);
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
    route(service, upstream) {
      upstreams.set(service, upstream);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
