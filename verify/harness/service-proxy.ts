/**
 * A loopback stand-in for a Kubernetes Service: a TCP (layer 4) proxy, like kube-proxy, that
 * spreads new connections round-robin over the endpoints that are ready. Like the kubelet and the
 * endpoints controller together, it probes each endpoint's readiness and routes only to ready
 * ones, and an endpoint being deleted (a Pod terminating) leaves the rotation at once, before the
 * Pod gets SIGTERM. Connections already open stay where they are, as with kube-proxy.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHttpClient, type HttpClient } from './http.ts';

export interface Endpoint {
  name: string;
  port: number;
}

export interface ServiceProxy {
  readonly url: string;
  /** Adds an endpoint; it receives connections once its readiness probe answers 200. */
  add(endpoint: Endpoint): void;
  /** Takes an endpoint out of the rotation (the Pod is terminating). */
  remove(endpoint: Endpoint): void;
  /** Names of the endpoints currently routed to. */
  ready(): string[];
  /** Connections accepted per endpoint name since start. */
  connectionCounts(): Map<string, number>;
  /** Connections refused because no endpoint was ready. */
  readonly refused: number;
  close(): Promise<void>;
}

interface Member {
  endpoint: Endpoint;
  ready: boolean;
  probe: HttpClient;
}

export async function startServiceProxy(probeIntervalMs: number): Promise<ServiceProxy> {
  const members = new Map<string, Member>();
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let next = 0;
  let refused = 0;

  const server: Server = createServer((client) => {
    const ready = [...members.values()].filter((member) => member.ready);
    if (ready.length === 0) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const member = ready[next++ % ready.length]!;
    counts.set(member.endpoint.name, (counts.get(member.endpoint.name) ?? 0) + 1);
    const upstream = connect({ host: '127.0.0.1', port: member.endpoint.port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    // A reset on one side becomes a reset on the other, as it would through NAT.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.resetAndDestroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const probeAll = async (): Promise<void> => {
    await Promise.all(
      [...members.values()].map(async (member) => {
        const reply = await member.probe.send({ method: 'GET', path: '/health/readiness' });
        member.ready = reply.status === 200;
      }),
    );
  };
  let probing = Promise.resolve();
  const timer = setInterval(() => {
    probing = probing.then(probeAll);
  }, probeIntervalMs);

  return {
    url: `http://127.0.0.1:${port}`,
    add(endpoint) {
      const probe = createHttpClient(`http://127.0.0.1:${endpoint.port}`, {
        connections: 1,
        timeoutMs: 1000,
        keepAlive: false,
      });
      members.set(endpoint.name, { endpoint, ready: false, probe });
    },
    remove(endpoint) {
      members.get(endpoint.name)?.probe.close();
      members.delete(endpoint.name);
    },
    ready: () => [...members.values()].filter((m) => m.ready).map((m) => m.endpoint.name),
    connectionCounts: () => new Map(counts),
    get refused() {
      return refused;
    },
    async close() {
      clearInterval(timer);
      await probing;
      for (const member of members.values()) member.probe.close();
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
