import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `check` until it stops throwing, for states that settle asynchronously (a
 * background check noticing an outage). Gives up after `timeoutMs` with the last error.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
