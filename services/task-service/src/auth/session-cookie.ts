/**
 * The session cookie and the sign-in cookie: JWEs (jose, `dir` + A256GCM) under SESSION_KEYS, so
 * they are encrypted and authenticated, and any replica holding the keys reads them with no
 * session store. The first key encrypts; every key decrypts, found by the `kid` in the header, so
 * a new key can be put first while sessions made under the old one keep working until they end.
 *
 * A session carries the person's identity, the ID token (for the provider's sign-out), when the
 * person signed in (the absolute limit) and when the cookie was last issued (the idle limit).
 */
import { EncryptJWT, errors, jwtDecrypt, type JWTPayload } from 'jose';
import type { SessionKey } from './auth-config.ts';
import type { Identity } from './identity.ts';

const ENCRYPTION = { alg: 'dir', enc: 'A256GCM' } as const;

/** Distinguishes the two cookies' contents: one can never be passed off as the other. */
type Purpose = 'session' | 'sign-in';

export interface Session {
  identity: Identity;
  idToken: string | undefined;
  /** Epoch seconds when the person signed in at the provider (start of the absolute limit). */
  signedInAt: number;
  /** Epoch seconds when this cookie was issued (start of the idle limit). */
  issuedAt: number;
}

/** What the callback needs to finish a sign-in it started. */
export interface SignInState {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** This sign-in asked the provider for the person's credentials again (`prompt=login`). */
  forcedLogin: boolean;
}

export interface SessionLimits {
  idleSeconds: number;
  maxAgeSeconds: number;
}

export class SessionCodec {
  readonly #keys: readonly SessionKey[];
  readonly #limits: SessionLimits;
  readonly #audience: string;

  /**
   * `audience`: this deployment (PUBLIC_URL), sealed into every cookie and required when one is
   * opened, so deployments that share SESSION_KEYS (a Secret copied from staging) refuse each
   * other's cookies.
   */
  constructor(keys: readonly SessionKey[], limits: SessionLimits, audience: string) {
    if (keys.length === 0) throw new Error('at least one session key is needed');
    this.#keys = keys;
    this.#limits = limits;
    this.#audience = audience;
  }

  get limits(): SessionLimits {
    return this.#limits;
  }

  /** When a session issued now stops being valid: the earlier of the two limits. */
  expiresAt(session: Pick<Session, 'signedInAt' | 'issuedAt'>): number {
    return Math.min(
      session.issuedAt + this.#limits.idleSeconds,
      session.signedInAt + this.#limits.maxAgeSeconds,
    );
  }

  async sealSession(session: Session): Promise<string> {
    const { identity } = session;
    return this.#seal(
      'session',
      {
        sub: identity.userId,
        name: identity.name,
        groups: identity.groups,
        sat: session.signedInAt,
        ...(session.idToken ? { idt: session.idToken } : {}),
      },
      session.issuedAt,
      this.expiresAt(session),
    );
  }

  /** The session in a cookie, or undefined when it is forged, foreign, expired or not one. */
  async openSession(token: string, now: number): Promise<Session | undefined> {
    const payload = await this.#open(token, 'session', now);
    if (!payload) return undefined;
    const { sub, name, groups, sat, idt, iat } = payload;
    if (typeof sub !== 'string' || typeof name !== 'string' || typeof sat !== 'number') {
      return undefined;
    }
    if (typeof iat !== 'number' || !Array.isArray(groups)) return undefined;
    const session: Session = {
      identity: { userId: sub, name, groups: groups.filter((g) => typeof g === 'string') },
      idToken: typeof idt === 'string' ? idt : undefined,
      signedInAt: sat,
      issuedAt: iat,
    };
    // exp covers both limits as they were when it was issued; check again with today's limits,
    // so lowering them (after an incident, say) applies to sessions already out there.
    return this.expiresAt(session) > now ? session : undefined;
  }

  async sealSignIn(state: SignInState, now: number, ttlSeconds: number): Promise<string> {
    return this.#seal('sign-in', { ...state }, now, now + ttlSeconds);
  }

  async openSignIn(token: string, now: number): Promise<SignInState | undefined> {
    const payload = await this.#open(token, 'sign-in', now);
    if (!payload) return undefined;
    const { state, nonce, codeVerifier, returnTo, forcedLogin } = payload;
    if (
      typeof state !== 'string' ||
      typeof nonce !== 'string' ||
      typeof codeVerifier !== 'string' ||
      typeof returnTo !== 'string'
    ) {
      return undefined;
    }
    return { state, nonce, codeVerifier, returnTo, forcedLogin: forcedLogin === true };
  }

  async #seal(purpose: Purpose, claims: JWTPayload, issuedAt: number, expiresAt: number) {
    const [current] = this.#keys;
    return new EncryptJWT({ ...claims, pur: purpose })
      .setProtectedHeader({ ...ENCRYPTION, kid: current!.kid })
      .setAudience(this.#audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .encrypt(current!.key);
  }

  async #open(token: string, purpose: Purpose, now: number): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtDecrypt(
        token,
        (header) => {
          const key = this.#keys.find((candidate) => candidate.kid === header.kid);
          if (!key) throw new errors.JWEDecryptionFailed();
          return key.key;
        },
        {
          keyManagementAlgorithms: [ENCRYPTION.alg],
          contentEncryptionAlgorithms: [ENCRYPTION.enc],
          currentDate: new Date(now * 1000),
          audience: this.#audience,
          requiredClaims: ['iat', 'exp'],
        },
      );
      return payload.pur === purpose ? payload : undefined;
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }
}
