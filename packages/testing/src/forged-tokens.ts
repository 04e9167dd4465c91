/**
 * Access tokens that must be refused, each wrong in exactly one way, made with the development
 * provider's own private key where the forgery needs a good signature (expired, another audience)
 * and with keys it never had where it needs a bad one. A token signed with the provider's key and
 * right in every claim (signedByProvider(validClaims())) is accepted: that control proves each
 * refusal is due to the one thing wrong with it.
 */
import { createPublicKey } from 'node:crypto';
import {
  decodeJwt,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { TEST_AUDIENCE, type TestIdentity } from './test-identity.ts';

const now = () => Math.floor(Date.now() / 1000);

function providerKey(identity: TestIdentity): JWK & { kid: string } {
  return identity.keys.keys[0]! as JWK & { kid: string };
}

/** Claims of an access token for `sub` that the API accepts. */
export function validClaims(
  identity: TestIdentity,
  sub: string,
  overrides: JWTPayload = {},
): JWTPayload {
  const issuedAt = now();
  return {
    sub,
    iss: identity.issuer,
    aud: TEST_AUDIENCE,
    iat: issuedAt,
    exp: issuedAt + 300,
    ...overrides,
  };
}

/** `claims` signed with the provider's own key, under its key id (and `typ`, when given). */
async function signWithProviderKey(
  identity: TestIdentity,
  claims: JWTPayload,
  typ?: string,
): Promise<string> {
  const jwk = providerKey(identity);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, ...(typ ? { typ } : {}) })
    .sign(await importJWK(jwk, 'ES256'));
}

/** A token signed with the provider's own key: valid unless `claims` make it wrong. */
export async function signedByProvider(
  identity: TestIdentity,
  claims: JWTPayload,
): Promise<string> {
  return signWithProviderKey(
    identity,
    { name: 'Mallory', groups: ['task-admins'], ...claims },
    'at+jwt',
  );
}

export interface ForgedToken {
  label: string;
  token: string;
}

/** Tokens for `sub` that must each be refused; `realToken` is a genuine token to tamper with. */
export async function forgedTokens(
  identity: TestIdentity,
  sub: string,
  realToken: string,
): Promise<ForgedToken[]> {
  const claims = validClaims(identity, sub, { groups: ['task-admins'] });
  const jwk = providerKey(identity);
  const publicJwk: JWK = { ...jwk };
  delete publicJwk.d;
  const publicPem = createPublicKey({ key: publicJwk, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const otherEc = (await generateKeyPair('ES256')).privateKey;
  const otherRsa = (await generateKeyPair('RS256')).privateKey;
  const [header, , signature] = realToken.split('.');
  const tamperedPayload = Buffer.from(
    JSON.stringify({ ...decodeJwt(realToken), sub: 'admin', groups: ['task-admins'] }),
  ).toString('base64url');
  const at = now();
  return [
    {
      label: 'signed by another key under the provider’s key id',
      token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
        .sign(otherEc),
    },
    {
      label: 'signed by another key with a key id the provider does not have',
      token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' })
        .sign(otherRsa),
    },
    { label: 'alg: none', token: new UnsecuredJWT(claims).encode() },
    {
      label: 'HS256 keyed with the provider’s public key',
      token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
        .sign(new TextEncoder().encode(publicPem)),
    },
    {
      label: 'expired',
      token: await signedByProvider(identity, { ...claims, iat: at - 900, exp: at - 120 }),
    },
    {
      label: 'not yet valid',
      token: await signedByProvider(identity, { ...claims, nbf: at + 300 }),
    },
    {
      label: 'from another issuer',
      token: await signedByProvider(identity, { ...claims, iss: 'http://localhost:1' }),
    },
    {
      label: 'for another audience',
      token: await signedByProvider(identity, { ...claims, aud: 'https://other-api.example' }),
    },
    {
      label: 'an ID token (for the client, not the API)',
      token: await signedByProvider(identity, { ...claims, aud: 'task-manager-cli' }),
    },
    {
      label: 'a real token with its payload changed',
      token: `${header}.${tamperedPayload}.${signature}`,
    },
    { label: 'not a JWT at all', token: 'c2VjcmV0LXRva2VuLXZhbHVl' },
  ];
}

/**
 * Claims shaped like an Amazon Cognito access token for the app client `clientId`: no `aud`,
 * the client in `client_id`, `token_use: access`, groups in `cognito:groups` and the user name
 * in `username` (Cognito puts no name, email or `groups` in access tokens).
 */
export function cognitoAccessClaims(
  identity: TestIdentity,
  sub: string,
  clientId: string,
  overrides: JWTPayload = {},
): JWTPayload {
  const claims = validClaims(identity, sub);
  delete claims.aud;
  return {
    ...claims,
    client_id: clientId,
    token_use: 'access',
    scope: 'openid profile email',
    'cognito:groups': [],
    username: sub,
    auth_time: claims.iat,
    jti: crypto.randomUUID(),
    ...overrides,
  };
}

/** Signed with the provider's own key, with a header like Cognito's: `kid` and `alg`, no `typ`. */
export function signedLikeCognito(identity: TestIdentity, claims: JWTPayload): Promise<string> {
  return signWithProviderKey(identity, claims);
}
