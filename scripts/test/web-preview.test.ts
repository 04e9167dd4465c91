/**
 * The UI of `npm start` (scripts/web-preview.ts): it listens before task-service does, so the
 * API's paths say "starting" until the proxy is pointed at task-service. Needs web/dist
 * (`npm run build`).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startWebPreview, type WebPreview } from '../web-preview.ts';

let web: WebPreview;
before(async () => {
  web = await startWebPreview({ port: 0 });
});
after(() => web.close());

test('the API says "starting" (503, Retry-After) until task-service listens; the UI is served all along', async () => {
  const api = createServer((req, res) => res.end(`task-service: ${req.url}`)).listen(
    0,
    '127.0.0.1',
  );
  await once(api, 'listening');
  try {
    for (const path of ['/api/me', '/auth/login', '/health/ready']) {
      const response = await fetch(`${web.origin}${path}`, { redirect: 'manual' });
      assert.equal(response.status, 503, path);
      assert.equal(response.headers.get('retry-after'), '1', path);
      assert.deepEqual(await response.json(), {
        error: 'task-service is starting, try again shortly',
        details: [{ field: 'task-service', message: 'is not listening yet' }],
      });
    }
    // The UI itself is served all along.
    assert.equal((await fetch(`${web.origin}/`)).status, 200);

    web.routeApiTo(`http://127.0.0.1:${(api.address() as AddressInfo).port}`);
    const routed = await fetch(`${web.origin}/api/me`);
    assert.equal(await routed.text(), 'task-service: /api/me');
  } finally {
    api.close();
  }
});
