/**
 * task-service as the provider's client (openid-client): discovery, the authorization request,
 * the code exchange and the end-session URL. Discovery happens on first use and is kept; a
 * provider that cannot be reached fails the request with ProviderUnavailableError (503), and the
 * next request tries again, so the service starts and serves Bearer-free traffic without it.
 *
 * openid-client itself is loaded on first use too (the first sign-in, or the discovery the first
 * Bearer token needs), not while the service starts: it is not needed to become ready.
 */
import type * as client from 'openid-client';
import type { Logger } from 'pino';
import type { AuthConfig } from './auth-config.ts';
import { backchannelFetch, type Fetch } from './backchannel.ts';

/** The provider's metadata and this client's registration, as openid-client holds them. */
export type Configuration = client.Configuration;

/** openid-client, loaded once, when first needed. */
const openid = (): Promise<typeof client> => import('openid-client');

/** The provider did not answer, or answered something that is not an OpenID Provider. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

/** The provider answered the code exchange with an OAuth error (`error` is its code). */
export class ProviderRefusedError extends Error {
  override name = 'ProviderRefusedError';
  readonly error: string;

  constructor(error: string, options: ErrorOptions) {
    super(`the identity provider answered ${error}`, options);
    this.error = error;
  }
}

/** The authorization response failed the checks: it is not this browser's sign-in, or not intact. */
export class SignInCheckError extends Error {
  override name = 'SignInCheckError';
}

/**
 * openid-client's codes for a response that failed its checks: state, nonce, the ID token's
 * claims and times (oauth4webapi's constants, which openid-client does not re-export). Its other
 * codes, such as a timeout or an unexpected status, mean the provider is in trouble.
 */
const FAILED_CHECKS = new Set([
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
]);

/** A failed discovery is retried at most this often, so an outage is not hammered. */
const RETRY_AFTER_MS = 2000;
const TIMEOUT_SECONDS = 5;

export interface ProviderClient {
  /** The provider's metadata (jwks_uri for Bearer tokens). */
  configuration(): Promise<client.Configuration>;
  fetch: Fetch;
}

export function providerClient(config: AuthConfig, logger: Logger): ProviderClient {
  const fetchVia = backchannelFetch(config.issuer, config.backchannelUrl);
  const insecure = new URL(config.issuer).protocol === 'http:';
  let discovered: Promise<client.Configuration> | undefined;
  let failedAt = 0;
  let failure: ProviderUnavailableError | undefined;

  async function discover(): Promise<client.Configuration> {
    try {
      const oidc = await openid();
      const configuration = await oidc.discovery(
        new URL(config.issuer),
        config.clientId,
        undefined,
        oidc.ClientSecretBasic(config.clientSecret),
        {
          [oidc.customFetch]: fetchVia,
          timeout: TIMEOUT_SECONDS,
          ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
      logger.info({ issuer: config.issuer }, 'OpenID Provider discovered');
      return configuration;
    } catch (error) {
      failure = new ProviderUnavailableError('the identity provider cannot be reached', {
        cause: error,
      });
      failedAt = Date.now();
      discovered = undefined;
      logger.warn({ issuer: config.issuer, err: error }, 'OpenID Provider discovery failed');
      throw failure;
    }
  }

  return {
    fetch: fetchVia,
    configuration() {
      if (!discovered && failure && Date.now() - failedAt < RETRY_AFTER_MS) {
        return Promise.reject(failure);
      }
      discovered ??= discover();
      return discovered;
    },
  };
}

export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface AuthorizationOptions {
  /** OIDC_SCOPES: the claims the app uses, as this provider names them. */
  scopes: string;
  /**
   * `max_age`: how long ago the person may have last entered their credentials at the provider
   * (SESSION_MAX_AGE_SECONDS). A provider that honours it asks again when its own sign-in is
   * older, and says when that was in `auth_time`.
   */
  maxAgeSeconds: number;
  /** `prompt=login`: ask for the person's credentials again, whatever the provider's session. */
  forceLogin?: boolean;
}

export async function authorizationRequest(
  configuration: client.Configuration,
  redirectUri: string,
  { scopes, maxAgeSeconds, forceLogin = false }: AuthorizationOptions,
): Promise<AuthorizationRequest> {
  const oidc = await openid();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: scopes,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    max_age: String(maxAgeSeconds),
    ...(forceLogin ? { prompt: 'login' } : {}),
  });
  return { url, state, nonce, codeVerifier };
}

/**
 * Exchanges the code in `callbackUrl`, checking state, nonce and PKCE; returns the ID token's
 * claims. Throws ProviderRefusedError when the provider answers with an OAuth error, and
 * SignInCheckError when the response fails a check (a callback from another sign-in, say).
 */
export async function exchangeCode(
  configuration: client.Configuration,
  callbackUrl: URL,
  expected: { state: string; nonce: string; codeVerifier: string },
): Promise<{ claims: Record<string, unknown>; idToken: string | undefined }> {
  const oidc = await openid();
  let tokens;
  try {
    tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    if (
      error instanceof oidc.AuthorizationResponseError ||
      error instanceof oidc.ResponseBodyError
    ) {
      throw new ProviderRefusedError(error.error, { cause: error });
    }
    // The token endpoint refused this client's own credentials (a 401 with WWW-Authenticate,
    // e.g. invalid_client: a wrong OIDC_CLIENT_SECRET). A refusal, not an outage.
    if (error instanceof oidc.WWWAuthenticateChallengeError) {
      const code = error.cause.find((challenge) => challenge.parameters.error)?.parameters.error;
      throw new ProviderRefusedError(code ?? `status ${error.status}`, { cause: error });
    }
    // openid-client's argument checks throw a TypeError with a code; fetch's own has none.
    const failedCheck =
      error instanceof oidc.ClientError
        ? FAILED_CHECKS.has(error.code ?? '')
        : error instanceof TypeError && 'code' in error;
    if (failedCheck) {
      throw new SignInCheckError('the authorization response did not pass the checks', {
        cause: error,
      });
    }
    throw error;
  }
  return { claims: { ...tokens.claims() }, idToken: tokens.id_token };
}

/**
 * The provider's end-session URL for this session, or undefined when it has none. The return
 * address goes as `post_logout_redirect_uri` (OpenID Connect RP-Initiated Logout) and again as
 * `logout_uri`, which Amazon Cognito's end-session endpoint (`/logout`) requires instead; each
 * provider ignores the parameter it does not know.
 */
export async function endSessionUrl(
  configuration: client.Configuration,
  idToken: string | undefined,
  postLogoutRedirectUri: string,
): Promise<string | undefined> {
  if (!configuration.serverMetadata().end_session_endpoint) return undefined;
  const oidc = await openid();
  return oidc
    .buildEndSessionUrl(configuration, {
      post_logout_redirect_uri: postLogoutRedirectUri,
      logout_uri: postLogoutRedirectUri,
      ...(idToken ? { id_token_hint: idToken } : {}),
    })
    .toString();
}
