/**
 * Conversions between the browser's local time (what <input type="datetime-local"> shows) and
 * the ISO 8601 instants the API stores. The API gets the browser's UTC offset with every time
 * so that the instant is unambiguous and a person's "9:00" stays 9:00 where they are.
 */

const pad = (value: number, length = 2) => String(Math.abs(value)).padStart(length, '0');

/** "2026-11-22T09:30" in the browser's time zone: the value format of datetime-local. */
export function toDateTimeLocalValue(date: Date): string {
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

const LOCAL_VALUE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** Parses a datetime-local value as local time; null when empty or not a real date-time. */
export function fromDateTimeLocalValue(value: string): Date | null {
  const match = LOCAL_VALUE.exec(value);
  if (!match) return null;
  const [year, month, day, hours, minutes, seconds] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const date = new Date(2000, 0, 1, hours!, minutes!, seconds!);
  // Not new Date(year, …): it reads years 0 to 99 as 1900 to 1999.
  date.setFullYear(year!, month! - 1, day!);
  // Rejects dates such as 2026-02-31, which Date would silently roll over.
  return date.getMonth() === month! - 1 && date.getDate() === day! ? date : null;
}

/** "2026-11-22T09:30:00+09:00": the local wall-clock time with the browser's offset. */
export function toIsoWithOffset(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  return (
    `${toDateTimeLocalValue(date)}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`
  );
}

export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** The next whole hour after `now`: a sensible default start for a new task. */
export function nextFullHour(now: Date): Date {
  const next = new Date(now);
  next.setMinutes(0, 0, 0);
  next.setHours(next.getHours() + 1);
  return next;
}

/** The browser's IANA time zone, e.g. "Asia/Tokyo". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
