/**
 * The built report job under faults on a day of thousands of completed tasks: DynamoDB stopping
 * or SIGTERM mid-run fail it promptly, publishing or changing nothing; a rerun equals a clean run.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  batchWrite,
  completionAttributes,
  getReport,
  newTaskItem,
  reportPartitionKey,
} from '@task-manager/task-store';
import {
  exitWithin,
  scanTable,
  type Exit,
  type ManagedChild,
  type TestTables,
} from '@task-manager/testing';
import { seconds, type Outcome, type VerifyContext } from '../harness/context.ts';

// A day that is over: the job refuses a day that has not begun (exit 2), and would publish
// one that is still going on as partial.
const DATE = '2026-01-08';
const TASKS = 6000;
const USERS = 40;
/** Kubernetes' default terminationGracePeriodSeconds: "prompt" means well within it. */
const PROMPT_EXIT_MS = 10_000;
/** A stuck job is killed after this, and fails the check. */
const RUN_LIMIT_MS = 90_000;

export async function reportJobCheck(context: VerifyContext): Promise<Outcome> {
  const tables = await context.newTables();
  await seedCompletedTasks(tables);
  const failures: string[] = [];

  /**
   * Runs the job for DATE, which must exit 0, or non-zero with a fault: that is injected when the
   * job logs its first progress line (it is then reading and writing), and the exit timed from it.
   */
  const run = async (label: string, fault?: (job: ManagedChild) => unknown) => {
    let faultAt = NaN;
    let faultFailed: unknown;
    const job: ManagedChild = context.spawnReportJob(tables, DATE, (line) => {
      if (fault && Number.isNaN(faultAt) && line.includes('"report progress"')) {
        faultAt = performance.now();
        Promise.resolve(fault(job)).catch((error: unknown) => (faultFailed = error));
      }
    });
    const exit: Exit | undefined = await exitWithin(job, RUN_LIMIT_MS);
    if (!exit) await job.kill();
    const end = performance.now();
    if (faultFailed) throw faultFailed;
    if (fault && Number.isNaN(faultAt)) {
      failures.push(`${label}: the job finished before the fault`);
    }
    if (fault ? !exit || exit.code === 0 : exit?.code !== 0) {
      failures.push(`${label}: exit ${describeExit(exit)}, expected ${fault ? 'non-zero' : '0'}`);
    }
    const afterFaultMs = Number.isNaN(faultAt) ? 0 : end - faultAt;
    return { exit, elapsedMs: end - job.spawnedAt, afterFaultMs };
  };

  // 1. DynamoDB goes away mid-run, on a day with no report yet: nothing may be published.
  const down = await run('DynamoDB outage', () => context.dynamo.stop());
  await context.dynamo.start();
  const afterDown = await readReport(tables);
  if (afterDown) {
    failures.push(`DynamoDB outage: a report was published (${afterDown.count} lines)`);
  }

  // 2. A clean run: the reference report.
  const clean = await run('clean run');
  const reference = await readReport(tables);
  if (reference?.count !== TASKS) {
    failures.push(`clean run: ${reference?.count ?? 'no'} lines, expected ${TASKS}`);
  }

  // 3. SIGTERM mid-run (Kubernetes stopping the Job): prompt, non-zero, report untouched.
  const terminated = await run('SIGTERM', (job) => job.signal('SIGTERM'));
  const untouched = isDeepStrictEqual(await readReport(tables), reference);
  if (terminated.afterFaultMs > PROMPT_EXIT_MS) {
    failures.push(`SIGTERM: exit took ${seconds(terminated.afterFaultMs)}`);
  }
  if (!untouched) failures.push('SIGTERM: the published report changed');

  // 4. A rerun publishes the same report (generatedAt aside), and only its lines remain.
  await run('rerun');
  const rerunReport = await readReport(tables);
  const same = isDeepStrictEqual(
    { ...rerunReport, generatedAt: undefined },
    { ...reference, generatedAt: undefined },
  );
  if (!same) failures.push('rerun: the report differs from the clean run');
  const stored = (await scanTable(tables.clients, tables.config.reportsTable)).filter(
    (item) => item.pk === reportPartitionKey(DATE),
  ).length;
  if (stored !== TASKS + 1) {
    failures.push(`rerun: ${stored} items under the date, expected ${TASKS} lines + 1 summary`);
  }

  return {
    figures: [
      `${TASKS} tasks`,
      `clean run ${seconds(clean.elapsedMs)}`,
      `DynamoDB down: exit ${describeExit(down.exit)} ${seconds(down.afterFaultMs)} after stop, ${afterDown ? 'REPORT PUBLISHED' : 'no report'}`,
      `SIGTERM: exit ${describeExit(terminated.exit)} in ${seconds(terminated.afterFaultMs)}, report ${untouched ? 'unchanged' : 'CHANGED'}`,
      `rerun: ${rerunReport?.count ?? 0} lines, ${same ? 'same report' : 'DIFFERENT report'}, ${stored} items stored`,
    ],
    failures,
  };
}

/** The published report's summary and its lines, in a canonical order; undefined if none. */
async function readReport(tables: TestTables) {
  const report = await getReport(tables.clients.doc, tables.config.reportsTable, DATE);
  if (!report) return undefined;
  const lines: string[] = [];
  for await (const { taskId, userId, completedAt, title } of report.lines) {
    lines.push(`${taskId} ${userId} ${completedAt} ${title}`);
  }
  return { ...report.summary, lines: lines.sort() };
}

/** TASKS done tasks on DATE (Asia/Tokyo), stored exactly as task-service stores them. */
async function seedCompletedTasks(tables: TestTables): Promise<void> {
  const dayStart = Date.parse(`${DATE}T00:00:00+09:00`);
  const requests = Array.from({ length: TASKS }, (_, index) => {
    const taskId = `task-${String(index).padStart(5, '0')}`;
    // Spread over the whole day, to the last millisecond before midnight.
    const completedAt = new Date(dayStart + Math.floor((index / TASKS) * 86_400_000));
    const title = index % 7 === 0 ? `締め切り, "quoted"\nline ${index}` : `task ${index}`;
    const item = {
      ...newTaskItem(
        `reporter-${index % USERS}`,
        taskId,
        { title, startAt: completedAt.toISOString() },
        completedAt,
      ),
      done: true,
      ...completionAttributes(completedAt.toISOString(), taskId),
    };
    return { PutRequest: { Item: item } };
  });
  await batchWrite(tables.clients.doc, tables.config.tasksTable, requests);
}

function describeExit(exit: Exit | undefined): string {
  if (!exit) return 'none (killed)';
  return exit.code === null ? `by ${exit.signal}` : String(exit.code);
}
