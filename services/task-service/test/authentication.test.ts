/**
 * Sign-in that cannot be forged: every credential that is not exactly what the trusted provider
 * issued (or the session this deployment sealed) is refused with 401 and the usual JSON error,
 * which never repeats the credential; the header that used to name the user counts for nothing;
 * the session cookie cannot be used from another site; sessions end when idle or too old. Against
 * the real development provider: tokens come from its sign-in page, forgeries from its own
 * private key or from keys it never had.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { before, describe, test } from 'node:test';
import {
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import request from 'supertest';
import {
  forgedTokens,
  SESSION_COOKIE,
  signedByProvider as signedWithProviderKey,
  signInBrowser,
  validClaims as claimsFor,
  type TestIdentity,
  eventually,
} from '@task-manager/testing';
import { readUserNames } from '@task-manager/task-store';
import type { Identity } from '../src/auth/identity.ts';
import { SessionCodec } from '../src/auth/session-cookie.ts';
import { sessionKeyId, type SessionKey } from '../src/auth/auth-config.ts';
import {
  ALICE,
  as,
  createTestService,
  serviceForFile,
  newTask,
  testIdentity,
} from './support/test-service.ts';

let identity: TestIdentity;
const service = serviceForFile();
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  identity = await testIdentity();
});

const signedByProvider = (claims: JWTPayload) => signedWithProviderKey(identity, claims);
const validClaims = (overrides: JWTPayload = {}) => claimsFor(identity, 'mallory', overrides);

/** Asserts a 401 whose body is the usual error, naming `field`, and echoing nothing of `secret`. */
function assertRefused(
  response: request.Response,
  field: string,
  secret: string,
  label = '',
): void {
  assert.equal(response.status, 401, `${label}: ${response.text}`);
  assert.equal(response.body.error, 'authentication required');
  assert.deepEqual(
    response.body.details.map((detail: { field: string }) => detail.field),
    [field],
  );
  assert.match(response.headers['www-authenticate'] ?? '', /^Bearer realm="task-manager"/);
  // Neither the credential nor any of its parts (header, payload, signature) comes back.
  for (const part of [secret, ...secret.split('.').filter((piece) => piece.length > 8)]) {
    assert.ok(!response.text.includes(part), 'the response repeats the credential');
    assert.ok(!JSON.stringify(response.headers).includes(part), 'a header repeats the credential');
  }
}

