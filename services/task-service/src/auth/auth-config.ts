/**
 * How task-service signs people in and checks tokens: the OpenID Provider it trusts, its own
 * client registration there, its public address, the session keys and limits, and who is an
 * admin. Read from the environment with the rest of the configuration (config.ts).
 */
import { createHash } from 'node:crypto';
import {
  ConfigError,
  readInteger,
  readOptionalString,
  readString,
  type Env,
} from '@task-manager/task-store';
import { isUserId, USER_ID_RULE } from '@task-manager/contract';

export const AUTH_ENV_VARS = [
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_AUDIENCE',
  'OIDC_AUDIENCE_CLAIM',
  'OIDC_GROUPS_CLAIM',
  'OIDC_SCOPES',
  'OIDC_BACKCHANNEL_URL',
  'PUBLIC_URL',
  'SESSION_KEYS',
  'SESSION_IDLE_TIMEOUT_SECONDS',
  'SESSION_MAX_AGE_SECONDS',
  'ADMIN_GROUP',
  'ADMIN_USERS',
] as const;

/** The variables whose values are secrets: they come from a Secret, never a ConfigMap. */
export const SECRET_ENV_VARS = ['OIDC_CLIENT_SECRET', 'SESSION_KEYS'] as const;

export interface SessionKey {
  /** Names the key in each session's JWE header, so a rotated-out key is found by id. */
  kid: string;
  key: Uint8Array;
}

export interface AuthConfig {
  /** The provider's issuer identifier, as the browser and the tokens know it. */
  issuer: string;
  /** Where task-service itself reaches the provider, when not at the issuer's origin. */
  backchannelUrl: string | undefined;
  clientId: string;
  clientSecret: string;
  /** The value an access token's audience claim must hold to be accepted here. */
  audience: string;
  /**
   * Which claim holds it: `aud` (RFC 9068, the default), or `client_id` for providers whose
   * access tokens carry no `aud` (Amazon Cognito), which then must also say `token_use: access`.
   */
  audienceClaim: AudienceClaim;
  /** The claim that lists a person's groups (`groups`; `cognito:groups` for Cognito). */
  groupsClaim: string;
  /** What sign-in asks the provider for (space-separated, `openid` among them). */
  scopes: string;
  /** The app's origin as browsers see it: redirect URIs and the same-origin check use it. */
  publicUrl: string;
  /** The first encrypts new sessions; all of them decrypt. */
  sessionKeys: SessionKey[];
  sessionIdleSeconds: number;
  sessionMaxAgeSeconds: number;
  adminGroup: string;
  adminUsers: ReadonlySet<string>;
}

const AUDIENCE_CLAIMS = ['aud', 'client_id'] as const;
export type AudienceClaim = (typeof AUDIENCE_CLAIMS)[number];

/** Asks for the claims the app uses: the profile for names, groups for admins. */
const DEFAULT_SCOPES = 'openid profile groups';

/** The names of this machine, as URL.hostname spells them. */
export const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An http(s) URL; plain http only on this machine (a cookie or code over http elsewhere leaks). */
function readSecureUrl(
  env: Env,
  name: string,
  { required }: { required: boolean },
): string | undefined {
  const raw = readOptionalString(env, name);
  if (raw === undefined) {
    if (required) throw new ConfigError(`${name} is required`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  // As given: an issuer is an exact string, and some end in a slash (see bearer.ts).
  if (url.protocol === 'https:') return raw;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return raw;
  throw new ConfigError(
    `${name} must be an https URL (plain http only for localhost or 127.0.0.1), got "${raw}"`,
  );
}

function readPublicUrl(env: Env): string {
  const value = readSecureUrl(env, 'PUBLIC_URL', { required: true })!;
  const url = new URL(value);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(
      `PUBLIC_URL must be an origin such as https://tasks.example.com, got "${value}"`,
    );
  }
  return url.origin;
}

/**
 * The back channel may be plain http, a cluster-internal address (a Service name), only for a
 * plain-http issuer (a local cluster): it carries the client secret and the code exchange, and
 * openid-client trusts the ID token it returns on the strength of the connection's TLS.
 */
function readBackchannelUrl(env: Env): string | undefined {
  const raw = readOptionalString(env, 'OIDC_BACKCHANNEL_URL');
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return url.origin;
  } catch {
    throw new ConfigError(`OIDC_BACKCHANNEL_URL must be an http(s) URL, got "${raw}"`);
  }
}

function readAudienceClaim(env: Env): AudienceClaim {
  const value = readString(env, 'OIDC_AUDIENCE_CLAIM', 'aud');
  if (!(AUDIENCE_CLAIMS as readonly string[]).includes(value)) {
    throw new ConfigError(
      `OIDC_AUDIENCE_CLAIM must be one of ${AUDIENCE_CLAIMS.join(', ')}, got "${value}"`,
    );
  }
  return value as AudienceClaim;
}

/**
 * An ID token names the client id in `aud`: were that the audience access tokens must name, an
 * ID token (which also travels in the sign-out URL) would pass as one.
 */
