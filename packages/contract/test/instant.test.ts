import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ceilToMillisecond,
  compareInstants,
  EARLIEST_INSTANT,
  instantProblem,
  LATEST_INSTANT,
} from '../src/index.ts';

const EARLIEST_MS = Date.parse(EARLIEST_INSTANT);
const LATEST_MS = Date.parse(LATEST_INSTANT);

/** An instant written with an offset, the way clients send them. */
function withOffset(ms: number, offsetMinutes: number, fraction = ''): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${local}.${millis}${fraction}${sign}${hh}:${mm}`;
}

/** RFC 3339 can only write local times whose year has four digits. */
function writable(ms: number, offsetMinutes: number): boolean {
  const year = new Date(ms + offsetMinutes * 60_000).getUTCFullYear();
  return year >= 0 && year <= 9999;
}

const offset = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
const inRange = fc.integer({ min: EARLIEST_MS, max: LATEST_MS });

describe('instantProblem', () => {
  test('the examples from the issue are out of range', () => {
    assert.equal(instantProblem('9999-12-31T23:30:00-01:00'), 'out-of-range');
    assert.equal(instantProblem('0000-01-01T00:30:00+01:00'), 'out-of-range');
  });

  test('the range is exactly the instants whose UTC year has four digits', () => {
    assert.equal(instantProblem(EARLIEST_INSTANT), undefined);
    assert.equal(instantProblem(LATEST_INSTANT), undefined);
    assert.equal(instantProblem('0000-01-01T09:00:00+09:00'), undefined);
    assert.equal(instantProblem('2028-02-29T09:00:00+09:00'), undefined);
    assert.equal(instantProblem('9999-12-31T22:59:59.999-01:00'), undefined);
    assert.equal(instantProblem('9999-12-31T23:59:59.999-00:01'), 'out-of-range');
    assert.equal(instantProblem('0000-01-01T08:59:59.999+09:00'), 'out-of-range');
  });

  test('any instant in range, with any offset, is accepted and sorts as text in UTC', () => {
    fc.assert(
      fc.property(inRange, inRange, offset, offset, (a, b, offsetA, offsetB) => {
        fc.pre(writable(a, offsetA) && writable(b, offsetB));
        const textA = withOffset(a, offsetA);
        assert.equal(instantProblem(textA), undefined, textA);
        assert.equal(instantProblem(withOffset(b, offsetB)), undefined);
        const utcA = new Date(textA).toISOString();
        const utcB = new Date(withOffset(b, offsetB)).toISOString();
        assert.match(utcA, /^\d{4}-/);
        assert.equal(Math.sign(a - b), utcA < utcB ? -1 : utcA > utcB ? 1 : 0);
      }),
    );
  });

  test('any instant outside the range is refused, whatever the offset', () => {
    const outside = fc.oneof(
      fc.integer({ min: EARLIEST_MS - 400 * 86_400_000, max: EARLIEST_MS - 1 }),
      fc.integer({ min: LATEST_MS + 1, max: LATEST_MS + 400 * 86_400_000 }),
    );
    fc.assert(
      fc.property(outside, offset, (ms, minutes) => {
        fc.pre(writable(ms, minutes));
        assert.equal(instantProblem(withOffset(ms, minutes)), 'out-of-range');
      }),
    );
  });

  test('digits beyond the millisecond are refused unless they are zeros, or the value is a bound', () => {
    assert.equal(instantProblem('2026-01-01T00:00:00.0001Z'), 'sub-millisecond');
    assert.equal(instantProblem('2026-01-01T00:00:00.123000000+09:00'), undefined);
    assert.equal(instantProblem('2026-01-01T00:00:00.0001Z', { exact: false }), undefined);
    assert.equal(instantProblem('9999-12-31T23:59:59.9991Z', { exact: false }), 'out-of-range');
  });

  test('text that is not an RFC 3339 date-time is invalid', () => {
    for (const value of [
      '2026-01-01',
      '2026-01-01T00:00Z',
      '+010000-01-01T00:00:00Z',
      'soon',
      '2026-02-30T09:00:00Z',
      '2026-02-29T09:00:00Z',
      '2026-11-21T24:00:00Z',
      '2026-11-21T23:60:00Z',
      '2026-11-21T23:59:60Z',
      '2026-11-21T09:00:00+24:00',
      '2026-11-21T09:00:00+09:60',
      '2026-11-21t09:00:00z',
    ]) {
      assert.equal(instantProblem(value), 'invalid', value);
    }
  });
});

describe('exact comparison of bounds', () => {
  /** ms since the epoch and nanoseconds within the ms: the truth, in BigInt nanoseconds. */
  const nanos = (ms: number, subNanos: number) => BigInt(ms) * 1_000_000n + BigInt(subNanos);
  const sub = fc.integer({ min: 0, max: 999_999 });
  const fraction = (subNanos: number) => String(subNanos).padStart(6, '0');

  test('a stored instant is at or after a bound exactly when it is at or after its ceiling', () => {
    fc.assert(
      fc.property(
        inRange,
        fc.integer({ min: -3, max: 3 }),
        sub,
        offset,
        (stored, delta, subNanos, minutes) => {
          const boundMs = Math.min(LATEST_MS - 1, Math.max(EARLIEST_MS, stored + delta));
          fc.pre(writable(boundMs, minutes));
          const bound = withOffset(boundMs, minutes, fraction(subNanos));
          const exact = nanos(stored, 0) >= nanos(boundMs, subNanos);
          assert.equal(stored >= ceilToMillisecond(bound), exact, `${stored} vs ${bound}`);
          assert.equal(stored < ceilToMillisecond(bound), !exact);
        },
      ),
    );
  });

  test('compareInstants orders any two date-times exactly', () => {
    fc.assert(
      fc.property(inRange, sub, offset, inRange, sub, offset, (ma, sa, oa, mb, sb, ob) => {
        fc.pre(writable(ma, oa) && writable(mb, ob));
        const truth = nanos(ma, sa) - nanos(mb, sb);
        const expected = truth < 0n ? -1 : truth > 0n ? 1 : 0;
        assert.equal(
          compareInstants(withOffset(ma, oa, fraction(sa)), withOffset(mb, ob, fraction(sb))),
          expected,
        );
      }),
    );
    assert.equal(
      compareInstants('2026-01-01T00:00:00.0001Z', '2026-01-01T09:00:00.0002+09:00'),
      -1,
    );
    // Fractions written to different lengths: .0001 is after .000, and .000100 is .0001.
    assert.equal(compareInstants('2026-01-01T00:00:00.0001Z', '2026-01-01T00:00:00.000Z'), 1);
    assert.equal(compareInstants('2026-01-01T00:00:00.000100Z', '2026-01-01T00:00:00.0001Z'), 0);
  });
});
