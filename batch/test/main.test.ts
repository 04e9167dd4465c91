import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { getReport, listReportSummaries } from '@task-manager/task-store';
import {
  createTestTables,
  startDynalite,
  startFaultProxy,
  type DynaliteServer,
  type TestTables,
  dynaliteForFile,
} from '@task-manager/testing';
import { dayWindow, localDate, yesterday } from '../src/report-day.ts';
import type { LogLine } from './support/logs.ts';
import { HELP } from '../src/cli.ts';
import { MAIN, runProgram, type ProgramRun } from './support/program.ts';
import { completedTasksSpread, seedTasks } from './support/tasks.ts';

const DATE = '2026-11-20';
const TIME_ZONE = 'Asia/Tokyo';
// Enough tasks that a run is still reading when the test acts on its first progress line.
const MANY = 3000;

const dynamo = dynaliteForFile();

function jobEnv(tables: TestTables, extra: Record<string, string> = {}): Record<string, string> {
  return { ...tables.env, REPORT_TIMEZONE: TIME_ZONE, REPORT_PROGRESS_EVERY: '100', ...extra };
}

async function tablesWithTasks(server: DynaliteServer, count: number): Promise<TestTables> {
  const tables = await createTestTables(server.endpoint);
  await seedTasks(
    tables.clients.doc,
    tables.config.tasksTable,
    completedTasksSpread(count, dayWindow(DATE, TIME_ZONE)),
  );
  return tables;
}

async function storedItemCount(tables: TestTables, date = DATE): Promise<number> {
  const pages = paginateQuery(
    { client: tables.clients.doc },
    {
      TableName: tables.config.reportsTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `REPORT#${date}` },
      Select: 'COUNT',
      ConsistentRead: true,
    },
  );
  let count = 0;
  for await (const page of pages) count += page.Count ?? 0;
  return count;
}

async function countOf(items: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  const iterator = items[Symbol.asyncIterator]();
  while (!(await iterator.next()).done) count += 1;
  return count;
}

async function summaryOf(tables: TestTables, date = DATE) {
  return (await getReport(tables.clients.doc, tables.config.reportsTable, date))?.summary;
}

const errorLines = (run: ProgramRun): LogLine[] =>
  run.lines.filter((line) => line.level !== 'info');

function assertOneErrorLine(run: ProgramRun, message: RegExp): LogLine {
  const errors = errorLines(run);
  assert.equal(errors.length, 1, JSON.stringify(run.lines));
  assert.equal(errors[0]!.level, 'error');
  assert.match(errors[0]!.msg, message);
  assert.equal(run.lines.at(-1), errors[0], 'the error is the last line');
  assert.equal(run.stderr, '');
  return errors[0]!;
}

