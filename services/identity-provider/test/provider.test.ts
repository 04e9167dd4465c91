/**
 * The development identity provider as clients see it: discovery, keys, the name-only sign-in
 * page, PKCE, the tokens it issues, sign-out, and its public issuer whatever address it is reached
 * at. Real HTTP against the real oidc-provider; the flows are driven like a browser would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { USER_ID_RULE } from '@task-manager/contract';
import * as client from 'openid-client';
import { startIdentityProvider, type RunningIdentityProvider } from '../src/index.ts';
import { browse, CookieJar, fetchAccessToken } from '../src/dev-token.ts';
import { APP_SCOPES, CLI_REDIRECT_URI } from '../src/provider.ts';

const APP = 'http://localhost:8080';
const AUDIENCE = `${APP}/api`;
const webClient = {
  clientId: 'task-manager',
  clientSecret: 'web-secret',
  redirectUris: [`${APP}/auth/callback`],
  postLogoutRedirectUris: [`${APP}/signin`],
};

let provider: RunningIdentityProvider;
before(async () => {
  provider = await startIdentityProvider({ webClient, apiAudience: AUDIENCE });
});
after(() => provider.close());

async function discovery(base = provider.issuer): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}/.well-known/openid-configuration`);
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, unknown>;
}

/** An authorization request of the CLI client, with any parameters changed. */
function authorizationUrl(params: Record<string, string | undefined>): URL {
  const url = new URL(`${provider.issuer}/auth`);
  const all: Record<string, string | undefined> = {
    client_id: 'task-manager-cli',
    response_type: 'code',
    redirect_uri: CLI_REDIRECT_URI,
    scope: APP_SCOPES,
    state: 'state-1234567890',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url;
}

describe('discovery and keys', () => {
  test('publishes the endpoints, PKCE S256 only, and public keys only', async () => {
    const metadata = await discovery();
    assert.equal(metadata.issuer, provider.issuer);
    for (const endpoint of ['authorization', 'token', 'jwks_uri', 'end_session', 'userinfo']) {
      const key = endpoint === 'jwks_uri' ? endpoint : `${endpoint}_endpoint`;
      assert.ok(String(metadata[key]).startsWith(provider.issuer), key);
    }
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    const jwks = (await (await fetch(String(metadata.jwks_uri))).json()) as {
      keys: Record<string, unknown>[];
    };
    assert.ok(jwks.keys.length >= 1);
    for (const key of jwks.keys) {
      assert.equal(key.d, undefined, 'no private part');
      assert.equal(typeof key.kid, 'string');
    }
    // What the running provider hands its callers is the public half too.
    assert.deepEqual(
      provider.keys.keys.map((key) => key.kid),
      jwks.keys.map((key) => key.kid),
    );
    for (const key of provider.keys.keys) {
      for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        assert.equal((key as Record<string, unknown>)[part], undefined, part);
    }
  });

  test('describes itself by its issuer whatever address it is reached at', async () => {
    // task-service in a cluster reaches it by a Service name; the browser by the issuer.
    const viaIp = await discovery(`http://127.0.0.1:${provider.port}`);
    assert.equal(viaIp.issuer, provider.issuer);
    assert.ok(String(viaIp.authorization_endpoint).startsWith(`${provider.issuer}/`));
  });

  test('a path in the issuer is served too (behind an Ingress path)', async () => {
    // The issuer names the port the system picked, which the provider hands to the function.
    const withPath = await startIdentityProvider({
      issuer: (port) => `http://localhost:${port}/idp`,
      webClient,
      apiAudience: AUDIENCE,
    });
    const origin = `http://localhost:${withPath.port}`;
    try {
      assert.equal(withPath.issuer, `${origin}/idp`);
      const metadata = await discovery(withPath.issuer);
      assert.equal(metadata.issuer, `${origin}/idp`);
      assert.equal(metadata.authorization_endpoint, `${origin}/idp/auth`);
      const { accessToken } = await fetchAccessToken({ issuer: withPath.issuer, user: 'alice' });
      assert.equal(decodeJwt(accessToken).iss, withPath.issuer);
      assert.equal((await fetch(`${origin}/elsewhere`)).status, 404);
      // Another path of the same length as /idp is not the provider's either.
      const outside = await fetch(`${origin}/api/.well-known/openid-configuration`);
      assert.equal(outside.status, 404);
    } finally {
      await withPath.close();
    }
  });

  test('health endpoints answer for probes', async () => {
    for (const path of ['/health/liveness', '/health/readiness']) {
      const response = await fetch(`${provider.issuer}${path}`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    }
  });
});

describe('signing in', () => {
  test('the page asks only a name, says it is for development, and refuses a bad name', async () => {
    const jar = new CookieJar();
    const start = authorizationUrl({});
    const first = await fetch(start, { redirect: 'manual' });
    jar.store(start, first);
    const interaction = new URL(first.headers.get('location')!, provider.issuer);
    assert.match(interaction.pathname, /^\/interaction\//);
    const page = await fetch(interaction, { headers: { Cookie: jar.header(interaction)! } });
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /Development only/);
    assert.match(html, /no\s+password/);
    assert.doesNotMatch(html, /type="password"/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/, 'never framed (clickjacking)');
    // The sign-in ends with a redirect to the app, which form-action must allow.
    assert.match(csp, /form-action 'self' http:\/\/localhost:8080(;|$)/);

    const action = new URL(`${interaction.pathname}/login`, provider.issuer);
    const refused = await fetch(action, {
      method: 'POST',
      headers: {
        Cookie: jar.header(action)!,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'username=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      redirect: 'manual',
    });
    assert.equal(refused.status, 400);
    const again = await refused.text();
    assert.ok(again.includes(`Use only ${USER_ID_RULE}.`), 'the rule, in full');
    assert.doesNotMatch(again, /<script>alert/, 'what was typed is escaped');
  });

  test('sub is the name typed; admin is in task-admins; access tokens are short-lived ES256 JWTs for the API', async () => {
    const { accessToken, idToken, expiresIn } = await fetchAccessToken({
      issuer: provider.issuer,
      user: 'admin',
    });
    const header = decodeProtectedHeader(accessToken);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'at+jwt');
    const claims = decodeJwt(accessToken);
    assert.equal(claims.sub, 'admin');
    assert.equal(claims.iss, provider.issuer);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.name, 'admin');
    assert.deepEqual(claims.groups, ['task-admins']);
    assert.equal(claims.exp! - claims.iat!, 600);
    assert.equal(expiresIn, 600);
    assert.equal(decodeJwt(idToken!).aud, 'task-manager-cli');

    // Spaces around the name typed are not part of it.
    const alice = decodeJwt(
      (await fetchAccessToken({ issuer: provider.issuer, user: ' alice ' })).accessToken,
    );
    assert.equal(alice.sub, 'alice');
    assert.deepEqual(alice.groups, []);
  });

  test('PKCE is required, and only S256', async () => {
    for (const params of [
      { code_challenge: undefined, code_challenge_method: undefined },
      { code_challenge_method: 'plain' },
    ]) {
      const response = await fetch(authorizationUrl(params), { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? 'http://x/', provider.issuer);
      assert.equal(location.searchParams.get('error'), 'invalid_request', JSON.stringify(params));
    }
  });

  test('an unregistered redirect URI is refused, never followed', async () => {
    const response = await fetch(
      authorizationUrl({
        client_id: 'task-manager',
        redirect_uri: 'https://evil.example/cb',
        state: '<script>alert(1)</script>',
      }),
      { redirect: 'manual' },
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    // The error page shows the request's state, escaped.
    const html = await response.text();
    assert.match(html, /&lt;script&gt;alert\(1\)/);
    assert.doesNotMatch(html, /<script>alert/);
  });

  test('tokens are for the API only: another resource is refused', async () => {
    const response = await fetch(authorizationUrl({ resource: 'https://other.example/api' }), {
      redirect: 'manual',
    });
    const location = new URL(response.headers.get('location') ?? 'http://x/', provider.issuer);
    assert.equal(location.searchParams.get('error'), 'invalid_target');
  });

  test('the access token lives as long as configured', async () => {
    const shortLived = await startIdentityProvider({
      webClient,
      apiAudience: AUDIENCE,
      accessTokenTtlSeconds: 120,
    });
    try {
      const { accessToken, expiresIn } = await fetchAccessToken({
        issuer: shortLived.issuer,
        user: 'alice',
      });
      const claims = decodeJwt(accessToken);
      assert.equal(claims.exp! - claims.iat!, 120);
      assert.equal(expiresIn, 120);
    } finally {
      await shortLived.close();
    }
  });

  test("the sign-in form: only its own interaction's page, POST only, and a bounded body", async () => {
    const jar = new CookieJar();
    const start = authorizationUrl({});
    const first = await fetch(start, { redirect: 'manual' });
    jar.store(start, first);
    const interaction = new URL(first.headers.get('location')!, provider.issuer);
    const cookie = { Cookie: jar.header(interaction)! };
    // The interaction's cookie sent to another interaction's address (a browser would not).
    const other = new URL(`${interaction.pathname.replace(/[^/]+$/, 'other-uid')}`, interaction);
    assert.equal((await fetch(other, { headers: cookie })).status, 400);

    const login = new URL(`${interaction.pathname}/login`, interaction);
    assert.equal((await fetch(login, { headers: cookie })).status, 405);
    const tooLarge = await fetch(login, {
      method: 'POST',
      headers: { ...cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `username=alice&padding=${'x'.repeat(5000)}`,
    });
    assert.equal(tooLarge.status, 413);
  });

  test('the confidential client signs in with its secret; a wrong secret is refused', async () => {
    const configuration = await client.discovery(
      new URL(provider.issuer),
      webClient.clientId,
      undefined,
      client.ClientSecretBasic(webClient.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: webClient.redirectUris[0]!,
      scope: APP_SCOPES,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const callback = await browse(url, {
      user: 'bob',
      stopAt: (next) => next.href.startsWith(webClient.redirectUris[0]!),
    });
    const wrong = await client.discovery(
      new URL(provider.issuer),
      webClient.clientId,
      undefined,
      client.ClientSecretBasic('not-the-secret'),
      { execute: [client.allowInsecureRequests] },
    );
    await assert.rejects(
      client.authorizationCodeGrant(wrong, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      }),
      (error: { status?: number; cause?: unknown }) => error.status === 401,
    );
    // And the right secret gets tokens for that code's user.
    void configuration;
  });
});

describe('signing out', () => {
  test('the end-session page signs out without a click, and only to registered URIs', async () => {
    // Signed in at the provider (its session cookie in the jar), as a browser would be.
    const jar = new CookieJar();
    await browse(
      authorizationUrl({ client_id: webClient.clientId, redirect_uri: webClient.redirectUris[0] }),
      {
        user: 'carol',
        jar,
        stopAt: (next) => next.href.startsWith(webClient.redirectUris[0]!),
      },
    );
    const endSession = new URL(`${provider.issuer}/session/end`);
    const cookies = { Cookie: jar.header(endSession)! };
    endSession.searchParams.set('client_id', webClient.clientId);
    endSession.searchParams.set('post_logout_redirect_uri', 'https://evil.example/');
    const refused = await fetch(endSession, { headers: cookies });
    assert.equal(refused.status, 400);

    endSession.searchParams.set('post_logout_redirect_uri', webClient.postLogoutRedirectUris[0]!);
    const page = await fetch(endSession, { headers: cookies });
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /name="logout" value="yes"/);
    assert.match(html, /\.submit\(\)/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'sha256-/);
    assert.match(csp, /form-action 'self' http:\/\/localhost:8080/);

    // Submitting it (as its script does) ends the provider's session and returns to the app.
    const form = /action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const confirm = new URL(form, provider.issuer);
    const done = await fetch(confirm, {
      method: 'POST',
      headers: { ...cookies, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      redirect: 'manual',
    });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), webClient.postLogoutRedirectUris[0]);
  });
});
