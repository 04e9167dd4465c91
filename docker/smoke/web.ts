/**
 * task-web in its container: nginx serving the built app with the headers the issue asks for.
 */
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { probeUntilOk, request, type HttpResponse } from './http.ts';
import { describePid1, pid1 } from './pid1.ts';
import type { PublishedContainer, Sandbox } from './sandbox.ts';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; " +
  "frame-ancestors 'none'; form-action 'self'";
const IMMUTABLE = 'public, max-age=31536000, immutable';

function header(response: HttpResponse, name: string): string {
  return response.headers.get(name) ?? '';
}

function expectHeader(response: HttpResponse, name: string, value: string, what: string): void {
  const actual = header(response, name);
  expect(actual === value, `${what}: ${name} is "${actual}", expected "${value}"`);
}

/** Same-origin URLs index.html loads (scripts, styles, preloads, icons). */
export function referencedUrls(html: string): string[] {
  const urls = [...html.matchAll(/\s(?:src|href)="(\/[^"/][^"]*)"/g)].map((match) => match[1]);
  return [...new Set(urls.filter((url): url is string => url !== undefined))];
}

/** Markup a `script-src 'self'; style-src 'self'` policy would block. */
export function inlineCode(html: string): string[] {
  return [
    ...html.matchAll(
      /<script\b(?![^>]*\bsrc=)[^>]*>|<style\b[^>]*>|\sstyle="[^"]*"|\son[a-z]+="/gi,
    ),
  ].map((match) => match[0]);
}

export async function startWeb(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
): Promise<PublishedContainer | undefined> {
  const container = await checks.step(
    `${image}: starts read-only, without capabilities, as the image's user`,
    async () => {
      const started = await sandbox.startPublished({ role: 'task-web', image }, 8080);
      await probeUntilOk(`${started.url}/healthz`, {
        periodMs: 250,
        timeoutMs: 1000,
        failureThreshold: 40,
      });
      return started;
    },
    (started) => `${started.name} on ${started.url}, /healthz 200`,
  );
  if (!container) return undefined;

  await checks.check(`${image}: nginx is PID 1, as 101:101`, async () => {
    const process = await pid1(container.name);
    expect(process.command[0]?.startsWith('nginx'), `PID 1 is ${process.command.join(' ')}`);
    expect(process.uid === 101 && process.gid === 101, describePid1(process));
    return describePid1(process);
  });
  return container;
}

export async function checkWeb(checks: Checks, image: string, base: string): Promise<void> {
  const index = await checks.step(
    `${image}: GET / serves the app's index.html, Cache-Control no-cache`,
    async () => {
      const response = await request(`${base}/`);
      expect(response.status === 200, `GET / answered ${response.status}`);
      expect(header(response, 'content-type').startsWith('text/html'), 'not text/html');
      expect(response.body.includes('id="app"'), 'no <div id="app"> in index.html');
      expectHeader(response, 'cache-control', 'no-cache', 'GET /');
      return response;
    },
  );
  if (!index) return;

  await checks.check(`${image}: security headers (CSP, nosniff, DENY, ...)`, () => {
    expectHeader(index, 'content-security-policy', CONTENT_SECURITY_POLICY, 'GET /');
    expectHeader(index, 'x-content-type-options', 'nosniff', 'GET /');
    expectHeader(index, 'x-frame-options', 'DENY', 'GET /');
    for (const name of ['referrer-policy', 'permissions-policy']) {
      expect(header(index, name) !== '', `no ${name} header`);
    }
    expect(header(index, 'server') === 'nginx', `Server header "${header(index, 'server')}"`);
    return `Referrer-Policy ${header(index, 'referrer-policy')}; no nginx version`;
  });

  await checks.check(`${image}: index.html has no inline script or style (CSP)`, () => {
    const inline = inlineCode(index.body);
    expect(inline.length === 0, `blocked by the CSP: ${inline.join(', ')}`);
  });

  await checks.check(
    `${image}: index.html's assets load, hashed ones cached immutable`,
    async () => {
      const urls = referencedUrls(index.body);
      const assets = urls.filter((url) => url.startsWith('/assets/'));
      expect(
        assets.some((url) => url.endsWith('.js')),
        `no /assets/*.js in ${urls.join(', ')}`,
      );
      for (const url of urls) {
        const response = await request(`${base}${url}`, {
          headers: { 'Accept-Encoding': 'gzip' },
        });
        expect(response.status === 200, `${url}: ${response.status}`);
        const expected = url.startsWith('/assets/') ? IMMUTABLE : 'no-cache';
        expectHeader(response, 'cache-control', expected, url);
        expect(!header(response, 'content-type').startsWith('text/html'), `${url} is HTML`);
        const textual = /\.(?:js|css)$/.test(url) && response.body.length > 1024;
        if (textual) expectHeader(response, 'content-encoding', 'gzip', url);
      }
      return `${urls.length} URL(s): ${urls.join(', ')}; gzip for JS/CSS`;
    },
  );

  await checks.check(`${image}: deep link /tasks/some-task falls back to index.html`, async () => {
    const response = await request(`${base}/tasks/some-task?tab=details`);
    expect(response.status === 200, `status ${response.status}`);
    expect(response.body === index.body, 'body differs from index.html');
    expectHeader(response, 'cache-control', 'no-cache', 'deep link');
  });

  await checks.check(`${image}: a missing asset is 404, not the app's HTML`, async () => {
    const response = await request(`${base}/assets/missing-0000.js`);
    expect(response.status === 404, `status ${response.status}`);
    expect(header(response, 'cache-control') === '', 'a 404 carries a Cache-Control header');
  });

  await checks.check(
    `${image}: /api/* and /auth/* are JSON 404s here, redirects stay relative`,
    async () => {
      // Both belong to task-service: reaching nginx is a routing mistake, never the app's HTML.
      for (const path of ['/api/tasks', '/auth/login']) {
        const response = await request(`${base}${path}`);
        expect(response.status === 404, `GET ${path} answered ${response.status}`);
        const type = header(response, 'content-type');
        expect(type.startsWith('application/json'), `the 404 of ${path} is ${type}, not JSON`);
      }
      // Behind the Ingress an absolute redirect would name this container's port.
      const redirect = await request(`${base}/assets`);
      expect(redirect.status === 301, `GET /assets answered ${redirect.status}`);
      expectHeader(redirect, 'location', '/assets/', 'GET /assets');
    },
  );

  await checks.check(`${image}: GET /healthz answers 200`, async () => {
    const response = await request(`${base}/healthz`);
    expect(response.status === 200, `status ${response.status}`);
    return response.body.trim();
  });
}
