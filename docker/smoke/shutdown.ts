/**
 * `docker stop` (the image's STOPSIGNAL, then SIGKILL after the grace period) while a request is
 * in flight, as when Kubernetes deletes a Pod: the request must still be answered, the process
 * must exit 0 well before the grace period ends, and stdout must stay one JSON object per line.
 */
import net from 'node:net';
import { eventually } from '@task-manager/testing';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { docker, dockerChecked } from './command.ts';
import { request } from './http.ts';
import { auditJsonLines, expectJsonLines } from './json-lines.ts';
import type { SmokeSignIn } from './identity.ts';
import {
  GRACE_SECONDS,
  type Container,
  type PublishedContainer,
  type Sandbox,
  type StopOutcome,
} from './sandbox.ts';
import { SMOKE_USER } from './service.ts';

/** "Well inside" the grace period: half of it. */
const STOP_BUDGET_SECONDS = GRACE_SECONDS / 2;

function expectCleanExit(stop: StopOutcome): string {
  expect(stop.exitCode === 0, `exit code ${stop.exitCode} after ${stop.seconds.toFixed(1)} s`);
  expect(
    stop.seconds < STOP_BUDGET_SECONDS,
    `took ${stop.seconds.toFixed(1)} s (grace period ${GRACE_SECONDS} s)`,
  );
  return `exit 0 after ${stop.seconds.toFixed(1)} s of a ${GRACE_SECONDS} s grace period`;
}

/**
 * task-service: DynamoDB is frozen (`docker pause`), so a request legitimately waits for the
 * SDK's timeouts and retries; the container is stopped while it waits.
 */
export async function stopServiceDuringRequest(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  service: PublishedContainer,
  dynamodb: Container,
  signIn: SmokeSignIn,
): Promise<void> {
  await checks.check(`${image}: docker stop during a request: answered, exit 0`, async () => {
    // The token first: its checks (and the provider's keys) must not be what the request waits on.
    const headers = await signIn.bearer(SMOKE_USER);
    await dockerChecked(['pause', dynamodb.name]);
    try {
      const sent = performance.now();
      const inFlight = request(`${service.url}/api/tasks`, {
        headers,
        timeoutMs: GRACE_SECONDS * 1000,
      }).then(
        (response) => ({ response, at: performance.now() }),
        (error: unknown) => ({ error, at: performance.now() }),
      );
      // Stopped only once the service has the request: its gauge counts it and the scrape.
      await eventually(async () => {
        const metrics = await request(`${service.url}/metrics`);
        const inFlight = Number(/^http_requests_in_flight (\d+)$/m.exec(metrics.body)?.[1]);
        expect(inFlight >= 2, `http_requests_in_flight is ${inFlight}`);
      });
      const stopping = performance.now();
      const stop = await sandbox.stop(service.name, GRACE_SECONDS);
      const answer = await inFlight;
      if ('error' in answer) {
        throw new Error(`the in-flight request failed: ${String(answer.error)}`);
      }
      expect(answer.at > stopping, 'the request was answered before the stop: not in flight');
      const seconds = ((answer.at - sent) / 1000).toFixed(1);
      const exit = expectCleanExit(stop);
      return `${exit}; the in-flight request answered ${answer.response.status} after ${seconds} s`;
    } finally {
      await docker(['unpause', dynamodb.name]);
    }
  });
  await checkStdout(checks, sandbox, image, service.name);
}

/**
 * task-web: a request whose headers are still arriving when nginx is told to stop; graceful
 * shutdown (SIGQUIT) lets it finish.
 */
export async function stopWebDuringRequest(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  web: PublishedContainer,
): Promise<void> {
  await checks.check(`${image}: docker stop during a request: answered, exit 0`, async () => {
    const { hostname, port } = new URL(web.url);
    const socket = net.connect(Number(port), hostname);
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /tasks/in-flight HTTP/1.1\r\nHost: task-web\r\n');
    await eventually(async () => expect(await nginxHasReadAll(web.name), 'nginx has not yet'));

    const stopping = sandbox.stop(web.name, GRACE_SECONDS);
    // The rest of the request only once nginx is shutting down: it takes no new connection.
    await eventually(async () => {
      const answered = await request(`${web.url}/healthz`, { timeoutMs: 1000 }).then(
        () => true,
        () => false,
      );
      expect(!answered, 'nginx still answers new connections');
    });
    socket.write('Connection: close\r\n\r\n');
    const [stop] = await Promise.all([stopping, closed]);
    const statusLine = received.split('\r\n')[0] ?? '';
    expect(statusLine === 'HTTP/1.1 200 OK', `the in-flight request got "${statusLine}"`);
    return `${expectCleanExit(stop)}; the in-flight request answered 200`;
  });
  await checkStdout(checks, sandbox, image, web.name);
  await checks.check(`${image}: /healthz probes are not in the access log`, async () => {
    const { stdout } = await sandbox.logs(web.name);
    const probes = stdout.split('\n').filter((line) => line.includes('"/healthz"'));
    expect(probes.length === 0, `${probes.length} /healthz lines`);
    return `${auditJsonLines(stdout).lines} access log lines, none for /healthz`;
  });
}

/** The port nginx listens on in the task-web image (docker/nginx/task-web.conf). */
const NGINX_PORT = 8080;

/**
 * Whether nginx has accepted every connection to its port and read every byte sent on them, by
 * the container's kernel socket table: the listening socket's queue of connections not yet
 * accepted, and each connection's unread bytes (rx_queue in /proc/net/tcp), are all 0.
 */
async function nginxHasReadAll(container: string): Promise<boolean> {
  // Without IPv6 there is no tcp6 table: cat prints the other and fails, which is fine here.
  const { stdout: table } = await docker([
    'exec',
    container,
    'cat',
    '/proc/net/tcp',
    '/proc/net/tcp6',
  ]);
  const port = `:${NGINX_PORT.toString(16).toUpperCase().padStart(4, '0')}`;
  const sockets = table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(port));
  const unread = (fields: string[]) => parseInt(fields[4]!.split(':')[1]!, 16);
  const LISTEN = '0A';
  const ESTABLISHED = '01';
  const connections = sockets.filter((fields) => fields[3] === ESTABLISHED);
  const listening = sockets.filter((fields) => fields[3] === LISTEN);
  return (
    connections.length > 0 && [...listening, ...connections].every((fields) => unread(fields) === 0)
  );
}

async function checkStdout(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  container: string,
): Promise<void> {
  await checks.check(`${image}: every stdout line is JSON`, async () => {
    const { stdout } = await sandbox.logs(container);
    return expectJsonLines(stdout);
  });
}
