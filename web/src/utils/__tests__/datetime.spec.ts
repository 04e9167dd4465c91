import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fromDateTimeLocalValue,
  nextFullHour,
  startOfDay,
  toDateTimeLocalValue,
  toIsoWithOffset,
} from '../datetime';

// Node re-reads TZ when it changes, so each test can pin the "browser's" time zone.
const originalTz = process.env.TZ;
const useZone = (zone: string) => (process.env.TZ = zone);

describe('date-time conversions', () => {
  beforeEach(() => useZone('Asia/Tokyo'));
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('sends local wall-clock time with the browser offset', () => {
    const date = fromDateTimeLocalValue('2026-11-22T09:30')!;
    expect(toIsoWithOffset(date)).toBe('2026-11-22T09:30:00+09:00');
    expect(date.toISOString()).toBe('2026-11-22T00:30:00.000Z');
  });

  it('uses the offset in force on that date across daylight-saving changes', () => {
    useZone('America/New_York');
    expect(toIsoWithOffset(fromDateTimeLocalValue('2026-01-15T08:00')!)).toBe(
      '2026-01-15T08:00:00-05:00',
    );
    expect(toIsoWithOffset(fromDateTimeLocalValue('2026-07-15T08:00')!)).toBe(
      '2026-07-15T08:00:00-04:00',
    );
    // Zero is +00:00: "-00:00" would say the offset is unknown (RFC 3339).
    useZone('Europe/London');
    expect(toIsoWithOffset(fromDateTimeLocalValue('2026-01-15T08:00')!)).toBe(
      '2026-01-15T08:00:00+00:00',
    );
  });

  it('reads years 0 to 99 as written, not as 1900 to 1999', () => {
    useZone('UTC');
    expect(fromDateTimeLocalValue('0050-06-15T12:00')!.toISOString()).toBe(
      '0050-06-15T12:00:00.000Z',
    );
    expect(fromDateTimeLocalValue('0000-01-01T00:00')!.toISOString()).toBe(
      '0000-01-01T00:00:00.000Z',
    );
  });

  it('handles offsets that are not whole hours', () => {
    useZone('Asia/Kolkata');
    expect(toIsoWithOffset(fromDateTimeLocalValue('2026-11-22T09:00')!)).toBe(
      '2026-11-22T09:00:00+05:30',
    );
    useZone('America/St_Johns');
    expect(toIsoWithOffset(fromDateTimeLocalValue('2026-11-22T09:00')!)).toBe(
      '2026-11-22T09:00:00-03:30',
    );
  });

  it('shows a stored instant in the browser time zone', () => {
    expect(toDateTimeLocalValue(new Date('2026-11-22T00:30:00Z'))).toBe('2026-11-22T09:30');
    useZone('UTC');
    expect(toDateTimeLocalValue(new Date('2026-11-22T00:30:00Z'))).toBe('2026-11-22T00:30');
  });

  it('round-trips through the input value', () => {
    const value = '2026-03-08T23:45';
    expect(toDateTimeLocalValue(fromDateTimeLocalValue(value)!)).toBe(value);
  });

  it('rejects values that are not a datetime-local date-time', () => {
    for (const value of [
      '',
      '2026-11-22',
      '22/11/2026 09:00',
      '2026-13-01T00:00',
      '2026-02-30T10:00',
    ]) {
      expect(fromDateTimeLocalValue(value)).toBeNull();
    }
  });

  it('finds the start of the local day and the next whole hour', () => {
    const now = new Date('2026-11-22T14:20:00+09:00');
    expect(toIsoWithOffset(startOfDay(now))).toBe('2026-11-22T00:00:00+09:00');
    expect(toIsoWithOffset(nextFullHour(now))).toBe('2026-11-22T15:00:00+09:00');
    expect(toIsoWithOffset(nextFullHour(new Date('2026-11-22T23:59:00+09:00')))).toBe(
      '2026-11-23T00:00:00+09:00',
    );
  });
});
