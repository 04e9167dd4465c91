/**
 * The development OpenID Provider on an ephemeral port, the task-service settings that trust it,
 * and real tokens and sessions from its authorization-code flow: nothing about OIDC is mocked.
 * Its private key is kept, to forge tokens that must be refused, each wrong in exactly one way:
 * signed with the provider's own key where the forgery needs a good signature, with keys it never
 * had for a bad one. The control, signedByProvider(validClaims()), is accepted.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import {
  generateSigningKeys,
  startIdentityProvider,
  type RunningIdentityProvider,
  type SigningKeys,
} from '@task-manager/identity-provider';
import { browse, CookieJar, fetchAccessToken } from '@task-manager/identity-provider/dev-token';
import {
  decodeJwt,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type JWK,
  type JWTPayload,
} from 'jose';

/** The app's public origin in tests. Nothing listens there: callbacks are delivered by hand. */
const PUBLIC_URL = 'http://localhost:8080';
const TEST_AUDIENCE = 'http://localhost:8080/api';
export const TEST_CLIENT_ID = 'task-manager-test';
export const SESSION_COOKIE = 'tm_session';

export interface TestIdentity {
  readonly provider: RunningIdentityProvider;
  readonly issuer: string;
  /** The provider's private signing keys (for forging otherwise valid tokens). */
  readonly keys: SigningKeys;
  readonly clientSecret: string;
  /** Everything task-service needs to trust this provider (with one fresh session key). */
  readonly env: Record<string, string>;
  /** An access token for `user`, fetched once and then reused. */
  token(user: string): Promise<string>;
  /** A token fetched before (see token()), for places that cannot wait. */
  cachedToken(user: string): string;
  /** Signs `user` in at `baseUrl` through the provider's page; resolves to the session cookie. */
  signIn(baseUrl: string, user: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIdentity(
  options: { accessTokenTtlSeconds?: number } = {},
): Promise<TestIdentity> {
  const clientSecret = randomBytes(24).toString('base64url');
  const keys = await generateSigningKeys();
  const provider = await startIdentityProvider({
    keys,
    webClient: {
      clientId: TEST_CLIENT_ID,
      clientSecret,
      redirectUris: [`${PUBLIC_URL}/auth/callback`],
      postLogoutRedirectUris: [`${PUBLIC_URL}/signin`],
    },
    apiAudience: TEST_AUDIENCE,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
  });
  // Never the reason a test process stays alive.
  provider.server.unref();
  provider.server.on('connection', (socket) => socket.unref());

  const tokens = new Map<string, Promise<string>>();
  const resolved = new Map<string, string>();
  const token = (user: string): Promise<string> => {
    let pending = tokens.get(user);
    if (!pending) {
      pending = fetchAccessToken({ issuer: provider.issuer, user }).then(({ accessToken }) => {
        resolved.set(user, accessToken);
        return accessToken;
      });
      pending.catch(() => tokens.delete(user));
      tokens.set(user, pending);
    }
    return pending;
  };

  return {
    provider,
    issuer: provider.issuer,
    keys,
    clientSecret,
    env: {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_AUDIENCE: TEST_AUDIENCE,
      PUBLIC_URL,
      SESSION_KEYS: randomBytes(32).toString('base64url'),
    },
    token,
    cachedToken(user) {
      const value = resolved.get(user);
      if (value === undefined) throw new Error(`no token fetched for ${user}: await token() first`);
      return value;
    },
    async signIn(baseUrl, user) {
      const browser = signInBrowser(baseUrl);
      const response = await browser.visit(new URL('/auth/login?returnTo=%2F', baseUrl), user);
      const session = browser.jar.get(new URL(baseUrl), SESSION_COOKIE);
      if (response.status !== 303 || !session) {
        throw new Error(
          `sign-in of ${user} failed: ${response.status} ${response.headers.get('location')}`,
        );
      }
      return session;
    },
    close: () => provider.close(),
  };
}

/**
 * A browser signing in to the app at `baseUrl`: `visit` follows the provider's pages from `start`
 * (entering `user` in its form) and delivers the provider's redirect to the app's callback here,
 * with the browser's cookies; it resolves to the callback's answer. In production a proxy routes
 * the public origin to an instance; here, to this one.
 */
export function signInBrowser(baseUrl: string) {
  const jar = new CookieJar();
  const stopAt = (url: URL) => url.origin === PUBLIC_URL && url.pathname === '/auth/callback';
  return {
    jar,
    async visit(start: URL, user: string): Promise<Response> {
      const callback = await browse(start, { user, jar, stopAt });
      const local = new URL(`${callback.pathname}${callback.search}`, baseUrl);
      const cookie = jar.header(local);
      const response = await fetch(local, {
        redirect: 'manual',
        headers: cookie ? { Cookie: cookie } : {},
      });
      await response.arrayBuffer();
      jar.store(local, response);
      return response;
    },
  };
}

const now = () => Math.floor(Date.now() / 1000);

function providerKey(identity: TestIdentity): JWK & { kid: string } {
  return identity.keys.keys[0]! as JWK & { kid: string };
}

/** Claims of an access token for `sub` that the API accepts. */
export function validClaims(
  identity: TestIdentity,
  sub: string,
  overrides: JWTPayload = {},
): JWTPayload {
  const iat = now();
  return { sub, iss: identity.issuer, aud: TEST_AUDIENCE, iat, exp: iat + 300, ...overrides };
}

/** `claims` signed with the provider's own key, under its key id (and `typ`, when given). */
async function signWithProviderKey(identity: TestIdentity, claims: JWTPayload, typ?: string) {
  const jwk = providerKey(identity);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, ...(typ ? { typ } : {}) })
    .sign(await importJWK(jwk, 'ES256'));
}

