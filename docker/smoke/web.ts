/**
 * task-web in its container: nginx serving the built app with the headers the issue asks for.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { eventually } from '@task-manager/testing';
import { images } from './images.ts';
import { checkStdout, startApp, type Container, type Smoke } from './sandbox.ts';
import { docker, request, type HttpResponse } from './support.ts';

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; " +
  "frame-ancestors 'none'; form-action 'self'";

const image = images.web.tag;

function expectHeaders(response: HttpResponse, what: string, expected: Record<string, string>) {
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(response.headers.get(name) ?? '', value, `${what}: ${name}`);
  }
}

export function startWeb(smoke: Smoke) {
  return startApp(smoke, {
    role: 'task-web',
    image,
    port: 8080,
    probes: ['/healthz'],
    probeOptions: { periodMs: 250, attemptMs: 1000, timeoutMs: 10_000 },
    pid1: { program: 'nginx', user: '101:101' },
  });
}

export async function checkWeb({ check }: Smoke, base: string): Promise<void> {
  const index = await check(
    `${image}: GET / serves the app's index.html, Cache-Control no-cache`,
    async () => {
      const response = await request(`${base}/`);
      assert.equal(response.status, 200, 'GET /');
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.ok(response.body.includes('id="app"'), 'no <div id="app"> in index.html');
      expectHeaders(response, 'GET /', { 'cache-control': 'no-cache' });
      return response;
    },
  );
  if (!index) return;

  await check(`${image}: security headers (CSP, nosniff, DENY, ...)`, () => {
    expectHeaders(index, 'GET /', {
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      // No nginx version.
      server: 'nginx',
    });
    for (const name of ['referrer-policy', 'permissions-policy']) {
      assert.ok(index.headers.get(name), `no ${name} header`);
    }
    return `Referrer-Policy ${index.headers.get('referrer-policy')}; no nginx version`;
  });

  await check(`${image}: index.html has no inline script or style (CSP)`, () => {
    const inline = /<script\b(?![^>]*\bsrc=)[^>]*>|<style\b[^>]*>|\sstyle="[^"]*"|\son[a-z]+="/gi;
    assert.deepEqual(index.body.match(inline) ?? [], [], 'blocked by the CSP');
  });

  await check(`${image}: index.html's assets load, hashed ones cached immutable`, async () => {
    // Same-origin URLs index.html loads (scripts, styles, preloads, icons).
    const urls = [
      ...new Set([...index.body.matchAll(/\s(?:src|href)="(\/[^"/][^"]*)"/g)].map((m) => m[1]!)),
    ];
    assert.ok(
      urls.some((url) => /^\/assets\/.*\.js$/.test(url)),
      `no /assets/*.js in ${urls.join(', ')}`,
    );
    for (const url of urls) {
      const response = await request(`${base}${url}`, { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(response.status, 200, url);
      const hashed = url.startsWith('/assets/');
      expectHeaders(response, url, {
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      assert.doesNotMatch(
        response.headers.get('content-type') ?? '',
        /^text\/html/,
        `${url} is HTML`,
      );
      if (/\.(?:js|css)$/.test(url) && response.body.length > 1024) {
        expectHeaders(response, url, { 'content-encoding': 'gzip' });
      }
    }
    return `${urls.length} URL(s): ${urls.join(', ')}; gzip for JS/CSS`;
  });

  await check(`${image}: deep link /tasks/some-task falls back to index.html`, async () => {
    const response = await request(`${base}/tasks/some-task?tab=details`);
    assert.equal(response.status, 200);
    assert.ok(response.body === index.body, 'body differs from index.html');
    expectHeaders(response, 'deep link', { 'cache-control': 'no-cache' });
  });

  await check(`${image}: a missing asset is 404, not the app's HTML`, async () => {
    const response = await request(`${base}/assets/missing-0000.js`);
    assert.equal(response.status, 404);
    expectHeaders(response, 'a 404', { 'cache-control': '' });
  });

  await check(
    `${image}: /api/* and /auth/* are JSON 404s here, redirects stay relative`,
    async () => {
      // Both belong to task-service: reaching nginx is a routing mistake, never the app's HTML.
      for (const path of ['/api/tasks', '/auth/login']) {
        const response = await request(`${base}${path}`);
        assert.equal(response.status, 404, `GET ${path}`);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
      }
      // Behind the Ingress an absolute redirect would name this container's port.
      const redirect = await request(`${base}/assets`);
      assert.equal(redirect.status, 301, 'GET /assets');
      expectHeaders(redirect, 'GET /assets', { location: '/assets/' });
    },
  );

  await check(`${image}: GET /healthz answers 200`, async () => {
    const response = await request(`${base}/healthz`);
    assert.equal(response.status, 200);
    return response.body.trim();
  });
}

/**
 * `docker stop` (SIGQUIT: graceful shutdown) while a request's headers are still arriving, as
 * when Kubernetes deletes a Pod: nginx must finish it; stdout must stay one JSON object a line.
 */
export async function stopDuringRequest(smoke: Smoke, web: Container): Promise<void> {
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

    const stopping = smoke.sandbox.stopCleanly(web.name);
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
    return `${stop}; the in-flight request answered 200`;
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
