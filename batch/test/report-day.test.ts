import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertDayStarted,
  canonicalTimeZone,
  DayNotStartedError,
  dayWindow,
  localDate,
  nextDate,
  startOfDay,
  yesterday,
} from '../src/report-day.ts';

const HOUR = 3_600_000;

function window(date: string, timeZone: string) {
  const { start, end } = dayWindow(date, timeZone);
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    hours: (end.getTime() - start.getTime()) / HOUR,
  };
}

describe('dayWindow', () => {
  test('a Tokyo day is 24 hours from 15:00 UTC the day before', () => {
    assert.deepEqual(window('2026-11-20', 'Asia/Tokyo'), {
      start: '2026-11-19T15:00:00.000Z',
      end: '2026-11-20T15:00:00.000Z',
      hours: 24,
    });
  });

  test('a UTC day is the calendar day', () => {
    assert.deepEqual(window('2024-02-29', 'UTC'), {
      start: '2024-02-29T00:00:00.000Z',
      end: '2024-03-01T00:00:00.000Z',
      hours: 24,
    });
  });

  test('the day clocks spring forward is 23 hours long (America/New_York, 2026-03-08)', () => {
    assert.deepEqual(window('2026-03-08', 'America/New_York'), {
      start: '2026-03-08T05:00:00.000Z',
      end: '2026-03-09T04:00:00.000Z',
      hours: 23,
    });
    assert.equal(window('2026-03-07', 'America/New_York').hours, 24);
    assert.equal(window('2026-03-09', 'America/New_York').hours, 24);
  });

  test('the day clocks fall back is 25 hours long (America/New_York, 2026-11-01)', () => {
    assert.deepEqual(window('2026-11-01', 'America/New_York'), {
      start: '2026-11-01T04:00:00.000Z',
      end: '2026-11-02T05:00:00.000Z',
      hours: 25,
    });
  });

  test('a day whose midnight is skipped starts when the clocks jump (America/Santiago)', () => {
    // Chile springs forward at 00:00 local (04:00 UTC): 00:00-00:59 never happens on 2026-09-06.
    assert.deepEqual(window('2026-09-06', 'America/Santiago'), {
      start: '2026-09-06T04:00:00.000Z',
      end: '2026-09-07T03:00:00.000Z',
      hours: 23,
    });
    assert.equal(window('2026-09-05', 'America/Santiago').end, '2026-09-06T04:00:00.000Z');
  });

  test('a zone with a 30-minute DST shift (Australia/Lord_Howe)', () => {
    assert.equal(window('2026-04-05', 'Australia/Lord_Howe').hours, 24.5);
  });

  test('every day of 2026 starts exactly where its local date begins', () => {
    for (const timeZone of [
      'America/New_York',
      'Europe/London',
      'America/Santiago',
      'Asia/Kolkata',
    ]) {
      for (let date = '2026-01-01'; date < '2027-01-01'; date = nextDate(date)) {
        const start = startOfDay(date, timeZone);
        assert.equal(localDate(start, timeZone), date, `${timeZone} ${date}`);
        const lastMsBefore = new Date(start.getTime() - 1);
        assert.equal(localDate(lastMsBefore, timeZone), previousDate(date), `${timeZone} ${date}`);
      }
    }
  });

  test('rejects a date that is not a calendar date', () => {
    assert.throws(() => dayWindow('2026-02-29', 'UTC'), RangeError);
    assert.throws(() => dayWindow('tomorrow', 'UTC'), RangeError);
  });
});

function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

describe('yesterday', () => {
  test('a run at 01:00 local time reports the whole previous local day', () => {
    // 2026-11-21 01:00 in Tokyo is 2026-11-20 16:00 UTC.
    assert.equal(yesterday(new Date('2026-11-20T16:00:00.000Z'), 'Asia/Tokyo'), '2026-11-20');
    // Just before local midnight it is still the day before.
    assert.equal(yesterday(new Date('2026-11-20T14:59:59.999Z'), 'Asia/Tokyo'), '2026-11-19');
    assert.equal(yesterday(new Date('2026-11-20T15:00:00.000Z'), 'Asia/Tokyo'), '2026-11-20');
  });

  test('across DST changes and month and year ends', () => {
    // 01:00 EDT on 2026-03-09, the day after clocks sprang forward.
    assert.equal(yesterday(new Date('2026-03-09T05:00:00.000Z'), 'America/New_York'), '2026-03-08');
    // 00:30 EDT on 2026-03-09: 24 hours earlier it was still 2026-03-07 (23:30 EST).
    assert.equal(yesterday(new Date('2026-03-09T04:30:00.000Z'), 'America/New_York'), '2026-03-08');
    // 01:00 EST on 2026-11-02, the day after clocks fell back.
    assert.equal(yesterday(new Date('2026-11-02T06:00:00.000Z'), 'America/New_York'), '2026-11-01');
    assert.equal(yesterday(new Date('2027-01-01T00:30:00.000Z'), 'UTC'), '2026-12-31');
    assert.equal(yesterday(new Date('2024-03-01T12:00:00.000Z'), 'UTC'), '2024-02-29');
  });
});

describe('assertDayStarted', () => {
  test('a day can be reported from its first instant on, not one millisecond before', () => {
    const window = dayWindow('2026-11-20', 'Asia/Tokyo');
    // The Tokyo day 2026-11-20 begins at 2026-11-19T15:00:00Z.
    assert.throws(
      () =>
        assertDayStarted('2026-11-20', 'Asia/Tokyo', window, new Date('2026-11-19T14:59:59.999Z')),
      (error: unknown) =>
        error instanceof DayNotStartedError &&
        /2026-11-20 has not begun yet in Asia\/Tokyo \(it begins at 2026-11-19T15:00:00\.000Z\)/.test(
          error.message,
        ),
    );
    assertDayStarted('2026-11-20', 'Asia/Tokyo', window, new Date('2026-11-19T15:00:00.000Z'));
    // Today, while it lasts, can be reported (partially).
    assertDayStarted('2026-11-20', 'Asia/Tokyo', window, new Date('2026-11-20T14:59:59.999Z'));
  });

  test('tomorrow and later are refused, whatever the zone', () => {
    const now = new Date('2026-11-01T12:00:00.000Z');
    for (const [date, zone] of [
      ['2026-11-02', 'UTC'],
      ['2026-11-03', 'Pacific/Kiritimati'],
      ['2999-01-01', 'Asia/Tokyo'],
    ] as const) {
      assert.throws(
        () => assertDayStarted(date, zone, dayWindow(date, zone), now),
        DayNotStartedError,
      );
    }
    // In Kiritimati (UTC+14) the 2nd begins at 10:00 UTC on the 1st.
    assertDayStarted(
      '2026-11-02',
      'Pacific/Kiritimati',
      dayWindow('2026-11-02', 'Pacific/Kiritimati'),
      new Date('2026-11-01T10:00:00.000Z'),
    );
  });
});

describe('canonicalTimeZone', () => {
  test('accepts IANA names in any case and returns the canonical spelling', () => {
    assert.equal(canonicalTimeZone('Asia/Tokyo'), 'Asia/Tokyo');
    assert.equal(canonicalTimeZone('asia/tokyo'), 'Asia/Tokyo');
    assert.equal(canonicalTimeZone('UTC'), 'UTC');
  });

  test('rejects unknown zones and UTC offsets', () => {
    for (const zone of ['Mars/Olympus_Mons', 'Tokyo', '', '+09:00', '-05:00']) {
      assert.throws(() => canonicalTimeZone(zone), RangeError, zone);
    }
  });
});
