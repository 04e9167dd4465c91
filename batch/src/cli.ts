/** The job's command line: `[--date YYYY-MM-DD] [--help]`. */
import { parseArgs } from 'node:util';
import { isReportDate } from '@task-manager/task-store';

export const USAGE = 'usage: report [--date YYYY-MM-DD] [--help]';

/** What `--help` prints, as plain text; the job then exits 0 without reading its configuration. */
export const HELP = `${USAGE}

Reports the tasks completed on one calendar day, by default yesterday in REPORT_TIMEZONE,
and publishes the report the API serves to admins. Its configuration comes from the
environment: the README's Configuration table lists what the reporter reads. Logs JSON lines
on stdout. Exit codes: 0 published, 1 failed, 2 bad arguments or configuration, 128 + n
stopped by signal n.
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliArgs {
  /** The day to report; undefined means yesterday in the report's time zone. */
  date: string | undefined;
  /** --help (or -h): print HELP and do nothing else, even beside a bad --date value. */
  help: boolean;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: { date?: string[] | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      // Collected rather than the last one kept: two dates are ambiguous, so an error, not a guess.
      options: {
        date: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs names the offending argument; add how the command is meant to be used.
    throw new UsageError(`${(error as Error).message} (${USAGE})`);
  }
  if (values.help === true) return { date: undefined, help: true };
  const dates = values.date ?? [];
  if (dates.length > 1) {
    throw new UsageError(`--date must be given at most once, got ${dates.join(', ')} (${USAGE})`);
  }
  const [date] = dates;
  if (date !== undefined && !isReportDate(date)) {
    throw new UsageError(`--date must be a calendar date written YYYY-MM-DD, got "${date}"`);
  }
  return { date, help: false };
}
