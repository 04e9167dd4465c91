/**
 * task-web in its container: nginx serving the built app with the headers the issue asks for.
 */
import assert from 'node:assert/strict';
import { images } from './images.ts';
import type { Smoke } from './sandbox.ts';
import { expectPid1, probe, request, type HttpResponse } from './support.ts';

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

export async function startWeb({ check, sandbox }: Smoke) {
  const container = await check(
    `${image}: starts read-only, without capabilities, as the image's user`,
    async () => {
      const started = await sandbox.start({ role: 'task-web', image }, 8080);
      await probe(`${started.url}/healthz`, { periodMs: 250, attemptMs: 1000, timeoutMs: 10_000 });
      return started;
    },
    (started) => `${started.name} on ${started.url}, /healthz 200`,
  );
  if (!container) return undefined;
  await check(`${image}: nginx is PID 1, as 101:101`, () =>
    expectPid1(container.name, /^nginx/, '101:101'),
  );
  return container;
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
