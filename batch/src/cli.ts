/** The job's command line: `[--date YYYY-MM-DD]`. */
import { parseArgs } from 'node:util';
import { isReportDate } from '@task-manager/task-store';

export const USAGE = 'usage: report [--date YYYY-MM-DD]';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliArgs {
  /** The day to report; undefined means yesterday in the report's time zone. */
  date: string | undefined;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: { date?: string[] | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      // Collected rather than the last one kept: two dates are ambiguous, so an error, not a guess.
      options: { date: { type: 'string', multiple: true } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs names the offending argument; add how the command is meant to be used.
    throw new UsageError(`${(error as Error).message} (${USAGE})`);
  }
  const dates = values.date ?? [];
  if (dates.length > 1) {
    throw new UsageError(`--date must be given at most once, got ${dates.join(', ')} (${USAGE})`);
  }
  const [date] = dates;
  if (date !== undefined && !isReportDate(date)) {
    throw new UsageError(`--date must be a calendar date written YYYY-MM-DD, got "${date}"`);
  }
  return { date };
}
