/**
 * The Vite servers in front of task-service (web/api-proxy.ts): `vite preview` as `npm start`
 * runs it (scripts/web-preview.ts), which listens before task-service does and says "starting"
 * until it is pointed at task-service, and again whenever task-service refuses connections
 * (`npm run dev` restarting it); and the dev server, which answers the same way. Needs web/dist
 * (`npm run build`).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, Server, type RequestListener } from 'node:http';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
} from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import { createServer as createViteServer } from 'vite';
import { retryLostPort, startWebPreview, WEB_DIR, type WebPreview } from '../web-preview.ts';

/** vite.config.ts reads API_ORIGIN (where the API's paths go by default) as it loads. */
async function withApiOrigin<T>(origin: string, load: () => Promise<T>): Promise<T> {
  const previous = process.env.API_ORIGIN;
  process.env.API_ORIGIN = origin;
  try {
    return await load();
  } finally {
    if (previous === undefined) delete process.env.API_ORIGIN;
    else process.env.API_ORIGIN = previous;
  }
}

let web: WebPreview;
/** Something else listening where vite.config.ts sends the API by default (127.0.0.1:3000). */
let otherApp: Awaited<ReturnType<typeof listen>>;
before(async () => {
  otherApp = await listen((_req, res) => res.end('another app'));
  web = await withApiOrigin(otherApp.origin, () => startWebPreview({ port: 0 }));
});
after(async () => {
  await web?.close();
  if (otherApp) await close(otherApp.server);
});

const API_PATHS = ['/api/me', '/auth/login', '/health/ready'];

/** A server on loopback, and its origin. */
async function listen(handler: RequestListener, port = 0) {
  const server = createServer(handler).listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A stand-in for task-service, closed after the test `t` if it still listens then. */
async function standIn(t: TestContext, handler: RequestListener, port = 0) {
  const api = await listen(handler, port);
  t.after(() => (api.server.listening ? close(api.server) : undefined));
  return api;
}

const close = (server: Server) =>
  new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });

const answersFromService = (req: { url?: string }, res: { end(text: string): void }) =>
  res.end(`task-service: ${req.url}`);

async function assertStarting(path: string, origin = web.origin): Promise<void> {
  const response = await fetch(`${origin}${path}`, { redirect: 'manual' });
  assert.equal(response.status, 503, path);
  assert.equal(response.headers.get('retry-after'), '1', path);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
  assert.deepEqual(await response.json(), {
    error: 'task-service is starting, try again shortly',
    details: [{ field: 'task-service', message: 'is not listening' }],
  });
}

test('the API says "starting" (503, Retry-After) until task-service listens, never sent elsewhere; the UI is served all along', async (t) => {
  const api = await standIn(t, answersFromService);
  for (const path of API_PATHS) await assertStarting(path);
  // The UI itself is served all along.
  assert.equal((await fetch(`${web.origin}/`)).status, 200);

  web.routeApiTo(api.origin);
  const routed = await fetch(`${web.origin}/api/me`);
  assert.equal(await routed.text(), 'task-service: /api/me');
});

test('while task-service restarts it is "starting" again, not the proxy\'s 502, and the terminal stays quiet', async (t) => {
  const logged = t.mock.method(console, 'error');
  const first = await standIn(t, answersFromService);
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
  await standIn(t, answersFromService, port);
  assert.equal(await (await fetch(`${web.origin}/api/me`)).text(), 'task-service: /api/me');
});

test("a page opened at another name of the server goes to the app's address; the API's paths stay", async (t) => {
  const api = await standIn(t, answersFromService);
  web.routeApiTo(api.origin);
  const elsewhere = `http://127.0.0.1:${new URL(web.origin).port}`;
  for (const path of ['/', '/done?q=x%20y', '/signin', '/assets/none.js']) {
    const page = await fetch(`${elsewhere}${path}`, { redirect: 'manual' });
    assert.equal(page.status, 302, path);
    assert.equal(page.headers.get('location'), `${web.origin}${path}`, path);
  }
  assert.equal((await fetch(`${web.origin}/done`, { redirect: 'manual' })).status, 200);
  for (const path of API_PATHS) {
    const answer = await fetch(`${elsewhere}${path}`, { redirect: 'manual' });
    assert.equal(await answer.text(), `task-service: ${path}`, path);
  }
});

