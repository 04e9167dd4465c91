/**
 * The identity provider's configuration in a container, from environment variables only. The
 * names it shares with task-service (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
 * OIDC_AUDIENCE, PUBLIC_URL, ADMIN_GROUP) mean the same thing in both, so one ConfigMap and one
 * Secret configure the pair and cannot disagree. Every bad value is reported in one message.
 * The readers come from @task-manager/runtime, which has no dependencies, so the provider
 * neither installs nor loads the AWS SDK (about 30 MB of memory) that task-store needs.
 */
import { readFileSync } from 'node:fs';
import {
  ConfigError,
  ConfigProblems,
  readInteger,
  readLogLevel,
  readOptionalString,
  readString,
  readUrl,
  type Env,
  type LogLevel,
} from '@task-manager/runtime';
import { isUserId, USER_ID_RULE } from '@task-manager/contract';
import { parseSigningKeys, type SigningKeys } from './keys.ts';
import type { WebClient } from './provider.ts';
import { DEFAULT_ADMIN_GROUP, DEFAULT_CLI_CLIENT_ID } from './server.ts';

export { ConfigError };

export const IDENTITY_PROVIDER_ENV_VARS = [
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_AUDIENCE',
  'PUBLIC_URL',
  'ADMIN_GROUP',
  'IDP_ADMIN_USERS',
  'IDP_CLI_CLIENT_ID',
  'IDP_ACCESS_TOKEN_TTL_SECONDS',
  'IDP_SIGNING_KEYS_FILE',
  'IDP_COOKIE_KEYS',
] as const;

/** Where task-service receives the authorization response, and where sign-out returns to. */
export const CALLBACK_PATH = '/auth/callback';
export const SIGNED_OUT_PATH = '/signin';

export interface IdentityProviderConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  issuer: string;
  webClient: WebClient;
  cliClientId: string;
  apiAudience: string;
  adminGroup: string;
  adminUsers: string[];
  accessTokenTtlSeconds: number;
  keys: SigningKeys | undefined;
  cookieKeys: string[] | undefined;
}

function list(env: Env, name: string, fallback: string): string[] {
  return readString(env, name, fallback)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function required(env: Env, name: string): string {
  const value = readUrl(env, name);
  if (value === undefined) throw new ConfigError(`${name} is required`);
  return value.replace(/\/$/, '');
}

export function loadConfig(env: Env): IdentityProviderConfig {
  const problems = new ConfigProblems();
  const { attempt } = problems;
  const publicUrl = attempt(() => required(env, 'PUBLIC_URL'));
  const clientId = attempt(() => readString(env, 'OIDC_CLIENT_ID'));
  const clientSecret = attempt(() => readString(env, 'OIDC_CLIENT_SECRET'));
  const config = {
    port: attempt(() => readInteger(env, 'PORT', 9000, { min: 0, max: 65_535 })),
    host: attempt(() => readString(env, 'HOST', '0.0.0.0')),
    logLevel: attempt(() => readLogLevel(env)),
    issuer: attempt(() => required(env, 'OIDC_ISSUER')),
    webClient: {
      clientId,
      clientSecret,
      redirectUris: publicUrl ? [`${publicUrl}${CALLBACK_PATH}`] : [],
      postLogoutRedirectUris: publicUrl ? [`${publicUrl}${SIGNED_OUT_PATH}`] : [],
    },
    cliClientId: attempt(() => readString(env, 'IDP_CLI_CLIENT_ID', DEFAULT_CLI_CLIENT_ID)),
    apiAudience: attempt(() => readString(env, 'OIDC_AUDIENCE')),
    adminGroup: attempt(() => readString(env, 'ADMIN_GROUP', DEFAULT_ADMIN_GROUP)),
    adminUsers: attempt(() => {
      const users = list(env, 'IDP_ADMIN_USERS', 'admin');
      const invalid = users.filter((user) => !isUserId(user));
      if (invalid.length > 0) {
        throw new ConfigError(
          `IDP_ADMIN_USERS has invalid user names: ${invalid.join(', ')} (user names are ${USER_ID_RULE})`,
        );
      }
      return users;
    }),
    accessTokenTtlSeconds: attempt(() =>
      readInteger(env, 'IDP_ACCESS_TOKEN_TTL_SECONDS', 600, { min: 30, max: 86_400 }),
    ),
    keys: attempt(() => {
      const file = readOptionalString(env, 'IDP_SIGNING_KEYS_FILE');
      if (file === undefined) return undefined;
      try {
        return parseSigningKeys(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new ConfigError(`IDP_SIGNING_KEYS_FILE: ${(error as Error).message}`);
      }
    }),
    cookieKeys: attempt(() => {
      if (readOptionalString(env, 'IDP_COOKIE_KEYS') === undefined) return undefined;
      // An empty item would be a key too: cookies signed with nothing anyone could forge.
      const keys = list(env, 'IDP_COOKIE_KEYS', '');
      if (keys.length === 0) throw new ConfigError('IDP_COOKIE_KEYS names no key');
      return keys;
    }),
  };
  problems.throwIfAny();
  return config as IdentityProviderConfig;
}