describe('the report program', () => {
  test('reports the given day: start, progress and summary lines, exit 0', async () => {
    const tables = await tablesWithTasks(dynamo, 250);
    const run = await runProgram(['--date', DATE], jobEnv(tables));
    assert.equal(run.code, 0, JSON.stringify(run.lines));
    assert.equal(run.stderr, '');
    assert.deepEqual(
      run.lines.map((line) => [line.level, line.msg, line.tasks]),
      [
        ['info', 'report started', undefined],
        ['info', 'report progress', 100],
        ['info', 'report progress', 200],
        ['info', 'report published', undefined],
      ],
    );
    // The same log shape as task-service's and the identity provider's (@task-manager/runtime).
    for (const line of run.lines) assert.equal(line.service, 'task-reporter');
    const final = run.lines.at(-1)!;
    assert.equal(final.date, DATE);
    assert.equal(final.timeZone, TIME_ZONE);
    assert.equal(final.count, 250);
    assert.equal(final.users, 50);
    assert.equal(typeof final.maxRssBytes, 'number');
    assert.equal((await summaryOf(tables))?.count, 250);
    assert.equal(await storedItemCount(tables), 251);
  });

  test('without --date it reports yesterday in REPORT_TIMEZONE', async () => {
    const tables = await createTestTables(dynamo.endpoint);
    // A zone whose date differs from UTC's right now (UTC+14 from 10:00 UTC, UTC-11 before
    // 11:00 UTC), so that a job reporting yesterday in UTC instead fails.
    const zone = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'].find(
      (name) => yesterday(new Date(), name) !== yesterday(new Date(), 'UTC'),
    )!;
    const expected = new Set([yesterday(new Date(), zone)]);
    const run = await runProgram([], jobEnv(tables, { REPORT_TIMEZONE: zone }));
    expected.add(yesterday(new Date(), zone)); // in case the test straddles local midnight
    assert.equal(run.code, 0, JSON.stringify(run.lines));
    const final = run.lines.at(-1)!;
    assert.ok(expected.has(String(final.date)), `${final.date} in ${[...expected]}`);
    assert.equal(final.timeZone, zone);
    assert.equal(final.count, 0);
  });

  test('--help: the help on stdout and exit 0, with no configuration at all', () => {
    for (const flag of ['--help', '-h']) {
      const run = spawnSync(process.execPath, ['--conditions=development', MAIN, flag], {
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, HELP);
      assert.equal(run.stderr, '');
    }
  });

  test('a bad --date or an unknown argument: exit 2, one error line, nothing written', async () => {
    const tables = await createTestTables(dynamo.endpoint);
    const cases: [string[], RegExp][] = [
      [
        ['--date', '2026-02-30'],
        /--date must be a calendar date written YYYY-MM-DD, got "2026-02-30"/,
      ],
      [['--date', '20261120'], /--date must be a calendar date/],
      [['--date'], /--date/],
      [['--dat', DATE], /Unknown option '--dat'/],
      [[DATE], /Unexpected argument '2026-11-20'/],
    ];
    for (const [args, message] of cases) {
      const run = await runProgram(args, jobEnv(tables));
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.lines.length, 1);
      assertOneErrorLine(run, message);
    }
    const page = await listReportSummaries(tables.clients.doc, tables.config.reportsTable, {
      limit: 10,
    });
    assert.deepEqual(page.items, []);
  });

  test('a day that has not begun: exit 2, one error line, nothing written', async () => {
    const tables = await createTestTables(dynamo.endpoint);
    for (const date of ['2999-12-31', '2100-01-01']) {
      const run = await runProgram(['--date', date], jobEnv(tables));
      assert.equal(run.code, 2, date);
      assert.equal(run.lines.length, 1);
      assertOneErrorLine(run, new RegExp(`${date} has not begun yet in ${TIME_ZONE}`));
    }
    const page = await listReportSummaries(tables.clients.doc, tables.config.reportsTable, {
      limit: 10,
    });
    assert.deepEqual(page.items, []);
  });

  test('today is published marked partial, and a run after the day replaces it', async () => {
    const tables = await createTestTables(dynamo.endpoint);
    // A zone where it is between 06:00 and 18:00 now, so "today" cannot end during the test.
    const offset = ((((12 - new Date().getUTCHours()) % 24) + 36) % 24) - 12;
    const zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const today = localDate(new Date(), zone);
    const run = await runProgram(['--date', today], jobEnv(tables, { REPORT_TIMEZONE: zone }));
    assert.equal(run.code, 0, JSON.stringify(run.lines));
    const final = run.lines.at(-1)!;
    assert.equal(final.partial, true);
    assert.match(final.msg, /partial: the day is not over/);
    const report = await getReport(tables.clients.doc, tables.config.reportsTable, today);
    assert.equal(report?.summary.partial, true);

    // The day before, reported now, is complete.
    const before = yesterday(new Date(), zone);
    const complete = await runProgram(
      ['--date', before],
      jobEnv(tables, { REPORT_TIMEZONE: zone }),
    );
    assert.equal(complete.code, 0);
    assert.equal(complete.lines.at(-1)!.partial, false);
  });

  test('bad configuration: exit 2 and one error line naming the variable', async () => {
    const tables = await createTestTables(dynamo.endpoint);
    const cases: [Record<string, string>, RegExp][] = [
      [{ REPORT_TIMEZONE: 'Asia/Atlantis' }, /REPORT_TIMEZONE: "Asia\/Atlantis" is not an IANA/],
      [{ REPORT_PROGRESS_EVERY: '0' }, /REPORT_PROGRESS_EVERY must be between 1 and/],
      [{ DYNAMODB_MAX_ATTEMPTS: 'lots' }, /DYNAMODB_MAX_ATTEMPTS must be an integer/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
      // Every bad value at once, as task-service reports them.
      [
        { LOG_LEVEL: 'loud', REPORT_PROGRESS_EVERY: '0' },
        /LOG_LEVEL must be one of.*; REPORT_PROGRESS_EVERY must be between 1 and/,
      ],
    ];
    for (const [env, message] of cases) {
      const run = await runProgram(['--date', DATE], jobEnv(tables, env));
      assert.equal(run.code, 2, JSON.stringify(env));
      assert.equal(run.lines.length, 1);
      assertOneErrorLine(run, message);
    }
  });

  test('DynamoDB unreachable: exit 1 after bounded retries, one error line', async () => {
    const down = await startDynalite();
    const tables = await createTestTables(down.endpoint);
    await down.stop();
    const run = await runProgram(['--date', DATE], jobEnv(tables));
    assert.equal(run.code, 1);
    const error = assertOneErrorLine(
      run,
      /report failed: DynamoDB at http:\/\/127\.0\.0\.1:\d+ is unreachable after 2 attempts: .*ECONNREFUSED.*nothing was published/,
    );
    assert.deepEqual(error.cleanup, { status: 'nothing-written' });
  });

  test('a missing table: exit 1 and an error line that says so', async () => {
    const tables = await createTestTables(dynamo.endpoint);
    const run = await runProgram(
      ['--date', DATE],
      jobEnv(tables, { TASKS_TABLE: 'no-such-table' }),
    );
    assert.equal(run.code, 1);
    assertOneErrorLine(run, /a table does not exist .*create the tables first/);
  });
});

