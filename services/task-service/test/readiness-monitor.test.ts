/**
 * The readiness monitor on its own, with a table check the test controls and mocked timers
 * for its interval: what a check that hangs, a stop during a check and a second start do.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { eventually } from '@task-manager/testing';
import { HealthState } from '../src/health.ts';
import { createLogger } from '../src/logger.ts';
import { ReadinessMonitor } from '../src/readiness-monitor.ts';

const INTERVAL_MS = 1000;

/** A check that passes the first time and then hangs until its signal aborts it. */
function passesThenHangs() {
  let calls = 0;
  return mock.fn(async (signal: AbortSignal) => {
    if (++calls === 1) return;
    await new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason as Error)),
    );
  });
}

function monitorOf(health: HealthState, check: (signal: AbortSignal) => Promise<void>) {
  const logger = createLogger('silent');
  return new ReadinessMonitor({
    health,
    check,
    intervalMs: INTERVAL_MS,
    timeoutMs: 60_000,
    logger,
  });
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('a stop during a check records nothing of the aborted check, and no check follows', async () => {
  const health = new HealthState();
  const check = passesThenHangs();
  const monitor = monitorOf(health, check);
  monitor.start();
  await monitor.settled;
  assert.deepEqual(health.readiness, { ok: true });

  mock.timers.tick(INTERVAL_MS);
  assert.equal(check.mock.callCount(), 2, 'the next check runs one interval later');
  monitor.stop();
  await monitor.settled;
  // The abort is the monitor's own doing, not the table's: no "unreachable" is recorded.
  assert.deepEqual(health.readiness, { ok: true });
  mock.timers.tick(INTERVAL_MS * 3);
  assert.equal(check.mock.callCount(), 2);
});

test('a second start while running does not start a second round of checks', async () => {
  const check = mock.fn(async () => {});
  const monitor = monitorOf(new HealthState(), check);
  monitor.start();
  monitor.start();
  await monitor.settled;
  assert.equal(check.mock.callCount(), 1);
  mock.timers.tick(INTERVAL_MS);
  assert.equal(check.mock.callCount(), 2);
  monitor.stop();
});

test('a check that never answers is ended at timeoutMs and turns readiness off', async () => {
  mock.timers.reset(); // AbortSignal.timeout runs on real time.
  const health = new HealthState();
  const check = passesThenHangs();
  const logger = createLogger('silent');
  const monitor = new ReadinessMonitor({ health, check, intervalMs: 10, timeoutMs: 50, logger });
  monitor.start();
  try {
    await eventually(() => assert.equal(check.mock.callCount(), 2));
    await eventually(() => {
      const readiness = health.readiness;
      assert.ok(!readiness.ok);
      assert.match(readiness.reason, /TimeoutError/);
    });
  } finally {
    monitor.stop();
  }
});
