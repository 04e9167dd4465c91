/**
 * `docker stop` (the image's STOPSIGNAL, then SIGKILL after the grace period) while a request is
 * in flight, as when Kubernetes deletes a Pod: the request must still be answered, the process
 * must exit 0 well before the grace period ends, and stdout must stay one JSON object per line.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { eventually } from '@task-manager/testing';
import type { SmokeSignIn } from './identity.ts';
import { images } from './images.ts';
import { GRACE_SECONDS, type Container, type Smoke } from './sandbox.ts';
import { SMOKE_USER } from './service.ts';
import { docker, dockerChecked, jsonLines, request } from './support.ts';

/** Exit 0 "well inside" the grace period: in half of it. */
function expectCleanExit({ exitCode, seconds }: { exitCode: number; seconds: number }): string {
  const outcome = `exit ${exitCode} after ${seconds.toFixed(1)} s of a ${GRACE_SECONDS} s grace period`;
  assert.ok(exitCode === 0 && seconds < GRACE_SECONDS / 2, outcome);
  return outcome;
}

async function checkStdout({ check, sandbox }: Smoke, image: string, container: Container) {
  await check(`${image}: every stdout line is JSON`, async () => {
    const lines = jsonLines((await sandbox.logs(container.name)).stdout);
    return `${lines.length} lines, all JSON`;
  });
}

/**
 * task-service: DynamoDB is frozen (`docker pause`), so a request legitimately waits for the
 * SDK's timeouts and retries; the container is stopped while it waits.
 */
export async function stopServiceDuringRequest(
  smoke: Smoke,
  service: Container,
  dynamodb: Container,
  signIn: SmokeSignIn,
): Promise<void> {
  const image = images.service.tag;
  await smoke.check(`${image}: docker stop during a request: answered, exit 0`, async () => {
    // The token first: its checks (and the provider's keys) must not be what the request waits on.
    const headers = await signIn.bearer(SMOKE_USER);
    await dockerChecked(['pause', dynamodb.name]);
    try {
      const sent = performance.now();
      const timeoutMs = GRACE_SECONDS * 1000;
      const inFlight = request(`${service.url}/api/tasks`, { headers, timeoutMs }).then(
        (response) => ({ status: response.status, at: performance.now() }),
        (error: unknown) => {
          throw new Error(`the in-flight request failed: ${String(error)}`);
        },
      );
      // Awaited after the stop; until then its failure must not count as unhandled.
      inFlight.catch(() => undefined);
      // Stopped only once the service has the request: its gauge counts it and the scrape.
      await eventually(async () => {
        const metrics = await request(`${service.url}/metrics`);
        const count = Number(/^http_requests_in_flight (\d+)$/m.exec(metrics.body)?.[1]);
        assert.ok(count >= 2, `http_requests_in_flight is ${count}`);
      });
      const stopping = performance.now();
      const stop = await smoke.sandbox.stop(service.name);
      const answer = await inFlight;
      assert.ok(answer.at > stopping, 'the request was answered before the stop: not in flight');
      const seconds = ((answer.at - sent) / 1000).toFixed(1);
      return `${expectCleanExit(stop)}; the in-flight request answered ${answer.status} after ${seconds} s`;
    } finally {
      await docker(['unpause', dynamodb.name]);
    }
  });
  await checkStdout(smoke, image, service);
}

/**
 * task-web: a request whose headers are still arriving when nginx is told to stop; graceful
 * shutdown (SIGQUIT) lets it finish.
 */
export async function stopWebDuringRequest(smoke: Smoke, web: Container): Promise<void> {
  const image = images.web.tag;
  await smoke.check(`${image}: docker stop during a request: answered, exit 0`, async () => {
    const { hostname, port } = new URL(web.url);
    const socket = net.connect(Number(port), hostname).setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /tasks/in-flight HTTP/1.1\r\nHost: task-web\r\n');
    await eventually(async () => assert.ok(await nginxHasReadAll(web.name), 'nginx has not yet'));

    const stopping = smoke.sandbox.stop(web.name);
    // The rest of the request only once nginx is shutting down: it takes no new connection.
    await eventually(async () => {
      const answered = await request(`${web.url}/healthz`, { timeoutMs: 1000 }).then(
        () => true,
        () => false,
      );
      assert.ok(!answered, 'nginx still answers new connections');
    });
    socket.write('Connection: close\r\n\r\n');
    const [stop] = await Promise.all([stopping, closed]);
    assert.equal(received.split('\r\n')[0], 'HTTP/1.1 200 OK', 'the in-flight request');
    return `${expectCleanExit(stop)}; the in-flight request answered 200`;
  });
  await checkStdout(smoke, image, web);
  await smoke.check(`${image}: /healthz probes are not in the access log`, async () => {
    const { stdout } = await smoke.sandbox.logs(web.name);
    const lines = stdout.split('\n').filter(Boolean);
    const probes = lines.filter((line) => line.includes('"/healthz"'));
    assert.equal(probes.length, 0, '/healthz lines');
    return `${lines.length} access log lines, none for /healthz`;
  });
}

/**
 * Whether nginx has accepted every connection to its port (8080, docker/nginx/task-web.conf) and
 * read every byte sent on them, by the container's kernel socket table: the listening socket's
 * queue of connections not yet accepted, and each connection's unread bytes (rx_queue in
 * /proc/net/tcp), are all 0.
 */
async function nginxHasReadAll(container: string): Promise<boolean> {
  // Without IPv6 there is no tcp6 table: cat prints the other and fails, which is fine here.
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'];
  const { stdout } = await docker(['exec', container, 'cat', ...tables]);
  const sockets = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(':1F90')); // 8080 in hex
  const [LISTEN, ESTABLISHED] = ['0A', '01'];
  const unread = (fields: string[]) => parseInt(fields[4]!.split(':')[1]!, 16);
  const connections = sockets.filter((fields) => fields[3] === ESTABLISHED);
  const listening = sockets.filter((fields) => fields[3] === LISTEN);
  return connections.length > 0 && [...listening, ...connections].every((f) => unread(f) === 0);
}
