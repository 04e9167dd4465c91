import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BatchGetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createTestTables, dynaliteForFile } from '@task-manager/testing';
import {
  getReport,
  InvalidCursorError,
  isReportDate,
  listReportSummaries,
  readUserNames,
  recordUserName,
  REPORT_PER_USER_LIMIT,
  ReportChangedError,
  ReportWriter,
  SupersededRunError,
  type ReportLine,
  type ReportRunOptions,
} from '../src/index.ts';

const dynamo = dynaliteForFile();

async function tables(): Promise<{ doc: DynamoDBDocumentClient; table: string }> {
  const { clients, config } = await createTestTables(dynamo.endpoint);
  return { doc: clients.doc, table: config.reportsTable };
}

const window = {
  start: new Date('2026-11-19T15:00:00.000Z'),
  end: new Date('2026-11-20T15:00:00.000Z'),
};

function line(n: number, userId = `user-${n % 3}`): ReportLine {
  const completedAt = new Date(window.start.getTime() + n * 60_000).toISOString();
  return { taskId: `task-${String(n).padStart(5, '0')}`, userId, title: `Task ${n}`, completedAt };
}

function writer(
  doc: DynamoDBDocumentClient,
  table: string,
  options: Partial<ReportRunOptions> = {},
): ReportWriter {
  return new ReportWriter(doc, table, {
    date: '2026-11-20',
    timeZone: 'Asia/Tokyo',
    window,
    ...options,
  });
}

