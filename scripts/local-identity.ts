/**
 * The sign-in of `npm start`: the development identity provider, embedded in this process on its
 * own port, and the secrets that connect task-service to it. The secrets (the session key, the
 * client secret, the provider's signing and cookie keys) are generated on the first start and
 * kept in DATA_DIR (git-ignored, mode 0600), so sessions and tokens survive a restart. They are
 * development secrets: never copy them to a real deployment.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateSigningKeys,
  parseSigningKeys,
  startIdentityProvider,
  type RunningIdentityProvider,
  type SigningKeys,
} from '@task-manager/identity-provider';
import { createLogger } from '@task-manager/runtime';
import { portInUse } from './local-config.ts';

/** The confidential client task-service signs people in with. */
export const LOCAL_CLIENT_ID = 'task-manager';

interface LocalSecrets {
  sessionKey: string;
  clientSecret: string;
  cookieKey: string;
  signingKeys: SigningKeys;
}

/** Reads DATA_DIR/secrets.json, or creates it (0600) on the first start. */
async function localSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = join(dataDir, 'secrets.json');
  const stored = await readFile(file, 'utf8').catch(() => undefined);
  if (stored !== undefined) {
    const secrets = JSON.parse(stored) as LocalSecrets;
    parseSigningKeys(JSON.stringify(secrets.signingKeys));
    return secrets;
  }
  const random = () => randomBytes(32).toString('base64url');
  const secrets: LocalSecrets = {
    sessionKey: random(),
    clientSecret: random(),
    cookieKey: random(),
    signingKeys: await generateSigningKeys(),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return secrets;
}

export interface LocalIdentity {
  provider: RunningIdentityProvider;
  /** What task-service needs to trust the provider and sign people in. */
  env: Record<string, string>;
}

export async function startLocalIdentity(options: {
  port: number;
  /** The app's address in the browser (PUBLIC_URL). */
  publicUrl: string;
  dataDir: string;
}): Promise<LocalIdentity> {
  const secrets = await localSecrets(options.dataDir);
  const audience = `${options.publicUrl}/api`;
  let provider: RunningIdentityProvider;
  try {
    provider = await startIdentityProvider({
      port: options.port,
      host: '127.0.0.1',
      // The issuer is http://localhost:<the port it listens on>: the port may be 0 until then.
      keys: secrets.signingKeys,
      cookieKeys: [secrets.cookieKey],
      webClient: {
        clientId: LOCAL_CLIENT_ID,
        clientSecret: secrets.clientSecret,
        redirectUris: [`${options.publicUrl}/auth/callback`],
        postLogoutRedirectUris: [`${options.publicUrl}/signin`],
      },
      apiAudience: audience,
      // Its server errors, in the shape of task-service's lines; each sign-in's line is not needed.
      logger: createLogger('identity-provider', 'warn'),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw portInUse('IDP_PORT', options.port, error);
    }
    throw error;
  }
  return {
    provider,
    env: {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
      OIDC_CLIENT_SECRET: secrets.clientSecret,
      OIDC_AUDIENCE: audience,
      PUBLIC_URL: options.publicUrl,
      SESSION_KEYS: secrets.sessionKey,
    },
  };
}