test("a request task-service took and then lost keeps the proxy's 502: it may have been carried out", async (t) => {
  const api = await standIn(t, (req) => req.socket.destroy());
  web.routeApiTo(api.origin);
  const response = await fetch(`${web.origin}/api/tasks`, { method: 'POST', body: '{}' });
  assert.equal(response.status, 502);
});

test('the dev server (npm run dev -w @task-manager/web) answers the same while task-service does not listen', async (t) => {
  const api = await standIn(t, answersFromService);
  const dev = await withApiOrigin(api.origin, () =>
    createViteServer({
      root: WEB_DIR,
      logLevel: 'silent',
      server: { port: 0, strictPort: true, host: '127.0.0.1' },
    }),
  );
  t.after(() => dev.close());
  // The dev server picks its port as preview does (see retryLostPort).
  await retryLostPort(() => dev.listen());
  const origin = `http://127.0.0.1:${(dev.httpServer!.address() as AddressInfo).port}`;
  assert.equal(await (await fetch(`${origin}/api/me`)).text(), 'task-service: /api/me');
  await close(api.server);
  for (const path of API_PATHS) await assertStarting(path, origin);
});

describe('WEB_PORT=0: a free port taken before Vite binds it is a race lost, tried again', () => {
  test('npm start starts on another port, for real', async (t) => {
    // Vite finds a free port with probe servers (net.Server, the last on 127.0.0.1), closes them
    // and binds its own http.Server there. The last probe's port is taken here as it closes:
    // this listen binds at once, before Vite's continuation runs.
    const thief = createNetServer();
    t.after(() => thief.close());
    let taken: number | undefined;
    const LISTENING = 'tracing:net.server.listen:asyncEnd';
    const steal = (message: unknown) => {
      const { server } = message as { server: NetServer };
      const address = server.address() as AddressInfo | null;
      const probe = !(server instanceof Server) && server !== thief;
      if (taken !== undefined || !probe || address?.address !== '127.0.0.1') return;
      taken = address.port;
      unsubscribe(LISTENING, steal);
      server.once('close', () => thief.listen(address.port, '127.0.0.1'));
    };
    subscribe(LISTENING, steal);
    t.after(() => unsubscribe(LISTENING, steal));

    const second = await startWebPreview({ port: 0 });
    t.after(() => second.close());
    assert.ok(
      taken !== undefined && thief.listening,
      'no Vite probe port was taken: if Vite now listens on port 0 itself, retryLostPort can go',
    );
    assert.equal((thief.address() as AddressInfo).port, taken);
    assert.notEqual(new URL(second.origin).port, String(taken));
    assert.equal((await fetch(`${second.origin}/`)).status, 200);
  });

  const lost = (port: number) => new Error(`Port ${port} is already in use`);
  /** A start that fails with each of `failures` in turn, then listens. */
  const startFailing = (...failures: Error[]) => {
    const start = async () => {
      start.calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'listening';
    };
    start.calls = 0;
    return start;
  };

  test('any other failure is not retried', async () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied'), { code: 'EACCES' });
    const start = startFailing(denied);
    await assert.rejects(retryLostPort(start), denied);
    assert.equal(start.calls, 1);
  });

  test('lost every time: the last loss is the error, after the attempts allowed', async () => {
    const start = startFailing(lost(1), lost(2), lost(3), lost(4));
    await assert.rejects(retryLostPort(start, 3), { message: 'Port 3 is already in use' });
    assert.equal(start.calls, 3);
  });
});
