/**
 * Turns whatever stopped the job into the one error line it logs and its exit code.
 * Operators read this line in `kubectl logs` or an alert, so it says what failed in plain
 * words and what state the reports are left in.
 */
import { classifyDynamoError, ConfigError, SupersededRunError } from '@task-manager/task-store';
import { UsageError } from './cli.ts';
import { DayNotStartedError } from './report-day.ts';
import { CleanupError, ReportRunError, type CleanupOutcome } from './report-job.ts';

export const EXIT = {
  ok: 0,
  failed: 1,
  /** Bad --date (or one not begun yet), unknown arguments or bad configuration: retrying now cannot help. */
  usage: 2,
} as const;

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The conventional exit code of a program stopped by a signal: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 15);
}

export interface Failure {
  message: string;
  exitCode: number;
  fields: Record<string, unknown>;
}

interface AwsError {
  name: string;
  message: string;
  code?: string;
  $metadata?: { attempts?: number; httpStatusCode?: number };
}

function isAwsError(error: unknown): error is AwsError {
  return error instanceof Error && '$metadata' in error;
}

/** A DynamoDB failure in words: where, what, and after how many attempts. */
function describeDynamoError(error: AwsError, endpoint: string | undefined): string {
  const where = endpoint ? `DynamoDB at ${endpoint}` : 'DynamoDB';
  const attempts = error.$metadata?.attempts;
  const after = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  switch (classifyDynamoError(error)) {
    case 'missing-table':
      return `${where}: a table does not exist (${error.message}); create the tables first`;
    case 'unreachable':
      return `${where} is unreachable${after}: ${error.message}`;
    case 'dropped':
      return `${where} dropped the connection${after}: ${error.message}`;
    case 'timeout':
      return `${where} did not answer in time${after}: ${error.message}`;
    default:
      return `${where} request failed${after}: ${error.name}: ${error.message}`;
  }
}

function describeCause(cause: unknown, endpoint: string | undefined): string {
  if (isAwsError(cause)) return describeDynamoError(cause, endpoint);
  if (cause instanceof SupersededRunError) return cause.message;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

function describeCleanup(cleanup: CleanupOutcome): string {
  switch (cleanup.status) {
    case 'kept-as-maybe-published':
      return 'its lines are kept';
    case 'nothing-written':
      return 'nothing had been written';
    case 'deleted':
      return `its ${cleanup.lines} written lines were deleted`;
    case 'failed':
      return `its written lines could not be deleted (${cleanup.error}) and will be removed by the next run`;
  }
}

/**
 * @param stoppedBy the signal that stopped the job, if one did: the exit code then says
 *   so whatever error the abort surfaced as.
 */
export function describeFailure(
  error: unknown,
  options: { endpoint?: string | undefined; stoppedBy?: NodeJS.Signals | undefined },
): Failure {
  const { endpoint, stoppedBy } = options;
  if (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof DayNotStartedError
  ) {
    return { message: error.message, exitCode: EXIT.usage, fields: {} };
  }
  const exitCode = stoppedBy ? signalExitCode(stoppedBy) : EXIT.failed;
  if (error instanceof ReportRunError) {
    const reason = stoppedBy
      ? `stopped by ${stoppedBy} after ${error.tasksRead} tasks`
      : describeCause(error.cause, endpoint);
    const outcome =
      error.cleanup.status === 'kept-as-maybe-published'
        ? 'the report may have been published all the same (its summary was sent, and no answer came): run the job again to be sure, and'
        : 'nothing was published (the previous report of the day, if any, is unchanged) and';
    return {
      message: `${reason}; ${outcome} ${describeCleanup(error.cleanup)}`,
      exitCode,
      fields: { runId: error.runId, tasksRead: error.tasksRead, cleanup: error.cleanup },
    };
  }
  if (error instanceof CleanupError) {
    const reason = stoppedBy ? `stopped by ${stoppedBy}` : describeCause(error.cause, endpoint);
    const { summary, runId } = error.result;
    return {
      message: `the report for ${summary.date} was published (${summary.count} tasks), but deleting earlier runs' lines failed: ${reason}; the next run deletes them`,
      exitCode,
      fields: { runId, count: summary.count },
    };
  }
  return { message: describeCause(error, endpoint), exitCode, fields: {} };
}
