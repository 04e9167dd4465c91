/**
 * task-service as the provider's client (openid-client): discovery, the authorization request,
 * the code exchange and the end-session URL. Discovery happens on first use and is kept; a
 * provider that cannot be reached fails the request with ProviderUnavailableError (503), and the
 * next request tries again, so the service starts and serves Bearer-free traffic without it.
 */
import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { AuthConfig } from './auth-config.ts';
import { backchannelFetch, type Fetch } from './backchannel.ts';

/** The provider did not answer, or answered something that is not an OpenID Provider. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

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
      const configuration = await client.discovery(
        new URL(config.issuer),
        config.clientId,
        undefined,
        client.ClientSecretBasic(config.clientSecret),
        {
          [client.customFetch]: fetchVia,
          timeout: TIMEOUT_SECONDS,
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
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

/** `scopes`: OIDC_SCOPES, the claims the app uses as this provider names them. */
export async function authorizationRequest(
  configuration: client.Configuration,
  redirectUri: string,
  scopes: string,
): Promise<AuthorizationRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: scopes,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, state, nonce, codeVerifier };
}

/** Exchanges the code in `callbackUrl`, checking state, nonce and PKCE; returns the ID token's claims. */
export async function exchangeCode(
  configuration: client.Configuration,
  callbackUrl: URL,
  expected: { state: string; nonce: string; codeVerifier: string },
): Promise<{ claims: Record<string, unknown>; idToken: string | undefined }> {
  const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
    pkceCodeVerifier: expected.codeVerifier,
    expectedState: expected.state,
    expectedNonce: expected.nonce,
    idTokenExpected: true,
  });
  return { claims: { ...tokens.claims() }, idToken: tokens.id_token };
}

/**
 * The provider's end-session URL for this session, or undefined when it has none. The return
 * address goes as `post_logout_redirect_uri` (OpenID Connect RP-Initiated Logout) and again as
 * `logout_uri`, which Amazon Cognito's end-session endpoint (`/logout`) requires instead; each
 * provider ignores the parameter it does not know.
 */
export function endSessionUrl(
  configuration: client.Configuration,
  idToken: string | undefined,
  postLogoutRedirectUri: string,
): string | undefined {
  if (!configuration.serverMetadata().end_session_endpoint) return undefined;
  return client
    .buildEndSessionUrl(configuration, {
      post_logout_redirect_uri: postLogoutRedirectUri,
      logout_uri: postLogoutRedirectUri,
      ...(idToken ? { id_token_hint: idToken } : {}),
    })
    .toString();
}