/** An HTTP server on an ephemeral loopback port, standing in for part of a provider. */
async function providerStandIn(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
) {
  const server = createServer((req, res) => {
    // A failure here is the test's own: answer it, so the service's call fails visibly.
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

async function me(headers: Record<string, string>): Promise<request.Response> {
  return request(service.app).get('/api/me').set(headers);
}

describe('Bearer tokens', () => {
  test('a token from the provider is accepted; the forging harness itself produces valid ones', async () => {
    const real = await me(as(ALICE));
    assert.deepEqual(real.body, { userId: ALICE, name: ALICE, isAdmin: false });
    // Signed with the provider's key and right in every claim: accepted, so each refusal
    // below is due to the one thing that is wrong with it.
    const forged = await me({ Authorization: `Bearer ${await signedByProvider(validClaims())}` });
    assert.deepEqual(forged.body, { userId: 'mallory', name: 'Mallory', isAdmin: true });
  });

  test('an issuer spelled with a trailing slash (Auth0, Entra ID v1): its tokens are accepted, whichever way OIDC_ISSUER has it', async () => {
    // Providers whose metadata name their issuer with a slash, at an origin and under a path: the
    // development provider’s metadata, served from another address (its keys stay where they are).
    const metadata = (await (
      await fetch(`${identity.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    let origin = '';
    const standIn = await providerStandIn((req, res) => {
      const prefix = req.url?.replace(/\.well-known\/openid-configuration$/, '');
      if (prefix === req.url || !['/', '/tenant/'].includes(prefix!)) {
        res.writeHead(404).end();
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ ...metadata, issuer: `${origin}${prefix}` }));
    });
    origin = standIn.origin;
    try {
      // [OIDC_ISSUER as an operator might write it, the issuer as the provider spells it]
      const cases = [
        [`${origin}/`, `${origin}/`],
        [origin, `${origin}/`],
        [`${origin}/tenant/`, `${origin}/tenant/`],
      ];
      for (const [configured, issuer] of cases) {
        const label = `OIDC_ISSUER=${configured}`;
        const trusting = await createTestService(service.dynamo, {
          env: { OIDC_ISSUER: configured! },
        });
        const ask = async (iss: string) => {
          const token = await signedByProvider(validClaims({ iss }));
          const response = await request(trusting.app)
            .get('/api/me')
            .set('Authorization', `Bearer ${token}`);
          return { response, token };
        };
        assert.equal((await ask(issuer!)).response.status, 200, label);
        // `iss` is compared exactly, as the provider spells it: another spelling is not it.
        const other = await ask(issuer!.slice(0, -1));
        assertRefused(other.response, 'Authorization', other.token, label);
      }
    } finally {
      standIn.close();
    }
  });

  test('refused, each: a forged, expired, not yet valid, foreign or tampered token', async () => {
    const forgeries = await forgedTokens(identity, 'mallory', await identity.token(ALICE));
    assert.ok(forgeries.length >= 10);
    for (const { label, token } of forgeries) {
      for (const path of ['/api/me', '/api/tasks', '/api/reports']) {
        const response = await request(service.app)
          .get(path)
          .set('Authorization', `Bearer ${token}`);
        assertRefused(response, 'Authorization', token, label);
      }
      const tasksBefore = (await service.tasks.list('mallory', { limit: 10 })).items.length;
      const write = await request(service.app)
        .post('/api/tasks')
        .set('Authorization', `Bearer ${token}`)
        .send(newTask());
      assertRefused(write, 'Authorization', token, label);
      assert.equal((await service.tasks.list('mallory', { limit: 10 })).items.length, tasksBefore);
    }
  });

  test('an Authorization that is not "Bearer <token>": 401 invalid_request; the scheme is case-blind', async () => {
    const token = as(ALICE).Authorization!.slice('Bearer '.length);
    const malformed = [
      'Bearer',
      'Bearer ',
      'bearer a b',
      'Basic dXNlcjpwYXNz',
      `Token ${token}`,
      `NotBearer ${token}`,
      `Bearer ${token} extra`,
      token,
    ];
    for (const value of malformed) {
      const response = await me({ Authorization: value });
      assertRefused(response, 'Authorization', token, value);
      assert.equal(response.body.details[0].message, 'must be "Bearer <access token>"');
      assert.match(response.headers['www-authenticate']!, /error="invalid_request"/);
    }
    for (const value of [`bearer ${token}`, `BEARER  ${token}`]) {
      assert.equal((await me({ Authorization: value })).body.userId, ALICE, value);
    }
  });

  test('a token expired by less than the clock tolerance still works; more does not', async () => {
    const justExpired = await signedByProvider(validClaims({ exp: now() - 5 }));
    assert.equal((await me({ Authorization: `Bearer ${justExpired}` })).status, 200);
  });

  test('X-Forwarded-User names nobody: alone 401, beside a token it changes nothing', async () => {
    const alone = await me({ 'X-Forwarded-User': 'admin' });
    assert.equal(alone.status, 401);
    assert.equal(alone.body.details[0].field, 'Authorization');
    const beside = await me({ ...as('bob'), 'X-Forwarded-User': 'admin' });
    assert.deepEqual(beside.body, { userId: 'bob', name: 'bob', isAdmin: false });
    await request(service.app)
      .get('/api/reports')
      .set({ ...as('bob'), 'X-Forwarded-User': 'admin' })
      .expect(403);
  });

  test('no credentials at all: 401 naming what is missing, on every /api route', async () => {
    for (const path of ['/api/me', '/api/tasks', '/api/reports', '/api/reports/2026-11-21']) {
      const response = await request(service.app).get(path).expect(401);
      assert.deepEqual(response.body.details, [
        {
          field: 'Authorization',
          message: 'send an access token as "Bearer <token>", or sign in at /auth/login',
        },
      ]);
    }
  });
});

describe('the session cookie', () => {
  let cookie: string;
  before(async () => {
    cookie = await identity.signIn(await service.baseUrl(), ALICE);
  });
  const withCookie = (value: string, headers: Record<string, string> = {}) => ({
    Cookie: `${SESSION_COOKIE}=${value}`,
    ...headers,
  });
  const origin = () => ({ Origin: identity.env.PUBLIC_URL! });

  test('signing in through the provider gives a working, encrypted session', async () => {
    const response = await me(withCookie(cookie));
    assert.deepEqual(response.body, { userId: ALICE, name: ALICE, isAdmin: false });
    const header = decodeProtectedHeader(cookie);
    assert.equal(header.alg, 'dir');
    assert.equal(header.enc, 'A256GCM');
    assert.equal(
      header.kid,
      sessionKeyId(Buffer.from(identity.env.SESSION_KEYS!.split(',')[0]!, 'base64url')),
    );
    // Encrypted: neither the user nor the ID token can be read from it.
    assert.ok(!Buffer.from(cookie.split('.')[3]!, 'base64url').toString('latin1').includes(ALICE));
  });

  test('sign-in starts with PKCE S256, state and nonce, kept in an HttpOnly cookie of its own', async () => {
    const login = await request(service.app).get('/auth/login?returnTo=/done').expect(303);
    const setCookie = String(login.headers['set-cookie']);
    const named = /^tm_sign_in\.([\w-]+)=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/;
    assert.match(setCookie, named);
    assert.equal(login.headers['cache-control'], 'no-store');
    const location = new URL(login.headers.location!);
    // The cookie of this sign-in, named after its state: sign-ins in several tabs each keep theirs.
    assert.equal(named.exec(setCookie)![1], location.searchParams.get('state'));
    assert.equal(location.origin, identity.issuer);
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    // The provider asks for credentials again when its sign-in is older than the session limit.
    assert.equal(location.searchParams.get('max_age'), '43200');
    assert.equal(location.searchParams.get('prompt'), null);
    for (const name of ['state', 'nonce', 'code_challenge']) {
      assert.ok((location.searchParams.get(name) ?? '').length >= 43, name);
    }
    assert.equal(
      location.searchParams.get('redirect_uri'),
      `${identity.env.PUBLIC_URL}/auth/callback`,
    );
  });

  test('a sign-in started at another loopback name of PUBLIC_URL starts again there first', async () => {
    // PUBLIC_URL is http://localhost:8080: the provider brings the browser back only there.
    const login = (host: string, query = '?returnTo=/done') =>
      request(service.app).get(`/auth/login${query}`).set('Host', host).expect(303);
    for (const host of ['127.0.0.1:8080', '[::1]:8080']) {
      const sent = await login(host);
      assert.equal(
        sent.headers.location,
        'http://localhost:8080/auth/login?returnTo=%2Fdone',
        host,
      );
      assert.equal(sent.headers['set-cookie'], undefined, `${host}: no cookie left there`);
      // Only the checked returnTo goes along: a crafted one still ends at this app's root.
      const crafted = await login(host, '?returnTo=//evil.example&x=1');
      assert.equal(crafted.headers.location, 'http://localhost:8080/auth/login?returnTo=%2F');
    }
    // PUBLIC_URL's own name (in any case), another port (maybe another server) and names that
    // are not loopback go straight to the provider, with the sign-in's cookie.
    for (const host of [
      'localhost:8080',
      'LOCALHOST:8080',
      '127.0.0.1:8081',
      'tasks.example:8080',
      '127.0.0.1:8080@evil.example',
      '[::1',
    ]) {
      const direct = await login(host);
      assert.equal(new URL(direct.headers.location!).origin, identity.issuer, host);
      assert.match(String(direct.headers['set-cookie']), /^tm_sign_in\./, host);
    }
    // A deployment at a real host name is never sent elsewhere, whatever Host its proxy sends.
    const hosted = await createTestService(service.dynamo, {
      env: { PUBLIC_URL: 'https://tasks.example' },
    });
    for (const host of ['127.0.0.1:443', 'localhost', 'internal.svc:8080']) {
      const direct = await request(hosted.app).get('/auth/login').set('Host', host).expect(303);
      assert.equal(new URL(direct.headers.location!).origin, identity.issuer, host);
    }
  });

  test('a callback that cannot finish returns to the sign-in page, not a 503, clearing only its own cookie', async () => {
    const started = await service.auth.sessions.sealSignIn(
      {
        state: 'the-state',
        nonce: 'n',
        codeVerifier: 'v'.repeat(43),
        returnTo: '/done',
        forcedLogin: false,
      },
      now(),
      600,
    );
    const mine = { Cookie: `tm_sign_in.the-state=${started}` };
    const cleared = (name: string) =>
      new RegExp(`^tm_sign_in\\.${name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax$`);
    const cases: [string, string, Record<string, string>, RegExp | undefined][] = [
      ['no sign-in started', 'code=c&state=the-state', {}, undefined],
      // Another tab's sign-in under way: its cookie stays for when it comes back.
      ['another sign-in’s state', 'code=c&state=other-state', mine, undefined],
      [
        'not a state at all',
        'code=c&state=a%20b',
        { Cookie: `tm_sign_in.a b=${started}` },
        undefined,
      ],
      // Fails openid-client's state check (a cookie under another sign-in's name).
      [
        'a cookie of another state',
        'code=c&state=other-state',
        { Cookie: `tm_sign_in.other-state=${started}` },
        cleared('other-state'),
      ],
      [
        'a code the provider never issued',
        'code=never-issued&state=the-state',
        mine,
        cleared('the-state'),
      ],
      ['the provider refused', 'error=access_denied&state=the-state', mine, cleared('the-state')],
    ];
    for (const [label, query, headers, setCookie] of cases) {
      const response = await request(service.app)
        .get(`/auth/callback?${query}`)
        .set(headers)
        .expect(303);
      assert.equal(response.headers.location, '/signin?error=sign-in-failed', label);
      assert.equal(response.headers['cache-control'], 'no-store', label);
      if (setCookie) assert.match(String(response.headers['set-cookie']), setCookie, label);
      else assert.equal(response.headers['set-cookie'], undefined, label);
    }
  });

  test('a client secret the provider refuses: back to the sign-in page, the log saying why', async () => {
    const misconfigured = await createTestService(service.dynamo, {
      env: { OIDC_CLIENT_SECRET: 'not-the-registered-secret' },
    });
    const base = await misconfigured.baseUrl();
    const browser = signInBrowser(base);
    const response = await browser.visit(new URL('/auth/login', base), 'ivy');
    // Not "the identity provider cannot be reached" (503): it was reached, and said no.
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/signin?error=sign-in-failed');
    assert.equal(browser.jar.get(new URL(base), SESSION_COOKIE), undefined);
    const lines = misconfigured.logs.lines.filter((line) => line.route === '/auth/callback');
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]!.details, [
      { field: 'callback', message: 'the identity provider answered invalid_client' },
    ]);
    assert.match(JSON.stringify(lines[0]!.err), /invalid_client/);
    assert.ok(!JSON.stringify(misconfigured.logs.lines).includes('not-the-registered-secret'));
  });

  test('over https both cookies are Secure and prefixed, so only this host can set them', async () => {
    const secure = await createTestService(service.dynamo, {
      env: { PUBLIC_URL: 'https://tasks.example' },
    });
    const login = await request(secure.app).get('/auth/login').expect(303);
    assert.match(
      String(login.headers['set-cookie']),
      /^__Host-tm_sign_in\.[\w-]+=[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const sealed = await secure.auth.sessions.sealSession({
      identity: { userId: ALICE, name: ALICE, groups: [] },
      idToken: undefined,
      signedInAt: now(),
      issuedAt: now() - 1200,
    });
    // Old enough to be renewed: the new cookie keeps the prefix and the Secure flag.
    const renewed = await request(secure.app)
      .get('/api/me')
      .set('Cookie', `__Host-tm_session=${sealed}`)
      .expect(200);
    assert.match(
      String(renewed.headers['set-cookie']),
      /^__Host-tm_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    // The unprefixed name, which a subdomain or plain http could plant, counts for nothing.
    const unprefixed = await request(secure.app)
      .get('/api/me')
      .set('Cookie', `${SESSION_COOKIE}=${sealed}`)
      .expect(401);
    assert.equal(unprefixed.body.details[0].field, 'Authorization');
    // Nor does a sign-in cookie a subdomain could plant: it would finish another's sign-in here.
    const started = await secure.auth.sessions.sealSignIn(
      { state: 's', nonce: 'n', codeVerifier: 'v'.repeat(43), returnTo: '/', forcedLogin: false },
      now(),
      600,
    );
    for (const name of ['tm_sign_in.s', '__Secure-tm_sign_in.s']) {
      const planted = await request(secure.app)
        .get('/auth/callback?code=c&state=s')
        .set('Cookie', `${name}=${started}`)
        .expect(303);
      assert.equal(planted.headers.location, '/signin?error=sign-in-failed', name);
    }
  });

  test('a person in many groups, with a long ID token, still gets a cookie a browser keeps', async () => {
    const inGroups = async (count: number) => {
      const groups = Array.from({ length: count }, (_, i) => `project-${i}-contributors-tokyo`);
      groups.push('task-admins');
      // The provider's token lists every group; so would the session, sealed whole.
      const idToken = await signedByProvider(validClaims({ groups }));
      const old = await service.auth.sessions.sealSession({
        identity: { userId: 'grace', name: 'grace', groups },
        idToken,
        signedInAt: now(),
        issuedAt: now() - 1200,
      });
      assert.ok(`tm_session=${old}`.length > 4096, 'a browser would drop the whole session');
      const response = await me(withCookie(old));
      assert.equal(response.body.isAdmin, true);
      const [renewed] = /^tm_session=[^;]+/.exec(String(response.headers['set-cookie']))!;
      assert.ok(renewed.length <= 4096, `${renewed.length} bytes`);
      const session = await service.auth.sessions.openSession(renewed.split('=')[1]!, now());
      // Only the group the app acts on is kept.
      assert.deepEqual(session?.identity.groups, ['task-admins']);
      return { idToken, kept: session?.idToken };
    };
    // Without the other groups the ID token fits, and stays for the provider's sign-out.
    const some = await inGroups(40);
    assert.equal(some.kept, some.idToken);
    // A token too long even so is left out: signing out then goes without id_token_hint.
    assert.equal((await inGroups(100)).kept, undefined);
  });

  test('tampered, foreign or misused cookies: 401, and the cookie is cleared', async () => {
    const sealedBy = (keys: SessionKey[], audience: string) =>
      new SessionCodec(keys, { idleSeconds: 3600, maxAgeSeconds: 3600 }, audience).sealSession({
        identity: { userId: 'admin', name: 'admin', groups: ['task-admins'] },
        idToken: undefined,
        signedInAt: now(),
        issuedAt: now(),
      });
    const here = identity.env.PUBLIC_URL!;
    const foreign = await sealedBy([{ kid: 'other', key: new Uint8Array(32).fill(7) }], here);
    // A Secret copied from staging: the same keys, another deployment.
    const staging = await sealedBy(service.auth.config.sessionKeys, 'https://staging.example');
    const control = await sealedBy(service.auth.config.sessionKeys, here);
    assert.equal((await me(withCookie(control))).status, 200, 'the control is accepted');
    const parts = cookie.split('.');
    // One character in the middle replaced by another (never by itself).
    const flipped = (part: string) => {
      const at = Math.floor(part.length / 2);
      return `${part.slice(0, at)}${part[at] === 'A' ? 'B' : 'A'}${part.slice(at + 1)}`;
    };
    const signInCookie = await service.auth.sessions.sealSignIn(
      { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/', forcedLogin: false },
      now(),
      600,
    );
    const cases: [string, string][] = [
      [
        'ciphertext changed',
        [parts[0], parts[1], parts[2], flipped(parts[3]!), parts[4]].join('.'),
      ],
      ['tag changed', [...parts.slice(0, 4), flipped(parts[4]!)].join('.')],
      [
        'header changed',
        [
          Buffer.from('{"alg":"dir","enc":"A256GCM","kid":"x"}').toString('base64url'),
          ...parts.slice(1),
        ].join('.'),
      ],
      ['sealed by another deployment', foreign],
      ['sealed by another deployment with the same keys', staging],
      ['the sign-in cookie passed off as a session', signInCookie],
      ['not a JWE', 'alice'],
    ];
    for (const [label, value] of cases) {
      const response = await me(withCookie(value));
      assertRefused(response, 'Cookie', value);
      assert.match(
        String(response.headers['set-cookie']),
        /^tm_session=; Max-Age=0; Path=\/;/,
        label,
      );
    }
  });

  test('a cross-origin write with a valid cookie: 403 and nothing changes; same-origin works', async () => {
    const before = (await service.tasks.list(ALICE, { limit: 100 })).items.length;
    const refusals: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { Origin: 'http://localhost:8081' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      {},
    ];
    for (const headers of refusals) {
      const response = await request(service.app)
        .post('/api/tasks')
        .set(withCookie(cookie, headers))
        .send(newTask({ title: 'forged' }))
        .expect(403);
      assert.deepEqual(response.body.details[0].field, 'Origin', JSON.stringify(headers));
    }
    await request(service.app)
      .post('/api/tasks')
      .set(withCookie(cookie, origin()))
      .send(newTask({ title: 'mine' }))
      .expect(201);
    const created = (await service.tasks.list(ALICE, { limit: 100 })).items;
    assert.equal(created.length, before + 1);
    const taskId = created.find((record) => record.task.title === 'mine')!.task.taskId;
    for (const [method, body] of [
      ['patch', { title: 'changed' }],
      ['put', newTask({ title: 'replaced' })],
      ['delete', undefined],
    ] as const) {
      await request(service.app)
        [method](`/api/tasks/${taskId}`)
        .set(withCookie(cookie, { Origin: 'https://evil.example' }))
        .send(body)
        .expect(403);
    }
    assert.equal((await service.tasks.get(ALICE, taskId))?.task.title, 'mine');
    // Browsers that send Sec-Fetch-Site but no Origin, from the app's own pages.
    await request(service.app)
      .patch(`/api/tasks/${taskId}`)
      .set(withCookie(cookie, { 'Sec-Fetch-Site': 'same-origin' }))
      .send({ done: true })
      .expect(200);
    // Reads are not writes: a cross-origin GET is answered (CORS keeps its answer from the site).
    await request(service.app)
      .get('/api/tasks')
      .set(withCookie(cookie, { Origin: 'https://evil.example' }))
      .expect(200);
    // A Bearer token is never sent by a browser on its own: no origin check for it.
    await request(service.app)
      .post('/api/tasks')
      .set({ ...as(ALICE), Origin: 'https://evil.example' })
      .send(newTask())
      .expect(201);
  });

  test('signing out clears the cookie and leads to the provider’s end-session endpoint', async () => {
    const mine = await identity.signIn(await service.baseUrl(), 'dana');
    const refused = await request(service.app)
      .post('/auth/logout')
      .set(withCookie(mine, { Origin: 'https://evil.example' }))
      .expect(403);
    assert.equal(refused.headers['set-cookie'], undefined);
    const response = await request(service.app)
      .post('/auth/logout')
      .set(withCookie(mine, { ...origin(), Accept: 'application/json' }))
      .expect(200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.match(String(response.headers['set-cookie']), /^tm_session=; Max-Age=0; Path=\//);
    const redirect = new URL(response.body.redirectTo);
    assert.equal(`${redirect.origin}${redirect.pathname}`, `${identity.issuer}/session/end`);
    assert.equal(
      redirect.searchParams.get('post_logout_redirect_uri'),
      `${identity.env.PUBLIC_URL}/signin`,
    );
    assert.equal(decodeJwt(redirect.searchParams.get('id_token_hint')!).sub, 'dana');
    // The same address for Amazon Cognito's /logout, which reads logout_uri and client_id.
    assert.equal(redirect.searchParams.get('logout_uri'), `${identity.env.PUBLIC_URL}/signin`);
    assert.equal(redirect.searchParams.get('client_id'), identity.env.OIDC_CLIENT_ID);
    // The provider accepts it: its sign-out page answers (and would sign the person out).
    const endSession = await fetch(redirect, { redirect: 'manual' });
    assert.equal(endSession.status, 200);
  });
});

describe('session limits', () => {
  test('idle and absolute limits, with sliding renewal that does not re-set on every request', async () => {
    let clock = now();
    const limited = await createTestService(service.dynamo, {
      now: () => clock,
      env: { SESSION_IDLE_TIMEOUT_SECONDS: '600', SESSION_MAX_AGE_SECONDS: '1800' },
    });
    const signedInAt = clock;
    let cookie = await identity.signIn(await limited.baseUrl(), 'erin');
    const ask = () =>
      request(limited.app).get('/api/me').set('Cookie', `${SESSION_COOKIE}=${cookie}`);
    const renewed = (response: request.Response): string | undefined =>
      /tm_session=([^;]+); Max-Age=(\d+)/.exec(String(response.headers['set-cookie'] ?? ''))?.[1];

    clock = signedInAt + 60;
    const early = await ask().expect(200);
    assert.equal(early.headers['set-cookie'], undefined, 'no new cookie a minute in');

    // Past a quarter of the idle limit: a new cookie, whose idle limit starts now.
    clock = signedInAt + 500;
    const slid = await ask().expect(200);
    const next = renewed(slid);
    assert.ok(next, 'a renewed cookie');
    const old = cookie;
    cookie = next;

    // The old cookie ends 600 s after it was issued; the new one 600 s after its renewal.
    clock = signedInAt + 700;
    await request(limited.app).get('/api/me').set('Cookie', `${SESSION_COOKIE}=${old}`).expect(401);
    const stillIn = await ask().expect(200);
    cookie = renewed(stillIn) ?? cookie;

    // Kept active, the session still ends at the absolute limit.
    for (let at = 1200; at < 1800; at += 300) {
      clock = signedInAt + at;
      const response = await ask().expect(200);
      cookie = renewed(response) ?? cookie;
    }
    clock = signedInAt + 1800;
    const ended = await ask().expect(401);
    assert.equal(ended.body.details[0].field, 'Cookie');

    // Idle: a fresh session left alone for longer than the idle limit.
    clock = now();
    const idleStart = clock;
    cookie = await identity.signIn(await limited.baseUrl(), 'erin');
    clock = idleStart + 599;
    await ask().expect(200);
    clock = idleStart + 599 + 601;
    await ask().expect(401);
  });
  test('a provider sign-in older than the absolute limit is asked for again, never a session that has already ended', async () => {
    // The provider answers with a sign-in older than SESSION_MAX_AGE_SECONDS, as one that ignores
    // max_age does: here, because this replica's clock is past that limit of its auth_time.
    let clock = now() + 1800 + 60;
    const limited = await createTestService(service.dynamo, {
      now: () => clock,
      env: { SESSION_MAX_AGE_SECONDS: '1800' },
    });
    const base = await limited.baseUrl();
    const sessionOf = (browser: ReturnType<typeof signInBrowser>) =>
      browser.jar.get(new URL(base), SESSION_COOKIE);

    // The callback issues no session; it starts a sign-in that asks for the credentials again.
    const browser = signInBrowser(base);
    const first = await browser.visit(new URL('/auth/login?returnTo=%2Flater', base), 'ivy');
    assert.equal(first.status, 303);
    const again = new URL(first.headers.get('location')!);
    assert.equal(again.origin, identity.issuer);
    assert.equal(again.searchParams.get('prompt'), 'login');
    assert.equal(again.searchParams.get('max_age'), '1800');
    assert.match(String(first.headers.getSetCookie()), /tm_sign_in\.[\w-]+=[^;]+; Max-Age=600/);
    assert.equal(sessionOf(browser), undefined);

    // This time the sign-in is recent: a session, and back to where the person was going.
    clock = now();
    const second = await browser.visit(again, 'ivy');
    assert.equal(second.status, 303);
    assert.equal(second.headers.get('location'), '/later');
    const response = await request(limited.app)
      .get('/api/me')
      .set('Cookie', `${SESSION_COOKIE}=${sessionOf(browser)}`)
      .expect(200);
    assert.equal(response.body.userId, 'ivy');

    // A provider that answers the forced sign-in with an old one too: a clear failure, no loop.
    clock = now() + 1800 + 60;
    const stale = signInBrowser(base);
    const retry = await stale.visit(new URL('/auth/login', base), 'ivy');
    const failed = await stale.visit(new URL(retry.headers.get('location')!), 'ivy');
    assert.equal(failed.status, 303);
    assert.equal(failed.headers.get('location'), '/signin?error=sign-in-failed');
    assert.equal(sessionOf(stale), undefined);
  });

  test('a provider that leaves out auth_time is asked for the credentials once; the limit counts from then', async () => {
    // The provider's back channel through a stand-in that takes auth_time out of every ID token
    // and signs it again with the provider's own key: a provider that never sends it.
    const standIn = await providerStandIn(async (req, res) => {
      const body = await buffer(req);
      const upstream = await fetch(new URL(req.url!, identity.issuer), {
        method: req.method,
        headers: {
          ...(req.headers.authorization && { authorization: req.headers.authorization }),
          ...(req.headers['content-type'] && { 'content-type': req.headers['content-type'] }),
        },
        ...(req.method === 'POST' ? { body } : {}),
      });
      const answer = (await upstream.json()) as { id_token?: string };
      if (answer.id_token) {
        const { kid, alg } = decodeProtectedHeader(answer.id_token);
        const claims = decodeJwt(answer.id_token);
        delete claims.auth_time;
        const key = identity.keys.keys.find((candidate) => candidate.kid === kid) as JWK;
        answer.id_token = await new SignJWT(claims)
          .setProtectedHeader({ alg: alg!, kid: kid! })
          .sign(await importJWK(key, alg));
      }
      res.writeHead(upstream.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
    try {
      const silent = await createTestService(service.dynamo, {
        env: { OIDC_BACKCHANNEL_URL: standIn.origin },
      });
      const base = await silent.baseUrl();
      const browser = signInBrowser(base);
      const sessionOf = () => browser.jar.get(new URL(base), SESSION_COOKIE);

      // Not a session counted from now on the provider's silent word: a sign-in with credentials.
      const first = await browser.visit(new URL('/auth/login?returnTo=%2Flater', base), 'una');
      assert.equal(first.status, 303);
      const again = new URL(first.headers.get('location')!);
      assert.equal(again.origin, identity.issuer);
      assert.equal(again.searchParams.get('prompt'), 'login');
      assert.equal(sessionOf(), undefined);

      // That one asked for them: the session starts, and its absolute limit, now.
      const before = now();
      const second = await browser.visit(again, 'una');
      assert.equal(second.status, 303);
      assert.equal(second.headers.get('location'), '/later');
      const session = await silent.auth.sessions.openSession(sessionOf()!, now());
      assert.equal(session?.identity.userId, 'una');
      assert.ok(session!.signedInAt >= before, `signed in at ${session!.signedInAt}`);
    } finally {
      standIn.close();
    }
  });

  test('lowered limits apply to sessions already out there, not only to new ones', async () => {
    const cookie = await identity.signIn(await service.baseUrl(), 'hank');
    // Replicas two minutes on, under the limits they were given then.
    const ask = async (env: Record<string, string>) => {
      const later = await createTestService(service.dynamo, { env, now: () => now() + 120 });
      const response = await request(later.app)
        .get('/api/me')
        .set('Cookie', `${SESSION_COOKIE}=${cookie}`);
      return response.status;
    };
    assert.equal(await ask({}), 200);
    assert.equal(await ask({ SESSION_IDLE_TIMEOUT_SECONDS: '60' }), 401);
    assert.equal(await ask({ SESSION_MAX_AGE_SECONDS: '60' }), 401);
  });
});

describe('key rotation', () => {
  test('old sessions keep working after a new key is put first; new ones use the new key', async () => {
    const oldKey = identity.env.SESSION_KEYS!;
    const newKey = Buffer.alloc(32, 9).toString('base64url');
    const before = await createTestService(service.dynamo, { env: { SESSION_KEYS: oldKey } });
    const oldSession = await identity.signIn(await before.baseUrl(), 'frank');
    assert.equal(
      decodeProtectedHeader(oldSession).kid,
      sessionKeyId(Buffer.from(oldKey, 'base64url')),
    );

    const rotated = await createTestService(service.dynamo, {
      env: { SESSION_KEYS: `${newKey},${oldKey}` },
    });
    await request(rotated.app)
      .get('/api/me')
      .set('Cookie', `${SESSION_COOKIE}=${oldSession}`)
      .expect(200, { userId: 'frank', name: 'frank', isAdmin: false });
    const newSession = await identity.signIn(await rotated.baseUrl(), 'frank');
    assert.equal(
      decodeProtectedHeader(newSession).kid,
      sessionKeyId(Buffer.from(newKey, 'base64url')),
    );

    // Once the old key is removed, its sessions end; the new ones carry on.
    const retired = await createTestService(service.dynamo, { env: { SESSION_KEYS: newKey } });
    await request(retired.app)
      .get('/api/me')
      .set('Cookie', `${SESSION_COOKIE}=${oldSession}`)
      .expect(401);
    await request(retired.app)
      .get('/api/me')
      .set('Cookie', `${SESSION_COOKIE}=${newSession}`)
      .expect(200);
  });
});

describe('returnTo', () => {
  test('only a path of this app survives the sign-in', async () => {
    const { safeReturnTo } = await import('../src/routes/auth.ts');
    for (const value of ['/done', '/all?x=1', '/reports#top'])
      assert.equal(safeReturnTo(value), value);
    for (const value of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      'evil',
      '/a\nb',
      undefined,
      ['/a'],
    ]) {
      assert.equal(safeReturnTo(value), '/', String(value));
    }
  });
});

describe('display names for the reports', () => {
  test('recorded when a person signs in or a change of theirs succeeds; not on reads or refusals', async () => {
    const recorded: Identity[] = [];
    const recording = await createTestService(service.dynamo, {
      profiles: { remember: async (who) => void recorded.push(who) },
    });
    await identity.token('oscar');
    await request(recording.app).get('/api/tasks').set(as('oscar')).expect(200);
    await request(recording.app).post('/api/tasks').set(as('oscar')).send({}).expect(400);
    assert.deepEqual(recorded, [], 'requests are answered after their finish handlers ran');
    await request(recording.app).post('/api/tasks').set(as('oscar')).send(newTask()).expect(201);
    const forged = await signedByProvider(validClaims({ sub: 'pat', name: 'Pat Doe' }));
    await request(recording.app)
      .post('/api/tasks')
      .set('Authorization', `Bearer ${forged}`)
      .send(newTask())
      .expect(201);
    assert.deepEqual(recorded, [
      { userId: 'oscar', name: 'oscar', groups: [] },
      { userId: 'pat', name: 'Pat Doe', groups: ['task-admins'] },
    ]);

    // Into the reports table, where the report job reads names; signing in records one too.
    await identity.signIn(await service.baseUrl(), 'quinn');
    await eventually(async () => {
      const names = await readUserNames(
        service.tables.clients.doc,
        service.tables.config.reportsTable,
        ['quinn'],
      );
      assert.equal(names.get('quinn'), 'quinn');
    });
  });
});
