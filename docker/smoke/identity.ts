/** Sign-in through the provider's container at /idp: dev-token.ts's authorization-code flow. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { browse, CookieJar, fetchAccessToken } from '@task-manager/identity-provider/dev-token';
import type { SECRET_ENV_VARS } from '../../services/task-service/src/auth/auth-config.ts';
import { images } from './images.ts';
import { NODE_PID1, startApp, type Container, type Env, type Smoke } from './sandbox.ts';
import { jsonLines } from './support.ts';

/** The variables its Deployment gives it (k8s/test/sign-in.test.ts keeps the lists equal). */
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

/** This run's Secret task-manager-oidc: random values, as k8s/create-dev-secret.sh makes them. */
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

/** `docker stop`: it closes its server and exits 0 on SIGTERM; its stdout was JSON throughout. */
export async function stopProvider({ check, sandbox }: Smoke, container: Container) {
  await check(`${image}: docker stop: exit 0 on SIGTERM; every stdout line is JSON`, async () => {
    const outcome = await sandbox.stopCleanly(container.name, 10); // its Deployment's grace period
    const lines = jsonLines((await sandbox.logs(container.name)).stdout);
    return `${outcome}; stdout ${lines.length} lines, all JSON`;
  });
}

/** Sign-in for the smoke test's requests, through the Ingress (the app's and issuer's origin). */
export function smokeSignIn(issuer: string, publicUrl: string) {
  return {
    issuer,
    publicUrl,
    /** `user`'s Authorization header, a fresh token (they last 10 min) as `npm run token` gets. */
    async bearer(user: string): Promise<Record<string, string>> {
      const { accessToken } = await fetchAccessToken({ issuer, user });
      return { Authorization: `Bearer ${accessToken}` };
    },
    /** The session cookie of `user`, signed in as a browser: /auth/login, sign-in page, callback. */
    async session(user: string): Promise<string> {
      const jar = new CookieJar();
      const back = await browse(new URL('/auth/login?returnTo=%2F', publicUrl), {
        user,
        jar,
        stopAt: (url) => url.origin === publicUrl && url.pathname === '/',
      });
      const cookie = jar.header(back);
      assert.ok(cookie?.includes('tm_session='), `no session cookie after signing in: ${cookie}`);
      return cookie!;
    },
  };
}

export type SmokeSignIn = ReturnType<typeof smokeSignIn>;
