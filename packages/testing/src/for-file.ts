/**
 * Servers a test file shares, from before its first test to after its last, on node:test's hooks.
 */
import { after, before } from 'node:test';

/**
 * Starts what `start` makes in a before() hook, then runs `prepare` (the file's data), and stops
 * it in an after() hook. What this returns stands in for what `start` made: each field is read
 * from that when used. Read it in tests and in `prepare`, not in another top-level before() hook
 * of the file: node:test starts a file's top-level hooks together, not one after another.
 */
export function forFile<T extends object>(
  start: () => Promise<T>,
  stop: (started: T) => Promise<void>,
  prepare?: () => Promise<void>,
): T {
  let started: T | undefined;
  before(async () => {
    started = await start();
    await prepare?.();
  });
  after(async () => {
    if (started !== undefined) await stop(started);
  });
  return new Proxy({} as T, {
    get(_target, field) {
      if (started === undefined) throw new Error('read before its before() hook has run');
      return Reflect.get(started, field);
    },
  });
}