async function publish(run: ReportWriter, lines: ReportLine[]): Promise<void> {
  for (const item of lines) await run.add(item);
  await run.publish();
  await run.removeOlderRuns();
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Every item stored for a date: the summary and the lines of every run, by sort key. */
async function storedItems(doc: DynamoDBDocumentClient, table: string, date: string) {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `REPORT#${date}` },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('isReportDate', () => {
  test('accepts real calendar dates only', () => {
    for (const date of ['2026-11-20', '2024-02-29', '2026-12-31', '1970-01-01']) {
      assert.equal(isReportDate(date), true, date);
    }
    for (const date of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-11-31', '2026-11-2', '']) {
      assert.equal(isReportDate(date), false, date);
    }
    for (const date of [
      '20261120',
      '2026/11/20',
      ' 2026-11-20',
      '2026-11-20T00:00',
      '２０２６-11-20',
    ]) {
      assert.equal(isReportDate(date), false, date);
    }
  });
});

describe('ReportWriter and getReport', () => {
  test('a published report has its summary and its lines in completion order', async () => {
    const { doc, table } = await tables();
    const lines = [line(3, 'bob'), line(1, 'alice'), line(2, 'bob')];
    lines.push({ ...line(4, 'carol'), completedAt: '2026-11-20T00:04:00.000+09:00' });
    // Names as task-service records them; carol's was never recorded.
    await recordUserName(doc, table, 'alice', 'Alice Liddell');
    await recordUserName(doc, table, 'bob', 'Bob');
    await recordUserName(doc, table, 'bob', 'Robert Tables');
    const run = writer(doc, table, { now: () => new Date('2026-11-20T16:00:00.000Z') });
    await publish(run, lines);

    const report = await getReport(doc, table, '2026-11-20');
    assert.ok(report);
    assert.deepEqual(report.summary, {
      date: '2026-11-20',
      timeZone: 'Asia/Tokyo',
      count: 4,
      users: 3,
      perUser: [
        { userId: 'alice', name: 'Alice Liddell', count: 1 },
        { userId: 'bob', name: 'Robert Tables', count: 2 },
        { userId: 'carol', name: 'carol', count: 1 },
      ],
      generatedAt: '2026-11-20T16:00:00.000Z',
      partial: false,
    });
    assert.deepEqual(await collect(report.lines), [
      line(1, 'alice'),
      line(2, 'bob'),
      line(3, 'bob'),
      // Stored and served in UTC whatever offset it was given with.
      { ...line(4, 'carol'), completedAt: '2026-11-19T15:04:00.000Z' },
    ]);
    // The lines are re-readable: each iteration reads them again.
    assert.equal((await collect(report.lines)).length, 4);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 5);
  });

  test('a report made before its day ended is partial until a run after the end replaces it', async () => {
    const { doc, table } = await tables();
    // The Tokyo day 2026-11-20 ends at 2026-11-20T15:00:00Z. A run that began reading just
    // before then is partial, even though it publishes after: it is as of when it began (a task
    // completed in between may be missing).
    let clock = new Date('2026-11-20T14:59:59.999Z');
    const early = writer(doc, table, { now: () => clock });
    clock = new Date('2026-11-20T15:00:05.000Z');
    await publish(early, [line(1, 'alice')]);
    const partial = await getReport(doc, table, '2026-11-20');
    assert.equal(partial?.summary.partial, true);
    assert.equal(partial?.summary.generatedAt, '2026-11-20T14:59:59.999Z');
    assert.equal((await listReportSummaries(doc, table, { limit: 1 })).items[0]?.partial, true);

    const final = writer(doc, table, { now: () => new Date('2026-11-20T15:00:00.000Z') });
    await publish(final, [line(1, 'alice'), line(2, 'bob')]);
    const complete = await getReport(doc, table, '2026-11-20');
    assert.equal(complete?.summary.partial, false);
    assert.equal(complete?.summary.count, 2);
    // Derived from what is stored, never stored itself: one truth.
    const [summary] = (await storedItems(doc, table, '2026-11-20')).filter(
      (item) => item.sk === 'SUMMARY',
    );
    assert.equal(summary?.partial, undefined);
  });

  test('names are read 100 at a time; a report published before names existed shows ids', async () => {
    const { doc, table } = await tables();
    const users = Array.from({ length: 230 }, (_, index) => `user-${index}`);
    for (const user of users.slice(0, 200)) await recordUserName(doc, table, user, `Name ${user}`);
    const names = await readUserNames(doc, table, [...users, 'user-1']);
    assert.equal(names.size, 200);
    assert.equal(names.get('user-199'), 'Name user-199');
    assert.equal(names.has('user-200'), false);

    // A summary as it was stored before names: perUser without them.
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'REPORT#2026-11-19',
          sk: 'SUMMARY',
          kind: 'report',
          date: '2026-11-19',
          timeZone: 'Asia/Tokyo',
          count: 0,
          perUser: [{ userId: 'user-1', count: 2 }],
          generatedAt: '2026-11-19T16:00:00.000Z',
          runId: 'old-run',
        },
      }),
    );
    const old = await getReport(doc, table, '2026-11-19');
    assert.deepEqual(old?.summary.perUser, [{ userId: 'user-1', name: 'user-1', count: 2 }]);
    // Published before the limit: its list named everyone.
    assert.equal(old?.summary.users, 1);
  });

  test('a day of many people names the ones who completed the most, and counts them all', async () => {
    const { doc, table } = await tables();
    const people = REPORT_PER_USER_LIMIT + 30;
    // person-000 completes 1 task, person-001 2, ... up to 4; then again from 1.
    const lines: ReportLine[] = [];
    for (let person = 0; person < people; person += 1) {
      for (let done = 0; done <= person % 4; done += 1) {
        lines.push(line(lines.length, `person-${String(person).padStart(3, '0')}`));
      }
    }
    await recordUserName(doc, table, 'person-003', 'Dee');
    const run = writer(doc, table);
    await publish(run, lines);
    const { summary } = (await getReport(doc, table, '2026-11-20'))!;
    assert.equal(summary.count, lines.length);
    assert.equal(summary.users, people);
    assert.equal(summary.perUser.length, REPORT_PER_USER_LIMIT);
    // Those who completed the most (ties by id) up to the limit, listed by id.
    const counts = new Map<string, number>();
    for (const { userId } of lines) counts.set(userId, (counts.get(userId) ?? 0) + 1);
    const expected = [...counts]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, REPORT_PER_USER_LIMIT)
      .map(([userId]) => userId)
      .sort();
    assert.deepEqual(
      summary.perUser.map((entry) => entry.userId),
      expected,
    );
    for (const entry of summary.perUser) assert.equal(entry.count, counts.get(entry.userId));
    assert.equal(summary.perUser.find((entry) => entry.userId === 'person-003')?.name, 'Dee');
    // The lines still name every one of them.
    const named = new Set(
      (await collect((await getReport(doc, table, '2026-11-20'))!.lines)).map((l) => l.userId),
    );
    assert.equal(named.size, people);
  });

  test('names DynamoDB leaves unprocessed are asked for again, a bounded number of times', async () => {
    const { doc, table } = await tables();
    for (const user of ['a', 'b', 'c']) await recordUserName(doc, table, user, `Name ${user}`);
    // dynalite never leaves keys unprocessed: this client reads the first key of each call from
    // it and returns the others unprocessed, as a throttled DynamoDB may.
    const asked: number[] = [];
    const throttled = {
      send: async (command: BatchGetCommand) => {
        const [first, ...rest] = command.input.RequestItems![table]!.Keys!;
        asked.push(rest.length + 1);
        const answer = await doc.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: [first!] } } }),
        );
        return { ...answer, UnprocessedKeys: rest.length > 0 ? { [table]: { Keys: rest } } : {} };
      },
    } as unknown as DynamoDBDocumentClient;
    const names = await readUserNames(throttled, table, ['a', 'b', 'c'], { baseDelayMs: 1 });
    assert.deepEqual(Object.fromEntries(names), { a: 'Name a', b: 'Name b', c: 'Name c' });
    assert.deepEqual(asked, [3, 2, 1]);
    await assert.rejects(
      readUserNames(throttled, table, ['a', 'b', 'c'], { baseDelayMs: 1, maxAttempts: 2 }),
      /1 user names stayed unprocessed after 2 calls/,
    );
  });

  test('a day without completed tasks has a report with no lines', async () => {
    const { doc, table } = await tables();
    await publish(writer(doc, table), []);
    const report = await getReport(doc, table, '2026-11-20');
    assert.ok(report);
    assert.equal(report.summary.count, 0);
    assert.deepEqual(report.summary.perUser, []);
    assert.deepEqual(await collect(report.lines), []);
  });

  test('no report for a date never published, nor for a malformed date', async () => {
    const { doc, table } = await tables();
    assert.equal(await getReport(doc, table, '2026-11-20'), undefined);
    assert.equal(await getReport(doc, table, '2026-11-20#x'), undefined);
    assert.equal(await getReport(doc, table, 'x'.repeat(5000)), undefined);
  });

  test('lines are written in batches of 25 and read back across Query pages', async () => {
    const { doc, table } = await tables();
    const lines = Array.from({ length: 61 }, (_, n) => line(n));
    await publish(writer(doc, table), lines);
    const report = await getReport(doc, table, '2026-11-20', { pageSize: 7 });
    assert.ok(report);
    assert.deepEqual(await collect(report.lines), lines);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 62);
  });

  test('a re-run replaces the report exactly and deletes the previous run', async () => {
    const { doc, table } = await tables();
    await publish(writer(doc, table), [line(1), line(2), line(3)]);
    const rerun = [line(2), line(3), line(4), line(5)];
    await publish(writer(doc, table), rerun);

    const report = await getReport(doc, table, '2026-11-20');
    assert.ok(report);
    assert.equal(report.summary.count, 4);
    assert.deepEqual(await collect(report.lines), rerun);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 1 + rerun.length);
  });

  test('an unpublished run changes nothing readers see, and discard removes its lines', async () => {
    const { doc, table } = await tables();
    await publish(writer(doc, table), [line(1), line(2)]);
    // One write at a time, so that the first 25 lines are stored when add() returns.
    const failed = writer(doc, table, { maxInFlight: 1 });
    for (let n = 10; n < 40; n += 1) await failed.add(line(n));
    assert.equal(failed.written, 25);

    const report = await getReport(doc, table, '2026-11-20');
    assert.ok(report);
    assert.equal(report.summary.count, 2);
    assert.deepEqual(await collect(report.lines), [line(1), line(2)]);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 3 + 25);

    assert.equal(await failed.discard(), 25);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 3);
    await assert.rejects(failed.publish(), /cannot publish/);
  });

  test('the next run deletes what failed runs left behind', async () => {
    const { doc, table } = await tables();
    // One write at a time, so its first 25 lines are stored when add() returns; then it
    // dies: never published, never discarded.
    const failed = writer(doc, table, { runId: '20261121T010000000Z-aaaaaaaa', maxInFlight: 1 });
    for (let n = 0; n < 30; n += 1) await failed.add(line(n));
    assert.equal(failed.written, 25);

    const next = writer(doc, table, { runId: '20261121T020000000Z-bbbbbbbb' });
    await publish(next, [line(100)]);
    assert.deepEqual(
      (await storedItems(doc, table, '2026-11-20')).map((item) => item.sk),
      [`RUN#${next.runId}#${line(100).completedAt}#${line(100).taskId}`, 'SUMMARY'],
    );
  });

  test('a published run refuses to discard its lines', async () => {
    const { doc, table } = await tables();
    const run = writer(doc, table);
    await publish(run, [line(1)]);
    await assert.rejects(run.discard(), /may have been published/);
    const report = await getReport(doc, table, '2026-11-20');
    assert.equal((await collect(report!.lines)).length, 1);
  });

  test('an older run cannot replace a newer published report, nor delete a newer run', async () => {
    const { doc, table } = await tables();
    // Runs still writing: one write at a time, so their lines are stored when add() returns.
    const older = writer(doc, table, { runId: '20261121T010000000Z-aaaaaaaa', maxInFlight: 1 });
    const newer = writer(doc, table, { runId: '20261121T010500000Z-bbbbbbbb' });
    const newest = writer(doc, table, { runId: '20261121T011000000Z-cccccccc', maxInFlight: 1 });
    for (let n = 100; n < 125; n += 1) await older.add(line(n));
    const newestLines = Array.from({ length: 25 }, (_, n) => line(200 + n));
    for (const item of newestLines) await newest.add(item);
    await publish(newer, [line(2), line(3)]);

    await assert.rejects(older.publish(), SupersededRunError);
    assert.equal(
      await older.discard(),
      0,
      "the newer run's clean-up deleted the older run's lines",
    );
    // The newest run is still writing: the newer run's clean-up left its lines alone.
    const skAfter = (await storedItems(doc, table, '2026-11-20')).map((item) => item.sk);
    assert.ok(skAfter.some((sk) => String(sk).startsWith('RUN#20261121T011000000Z-cccccccc#')));
    assert.ok(!skAfter.some((sk) => String(sk).startsWith('RUN#20261121T010000000Z-aaaaaaaa#')));

    const report = await getReport(doc, table, '2026-11-20');
    assert.deepEqual(await collect(report!.lines), [line(2), line(3)]);
    await publish(newest, [line(10)]);
    const latest = await getReport(doc, table, '2026-11-20');
    assert.deepEqual(await collect(latest!.lines), [line(10), ...newestLines]);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 1 + 26);
  });

  test('reading lines that a re-run deleted meanwhile fails instead of returning a partial report', async () => {
    const { doc, table } = await tables();
    await publish(writer(doc, table), [line(1), line(2), line(3)]);
    const report = await getReport(doc, table, '2026-11-20', { pageSize: 1 });
    assert.ok(report);
    const lines = report.lines[Symbol.asyncIterator]();
    assert.deepEqual((await lines.next()).value, line(1));
    await publish(writer(doc, table), [line(4)]);
    await assert.rejects(lines.next(), ReportChangedError);
  });

  test('an aborted run stops writing and never publishes', async () => {
    const { doc, table } = await tables();
    const controller = new AbortController();
    const run = writer(doc, table, { signal: controller.signal, maxInFlight: 1 });
    for (let n = 0; n < 25; n += 1) await run.add(line(n));
    controller.abort();
    await assert.rejects(async () => {
      for (let n = 25; n < 50; n += 1) await run.add(line(n));
    }, /abort/i);
    await assert.rejects(run.publish(), /abort/i);
    assert.equal(await getReport(doc, table, '2026-11-20'), undefined);
    assert.equal(await run.discard(), 25);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 0);
  });

  test('keeps several writes in flight, and publish waits for all of them', async () => {
    const { doc, table } = await tables();
    let inFlight = 0;
    let mostInFlight = 0;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchWriteItemCommand') return next(args);
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: 'initialize', name: 'countInFlight' },
    );
    const lines = Array.from({ length: 250 }, (_, n) => line(n));
    await publish(writer(doc, table, { maxInFlight: 3 }), lines);
    assert.equal(mostInFlight, 3);
    const report = await getReport(doc, table, '2026-11-20');
    assert.deepEqual(await collect(report!.lines), lines);
  });

  test('a failed write fails the run: later add() or publish() throw, nothing is published', async () => {
    const { doc, table } = await tables();
    let calls = 0;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchWriteItemCommand' && (calls += 1) === 2) {
          throw new Error('simulated write failure');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failSecondWrite' },
    );
    const run = writer(doc, table);
    await assert.rejects(async () => {
      for (let n = 0; n < 500; n += 1) await run.add(line(n));
      await run.publish();
    }, /simulated write failure/);
    assert.equal(await getReport(doc, table, '2026-11-20'), undefined);
    // discard() waits for the writes still in flight, so nothing lands after it.
    const deleted = await run.discard();
    assert.ok(deleted >= 25, `${deleted} lines deleted`);
    assert.equal((await storedItems(doc, table, '2026-11-20')).length, 0);
  });

  test('a write that fails while publish() waits for it fails the run: nothing is published', async () => {
    const { doc, table } = await tables();
    let calls = 0;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        // The second and last write, sent by publish(), reports a failure when it returns.
        if (context.commandName === 'BatchWriteItemCommand' && (calls += 1) === 2) {
          throw new Error('simulated failure of the last write');
        }
        return output;
      },
      { step: 'initialize', name: 'failLastWrite' },
    );
    const run = writer(doc, table);
    for (let n = 0; n < 30; n += 1) await run.add(line(n));
    await assert.rejects(run.publish(), /simulated failure of the last write/);
    assert.equal(await getReport(doc, table, '2026-11-20'), undefined);
  });

  test('a run aborted while its last write is under way publishes nothing', async () => {
    const { doc, table } = await tables();
    const controller = new AbortController();
    let calls = 0;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        // Stopped once publish() has sent the last write, before that write returns.
        if (context.commandName === 'BatchWriteItemCommand' && (calls += 1) === 2) {
          controller.abort();
        }
        return output;
      },
      { step: 'initialize', name: 'abortDuringLastWrite' },
    );
    const run = writer(doc, table, { signal: controller.signal });
    for (let n = 0; n < 30; n += 1) await run.add(line(n));
    await assert.rejects(run.publish(), /abort/i);
    assert.equal(await getReport(doc, table, '2026-11-20'), undefined);
    assert.equal(await run.discard(), 30);
  });

  test('a publish that failed may still have been applied: its lines are not discarded', async () => {
    const { doc, table } = await tables();
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        // The summary is stored, but its answer does not get back.
        if (context.commandName === 'PutItemCommand') throw new Error('simulated lost answer');
        return output;
      },
      { step: 'initialize', name: 'losePublishAnswer' },
    );
    const run = writer(doc, table);
    const lines = [line(1), line(2), line(3)];
    for (const item of lines) await run.add(item);
    await assert.rejects(run.publish(), /simulated lost answer/);
    await assert.rejects(run.discard(), /may have been published/);
    const report = await getReport(doc, table, '2026-11-20');
    assert.deepEqual(await collect(report!.lines), lines);
  });

  test('rejects a malformed date, run id or maxInFlight', async () => {
    const { doc, table } = await tables();
    assert.throws(() => writer(doc, table, { date: '2026-02-30' }), RangeError);
    assert.throws(() => writer(doc, table, { runId: 'a#b' }), RangeError);
    assert.throws(() => writer(doc, table, { maxInFlight: 0 }), RangeError);
  });
});