/** A token signed with the provider's own key: valid unless `claims` make it wrong. */
export function signedByProvider(identity: TestIdentity, claims: JWTPayload): Promise<string> {
  const defaults = { name: 'Mallory', groups: ['task-admins'] };
  return signWithProviderKey(identity, { ...defaults, ...claims }, 'at+jwt');
}

/** Tokens for `sub` that must each be refused; `realToken` is a genuine token to tamper with. */
export async function forgedTokens(identity: TestIdentity, sub: string, realToken: string) {
  const claims = validClaims(identity, sub, { groups: ['task-admins'] });
  const jwk = providerKey(identity);
  // The public half, derived from the private key.
  const publicPem = createPublicKey({ key: jwk, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const otherEc = (await generateKeyPair('ES256')).privateKey;
  const otherRsa = (await generateKeyPair('RS256')).privateKey;
  const [header, , signature] = realToken.split('.');
  const tamperedPayload = Buffer.from(
    JSON.stringify({ ...decodeJwt(realToken), sub: 'admin', groups: ['task-admins'] }),
  ).toString('base64url');
  const at = now();
  // Signed by the provider, with one claim wrong.
  const wrongClaims: [string, JWTPayload][] = [
    ['expired', { iat: at - 900, exp: at - 120 }],
    ['not yet valid', { nbf: at + 300 }],
    ['from another issuer', { iss: 'http://localhost:1' }],
    ['for another audience', { aud: 'https://other-api.example' }],
    ['an ID token (for the client, not the API)', { aud: 'task-manager-cli' }],
    ['without a subject', { sub: undefined }],
    ['a subject that is no user id of this API', { sub: '../admin' }],
  ];
  return [
    {
      label: 'signed by another key under the provider’s key id',
      token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
        .sign(otherEc),
    },
    {
      label: 'signed by another key with a key id the provider does not have',
      token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' })
        .sign(otherRsa),
    },
    { label: 'alg: none', token: new UnsecuredJWT(claims).encode() },
    {
      label: 'HS256 keyed with the provider’s public key',
      token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
        .sign(new TextEncoder().encode(publicPem)),
    },
    ...(await Promise.all(
      wrongClaims.map(async ([label, wrong]) => ({
        label,
        token: await signedByProvider(identity, { ...claims, ...wrong }),
      })),
    )),
    {
      label: 'a real token with its payload changed',
      token: `${header}.${tamperedPayload}.${signature}`,
    },
    { label: 'not a JWT at all', token: 'c2VjcmV0LXRva2VuLXZhbHVl' },
  ];
}

/** Claims shaped like a Cognito access token: no `aud`, no name, email or `groups` claim. */
export function cognitoAccessClaims(
  identity: TestIdentity,
  sub: string,
  clientId: string,
  overrides: JWTPayload = {},
): JWTPayload {
  const claims = validClaims(identity, sub);
  delete claims.aud;
  return {
    ...claims,
    client_id: clientId,
    token_use: 'access',
    scope: 'openid profile email',
    'cognito:groups': [],
    username: sub,
    auth_time: claims.iat,
    jti: crypto.randomUUID(),
    ...overrides,
  };
}

/** Signed with the provider's own key, with a header like Cognito's: `kid` and `alg`, no `typ`. */
export function signedLikeCognito(identity: TestIdentity, claims: JWTPayload): Promise<string> {
  return signWithProviderKey(identity, claims);
}
