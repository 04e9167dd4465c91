/**
 * The provider's signing keys. Generated at start unless given: tokens signed by a key that is
 * gone after a restart simply stop verifying (the app asks the person to sign in again), which is
 * acceptable for a development provider. `npm start` keeps its key in the git-ignored .data/
 * folder so a restart does not sign everybody out; a cluster passes one from a Secret.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** Access and ID tokens are signed with ES256: asymmetric, small and fast to verify. */
export const SIGNING_ALG = 'ES256';

export interface SigningKeys {
  keys: JWK[];
}

export async function generateSigningKeys(): Promise<SigningKeys> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { keys: [{ ...jwk, kid, alg: SIGNING_ALG, use: 'sig' }] };
}

/** Checks a JWKS read from a file or the environment: private keys, each with a kid. */
export function parseSigningKeys(json: string): SigningKeys {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('the signing keys are not JSON');
  }
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error('the signing keys must be a JWKS: { "keys": [ ... ] } with at least one key');
  }
  for (const key of keys as JWK[]) {
    if (typeof key.kid !== 'string' || typeof key.d !== 'string') {
      throw new Error('every signing key needs a "kid" and its private part ("d")');
    }
  }
  return { keys: keys as JWK[] };
}
