/**
 * The backoff schedule and the deadline, on a simulated clock: every pause is recorded instead
 * of slept, so the test is exact and instant.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffDelay,
  DeadlineExceededError,
  DEFAULT_BACKOFF,
  retryUntilDeadline,
  type Wait,
} from '../src/retry-until-deadline.ts';

class Unavailable extends Error {}

/** A clock that only moves when the code under test pauses (or an attempt takes time). */
function simulatedClock() {
  let now = 0;
  const pauses: number[] = [];
  return {
    pauses,
    advance: (ms: number) => void (now += ms),
    now: () => now,
    sleep: async (ms: number) => {
      // Would retry at once, forever, on this clock: fail instead of hanging the test.
      assert.ok(ms > 0, `a pause of ${ms} ms`);
      pauses.push(ms);
      now += ms;
    },
  };
}

const retryable = (error: unknown) => error instanceof Unavailable;

test('the pause doubles from 0.5 s and is capped at 10 s', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => backoffDelay(attempt)),
    [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000],
  );
  assert.equal(DEFAULT_BACKOFF.maxDelayMs, 10_000);
});

test('retries a retryable failure until it succeeds, reporting every wait', async () => {
  const clock = simulatedClock();
  const waits: Wait[] = [];
  let calls = 0;
  const result = await retryUntilDeadline(
    async () => {
      calls += 1;
      if (calls < 4) throw new Unavailable(`down ${calls}`);
      return 'up';
    },
    { deadlineMs: 60_000, isRetryable: retryable, onWait: (w) => waits.push(w), ...clock },
  );
  assert.equal(result, 'up');
  assert.deepEqual(clock.pauses, [500, 1000, 2000]);
  assert.deepEqual(
    waits.map((w) => [w.attempt, w.delayMs, (w.error as Error).message]),
    [
      [1, 500, 'down 1'],
      [2, 1000, 'down 2'],
      [3, 2000, 'down 3'],
    ],
  );
});

test('gives up at the deadline, after one last attempt made right at it', async () => {
  const clock = simulatedClock();
  let calls = 0;
  const failing = retryUntilDeadline(
    async () => {
      calls += 1;
      throw new Unavailable('still down');
    },
    { deadlineMs: 20_000, isRetryable: retryable, ...clock },
  );
  await assert.rejects(failing, (error: unknown) => {
    assert.ok(error instanceof DeadlineExceededError);
    assert.equal(error.attempts, calls);
    assert.equal(error.elapsedMs, 20_000);
    assert.equal((error.cause as Error).message, 'still down');
    assert.match(error.message, /after 7 attempts in 20 s/);
    return true;
  });
  // 0.5 + 1 + 2 + 4 + 8 = 15.5 s, then the 10 s pause is cut to the 4.5 s left.
  assert.deepEqual(clock.pauses, [500, 1000, 2000, 4000, 8000, 4500]);
  assert.equal(calls, 7);
});

test('time spent inside attempts counts against the deadline', async () => {
  const clock = simulatedClock();
  const failing = retryUntilDeadline(
    async () => {
      clock.advance(3000); // each attempt times out after 3 s
      throw new Unavailable('timeout');
    },
    { deadlineMs: 10_000, isRetryable: retryable, ...clock },
  );
  await assert.rejects(failing, DeadlineExceededError);
  // 3 + 0.5 + 3 + 1 + 3 (= 10.5 s): no time is left for another pause.
  assert.deepEqual(clock.pauses, [500, 1000]);
});

test('a failure that waiting cannot fix is thrown at once', async () => {
  const clock = simulatedClock();
  const denied = new Error('AccessDeniedException');
  await assert.rejects(
    retryUntilDeadline(
      async () => {
        throw denied;
      },
      { deadlineMs: 60_000, isRetryable: retryable, ...clock },
    ),
    (error) => error === denied,
  );
  assert.deepEqual(clock.pauses, []);
});

test('a deadline of 0 makes exactly one attempt', async () => {
  const clock = simulatedClock();
  let calls = 0;
  await assert.rejects(
    retryUntilDeadline(
      async () => {
        calls += 1;
        throw new Unavailable('down');
      },
      { deadlineMs: 0, isRetryable: retryable, ...clock },
    ),
    DeadlineExceededError,
  );
  assert.equal(calls, 1);
});
