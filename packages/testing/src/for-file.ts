/**
 * Servers a test file shares, from before its first test to after its last, on node:test's hooks.
 */
import { after, before } from 'node:test';

/** Called by `start` for each thing it started, with what stops it. */
export type StopLater = (stop: () => Promise<void>) => void;

/**
 * Runs `start` in a before() hook, then `prepare` (the file's data), and in an after() hook stops,
 * last first, what `start` said it started, also when it failed halfway: a server left listening
 * keeps the file's process from ending. What this returns stands in for what `start` made: each
 * field is read from that when used. Read it in tests and in `prepare`, not in another top-level
 * before() hook of the file: node:test starts a file's top-level hooks together, not in turn.
 */
export function forFile<T extends object>(
  start: (stopLater: StopLater) => Promise<T>,
  prepare?: () => Promise<void>,
): T {
  const stops: Array<() => Promise<void>> = [];
  let started: T | undefined;
  before(async () => {
    started = await start((stop) => stops.unshift(stop));
    await prepare?.();
  });
  after(async () => {
    for (const stop of stops) await stop();
  });
  return new Proxy({} as T, {
    get(_target, field) {
      if (started === undefined) throw new Error('read before its before() hook has run');
      return Reflect.get(started, field);
    },
  });
}
