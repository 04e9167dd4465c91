/**
 * Retrying an operation while its dependency starts: capped exponential backoff up to a deadline.
 *
 * `create-tables` runs as an init container beside a DynamoDB (LocalStack) that may still be
 * pulling its image or booting. Failing at once hands the retrying to the kubelet, whose restart
 * back-off (10, 20, 40 ... 300 s) can push the next attempt past `skaffold dev`'s status-check
 * deadline; waiting here, in short steps, starts the app within seconds of DynamoDB answering.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Backoff {
  /** Pause after the first failure. */
  initialDelayMs: number;
  /** Each further pause is this many times the previous one... */
  factor: number;
  /** ...but never longer than this, so a dependency that comes up is noticed quickly. */
  maxDelayMs: number;
}

/**
 * 0.5, 1, 2, 4, 8, then 10 s between attempts. No jitter: the callers are a handful of init
 * containers, not a fleet that could stampede the server in lockstep.
 */
export const DEFAULT_BACKOFF: Backoff = { initialDelayMs: 500, factor: 2, maxDelayMs: 10_000 };

export interface Wait {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** How long until the next attempt. */
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  /** No new attempt starts after this long (counted from the first attempt). */
  deadlineMs: number;
  /** Whether a failure may go away by itself; any other failure is thrown at once. */
  isRetryable: (error: unknown) => boolean;
  /** Called before each pause, so every wait can be logged. */
  onWait?: (wait: Wait) => void;
  backoff?: Backoff;
  /** The clock and the pause, replaceable so the schedule can be tested without waiting. */
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/** Thrown when the deadline passes while the failures are still retryable. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  readonly attempts: number;
  readonly elapsedMs: number;

  constructor(attempts: number, elapsedMs: number, cause: unknown) {
    super(`gave up after ${attempts} attempts in ${Math.round(elapsedMs / 1000)} s`, { cause });
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
  }
}

/** The pause after the given failed attempt (1-based), before the deadline is applied. */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  const delay = backoff.initialDelayMs * backoff.factor ** (attempt - 1);
  return Math.min(delay, backoff.maxDelayMs);
}

/**
 * Runs `operation` until it succeeds, pausing between attempts; a non-retryable failure is
 * thrown as it is, and a retryable one that outlasts the deadline as DeadlineExceededError.
 * The last pause is shortened so that one attempt is made right at the deadline.
 */
export async function retryUntilDeadline<T>(
  operation: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const started = now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!options.isRetryable(error)) throw error;
      const remaining = started + options.deadlineMs - now();
      if (remaining <= 0) throw new DeadlineExceededError(attempt, now() - started, error);
      const delayMs = Math.min(backoffDelay(attempt, options.backoff), remaining);
      options.onWait?.({ attempt, delayMs, error });
      await pause(delayMs);
    }
  }
}
