/**
 * The development OpenID Provider on an ephemeral port, the task-service settings that trust it,
 * and real tokens and sessions from its authorization-code flow: nothing about OIDC is mocked.
 * Its private key is kept, for forged-tokens.ts.
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
const PUBLIC_URL = 'http://localhost:8080';
export const TEST_AUDIENCE = 'http://localhost:8080/api';
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
      const jar = new CookieJar();
      const callback = await browse(new URL('/auth/login?returnTo=%2F', baseUrl), {
        user,
        jar,
        stopAt: (url) => url.origin === PUBLIC_URL && url.pathname === '/auth/callback',
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
