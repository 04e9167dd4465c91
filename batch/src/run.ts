/**
 * The daily report job (the task-reporter CronJob): reports the tasks completed on one
 * calendar day, by default yesterday in REPORT_TIMEZONE. Loaded by main.ts once tracing is
 * set up.
 *
 * Logs JSON lines on stdout: a start line, a progress line every REPORT_PROGRESS_EVERY
 * tasks, then one final line: the published summary, or the one error. Exits 0 on success,
 * 1 on failure, 2 on bad arguments or configuration (or a --date that has not begun), 128 + n
 * when stopped by signal n
 * (143 for SIGTERM), in which case nothing half-done is ever visible to readers.
 *
 * With tracing on, a run is one trace: a root "report run" span whose children are the
 * Query pages and write batches (spans of task-store), and every log line carries its ids.
 * Its spans are exported before the process exits, within TRACES_FLUSH_TIMEOUT_MS; a
 * collector that is down or slow changes nothing else.
 */
import { createLogger } from '@task-manager/runtime';
import { createDynamoClients, type DynamoClients } from '@task-manager/task-store';
import {
  inSpan,
  reportTracingProblemsTo,
  shutdownTracing,
  TRACES_FLUSH_TIMEOUT_MS,
  type SpanHandle,
} from '@task-manager/telemetry';
import { HELP, parseCliArgs } from './cli.ts';
import { loadConfig, type ReporterConfig } from './config.ts';
import { describeFailure, EXIT, signalExitCode } from './failure.ts';
import { peakRssBytes } from './peak-rss.ts';
import { assertDayStarted, dayWindow, yesterday } from './report-day.ts';
import { runReportJob } from './report-job.ts';

/** `service` in every log line. */
const PROGRAM = 'task-reporter';
const started = performance.now();
// Until the configuration is read (LOG_LEVEL may be the bad value).
let logger = createLogger(PROGRAM, 'info');
reportTracingProblemsTo((level, message) => logger[level](message));
let config: ReporterConfig | undefined;
let clients: DynamoClients | undefined;
let stoppedBy: NodeJS.Signals | undefined;
const controller = new AbortController();

// Kubernetes sends SIGTERM to stop a Job's Pod (and SIGKILL after the grace period); a
// terminal sends SIGINT. The first one aborts the run, which then discards what it wrote;
// a second one means "now".
function stop(signal: NodeJS.Signals): void {
  if (stoppedBy) process.exit(signalExitCode(signal));
  stoppedBy = signal;
  controller.abort(new Error(`stopped by ${signal}`));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

/** The whole run, inside the root span; returns the exit code. */
async function run(span: SpanHandle): Promise<number> {
  try {
    // The arguments first: --help needs no configuration, and a bad argument is named even when
    // the configuration is bad too.
    const args = parseCliArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    config = loadConfig(process.env);
    logger = createLogger(PROGRAM, config.logLevel);
    const now = new Date();
    const date = args.date ?? yesterday(now, config.timeZone);
    span.setAttribute('app.report.date', date);
    const window = dayWindow(date, config.timeZone);
    assertDayStarted(date, config.timeZone, window, now);
    span.setAttribute('app.report.time_zone', config.timeZone);
    clients = createDynamoClients(config.dynamo);
    const result = await runReportJob(
      {
        doc: clients.doc,
        tasksTable: config.dynamo.tasksTable,
        reportsTable: config.dynamo.reportsTable,
        logger,
      },
      {
        date,
        timeZone: config.timeZone,
        window,
        progressEvery: config.progressEvery,
        signal: controller.signal,
      },
    );
    span.setAttribute('app.report.run_id', result.runId);
    span.setAttribute('app.report.tasks', result.summary.count);
    // A signal that arrives during the clean-up after publishing surfaces as a CleanupError
    // (the report is published, older lines are left for the next run); one that arrives
    // after the last step changes nothing: the run is complete.
    logger.info(
      {
        date: result.summary.date,
        timeZone: result.summary.timeZone,
        count: result.summary.count,
        users: result.summary.users,
        generatedAt: result.summary.generatedAt,
        partial: result.summary.partial,
        runId: result.runId,
        removedLines: result.removedLines,
        durationMs: Math.round(performance.now() - started),
        // Peak resident memory of the whole run: flat whatever the number of tasks.
        maxRssBytes: peakRssBytes(),
      },
      result.summary.partial
        ? 'report published, partial: the day is not over; run the report again after it ends'
        : 'report published',
    );
    return EXIT.ok;
  } catch (error) {
    const failure = describeFailure(error, { endpoint: config?.dynamo.endpoint, stoppedBy });
    logger.error(
      { ...failure.fields, durationMs: Math.round(performance.now() - started) },
      `report failed: ${failure.message}`,
    );
    span.setError(failure.message);
    return failure.exitCode;
  } finally {
    clients?.client.destroy();
  }
}

const exitCode = await inSpan('report run', {}, async (span) => {
  const code = await run(span);
  span.setAttribute('process.exit.code', code);
  return code;
});
// The run's spans leave before the process does (bounded in time: a collector that is down
// or slow delays the exit by at most TRACES_FLUSH_TIMEOUT_MS and changes nothing else).
const flushed = await shutdownTracing();
if (flushed === 'failed' || flushed === 'timed out') {
  logger.warn(
    { outcome: flushed, timeoutMs: TRACES_FLUSH_TIMEOUT_MS },
    "the run's spans could not be exported before exit",
  );
}
// Logs are written synchronously, so nothing is lost by exiting at once; waiting for the
// event loop to drain could hang the Job on a lingering socket or timer.
process.exit(exitCode);
