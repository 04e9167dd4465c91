/** task-web in its container: nginx serving the built app with the headers the issue asks for. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { eventually } from '@task-manager/testing';
import { images } from './images.ts';
import { checkStdout, startApp, type Container, type Smoke } from './sandbox.ts';
import { docker, expectStatus, FAILED, jsonLines, request, type HttpResponse } from './support.ts';

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; " +
  "frame-ancestors 'none'; form-action 'self'";

const image = images.web.tag;

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

export async function checkWeb(smoke: Smoke, web: Container): Promise<void> {
  const { check } = smoke;
  const base = web.url;
  // Its status, and the `headers` it must have ('' for one it must not have).
  const get = async (path: string, status: number, headers: Record<string, string> = {}) => {
    const response = await request(`${base}${path}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expectStatus(response, status, `GET ${path}`);
    const actual = Object.keys(headers).map((name) => [name, response.headers.get(name) ?? '']);
    assert.deepEqual(Object.fromEntries(actual), headers, `GET ${path}`);
    return response;
  };
  const type = (response: HttpResponse) => response.headers.get('content-type') ?? '';
  const index = await check(
    `${image}: GET / serves the app's index.html, Cache-Control no-cache`,
    async () => {
      const response = await get('/', 200, { 'cache-control': 'no-cache' });
      assert.match(type(response), /^text\/html/);
      assert.match(response.body, /id="app"/, 'no <div id="app"> in index.html');
      return response;
    },
  );
  if (index === FAILED) return;

  await check(`${image}: security headers (CSP, nosniff, DENY, ...)`, async () => {
    await get('/', 200, {
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
    const found = index.body.matchAll(/\s(?:src|href)="(\/[^"/][^"]*)"/g);
    const urls = [...new Set([...found].map((match) => match[1]!))];
    const scripts = urls.filter((url) => /^\/assets\/.*\.js$/.test(url));
    assert.ok(scripts.length > 0, `no /assets/*.js in ${urls.join(', ')}`);
    for (const url of urls) {
      const hashed = url.startsWith('/assets/');
      const response = await get(url, 200, {
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      assert.doesNotMatch(type(response), /^text\/html/, `${url} is HTML`);
      if (/\.(?:js|css)$/.test(url) && response.body.length > 1024) {
        assert.equal(response.headers.get('content-encoding'), 'gzip', url);
      }
    }
    return `${urls.length} URL(s): ${urls.join(', ')}; gzip for JS/CSS`;
  });

  await check(`${image}: deep link /tasks/some-task falls back to index.html`, async () => {
    const deepLink = await get('/tasks/some-task?tab=details', 200, {
      'cache-control': 'no-cache',
    });
    assert.ok(deepLink.body === index.body, 'body differs from index.html');
  });

  await check(`${image}: a missing asset is 404, not the app's HTML`, async () => {
    await get('/assets/missing-0000.js', 404, { 'cache-control': '' });
  });

  await check(
    `${image}: /api/* and /auth/* are JSON 404s here, redirects stay relative`,
    async () => {
      // Both belong to task-service: reaching nginx is a routing mistake, never the app's HTML.
      for (const path of ['/api/tasks', '/auth/login']) {
        assert.match(type(await get(path, 404)), /^application\/json/, path);
      }
      // Behind the Ingress an absolute redirect would name this container's port.
      await get('/assets', 301, { location: '/assets/' });
    },
  );
  await checkRequestIds(smoke, web);
}

/** X-Request-Id: the caller's when it is safe to log, nginx's own otherwise; answered and logged. */
async function checkRequestIds({ check, sandbox }: Smoke, web: Container): Promise<void> {
  await check(
    `${image}: the caller's X-Request-Id is answered and logged, an unsafe one replaced`,
    async () => {
      const idOf = async (sent: string) =>
        (await request(`${web.url}/`, { headers: { 'X-Request-Id': sent } })).headers.get(
          'x-request-id',
        ) ?? '';
      assert.equal(await idOf('smoke-web-trace.1'), 'smoke-web-trace.1');
      const replaced = await idOf('no "quotes" in logs');
      assert.match(replaced, /^[0-9a-f]{32}$/, "nginx's own id");
      // nginx writes its access log line once the response is sent: poll for both.
      await eventually(async () => {
        const logged = jsonLines((await sandbox.logs(web.name)).stdout).map((l) => l.requestId);
        assert.ok(logged.includes('smoke-web-trace.1') && logged.includes(replaced), 'not yet');
      });
    },
  );
}

/** `docker stop` (SIGQUIT: graceful) while a request's headers are arriving: nginx finishes it. */
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
    const refused = () => request(`${web.url}/healthz`, { timeoutMs: 1000 });
    await eventually(() => assert.rejects(refused, 'nginx still answers new connections'));
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

/** Whether nginx accepted and read every connection to 8080: by /proc/net/tcp, all rx_queues 0. */
async function nginxHasReadAll(container: string): Promise<boolean> {
  // Without IPv6 there is no tcp6 table: cat prints the other and fails, which is fine here.
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'];
  const { stdout } = await docker(['exec', container, 'cat', ...tables]);
  const rows = stdout.split('\n').map((line) => line.trim().split(/\s+/));
  const sockets = rows.filter((fields) => fields[1]?.endsWith(':1F90')); // 8080 in hex
  const [LISTEN, ESTABLISHED] = ['0A', '01'];
  const unread = (fields: string[]) => parseInt(fields[4]!.split(':')[1]!, 16);
  const connections = sockets.filter((fields) => fields[3] === ESTABLISHED);
  const listening = sockets.filter((fields) => fields[3] === LISTEN);
  return connections.length > 0 && [...listening, ...connections].every((f) => unread(f) === 0);
}
