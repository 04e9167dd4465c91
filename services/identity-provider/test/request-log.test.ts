/**
 * What the provider's log says of each request: one JSON line, under the request's id (kept from
 * X-Request-Id, and answered in it), with the error the client was told and why, once; and what
 * a person sees when signing in cannot go on. Real HTTP against the real oidc-provider.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { USER_ID_RULE } from '@task-manager/contract';
import { createLogger } from '@task-manager/runtime';
import { eventually } from '@task-manager/testing';
import { startIdentityProvider, type RunningIdentityProvider } from '../src/index.ts';
import { CookieJar } from '../src/dev-token.ts';
import { APP_SCOPES, CLI_REDIRECT_URI } from '../src/provider.ts';
import { answerFor, errorFields } from '../src/request-errors.ts';

const APP = 'http://localhost:8080';
const webClient = {
  clientId: 'task-manager',
  clientSecret: 'web-secret-never-logged',
  redirectUris: [`${APP}/auth/callback`],
  postLogoutRedirectUris: [`${APP}/signin`],
};

type Line = Record<string, unknown>;
const lines: Line[] = [];
const written: string[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    written.push(chunk.toString('utf8'));
    for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(JSON.parse(text) as Line);
    }
    done();
  },
});

let provider: RunningIdentityProvider;
before(async () => {
  provider = await startIdentityProvider({
    webClient,
    apiAudience: `${APP}/api`,
    logger: createLogger('identity-provider', 'debug', destination),
  });
});
after(() => provider.close());

/** The one line logged for `response`, found by the id it answered with. */
async function lineOf(response: Response): Promise<Line> {
  const id = response.headers.get('x-request-id');
  assert.ok(id, 'every response names its request id');
  // pino-http writes the line as the response ends on the server's side: poll for it.
  const found = await eventually(() => {
    const matching = lines.filter((line) => line.requestId === id);
    assert.notEqual(matching.length, 0, `no line for ${id}`);
    return matching;
  });
  assert.equal(found.length, 1, `one line for ${id}: ${JSON.stringify(found)}`);
  return found[0]!;
}

