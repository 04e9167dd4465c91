/**
 * One run of the daily report: stream the day's completed tasks from the tasks table into a
 * new report run, then publish it. Nothing here holds more than a Query page of tasks and a
 * 25-line write buffer, so memory does not depend on the number of tasks.
 */
import {
  completedTasksBetween,
  ReportWriter,
  type DynamoClients,
  type ReportSummary,
} from '@task-manager/task-store';
import type { Logger } from 'pino';
import type { DayWindow } from './report-day.ts';

export interface ReportJobParams {
  date: string;
  timeZone: string;
  window: DayWindow;
  /** Log a progress line after every this many tasks. */
  progressEvery: number;
  /** Stops the run; whatever it wrote is then discarded and nothing is published. */
  signal?: AbortSignal;
  /** How long discarding a failed run's lines may take before it is left to the next run. */
  cleanupTimeoutMs?: number;
  /** Query page size over the completion index (1 MB pages when omitted). */
  pageSize?: number;
  runId?: string;
  now?: () => Date;
}

export interface ReportJobDeps {
  doc: DynamoClients['doc'];
  tasksTable: string;
  reportsTable: string;
  logger: Logger;
}

export interface ReportJobResult {
  runId: string;
  summary: ReportSummary;
  /** Lines of earlier runs of the date deleted after publishing. */
  removedLines: number;
}

export type CleanupOutcome =
  /** The summary was sent but its answer never came: readers may see this run, so it stays. */
  | { status: 'kept-as-maybe-published' }
  | { status: 'nothing-written' }
  | { status: 'deleted'; lines: number }
  | { status: 'failed'; error: string };

/** A run failed before publishing; `cause` says why, `cleanup` what became of its lines. */
export class ReportRunError extends Error {
  override name = 'ReportRunError';
  readonly runId: string;
  readonly tasksRead: number;
  readonly cleanup: CleanupOutcome;

  constructor(cause: unknown, runId: string, tasksRead: number, cleanup: CleanupOutcome) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.runId = runId;
    this.tasksRead = tasksRead;
    this.cleanup = cleanup;
  }
}

/** Publishing succeeded but deleting the previous runs' lines did not. */
export class CleanupError extends Error {
  override name = 'CleanupError';
  readonly result: Omit<ReportJobResult, 'removedLines'>;

  constructor(cause: unknown, result: Omit<ReportJobResult, 'removedLines'>) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.result = result;
  }
}

export async function runReportJob(
  deps: ReportJobDeps,
  params: ReportJobParams,
): Promise<ReportJobResult> {
  const { doc, tasksTable, reportsTable, logger } = deps;
  const { date, timeZone, window, signal } = params;
  const writer = new ReportWriter(doc, reportsTable, {
    date,
    timeZone,
    window,
    signal,
    ...(params.runId === undefined ? {} : { runId: params.runId }),
    ...(params.now === undefined ? {} : { now: params.now }),
  });
  const started = performance.now();
  logger.info(
    {
      date,
      timeZone,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      hours: (window.end.getTime() - window.start.getTime()) / 3_600_000,
      runId: writer.runId,
      tasksTable,
      reportsTable,
    },
    'report started',
  );

  let published;
  try {
    const tasks = completedTasksBetween(doc, tasksTable, window.start, window.end, {
      signal,
      ...(params.pageSize === undefined ? {} : { pageSize: params.pageSize }),
    });
    for await (const task of tasks) {
      await writer.add(task);
      if (writer.count % params.progressEvery === 0) {
        logger.info(
          { date, runId: writer.runId, tasks: writer.count, elapsedMs: elapsed(started) },
          'report progress',
        );
      }
    }
    published = await writer.publish();
  } catch (error) {
    const cleanup = await discard(writer, params.cleanupTimeoutMs ?? 5000);
    throw new ReportRunError(error, writer.runId, writer.count, cleanup);
  }

  const result = { runId: published.runId, summary: published.summary };
  try {
    return { ...result, removedLines: await writer.removeOlderRuns() };
  } catch (error) {
    throw new CleanupError(error, result);
  }
}

/**
 * Best effort: deleting the failed run's lines keeps the table tidy, but they are invisible
 * to readers either way and the next successful run deletes whatever is left.
 */
async function discard(writer: ReportWriter, timeoutMs: number): Promise<CleanupOutcome> {
  if (writer.mayBePublished) return { status: 'kept-as-maybe-published' };
  if (writer.count === 0) return { status: 'nothing-written' };
  try {
    return { status: 'deleted', lines: await writer.discard(AbortSignal.timeout(timeoutMs)) };
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
