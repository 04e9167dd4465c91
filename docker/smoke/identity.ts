/**
 * Signing in through the identity provider's container, at the issuer through the Ingress (/idp):
 * the authorization-code flow of services/identity-provider/src/dev-token.ts, never a shortcut.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { browse, CookieJar, fetchAccessToken } from '@task-manager/identity-provider/dev-token';
import type { SECRET_ENV_VARS } from '../../services/task-service/src/auth/auth-config.ts';
import { images } from './images.ts';
import { NODE_PID1, startApp, type Container, type Env, type Smoke } from './sandbox.ts';
import { jsonLines } from './support.ts';

/**
 * The variables its Deployment gives it (k8s/test/sign-in.test.ts keeps the two lists equal);
 * the rest, PORT among them, are left to the provider's defaults, as in the cluster.
 */
export const PROVIDER_ENV = [
  'LOG_LEVEL',
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_AUDIENCE',
  'PUBLIC_URL',
  'ADMIN_GROUP',
  'IDP_ADMIN_USERS',
  'OIDC_CLIENT_SECRET',
] as const;

/** The Secret task-manager-oidc of this run: random values, as k8s/create-dev-secret.sh makes them. */
export function runSecrets(): Record<(typeof SECRET_ENV_VARS)[number], string> {
  const random = () => randomBytes(32).toString('base64url');
  return { OIDC_CLIENT_SECRET: random(), SESSION_KEYS: random() };
}

const image = images.provider.tag;

export function startProvider(smoke: Smoke, env: Env) {
  return startApp(smoke, {
    role: 'identity-provider',
    image,
    env,
    // Its Service's name and port in the cluster (OIDC_BACKCHANNEL_URL).
    alias: 'identity-provider',
    port: 9000,
    probes: ['/health/readiness', '/health/liveness'],
    probeOptions: { periodMs: 250, timeoutMs: 15_000 },
    pid1: NODE_PID1,
  });
}

/** `docker stop`: it closes its server and exits 0 at once; its stdout was JSON throughout. */
export async function stopProvider({ check, sandbox }: Smoke, container: Container) {
  await check(`${image}: docker stop: exit 0 at once; every stdout line is JSON`, async () => {
    // Its Deployment's terminationGracePeriodSeconds.
    const outcome = await sandbox.stopCleanly(container.name, 10);
    const lines = jsonLines((await sandbox.logs(container.name)).stdout);
    return `${outcome}; stdout ${lines.length} lines, all JSON`;
  });
}

/** Sign-in for the smoke test's requests, through the public address (the Ingress). */
export class SmokeSignIn {
  /** As the containers were told: the Ingress's address + /idp. */
  readonly issuer: string;
  /** The app's address: the Ingress. */
  readonly publicUrl: string;

  constructor(issuer: string, publicUrl: string) {
    this.issuer = issuer;
    this.publicUrl = publicUrl;
  }

  /**
   * The Authorization header of `user`: a fresh access token each time (they last 10 minutes,
   * and a run may take longer), from the provider's public client, as `npm run token` gets one.
   */
  async bearer(user: string): Promise<Record<string, string>> {
    const { accessToken } = await fetchAccessToken({ issuer: this.issuer, user });
    return { Authorization: `Bearer ${accessToken}` };
  }

  /**
   * Signs `user` in as the browser does — /auth/login on task-service, the provider's sign-in
   * page, /auth/callback — all through the Ingress; the session cookie's header.
   */
  async session(user: string): Promise<string> {
    const jar = new CookieJar();
    const back = await browse(new URL('/auth/login?returnTo=%2F', this.publicUrl), {
      user,
      jar,
      stopAt: (url) => url.origin === this.publicUrl && url.pathname === '/',
    });
    const cookie = jar.header(back);
    assert.ok(cookie?.includes('tm_session='), `no session cookie after signing in: ${cookie}`);
    return cookie!;
  }
}
