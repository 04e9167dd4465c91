/**
 * Calendar days in a time zone, as instants. Plain Intl is enough: it carries the IANA
 * time-zone database, and all we need from it is the local wall-clock time of an instant.
 */
import { isReportDate } from '@task-manager/task-store';

export interface DayWindow {
  /** The first instant of the day. */
  start: Date;
  /** The first instant of the next day: the window is [start, end). */
  end: Date;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * The canonical name of an IANA time zone ("asia/tokyo" → "Asia/Tokyo"), or a RangeError
 * for anything else, including UTC offsets such as "+09:00", which Intl also accepts.
 */
export function canonicalTimeZone(timeZone: string): string {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`"${timeZone}" is not an IANA time zone (such as Asia/Tokyo or UTC)`);
  }
  if (/^[+-]/.test(resolved)) {
    throw new RangeError(
      `"${timeZone}" is a UTC offset, not an IANA time zone (such as Asia/Tokyo)`,
    );
  }
  return resolved;
}

/** The local wall-clock time at `instant`, written as if it were a UTC time (in ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of wallClockFormat(timeZone).formatToParts(instant)) {
    parts[type] = Number(value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function parseDate(date: string): number {
  if (!isReportDate(date)) throw new RangeError(`"${date}" is not a YYYY-MM-DD calendar date`);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day);
}

function formatDate(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

/**
 * The first instant whose local date is `date`: local midnight, or where a daylight-saving
 * change skips midnight (America/Santiago, say) the instant the clocks jump.
 *
 * Found by bisection on whole seconds: the wall clock only moves forward across a day
 * boundary (a fall-back repeats an hour, but not across midnight in today's rules), and
 * offsets are under a day, so the boundary lies within a day either side of the date's
 * midnight read as UTC.
 */
export function startOfDay(date: string, timeZone: string): Date {
  const midnight = parseDate(date);
  let before = (midnight - DAY_MS) / 1000; // local time earlier than the date's midnight
  let atOrAfter = (midnight + DAY_MS) / 1000; // local time at or after it
  while (atOrAfter - before > 1) {
    const middle = Math.floor((before + atOrAfter) / 2);
    if (wallClock(middle * 1000, timeZone) >= midnight) atOrAfter = middle;
    else before = middle;
  }
  return new Date(atOrAfter * 1000);
}

/** The date after `date` (calendar arithmetic, no time zone involved). */
export function nextDate(date: string): string {
  return formatDate(parseDate(date) + DAY_MS);
}

/** The instants of `date` in `timeZone`: 24 hours long, or 23 or 25 on DST change days. */
export function dayWindow(date: string, timeZone: string): DayWindow {
  return { start: startOfDay(date, timeZone), end: startOfDay(nextDate(date), timeZone) };
}

/** The local date in `timeZone` at `now`. */
export function localDate(now: Date, timeZone: string): string {
  const wall = wallClock(Math.floor(now.getTime() / 1000) * 1000, timeZone);
  return formatDate(Math.floor(wall / DAY_MS) * DAY_MS);
}

/** The local date before the one at `now`: the day a nightly run reports. */
export function yesterday(now: Date, timeZone: string): string {
  return formatDate(parseDate(localDate(now, timeZone)) - DAY_MS);
}

/**
 * Refuses a day that has not begun in its time zone at `now`: nothing can have been completed
 * on it yet. A day that has begun but not ended can be reported; its report is marked partial
 * (see ReportSummary.partial) until a run after the day's end replaces it.
 */
export function assertDayStarted(
  date: string,
  timeZone: string,
  window: DayWindow,
  now: Date,
): void {
  if (now.getTime() >= window.start.getTime()) return;
  throw new DayNotStartedError(
    `${date} has not begun yet in ${timeZone} (it begins at ${window.start.toISOString()}): there is nothing to report`,
  );
}

export class DayNotStartedError extends Error {
  override name = 'DayNotStartedError';
}
