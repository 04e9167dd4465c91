import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually } from '../src/eventually.ts';

/** A check that never passes, and how many times it was tried. */
function neverReady() {
  const tries = { count: 0 };
  const check = () => {
    tries.count += 1;
    throw new Error('not yet');
  };
  return { tries, check };
}

test(
  'an abort during the pause ends the wait at once with its reason, trying no more',
  { timeout: 30_000 },
  async () => {
    const { tries, check } = neverReady();
    const controller = new AbortController();
    const gone = new Error('the process exited');
    // Without the abort, the next try would come in ten minutes and the deadline in an hour.
    const waiting = eventually(check, {
      timeoutMs: 3_600_000,
      intervalMs: 600_000,
      signal: controller.signal,
    });
    await eventually(() => assert.equal(tries.count, 1));
    controller.abort(gone);
    await assert.rejects(waiting, (error) => error === gone);
    assert.equal(tries.count, 1);
  },
);

test('an already aborted signal: its reason, without a single try', async () => {
  const { tries, check } = neverReady();
  const gone = new Error('the process exited');
  await assert.rejects(
    eventually(check, { signal: AbortSignal.abort(gone) }),
    (error) => error === gone,
  );
  assert.equal(tries.count, 0);
});
