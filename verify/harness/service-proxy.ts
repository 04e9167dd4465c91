/**
 * A loopback stand-in for a Kubernetes Service: a TCP proxy spreading new connections
 * round-robin over the endpoints whose readiness probe answers 200, as kube-proxy does.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { statusOf } from '@task-manager/testing';

interface Endpoint {
  name: string;
  port: number;
}

export async function startServiceProxy(probeIntervalMs: number) {
  const members = new Map<string, Endpoint & { ready: boolean }>();
  /** The endpoint name of every connection accepted. */
  const connections: string[] = [];
  const sockets = new Set<Socket>();
  let next = 0;

  const server = createServer((client) => {
    const ready = [...members.values()].filter((member) => member.ready);
    if (ready.length === 0) return client.resetAndDestroy();
    const member = ready[next++ % ready.length]!;
    connections.push(member.name);
    const upstream = connect({ host: '127.0.0.1', port: member.port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    // A reset on one side becomes a reset on the other, as it would through NAT.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.resetAndDestroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  let probing = Promise.resolve();
  const timer = setInterval(() => {
    probing = probing.then(async () => {
      const probes = [...members.values()].map(async (member) => {
        const url = `http://127.0.0.1:${member.port}/health/readiness`;
        member.ready = (await statusOf(url, 1000)) === 200;
      });
      await Promise.all(probes);
    });
  }, probeIntervalMs);

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections,
    /** Adds an endpoint; it receives connections once its readiness probe answers 200. */
    add(endpoint: Endpoint): void {
      members.set(endpoint.name, { ...endpoint, ready: false });
    },
    /** Takes an endpoint out of the rotation (the Pod is terminating). */
    remove(endpoint: Endpoint): void {
      members.delete(endpoint.name);
    },
    /** Names of the endpoints currently routed to. */
    ready: () => [...members.values()].filter((m) => m.ready).map((m) => m.name),
    async close(): Promise<void> {
      clearInterval(timer);
      await probing;
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
