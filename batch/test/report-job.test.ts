import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  getReport,
  recordUserName,
  type ReportLine,
  type ReportSummary,
} from '@task-manager/task-store';
import { createTestTables, type TestTables, dynaliteForFile } from '@task-manager/testing';
import { dayWindow } from '../src/report-day.ts';
import { ReportRunError, runReportJob, type ReportJobParams } from '../src/report-job.ts';
import { capturingLogger, type LogLine } from './support/logs.ts';
import { completedTasksSpread, seedTasks, type SeedTask } from './support/tasks.ts';

const dynamo = dynaliteForFile();

async function tablesWith(tasks: Iterable<SeedTask>): Promise<TestTables> {
  const tables = await createTestTables(dynamo.endpoint);
  await seedTasks(tables.clients.doc, tables.config.tasksTable, tasks);
  return tables;
}

interface RunOptions extends Partial<ReportJobParams> {
  onLog?: (line: LogLine) => void;
}

async function runJob(
  tables: TestTables,
  date: string,
  timeZone: string,
  options: RunOptions = {},
) {
  const { onLog, ...params } = options;
  const { logger, lines } = capturingLogger(onLog);
  const result = await runReportJob(
    {
      doc: tables.clients.doc,
      tasksTable: tables.config.tasksTable,
      reportsTable: tables.config.reportsTable,
      logger,
    },
    { date, timeZone, window: dayWindow(date, timeZone), progressEvery: 1000, ...params },
  );
  return { result, logs: lines };
}

async function readReport(
  tables: TestTables,
  date: string,
): Promise<{ summary: ReportSummary; lines: ReportLine[] } | undefined> {
  const report = await getReport(tables.clients.doc, tables.config.reportsTable, date);
  if (!report) return undefined;
  const lines: ReportLine[] = [];
  for await (const line of report.lines) lines.push(line);
  return { summary: report.summary, lines };
}

/** Everything stored for the date: the summary and every run's lines. */
async function storedItemCount(tables: TestTables, date: string): Promise<number> {
  const { Count = 0 } = await tables.clients.doc.send(
    new QueryCommand({
      TableName: tables.config.reportsTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `REPORT#${date}` },
      Select: 'COUNT',
      ConsistentRead: true,
    }),
  );
  return Count;
}

function task(taskId: string, completedAt: string, userId = 'alice'): SeedTask {
  return { taskId, userId, title: `Title ${taskId}`, completedAt };
}

const ids = (lines: ReportLine[]): string[] => lines.map((line) => line.taskId);

