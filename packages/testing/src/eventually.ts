import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Stops the wait at once with the signal's reason: when what is awaited can no longer come. */
  signal?: AbortSignal;
}

/**
 * Retries `check` until it stops throwing, for states that settle asynchronously (a
 * background check noticing an outage). Gives up after `timeoutMs` with the last error.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 50, signal }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    // An abort cuts the pause short; the next turn throws its reason.
    await sleep(intervalMs, undefined, { signal }).catch(() => {});
  }
}
