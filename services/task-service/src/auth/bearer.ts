/**
 * Access tokens in `Authorization: Bearer`: JWTs from the issuer, checked with jose against the
 * issuer's published keys (createRemoteJWKSet caches them, and fetches them again when a token
 * names a key it does not know, which is how the provider's key rotation reaches us). Signature,
 * `iss`, `aud`, `exp` and `nbf` (with a small clock tolerance) must all hold, and only asymmetric
 * algorithms are accepted: `none` and an HMAC keyed with a public key can never pass.
 *
 * The audience is `aud` (RFC 9068). Amazon Cognito's access tokens have none: they name the app
 * client in `client_id` and say `token_use: access` (its ID tokens say `id`), so with
 * OIDC_AUDIENCE_CLAIM=client_id both must hold instead, and a token carrying an `aud` at all is
 * refused: it is an ID token or meant for some other API.
 */
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { JWTPayload } from 'jose';
import type { AuthConfig } from './auth-config.ts';
import { identityFromClaims, type Identity } from './identity.ts';
import { ProviderUnavailableError, type ProviderClient } from './provider-client.ts';
import { VerifiedTokens } from './verified-tokens.ts';

const ACCEPTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
/** Clocks on different machines disagree a little; more than this is a wrong token. */
const CLOCK_TOLERANCE_SECONDS = 30;

export type BearerResult = { identity: Identity } | { problem: string };

export interface BearerVerifier {
  verify(token: string, now: number): Promise<BearerResult>;
}

export function bearerVerifier(
  config: AuthConfig,
  provider: ProviderClient,
  logger: Logger,
): BearerVerifier {
  let trusted: { issuer: string; getKey: JWTVerifyGetKey } | undefined;
  let keysUnreachable = false;
  const verified = new VerifiedTokens();

  /**
   * The provider's keys, and its issuer as it spells it in `iss`: the exact string tokens must
   * carry. Discovery has checked it is the URL OIDC_ISSUER names, with or without the trailing
   * slash some providers put in it (Auth0's https://tenant.auth0.com/).
   */
  async function trustedIssuer(): Promise<{ issuer: string; getKey: JWTVerifyGetKey }> {
    if (trusted) return trusted;
    const metadata = (await provider.configuration()).serverMetadata();
    if (!metadata.jwks_uri) {
      throw new ProviderUnavailableError('the identity provider publishes no jwks_uri');
    }
    trusted = {
      issuer: metadata.issuer,
      getKey: createRemoteJWKSet(new URL(metadata.jwks_uri), {
        [customFetch]: provider.fetch,
        timeoutDuration: 5000,
      }),
    };
    return trusted;
  }

  return {
    async verify(token, now) {
      const known = verified.get(token, now);
      if (known !== undefined) return { identity: known };
      const { issuer, getKey } = await trustedIssuer();
      try {
        const byAud = config.audienceClaim === 'aud';
        const { payload } = await jwtVerify(token, getKey, {
          issuer,
          ...(byAud ? { audience: config.audience } : {}),
          algorithms: ACCEPTED_ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now * 1000),
          requiredClaims: byAud ? ['sub', 'exp'] : ['sub', 'exp', 'client_id', 'token_use'],
        });
        if (keysUnreachable) {
          keysUnreachable = false;
          logger.info('the identity provider’s keys are reachable again');
        }
        const problem = byAud ? undefined : clientIdProblem(payload, config.audience);
        if (problem) return { problem };
        const result = identityFromClaims(payload, config.groupsClaim);
        // exp is a required claim: jose has checked that it is there and a number.
        if ('identity' in result) verified.remember(token, result.identity, now, payload.exp!);
        return result;
      } catch (error) {
        if (isKeyFetchFailure(error)) {
          // Logged once per outage; each request still gets its own 503 line.
          if (!keysUnreachable)
            logger.warn({ err: error }, 'the identity provider’s keys cannot be fetched');
          keysUnreachable = true;
          throw new ProviderUnavailableError('the identity provider’s keys cannot be fetched', {
            cause: error,
          });
        }
        if (error instanceof errors.JOSEError) return { problem: describe(error) };
        throw error;
      }
    },
  };
}

/** Why a Cognito-style access token (see the top comment) is not one for this API, if it is not. */
function clientIdProblem(payload: JWTPayload, clientId: string): string | undefined {
  if (payload.token_use !== 'access') return 'the token is not an access token';
  if (payload.aud !== undefined || payload.client_id !== clientId) {
    return 'the token is not meant for this API';
  }
  return undefined;
}

/** A key that could not be fetched, as opposed to a token that is wrong. */
function isKeyFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) {
    // jose reports a JWKS response that is not 200 / not JSON as a plain JOSEError.
    return error.code === 'ERR_JOSE_GENERIC' || error.code === 'ERR_JWKS_INVALID';
  }
  // fetch itself failed: connection refused, DNS, reset.
  return error instanceof TypeError;
}

/** Why a token was refused, in words that reveal nothing of the token itself. */
function describe(error: errors.JOSEError): string {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as errors.JWTClaimValidationFailed).claim;
      if (claim === 'nbf') return 'the token is not valid yet';
      if (claim === 'iss') return 'the token was not issued by the trusted issuer';
      if (claim === 'aud') return 'the token is not meant for this API';
      return `the token's ${claim} claim is not acceptable`;
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the token is not signed with an accepted algorithm';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'the token is not signed by a key of the trusted issuer';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature is not valid';
    default:
      return 'the token is malformed';
  }
}
