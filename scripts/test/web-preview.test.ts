/**
 * The UI of `npm start` (scripts/web-preview.ts): it listens before task-service does, so the
 * API's paths say "starting" until the proxy is pointed at task-service, and again whenever
 * task-service refuses connections (`npm run dev` restarting it). Needs web/dist
 * (`npm run build`).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startWebPreview, type WebPreview } from '../web-preview.ts';

let web: WebPreview;
before(async () => {
  web = await startWebPreview({ port: 0 });
});
after(() => web.close());

const API_PATHS = ['/api/me', '/auth/login', '/health/ready'];

/** A stand-in for task-service on loopback, and its origin. */
async function listen(handler: RequestListener, port = 0) {
  const server = createServer(handler).listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) =>
  new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });

const answersFromService = (req: { url?: string }, res: { end(text: string): void }) =>
  res.end(`task-service: ${req.url}`);

async function assertStarting(path: string): Promise<void> {
  const response = await fetch(`${web.origin}${path}`, { redirect: 'manual' });
  assert.equal(response.status, 503, path);
  assert.equal(response.headers.get('retry-after'), '1', path);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
  assert.deepEqual(await response.json(), {
    error: 'task-service is starting, try again shortly',
    details: [{ field: 'task-service', message: 'is not listening' }],
  });
}

test('the API says "starting" (503, Retry-After) until task-service listens; the UI is served all along', async () => {
  const api = await listen(answersFromService);
  try {
    for (const path of API_PATHS) await assertStarting(path);
    // The UI itself is served all along.
    assert.equal((await fetch(`${web.origin}/`)).status, 200);

    web.routeApiTo(api.origin);
    const routed = await fetch(`${web.origin}/api/me`);
    assert.equal(await routed.text(), 'task-service: /api/me');
  } finally {
    await close(api.server);
  }
});

test('while task-service restarts it is "starting" again, not the proxy\'s 502, and the terminal stays quiet', async (t) => {
  const logged = t.mock.method(console, 'error');
  const first = await listen(answersFromService);
  web.routeApiTo(first.origin);
  assert.equal(await (await fetch(`${web.origin}/api/me`)).text(), 'task-service: /api/me');

  // Stopped, as node --watch stops it before starting it again: nothing listens there.
  await close(first.server);
  for (const path of API_PATHS) await assertStarting(path);
  assert.equal((await fetch(`${web.origin}/`)).status, 200, 'the UI is still served');
  assert.deepEqual(
    logged.mock.calls.map((call) => String(call.arguments[0])),
    [],
    'no proxy error with a stack trace for a refused connection',
  );

  // Back on the same port, the same route answers again.
  const port = Number(new URL(first.origin).port);
  const again = await listen(answersFromService, port);
  try {
    assert.equal(await (await fetch(`${web.origin}/api/me`)).text(), 'task-service: /api/me');
  } finally {
    await close(again.server);
  }
});

test("a request task-service took and then lost keeps the proxy's 502: it may have been carried out", async () => {
  const api = await listen((req) => req.socket.destroy());
  try {
    web.routeApiTo(api.origin);
    const response = await fetch(`${web.origin}/api/tasks`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 502);
  } finally {
    await close(api.server);
  }
});
