/**
 * Access tokens that passed every check, remembered for a short while: a script or a service
 * sends the same token with every request until it expires, and checking its signature again
 * each time (ES256 through WebCrypto) was the largest cost of a list request after DynamoDB's
 * own (--cpu-prof under `npm run bench:api`).
 *
 * Only a token that jose verified and this service accepted is remembered, with the identity it
 * proved, and only while it is still valid: never at or after its `exp` (jose alone grants the
 * clock tolerance after that), never before the moment it was verified (a clock set back checks
 * again), and for at most MAX_AGE_SECONDS: a key the provider withdraws stops counting here no
 * later than it does in jose's own key cache (ten minutes). A refused token is never remembered. The map is
 * bounded: once full, the oldest entry makes room.
 */
import type { Identity } from './identity.ts';

/** How long a verified token is trusted without checking it again, at most. */
export const MAX_AGE_SECONDS = 300;
/** Enough for every client of a busy replica; a few hundred KB at most. */
const MAX_ENTRIES = 1000;

interface Entry {
  identity: Identity;
  verifiedAt: number;
  /** Epoch seconds from which the entry no longer counts. */
  until: number;
}

export class VerifiedTokens {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(maxEntries = MAX_ENTRIES) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The identity `token` proved, if it was verified and still counts at `now` (epoch seconds). */
  get(token: string, now: number): Identity | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (now < entry.verifiedAt || now >= entry.until) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.identity;
  }

  /** Remembers a token verified at `now` whose `exp` claim is `expiresAt`. */
  remember(token: string, identity: Identity, now: number, expiresAt: number): void {
    const until = Math.min(expiresAt, now + MAX_AGE_SECONDS);
    if (until <= now) return;
    this.#entries.delete(token);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(token, { identity, verifiedAt: now, until });
  }
}
