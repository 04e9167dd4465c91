/**
 * Access tokens that must be refused, each wrong in exactly one way: signed with the provider's
 * own key where the forgery needs a good signature, with keys it never had for a bad one. The
 * control, signedByProvider(validClaims()), is accepted.
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
  const iat = now();
  return { sub, iss: identity.issuer, aud: TEST_AUDIENCE, iat, exp: iat + 300, ...overrides };
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

/** Tokens for `sub` that must each be refused; `realToken` is a genuine token to tamper with. */
export async function forgedTokens(
  identity: TestIdentity,
  sub: string,
  realToken: string,
): Promise<{ label: string; token: string }[]> {
  const claims = validClaims(identity, sub, { groups: ['task-admins'] });
  const jwk = providerKey(identity);
  // The public half, derived from the private key.
  const publicPem = createPublicKey({ key: jwk, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const otherEc = (await generateKeyPair('ES256')).privateKey;
  const otherRsa = (await generateKeyPair('RS256')).privateKey;
  const [header, , signature] = realToken.split('.');
  const tamperedPayload = Buffer.from(
    JSON.stringify({ ...decodeJwt(realToken), sub: 'admin', groups: ['task-admins'] }),
  ).toString('base64url');
  const at = now();
  // Signed by the provider, with one claim wrong.
  const wrongClaims: [string, JWTPayload][] = [
    ['expired', { iat: at - 900, exp: at - 120 }],
    ['not yet valid', { nbf: at + 300 }],
    ['from another issuer', { iss: 'http://localhost:1' }],
    ['for another audience', { aud: 'https://other-api.example' }],
    ['an ID token (for the client, not the API)', { aud: 'task-manager-cli' }],
  ];
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
    ...(await Promise.all(
      wrongClaims.map(async ([label, wrong]) => ({
        label,
        token: await signedByProvider(identity, { ...claims, ...wrong }),
      })),
    )),
    {
      label: 'a real token with its payload changed',
      token: `${header}.${tamperedPayload}.${signature}`,
    },
    { label: 'not a JWT at all', token: 'c2VjcmV0LXRva2VuLXZhbHVl' },
  ];
}

/** Claims shaped like a Cognito access token: no `aud`, no name, email or `groups` claim. */
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