describe('the report program stopped mid-run', () => {
  let tables: TestTables;
  let published: Awaited<ReturnType<typeof summaryOf>>;
  before(async () => {
    tables = await tablesWithTasks(dynamo, MANY);
    const first = await runProgram(['--date', DATE], jobEnv(tables));
    assert.equal(first.code, 0);
    published = await summaryOf(tables);
    assert.equal(published?.count, MANY);
  });

  for (const [signal, exitCode] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`${signal}: exits ${exitCode} promptly, the published report unchanged, its own lines deleted`, async () => {
      let signalled = false;
      const run = await runProgram(['--date', DATE], jobEnv(tables), (line, child) => {
        if (line.msg === 'report progress' && !signalled) {
          signalled = true;
          child.signal(signal);
        }
      });
      assert.equal(run.code, exitCode);
      const error = assertOneErrorLine(
        run,
        new RegExp(`report failed: stopped by ${signal} after \\d+ tasks; nothing was published`),
      );
      assert.ok(Number(error.tasksRead) < MANY, `stopped after ${error.tasksRead} of ${MANY}`);
      assert.equal((error.cleanup as { status: string }).status, 'deleted');
      assert.ok(!run.lines.some((line) => line.msg === 'report published'));
      assert.deepEqual(await summaryOf(tables), published);
      assert.equal(await storedItemCount(tables), MANY + 1);
    });
  }
});

describe('the report program when DynamoDB goes down mid-run', () => {
  test('exit 1, one error line, the published report unchanged; the next run tidies up', async (t) => {
    const tables = await tablesWithTasks(dynamo, MANY);
    assert.equal((await runProgram(['--date', DATE], jobEnv(tables))).code, 0);
    const published = await summaryOf(tables);

    // The job reaches DynamoDB through a proxy that fails like the network would.
    const proxy = await startFaultProxy(dynamo.endpoint);
    t.after(() => proxy.close());
    const run = await runProgram(
      ['--date', DATE],
      jobEnv(tables, { DYNAMODB_ENDPOINT: proxy.endpoint }),
      (line) => {
        if (line.msg === 'report progress' && line.tasks === 100) proxy.cut();
      },
    );
    assert.equal(run.code, 1);
    const error = assertOneErrorLine(
      run,
      // The cut proxy resets every connection, open or new (it keeps its port: fault-proxy.ts);
      // refused connections are the case of DynamoDB down from the start, above.
      /report failed: DynamoDB at http:\/\/127\.0\.0\.1:\d+ dropped the connection after 2 attempts: .*ECONNRESET.*nothing was published/,
    );
    assert.ok(Number(error.tasksRead) < MANY);
    assert.equal((error.cleanup as { status: string }).status, 'failed');

    assert.deepEqual(await summaryOf(tables), published);
    const report = await getReport(tables.clients.doc, tables.config.reportsTable, DATE);
    assert.equal(await countOf(report!.lines), MANY);
    assert.ok((await storedItemCount(tables)) > MANY + 1, 'the failed run left lines behind');

    const rerun = await runProgram(['--date', DATE], jobEnv(tables));
    assert.equal(rerun.code, 0);
    assert.ok(Number(rerun.lines.at(-1)!.removedLines) > MANY);
    assert.equal(await storedItemCount(tables), MANY + 1);
  });
});
