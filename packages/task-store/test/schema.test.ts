import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  completionBucket,
  completionBucketsBetween,
  completionKey,
  startKey,
  toUtcIso,
} from '../src/schema.ts';

test('toUtcIso normalises any offset to UTC with milliseconds', () => {
  assert.equal(toUtcIso('2026-11-22T09:30:00+09:00'), '2026-11-22T00:30:00.000Z');
  assert.equal(toUtcIso('2026-11-21T19:30:00.5-05:00'), '2026-11-22T00:30:00.500Z');
});

test('index sort keys are unique per task even for the same instant', () => {
  const a = startKey('2026-11-22T09:00:00+09:00', 'a');
  const b = startKey('2026-11-22T00:00:00Z', 'b');
  assert.notEqual(a, b);
  assert.ok(a < b, 'same instant sorts by task id');
  assert.equal(completionKey('2026-11-22T00:00:00Z', 't1'), '2026-11-22T00:00:00.000Z#t1');
});

test('completionBucket is the UTC hour of completion', () => {
  assert.equal(completionBucket('2026-11-22T08:59:59.999+09:00'), '2026-11-21T23');
  assert.equal(completionBucket('2026-11-22T09:00:00+09:00'), '2026-11-22T00');
});

test('completionBucketsBetween covers every hour the window overlaps, in order', () => {
  // A Tokyo day: 15:00Z to 15:00Z, 24 buckets.
  const tokyoDay = completionBucketsBetween(
    new Date('2026-11-20T15:00:00Z'),
    new Date('2026-11-21T15:00:00Z'),
  );
  assert.equal(tokyoDay.length, 24);
  assert.equal(tokyoDay[0], '2026-11-20T15');
  assert.equal(tokyoDay.at(-1), '2026-11-21T14');

  // A window that starts and ends mid-hour includes both partial hours.
  assert.deepEqual(
    completionBucketsBetween(new Date('2026-11-20T10:30:00Z'), new Date('2026-11-20T12:15:00Z')),
    ['2026-11-20T10', '2026-11-20T11', '2026-11-20T12'],
  );
  // New York's fall-back day (2026-11-01) is 25 hours long.
  assert.equal(
    completionBucketsBetween(new Date('2026-11-01T04:00:00Z'), new Date('2026-11-02T05:00:00Z'))
      .length,
    25,
  );
  assert.deepEqual(completionBucketsBetween(new Date(0), new Date(0)), []);
});