function refuseIdTokensAsAccessTokens(
  config: Partial<Pick<AuthConfig, 'audience' | 'audienceClaim' | 'clientId'>>,
): void {
  if (config.audienceClaim === 'aud' && config.audience === config.clientId) {
    throw new ConfigError(
      'OIDC_AUDIENCE must name the API, not OIDC_CLIENT_ID: ID tokens name the client, so one would pass as an access token (for a provider whose access tokens name the client, such as Cognito, set OIDC_AUDIENCE_CLAIM=client_id)',
    );
  }
}

function refuseDowngradedBackchannel(
  config: Partial<Pick<AuthConfig, 'issuer' | 'backchannelUrl'>>,
): void {
  const { issuer, backchannelUrl } = config;
  if (issuer?.startsWith('https:') && backchannelUrl?.startsWith('http:')) {
    throw new ConfigError(
      `OIDC_BACKCHANNEL_URL must be https when OIDC_ISSUER is, got "${backchannelUrl}": the client secret and the code exchange go over it`,
    );
  }
}

/** RFC 6749's scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function readScopes(env: Env): string {
  const scopes = readString(env, 'OIDC_SCOPES', DEFAULT_SCOPES).split(/\s+/).filter(Boolean);
  if (!scopes.every((scope) => SCOPE_TOKEN.test(scope)) || !scopes.includes('openid')) {
    throw new ConfigError(
      `OIDC_SCOPES must be space-separated scopes including openid, got "${scopes.join(' ')}"`,
    );
  }
  return scopes.join(' ');
}

/** base64url, with or without the `=` padding that `basenc --base64url` writes. */
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export function sessionKeyId(key: Uint8Array): string {
  // A digest, so the id names the key without revealing anything of it.
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

function readSessionKeys(env: Env): SessionKey[] {
  const raw = readString(env, 'SESSION_KEYS');
  const parts = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const keys: SessionKey[] = [];
  for (const [index, part] of parts.entries()) {
    const key = BASE64URL.test(part) ? Buffer.from(part, 'base64url') : Buffer.alloc(0);
    if (key.length !== 32) {
      // The position, never the value: this message is logged.
      throw new ConfigError(
        `SESSION_KEYS key ${index + 1} must be 32 random bytes in base64url (43 characters), e.g. from \`openssl rand 32 | basenc --base64url\``,
      );
    }
    keys.push({ kid: sessionKeyId(key), key: new Uint8Array(key) });
  }
  if (keys.length === 0) throw new ConfigError('SESSION_KEYS is required');
  return keys;
}

function readAdminUsers(env: Env): ReadonlySet<string> {
  const raw = readOptionalString(env, 'ADMIN_USERS');
  if (raw === undefined) return new Set();
  const users = raw
    .split(',')
    .map((user) => user.trim())
    .filter((user) => user !== '');
  const invalid = users.filter((user) => !isUserId(user));
  if (invalid.length > 0) {
    throw new ConfigError(
      `ADMIN_USERS must be a comma-separated list of user ids (${USER_ID_RULE}), got invalid ${invalid.map((user) => `"${user}"`).join(', ')}`,
    );
  }
  return new Set(users);
}

/**
 * Reads the auth settings; `attempt` collects each problem so that config.ts reports them all
 * in one message.
 */
export function loadAuthConfig(env: Env, attempt: <T>(read: () => T) => T | undefined): AuthConfig {
  const config = {
    issuer: attempt(() => readSecureUrl(env, 'OIDC_ISSUER', { required: true })),
    backchannelUrl: attempt(() => readBackchannelUrl(env)),
    clientId: attempt(() => readString(env, 'OIDC_CLIENT_ID')),
    clientSecret: attempt(() => readString(env, 'OIDC_CLIENT_SECRET')),
    audience: attempt(() => readString(env, 'OIDC_AUDIENCE')),
    audienceClaim: attempt(() => readAudienceClaim(env)),
    groupsClaim: attempt(() => readString(env, 'OIDC_GROUPS_CLAIM', 'groups')),
    scopes: attempt(() => readScopes(env)),
    publicUrl: attempt(() => readPublicUrl(env)),
    sessionKeys: attempt(() => readSessionKeys(env)),
    sessionIdleSeconds: attempt(() =>
      readInteger(env, 'SESSION_IDLE_TIMEOUT_SECONDS', 3600, { min: 1, max: 30 * 86_400 }),
    ),
    sessionMaxAgeSeconds: attempt(() =>
      readInteger(env, 'SESSION_MAX_AGE_SECONDS', 12 * 3600, { min: 1, max: 90 * 86_400 }),
    ),
    adminGroup: attempt(() => readString(env, 'ADMIN_GROUP', 'task-admins')),
    adminUsers: attempt(() => readAdminUsers(env)),
  };
  attempt(() => refuseIdTokensAsAccessTokens(config));
  attempt(() => refuseDowngradedBackchannel(config));
  return config as AuthConfig;
}
