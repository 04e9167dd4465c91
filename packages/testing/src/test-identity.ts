/**
 * A real OpenID Provider for tests, verify and benchmarks: the development identity provider on
 * an ephemeral port, the task-service settings that trust it, and tokens and session cookies
 * obtained the way people and scripts obtain them (the authorization-code flow with PKCE,
 * through the provider's sign-in page). Nothing about OIDC is mocked.
 *
 * It keeps the provider's private signing key, so that tests can also forge tokens that are
 * correctly signed yet wrong in one way (expired, another audience...).
 */
import { randomBytes } from 'node:crypto';
import {
  generateSigningKeys,
  startIdentityProvider,
  type RunningIdentityProvider,
  type SigningKeys,
} from '@task-manager/identity-provider';
import { browse, CookieJar, fetchAccessToken } from '@task-manager/identity-provider/dev-token';

/** The app's public origin in tests. Nothing listens there: callbacks are delivered by hand. */
export const TEST_PUBLIC_URL = 'http://localhost:8080';
export const TEST_AUDIENCE = 'http://localhost:8080/api';
export const TEST_CLIENT_ID = 'task-manager-test';
export const SESSION_COOKIE = 'tm_session';

export function newSessionKey(): string {
  return randomBytes(32).toString('base64url');
}

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
  /**
   * Signs `user` in to the task-service at `baseUrl` through /auth/login, the provider's sign-in
   * page and /auth/callback; returns the session cookie's value.
   */
  signIn(baseUrl: string, user: string, options?: { jar?: CookieJar }): Promise<string>;
  close(): Promise<void>;
}

export interface TestIdentityOptions {
  publicUrl?: string;
  /** Users the provider puts in the admin group (default: admin). */
  adminUsers?: string[];
  accessTokenTtlSeconds?: number;
  /** To start a provider again as it was (same port, keys and client secret). */
  port?: number;
  keys?: SigningKeys;
  clientSecret?: string;
}

export async function startTestIdentity(options: TestIdentityOptions = {}): Promise<TestIdentity> {
  const publicUrl = options.publicUrl ?? TEST_PUBLIC_URL;
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const keys = options.keys ?? (await generateSigningKeys());
  const provider = await startIdentityProvider({
    ...(options.port ? { port: options.port } : {}),
    keys,
    webClient: {
      clientId: TEST_CLIENT_ID,
      clientSecret,
      redirectUris: [`${publicUrl}/auth/callback`],
      postLogoutRedirectUris: [`${publicUrl}/signin`],
    },
    apiAudience: TEST_AUDIENCE,
    adminUsers: options.adminUsers ?? ['admin'],
    ...(options.accessTokenTtlSeconds
      ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds }
      : {}),
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
      PUBLIC_URL: publicUrl,
      SESSION_KEYS: newSessionKey(),
    },
    token,
    cachedToken(user) {
      const value = resolved.get(user);
      if (value === undefined) throw new Error(`no token fetched for ${user}: await token() first`);
      return value;
    },
    async signIn(baseUrl, user, { jar = new CookieJar() } = {}) {
      const start = new URL('/auth/login?returnTo=%2F', baseUrl);
      const callback = await browse(start, {
        user,
        jar,
        stopAt: (url) => url.origin === publicUrl && url.pathname === '/auth/callback',
      });
      // In production a proxy routes the public origin to an instance; here, to this one.
      const local = new URL(`${callback.pathname}${callback.search}`, baseUrl);
      const cookie = jar.header(local);
      const response = await fetch(local, {
        redirect: 'manual',
        headers: cookie ? { Cookie: cookie } : {},
      });
      await response.arrayBuffer();
      jar.store(local, response);
      const session = jar.get(local, SESSION_COOKIE);
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