describe('runReportJob', () => {
  test('reports the tasks completed within the local day, not just outside it (Asia/Tokyo)', async () => {
    const tables = await tablesWith([
      task('before-start', '2026-11-19T14:59:59.999Z'),
      task('at-start', '2026-11-19T15:00:00.000Z', 'bob'),
      task('noon', '2026-11-20T03:00:00.000Z'),
      task('last-ms', '2026-11-20T14:59:59.999Z', 'bob'),
      task('at-end', '2026-11-20T15:00:00.000Z'),
      // Same UTC date, next Tokyo date.
      task('utc-same-day', '2026-11-20T20:00:00.000Z'),
      { taskId: 'open', userId: 'alice' },
    ]);
    // The name task-service recorded for alice; bob has none, so his id stands in.
    await recordUserName(tables.clients.doc, tables.config.reportsTable, 'alice', 'Alice Liddell');
    const { result } = await runJob(tables, '2026-11-20', 'Asia/Tokyo', {
      now: () => new Date('2026-11-20T16:00:00.000Z'),
    });
    const report = await readReport(tables, '2026-11-20');
    assert.ok(report);
    assert.deepEqual(report.summary, {
      date: '2026-11-20',
      timeZone: 'Asia/Tokyo',
      count: 3,
      users: 2,
      perUser: [
        { userId: 'alice', name: 'Alice Liddell', count: 1 },
        { userId: 'bob', name: 'bob', count: 2 },
      ],
      generatedAt: '2026-11-20T16:00:00.000Z',
      partial: false,
    });
    assert.deepEqual(result.summary, report.summary);
    assert.deepEqual(report.lines, [
      {
        taskId: 'at-start',
        userId: 'bob',
        title: 'Title at-start',
        completedAt: '2026-11-19T15:00:00.000Z',
      },
      {
        taskId: 'noon',
        userId: 'alice',
        title: 'Title noon',
        completedAt: '2026-11-20T03:00:00.000Z',
      },
      {
        taskId: 'last-ms',
        userId: 'bob',
        title: 'Title last-ms',
        completedAt: '2026-11-20T14:59:59.999Z',
      },
    ]);
    assert.equal(await storedItemCount(tables, '2026-11-20'), 4);
  });

  test('the 23-hour and 25-hour days of a DST zone (America/New_York)', async () => {
    const tables = await tablesWith([
      task('mar-before', '2026-03-08T04:59:59.999Z'),
      task('mar-start', '2026-03-08T05:00:00.000Z'),
      task('mar-last-ms', '2026-03-09T03:59:59.999Z'),
      task('mar-end', '2026-03-09T04:00:00.000Z'),
      task('nov-before', '2026-11-01T03:59:59.999Z'),
      task('nov-start', '2026-11-01T04:00:00.000Z'),
      task('nov-0130-edt', '2026-11-01T05:30:00.000Z'),
      task('nov-0130-est', '2026-11-01T06:30:00.000Z'),
      task('nov-last-ms', '2026-11-02T04:59:59.999Z'),
      task('nov-end', '2026-11-02T05:00:00.000Z'),
    ]);
    const { logs } = await runJob(tables, '2026-03-08', 'America/New_York');
    await runJob(tables, '2026-11-01', 'America/New_York');
    assert.equal(logs[0]?.hours, 23);

    assert.deepEqual(ids((await readReport(tables, '2026-03-08'))!.lines), [
      'mar-start',
      'mar-last-ms',
    ]);
    // Both 01:30s of the repeated hour belong to the day.
    assert.deepEqual(ids((await readReport(tables, '2026-11-01'))!.lines), [
      'nov-start',
      'nov-0130-edt',
      'nov-0130-est',
      'nov-last-ms',
    ]);
  });

  test('a day without completed tasks gets a report with no lines', async () => {
    const tables = await tablesWith([
      task('the-day-before', '2026-11-19T14:00:00.000Z'),
      { taskId: 'open', userId: 'alice' },
    ]);
    const { result } = await runJob(tables, '2026-11-20', 'Asia/Tokyo');
    assert.equal(result.summary.count, 0);
    const report = await readReport(tables, '2026-11-20');
    assert.deepEqual(report?.summary.perUser, []);
    assert.deepEqual(report?.lines, []);
    assert.equal(await storedItemCount(tables, '2026-11-20'), 1);
  });

  test('reads the day over many Query pages of the completion index, never a Scan', async () => {
    const window = dayWindow('2026-11-20', 'Asia/Tokyo');
    const tasks = [...completedTasksSpread(130, window, 7)];
    const tables = await tablesWith(tasks);
    const commands: { name: string; input: QueryCommandInput }[] = [];
    tables.clients.doc.middlewareStack.add(
      (next, context) => (args) => {
        commands.push({
          name: String(context.commandName),
          // A copy: the paginator sends every page of a Query with one input object, changed
          // in place.
          input: { ...(args.input as QueryCommandInput) },
        });
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    await runJob(tables, '2026-11-20', 'Asia/Tokyo', { pageSize: 2 });

    const indexQueries = commands.filter((command) => command.input.IndexName === 'byCompletion');
    const buckets = new Set(
      indexQueries.map((query) => query.input.ExpressionAttributeValues?.[':bucket']),
    );
    assert.equal(buckets.size, 24, 'every UTC hour of the Tokyo day is queried');
    // 130 tasks over 24 hours in pages of 2: every hour needs several pages.
    assert.ok(indexQueries.length >= 65, `${indexQueries.length} Queries`);
    const continued = indexQueries.filter((query) => query.input.ExclusiveStartKey !== undefined);
    assert.equal(continued.length, indexQueries.length - 24);
    assert.ok(commands.every((command) => command.name !== 'ScanCommand'));
    const report = await readReport(tables, '2026-11-20');
    assert.deepEqual(
      ids(report!.lines),
      tasks.map((seeded) => seeded.taskId),
    );
    assert.equal(report!.summary.count, 130);
    assert.equal(report!.summary.perUser.length, 7);
    assert.equal(
      report!.summary.perUser.reduce((sum, user) => sum + user.count, 0),
      130,
    );
  });

  test('re-running replaces the report exactly: no duplicates, the old run gone', async () => {
    const window = dayWindow('2026-11-20', 'Asia/Tokyo');
    const tasks = [...completedTasksSpread(60, window)];
    const tables = await tablesWith(tasks);
    const first = await runJob(tables, '2026-11-20', 'Asia/Tokyo');
    const again = await runJob(tables, '2026-11-20', 'Asia/Tokyo');
    assert.notEqual(again.result.runId, first.result.runId);
    assert.equal(again.result.removedLines, 60);
    const report = await readReport(tables, '2026-11-20');
    assert.deepEqual(
      ids(report!.lines),
      tasks.map((seeded) => seeded.taskId),
    );
    assert.equal(await storedItemCount(tables, '2026-11-20'), 61);

    // Since then, one task was reopened (it leaves the index) and another completed.
    await seedTasks(tables.clients.doc, tables.config.tasksTable, [
      { taskId: tasks[0]!.taskId, userId: tasks[0]!.userId },
      task('late', '2026-11-20T14:00:00.000Z'),
    ]);
    await runJob(tables, '2026-11-20', 'Asia/Tokyo');
    const rerun = await readReport(tables, '2026-11-20');
    assert.equal(rerun!.summary.count, 60);
    assert.equal(new Set(ids(rerun!.lines)).size, 60);
    assert.ok(!ids(rerun!.lines).includes(tasks[0]!.taskId));
    assert.ok(ids(rerun!.lines).includes('late'));
    assert.equal(await storedItemCount(tables, '2026-11-20'), 61);
  });

  test('logs a start line and a progress line every progressEvery tasks', async () => {
    const window = dayWindow('2026-11-20', 'Asia/Tokyo');
    const tables = await tablesWith(completedTasksSpread(35, window));
    const { logs, result } = await runJob(tables, '2026-11-20', 'Asia/Tokyo', {
      progressEvery: 10,
    });
    assert.deepEqual(
      logs.map((line) => [line.msg, line.tasks]),
      [
        ['report started', undefined],
        ['report progress', 10],
        ['report progress', 20],
        ['report progress', 30],
      ],
    );
    assert.deepEqual(logs[0], {
      ...logs[0],
      date: '2026-11-20',
      timeZone: 'Asia/Tokyo',
      window: { start: '2026-11-19T15:00:00.000Z', end: '2026-11-20T15:00:00.000Z' },
      hours: 24,
      runId: result.runId,
    });
  });

  test('a summary stored whose answer is lost: the run says it may be published, and keeps its lines', async () => {
    const window = dayWindow('2026-11-20', 'Asia/Tokyo');
    const tables = await tablesWith(completedTasksSpread(30, window));
    tables.clients.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        if (context.commandName === 'PutItemCommand') throw new Error('simulated lost answer');
        return output;
      },
      { step: 'initialize', name: 'losePublishAnswer' },
    );
    await assert.rejects(runJob(tables, '2026-11-20', 'Asia/Tokyo'), (error: unknown) => {
      assert.ok(error instanceof ReportRunError);
      assert.deepEqual(error.cleanup, { status: 'kept-as-maybe-published' });
      return true;
    });
    // It was stored after all: readers see it whole.
    assert.equal((await readReport(tables, '2026-11-20'))?.lines.length, 30);
  });

  test('an aborted run publishes nothing and deletes the lines it wrote', async () => {
    const window = dayWindow('2026-11-20', 'Asia/Tokyo');
    const tables = await tablesWith(completedTasksSpread(300, window));
    await runJob(tables, '2026-11-20', 'Asia/Tokyo');
    const published = await readReport(tables, '2026-11-20');

    const controller = new AbortController();
    const aborted = runJob(tables, '2026-11-20', 'Asia/Tokyo', {
      progressEvery: 100,
      pageSize: 10,
      signal: controller.signal,
      onLog: (line) => {
        if (line.tasks === 100) controller.abort();
      },
    });
    await assert.rejects(aborted, (error: unknown) => {
      assert.ok(error instanceof ReportRunError);
      assert.equal(error.tasksRead, 100);
      assert.deepEqual(error.cleanup, { status: 'deleted', lines: 100 });
      return true;
    });
    assert.deepEqual(await readReport(tables, '2026-11-20'), published);
    assert.equal(await storedItemCount(tables, '2026-11-20'), 301);
  });
});
