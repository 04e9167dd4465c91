/**
 * Date-times in the API: RFC 3339 with seconds and an offset ("2026-11-21T09:00:00+09:00").
 *
 * Supported range. Tasks are stored and ordered by their instant in UTC as the text
 * "YYYY-MM-DDTHH:mm:ss.sssZ", in sort keys and cursors. Text orders like time only while the
 * year has four digits, so the API accepts exactly the instants whose UTC year does: from
 * 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z. "9999-12-31T23:30:00-01:00" is year
 * 10000 in UTC and is refused, as is "0000-01-01T00:30:00+01:00" (year -1).
 *
 * Precision. Instants are stored with millisecond precision. A stored value with more digits
 * would be silently changed, so it is refused; a query bound may have any precision and is
 * compared exactly (see ceilToMillisecond).
 */

export const EARLIEST_INSTANT = '0000-01-01T00:00:00.000Z';
export const LATEST_INSTANT = '9999-12-31T23:59:59.999Z';
const EARLIEST_MS = Date.parse(EARLIEST_INSTANT);
const LATEST_MS = Date.parse(LATEST_INSTANT);

const RFC3339 = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

interface ParsedInstant {
  /** The instant truncated to the millisecond, in ms since the epoch. */
  floorMs: number;
  /** Whether digits beyond the millisecond are not all zero. */
  subMillisecond: boolean;
}

function parse(value: string): ParsedInstant | undefined {
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [, date, time, fraction = '', offset] = match;
  // Date.parse rolls impossible dates over (02-30 becomes 03-02): a real date prints back as given.
  const wallClock = Date.parse(`${date}T${time}Z`);
  if (
    Number.isNaN(wallClock) ||
    new Date(wallClock).toISOString().slice(0, 19) !== `${date}T${time}`
  ) {
    return undefined;
  }
  const offsetMatch = /^[+-](\d{2}):(\d{2})$/.exec(offset!);
  if (offsetMatch && (Number(offsetMatch[1]) > 23 || Number(offsetMatch[2]) > 59)) return undefined;
  const floorMs = Date.parse(`${date}T${time}.${fraction.slice(0, 3).padEnd(3, '0')}${offset}`);
  if (Number.isNaN(floorMs)) return undefined;
  return { floorMs, subMillisecond: /[1-9]/.test(fraction.slice(3)) };
}

export type InstantProblem = 'invalid' | 'out-of-range' | 'sub-millisecond';

export const INSTANT_PROBLEM_MESSAGES: Readonly<Record<InstantProblem, string>> = {
  invalid:
    'must be an ISO 8601 date-time with seconds and an offset, e.g. 2026-11-21T09:00:00+09:00',
  'out-of-range': `must be from ${EARLIEST_INSTANT} to ${LATEST_INSTANT} in UTC`,
  'sub-millisecond': 'must have at most millisecond precision',
};

/**
 * Why `value` cannot be stored as an instant, or undefined when it can. Query bounds pass
 * `{ exact: false }`: they may be finer than a millisecond.
 */
export function instantProblem(
  value: string,
  options: { exact?: boolean } = {},
): InstantProblem | undefined {
  const parsed = parse(value);
  if (parsed === undefined) return 'invalid';
  const { floorMs, subMillisecond } = parsed;
  if (floorMs < EARLIEST_MS || floorMs > LATEST_MS || (floorMs === LATEST_MS && subMillisecond)) {
    return 'out-of-range';
  }
  if ((options.exact ?? true) && subMillisecond) return 'sub-millisecond';
  return undefined;
}

function parseOrThrow(value: string): ParsedInstant {
  const parsed = parse(value);
  if (parsed === undefined) throw new RangeError(`not an RFC 3339 date-time: ${value}`);
  return parsed;
}

/**
 * The first millisecond at or after `value`. Stored instants are whole milliseconds, so for
 * any stored s: s >= value exactly when s >= ceil(value), and s < value exactly when
 * s < ceil(value). Query bounds of any precision therefore compare exactly.
 */
export function ceilToMillisecond(value: string): number {
  const { floorMs, subMillisecond } = parseOrThrow(value);
  return subMillisecond ? floorMs + 1 : floorMs;
}

/** Exact order of two date-times, whatever their offsets and precision: -1, 0 or 1. */
export function compareInstants(a: string, b: string): number {
  const pa = parseOrThrow(a);
  const pb = parseOrThrow(b);
  if (pa.floorMs !== pb.floorMs) return pa.floorMs < pb.floorMs ? -1 : 1;
  const fa = fractionBeyondMs(a);
  const fb = fractionBeyondMs(b);
  const length = Math.max(fa.length, fb.length);
  const da = fa.padEnd(length, '0');
  const db = fb.padEnd(length, '0');
  return da === db ? 0 : da < db ? -1 : 1;
}

function fractionBeyondMs(value: string): string {
  return (RFC3339.exec(value)?.[3] ?? '').slice(3);
}