/** A sign-in of the command-line client under way: its sign-in page, and the cookie it needs. */
async function signInPage(): Promise<{ page: URL; cookie: Record<string, string> }> {
  const jar = new CookieJar();
  const start = new URL(`${provider.issuer}/auth`);
  start.search = new URLSearchParams({
    client_id: 'task-manager-cli',
    response_type: 'code',
    redirect_uri: CLI_REDIRECT_URI,
    scope: APP_SCOPES,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const first = await fetch(start, { redirect: 'manual' });
  jar.store(start, first);
  const page = new URL(first.headers.get('location')!, provider.issuer);
  return { page, cookie: { Cookie: jar.header(page)! } };
}

const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
const webClientAuth = {
  Authorization: `Basic ${Buffer.from(`${webClient.clientId}:${webClient.clientSecret}`).toString('base64')}`,
};

describe('the request log', () => {
  test('one line per request, under the id it came with, or a new one; the same in X-Request-Id', async () => {
    const discovery = `${provider.issuer}/.well-known/openid-configuration`;
    const kept = await fetch(discovery, { headers: { 'X-Request-Id': 'trace-42' } });
    assert.equal(kept.headers.get('x-request-id'), 'trace-42');
    const line = await lineOf(kept);
    assert.deepEqual(
      { ...line, time: typeof line.time, durationMs: typeof line.durationMs },
      {
        level: 'info',
        time: 'string',
        service: 'identity-provider',
        requestId: 'trace-42',
        method: 'GET',
        path: '/.well-known/openid-configuration',
        status: 200,
        durationMs: 'number',
        msg: 'request completed',
      },
    );
    // An id that could forge log structure, or bloat the logs, is replaced by one of its own.
    for (const unsafe of ['a b', 'x'.repeat(129), 'line"break']) {
      const replaced = await fetch(discovery, { headers: { 'X-Request-Id': unsafe } });
      const id = replaced.headers.get('x-request-id') ?? '';
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.equal((await lineOf(replaced)).requestId, id);
    }
    // The probes, which the kubelet calls every few seconds, at debug level only.
    const probe = await fetch(`${provider.issuer}/health/readiness`);
    assert.equal((await lineOf(probe)).level, 'debug');
  });

  test('behind an Ingress path, the path logged is the one requested', async () => {
    const mounted = await startIdentityProvider({
      webClient,
      apiAudience: `${APP}/api`,
      issuer: (port) => `http://localhost:${port}/idp`,
      logger: createLogger('identity-provider', 'debug', destination),
    });
    try {
      const discovery = await fetch(`${mounted.issuer}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      assert.equal((await lineOf(discovery)).path, '/idp/.well-known/openid-configuration');
      const probe = await lineOf(await fetch(`${mounted.issuer}/health/readiness`));
      assert.deepEqual([probe.path, probe.level], ['/idp/health/readiness', 'debug']);
    } finally {
      await mounted.close();
    }
  });

  test('each error is logged once: what the client was told and why, with no code, token or secret', async () => {
    const { page, cookie } = await signInPage();
    const login = new URL(`${page.pathname}/login`, page);
    type Case = [string, () => Promise<Response>, number, Line];
    const cases: Case[] = [
      [
        'a code that was never issued',
        () =>
          fetch(`${provider.issuer}/token`, {
            method: 'POST',
            headers: { ...form, ...webClientAuth },
            body: new URLSearchParams({
              grant_type: 'authorization_code',
              code: 'code-never-logged',
              redirect_uri: webClient.redirectUris[0]!,
              code_verifier: 'v'.repeat(43),
            }),
          }),
        400,
        { error: 'invalid_grant', errorDetail: 'authorization code not found' },
      ],
      [
        'an unknown access token',
        () =>
          fetch(`${provider.issuer}/me`, {
            headers: { Authorization: 'Bearer token-never-logged' },
          }),
        401,
        { error: 'invalid_token' },
      ],
      [
        'an unknown client',
        () => fetch(`${provider.issuer}/auth?client_id=nobody&response_type=code&scope=openid`),
        400,
        { error: 'invalid_client', errorDetail: 'client not found' },
      ],
      [
        'a sign-in page without its cookie (expired, or another browser)',
        () => fetch(page),
        400,
        { error: 'invalid_request', errorDescription: 'interaction session id cookie not found' },
      ],
      [
        'a GET of the form',
        () => fetch(login, { headers: cookie }),
        405,
        { error: 'Method Not Allowed' },
      ],
      [
        'a form over its size',
        () =>
          fetch(login, {
            method: 'POST',
            headers: { ...cookie, ...form },
            body: `username=alice&padding=${'x'.repeat(5000)}`,
          }),
        413,
        { error: 'the form is larger than 4096 bytes' },
      ],
      [
        'a name outside the rule',
        () =>
          fetch(login, { method: 'POST', headers: { ...cookie, ...form }, body: 'username=a%20b' }),
        400,
        { error: 'invalid_request', errorDescription: `username: Use only ${USER_ID_RULE}.` },
      ],
      [
        'a path it does not serve',
        () => fetch(`${provider.issuer}/nowhere`),
        404,
        { error: 'not_found' },
      ],
    ];
    for (const [name, send, status, logged] of cases) {
      const response = await send();
      await response.arrayBuffer();
      assert.equal(response.status, status, name);
      const line = await lineOf(response);
      assert.equal(line.msg, 'request rejected', name);
      assert.equal(line.level, 'info', name);
      assert.equal(line.status, status, name);
      assert.deepEqual(
        Object.fromEntries(Object.keys(logged).map((key) => [key, line[key]])),
        logged,
        name,
      );
    }
    const log = written.join('');
    for (const secret of ['code-never-logged', 'token-never-logged', webClient.clientSecret]) {
      assert.ok(!log.includes(secret), `${secret} is not in the log`);
    }
  });

  test('a server error is logged with its stack; the client is told only that something went wrong', () => {
    const error = new Error('the store is unreachable at 10.0.0.7');
    const fields = errorFields(error, 500);
    assert.equal(fields.error, error.message);
    assert.equal(fields.err, error, 'serialised by pino with its stack');
    assert.equal(errorFields(error, 400).err, undefined, 'client errors need no stack');
    assert.deepEqual(answerFor(error), {
      error: 'server_error',
      error_description: 'something went wrong',
    });
  });
});

describe('when signing in cannot go on', () => {
  test('a person gets a page that says why and leads back to the app; a client gets JSON', async () => {
    const { page } = await signInPage();
    const html = await fetch(page, { headers: { Accept: 'text/html' } });
    assert.equal(html.status, 400);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const text = await html.text();
    assert.match(text, /interaction session id cookie not found/);
    assert.match(text, /<a href="http:\/\/localhost:8080\/">Back to the app<\/a>/);

    // The provider's own errors get the same page.
    const unknownClient = await fetch(`${provider.issuer}/auth?client_id=nobody`, {
      headers: { Accept: 'text/html' },
    });
    assert.equal(unknownClient.status, 400);
    assert.match(await unknownClient.text(), /invalid_client[\s\S]*Back to the app/);

    const json = await fetch(page, { headers: { Accept: 'application/json' } });
    assert.equal(json.status, 400);
    assert.deepEqual(await json.json(), {
      error: 'invalid_request',
      error_description: 'interaction session id cookie not found',
    });
  });
});
