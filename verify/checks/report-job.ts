/**
 * The report job (built, as the CronJob runs it) under faults, on a day with thousands of
 * completed tasks: DynamoDB stopping mid-run makes it fail with a non-zero exit and publish
 * nothing; SIGTERM mid-run stops it promptly with a non-zero exit and leaves the published report
 * untouched; and a rerun publishes the same report as a clean run, with no leftover lines.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  getReport,
  reportPartitionKey,
  type ReportLine,
  type ReportSummary,
} from '@task-manager/task-store';
import { type Exit, exitWithin, type ManagedChild, type TestTables } from '@task-manager/testing';
import type { Check } from '../harness/check.ts';
import type { VerifyContext } from '../harness/context.ts';
import { seconds } from '../harness/stats.ts';
import { seedCompletedTasks, type CompletedSeed } from '../harness/tables.ts';

// A day that is over: the job refuses a day that has not begun (exit 2), and would publish
// one that is still going on as partial.
const DATE = '2026-01-08';
const TIME_ZONE_OFFSET = '+09:00';
const TASKS = 6000;
const USERS = 40;
/** Kubernetes' default terminationGracePeriodSeconds: "prompt" means well within it. */
const PROMPT_EXIT_MS = 10_000;
/** A stuck job is killed after this, and fails the check. */
const RUN_LIMIT_MS = 90_000;

interface Run {
  exit: Exit | undefined;
  elapsedMs: number;
  /** From the fault (stop or signal) to the exit. */
  afterFaultMs: number;
  faultInjected: boolean;
}

export const reportJobCheck: Check = {
  name: 'Report job faults',
  async run(context) {
    const tables = await context.newTables();
    await seedCompletedTasks(tables, seeds());
    const failures: string[] = [];

    // 1. DynamoDB goes away mid-run, on a day with no report yet: nothing may be published.
    const down = await runJob(context, tables, async () => {
      await context.dynamo.stop();
    });
    await context.dynamo.start();
    const afterDown = await readReport(tables);
    if (!down.faultInjected) failures.push('DynamoDB outage: the job finished before the fault');
    if (!down.exit || down.exit.code === 0) {
      failures.push(`DynamoDB outage: exit ${describeExit(down.exit)}, expected non-zero`);
    }
    if (afterDown)
      failures.push(`DynamoDB outage: a report was published (${afterDown.summary.count} lines)`);

    // 2. A clean run: the reference report.
    const clean = await runJob(context, tables);
    const reference = await readReport(tables);
    if (clean.exit?.code !== 0) failures.push(`clean run: exit ${describeExit(clean.exit)}`);
    if (reference?.summary.count !== TASKS) {
      failures.push(`clean run: ${reference?.summary.count ?? 'no'} lines, expected ${TASKS}`);
    }

    // 3. SIGTERM mid-run (Kubernetes stopping the Job): prompt, non-zero, report untouched.
    let job: ManagedChild | undefined;
    const terminated = await runJob(
      context,
      tables,
      async () => {
        job!.signal('SIGTERM');
      },
      (child) => (job = child),
    );
    const afterTerm = await readReport(tables);
    if (!terminated.faultInjected) failures.push('SIGTERM: the job finished before the signal');
    if (!terminated.exit || terminated.exit.code === 0) {
      failures.push(`SIGTERM: exit ${describeExit(terminated.exit)}, expected non-zero`);
    }
    if (terminated.afterFaultMs > PROMPT_EXIT_MS) {
      failures.push(`SIGTERM: exit took ${seconds(terminated.afterFaultMs)}`);
    }
    if (
      !sameReport(afterTerm, reference) ||
      afterTerm?.summary.generatedAt !== reference?.summary.generatedAt
    ) {
      failures.push('SIGTERM: the published report changed');
    }

    // 4. A rerun publishes the same report, and only its lines remain.
    const rerun = await runJob(context, tables);
    const rerunReport = await readReport(tables);
    if (rerun.exit?.code !== 0) failures.push(`rerun: exit ${describeExit(rerun.exit)}`);
    if (!sameReport(rerunReport, reference))
      failures.push('rerun: the report differs from the clean run');
    const stored = await countReportItems(tables);
    if (stored !== TASKS + 1) {
      failures.push(`rerun: ${stored} items under the date, expected ${TASKS} lines + 1 summary`);
    }

    return {
      figures: [
        `${TASKS} tasks`,
        `clean run ${seconds(clean.elapsedMs)}`,
        `DynamoDB down: exit ${describeExit(down.exit)} ${seconds(down.afterFaultMs)} after stop, ${afterDown ? 'REPORT PUBLISHED' : 'no report'}`,
        `SIGTERM: exit ${describeExit(terminated.exit)} in ${seconds(terminated.afterFaultMs)}, report ${sameReport(afterTerm, reference) ? 'unchanged' : 'CHANGED'}`,
        `rerun: ${rerunReport?.summary.count ?? 0} lines, ${sameReport(rerunReport, reference) ? 'same report' : 'DIFFERENT report'}, ${stored} items stored`,
      ],
      failures,
    };
  },
};