describe('listReportSummaries', () => {
  const dates = ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'];

  async function publishedDates(): Promise<{ doc: DynamoDBDocumentClient; table: string }> {
    const context = await tables();
    for (const [n, date] of dates.entries()) {
      await publish(writer(context.doc, context.table, { date }), [line(n)]);
    }
    return context;
  }

  test('lists summaries newest first, page by page, and says when there are no more', async () => {
    const { doc, table } = await publishedDates();
    const seen: string[] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | undefined;
    do {
      const page = await listReportSummaries(doc, table, { limit: 2, cursor });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((summary) => summary.date));
      cursors.push(page.nextCursor);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, [...dates].reverse());
    assert.equal(cursors.length, 3);
    assert.equal(cursors.at(-1), null);

    const all = await listReportSummaries(doc, table, { limit: 5 });
    assert.equal(all.items.length, 5);
    assert.equal(all.nextCursor, null, 'an exactly full last page has no cursor');
    assert.deepEqual(Object.keys(all.items[0]!).sort(), [
      'count',
      'date',
      'generatedAt',
      'partial',
      'perUser',
      'timeZone',
      'users',
    ]);
  });

  test('an empty table lists nothing', async () => {
    const { doc, table } = await tables();
    assert.deepEqual(await listReportSummaries(doc, table, { limit: 10 }), {
      items: [],
      nextCursor: null,
    });
  });

  test('rejects malformed cursors with InvalidCursorError', async () => {
    const { doc, table } = await publishedDates();
    const encode = (value: unknown): string =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      '',
      'not a cursor',
      '!!!!',
      Buffer.from('{"date":').toString('base64url'),
      encode('2026-11-01'),
      encode({ date: '2026-02-30' }),
      encode({ date: '2026-11-01', extra: 1 }),
      encode({ date: 20261101 }),
      encode({ pk: 'REPORT#2026-11-01', sk: 'SUMMARY' }),
      `${encode({ date: '2026-11-01' })}A`,
      'x'.repeat(500),
    ];
    for (const cursor of bad) {
      await assert.rejects(
        listReportSummaries(doc, table, { limit: 2, cursor }),
        InvalidCursorError,
        cursor,
      );
    }
    const first = await listReportSummaries(doc, table, { limit: 2 });
    assert.ok(first.nextCursor);
    const next = await listReportSummaries(doc, table, { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      next.items.map((summary) => summary.date),
      ['2026-11-02', '2026-11-01'],
    );
  });

  test('rejects a limit that is not a positive integer', async () => {
    const { doc, table } = await tables();
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(listReportSummaries(doc, table, { limit }), RangeError);
    }
  });

  test('reads only with Query and GetItem, never Scan', async () => {
    const { doc, table } = await publishedDates();
    const commands: string[] = [];
    doc.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    await listReportSummaries(doc, table, { limit: 3 });
    const report = await getReport(doc, table, '2026-11-01');
    await collect(report!.lines);
    assert.ok(!commands.includes('ScanCommand'));
    assert.deepEqual([...new Set(commands)].sort(), ['GetItemCommand', 'QueryCommand']);
  });
});