/**
 * Runs the job for DATE. With a fault, injects it when the job logs its first progress line
 * (it is then reading and writing), and times the exit from there.
 */
async function runJob(
  context: VerifyContext,
  tables: TestTables,
  fault?: () => Promise<void>,
  onSpawn?: (child: ManagedChild) => void,
): Promise<Run> {
  let faultAt = Number.NaN;
  let faultInjected = false;
  let faultFailed: unknown;
  const child = context.spawnReportJob(tables, DATE, {
    env: { REPORT_PROGRESS_EVERY: '500' },
    onLine: (line) => {
      if (fault && !faultInjected && line.includes('"report progress"')) {
        faultInjected = true;
        faultAt = performance.now();
        fault().catch((error: unknown) => (faultFailed = error));
      }
    },
  });
  onSpawn?.(child);
  const exit = await exitWithin(child, RUN_LIMIT_MS);
  if (!exit) await child.kill();
  const end = performance.now();
  if (faultFailed) throw faultFailed;
  return {
    exit,
    elapsedMs: end - child.spawnedAt,
    afterFaultMs: faultInjected ? end - faultAt : 0,
    faultInjected,
  };
}

interface ReadReport {
  summary: ReportSummary;
  lines: ReportLine[];
}

async function readReport(tables: TestTables): Promise<ReadReport | undefined> {
  const report = await getReport(tables.clients.doc, tables.config.reportsTable, DATE);
  if (!report) return undefined;
  const lines: ReportLine[] = [];
  for await (const line of report.lines) lines.push(line);
  return { summary: report.summary, lines };
}

/** Same content (generatedAt aside, which says when a run published). */
function sameReport(a: ReadReport | undefined, b: ReadReport | undefined): boolean {
  if (!a || !b) return a === b;
  const content = (report: ReadReport): string =>
    JSON.stringify({
      ...report.summary,
      generatedAt: undefined,
      lines: report.lines
        .map((line) => `${line.taskId} ${line.userId} ${line.completedAt} ${line.title}`)
        .sort(),
    });
  return content(a) === content(b);
}

async function countReportItems(tables: TestTables): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await tables.clients.doc.send(
      new QueryCommand({
        TableName: tables.config.reportsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': reportPartitionKey(DATE) },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

function seeds(): CompletedSeed[] {
  const dayStart = Date.parse(`${DATE}T00:00:00${TIME_ZONE_OFFSET}`);
  return Array.from({ length: TASKS }, (_, index) => ({
    userId: `reporter-${index % USERS}`,
    taskId: `task-${String(index).padStart(5, '0')}`,
    title: index % 7 === 0 ? `締め切り, "quoted"\nline ${index}` : `task ${index}`,
    // Spread over the whole day, to the last millisecond before midnight.
    completedAt: new Date(dayStart + Math.floor((index / TASKS) * 86_400_000)).toISOString(),
  }));
}

function describeExit(exit: Exit | undefined): string {
  if (!exit) return 'none (killed)';
  return exit.code === null ? `by ${exit.signal}` : String(exit.code);
}
