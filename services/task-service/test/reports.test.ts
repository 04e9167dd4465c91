/**
 * The daily reports, for admins, seeded with the report job's own writer so the API reads
 * exactly what the job publishes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReportWriter, type ReportLine } from '@task-manager/task-store';
import { dynamoReportSource } from '../src/report-source.ts';
import {
  as,
  ALICE,
  BOB,
  createTestService,
  serviceForFile,
  type TestService,
} from './support/test-service.ts';

const ADMIN = 'admin';
const service = serviceForFile({ adminUsers: [ADMIN] }, publishReports);

const TRICKY_LINES: ReportLine[] = [
  {
    taskId: 't-1',
    userId: ALICE,
    title: 'plain title',
    completedAt: '2026-11-20T15:00:00.000Z',
  },
  {
    taskId: 't-2',
    userId: ALICE,
    title: 'milk, eggs, bread',
    completedAt: '2026-11-20T16:00:00.000Z',
  },
  {
    taskId: 't-3',
    userId: BOB,
    title: 'say "hello" to "them"',
    completedAt: '2026-11-20T17:00:00.000Z',
  },
  {
    taskId: 't-4',
    userId: BOB,
    title: 'two\nlines, and\r\na CRLF',
    completedAt: '2026-11-20T18:00:00.000Z',
  },
  {
    taskId: 't-5',
    userId: BOB,
    title: '牛乳を買う「至急」',
    completedAt: '2026-11-21T14:59:59.999Z',
  },
];

/** Titles a spreadsheet would run as formulas, with what each must look like in the CSV. */
const FORMULA_TITLES: [string, string][] = [
  ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
  ['+1+1', "'+1+1"],
  ['-2+3', "'-2+3"],
  ['@SUM(1)', "'@SUM(1)"],
  ['＝１＋１', "'＝１＋１"],
  ['no formula = here', 'no formula = here'],
];
const FORMULA_LINES: ReportLine[] = FORMULA_TITLES.map(([title], index) => ({
  taskId: `f-${index}`,
  userId: ALICE,
  title,
  completedAt: `2026-10-25T0${index}:00:00.000Z`,
}));

/** Publishes a Tokyo day's report, by default from just after the day ended. */
async function publish(
  date: string,
  lines: ReportLine[],
  options: { into?: TestService; now?: Date } = {},
): Promise<void> {
  const { tables } = options.into ?? service;
  const start = new Date(`${date}T00:00:00+09:00`);
  const writer = new ReportWriter(tables.clients.doc, tables.config.reportsTable, {
    date,
    timeZone: 'Asia/Tokyo',
    window: { start, end: new Date(start.getTime() + 86_400_000) },
    now: () => options.now ?? new Date(`${date}T16:00:00Z`),
  });
  for (const line of lines) await writer.add(line);
  await writer.publish();
  await writer.removeOlderRuns();
}

/** The reports the tests read: tricky titles, formulas, and enough days for paging. */
async function publishReports(): Promise<void> {
  await publish('2026-11-21', TRICKY_LINES);
  // The oldest report: titles a spreadsheet would run as formulas.
  await publish('2026-10-25', FORMULA_LINES);
  // 25 more days with one line each, for paging: 2026-10-27 .. 2026-11-20.
  for (let day = 27; day <= 51; day += 1) {
    const date = new Date(Date.UTC(2026, 9, day)).toISOString().slice(0, 10);
    await publish(date, [
      {
        taskId: `d-${day}`,
        userId: ALICE,
        title: `day ${day}`,
        completedAt: `${date}T03:00:00.000Z`,
      },
    ]);
  }
  await publish('2026-10-26', []);
}

const asAdmin = (path: string) => request(service.app).get(path).set(as(ADMIN));

/** An RFC 4180 parser, written independently of the service's writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else {
      assert.notEqual(char, '\n', 'a bare LF outside quotes breaks RFC 4180 rows');
      field += char;
    }
  }
  assert.equal(field, '', 'the last row ends with CRLF');
  return rows;
}

describe('who may read reports', () => {
  test('no user: 401; a user who is not an admin: 403', async () => {
    for (const path of ['/api/reports', '/api/reports/2026-11-21']) {
      const anonymous = await request(service.app).get(path).expect(401);
      assert.equal(anonymous.body.details[0].field, 'Authorization');
      const user = await request(service.app).get(path).set(as(ALICE)).expect(403);
      assert.deepEqual(user.body, {
        error: 'reports are only available to administrators',
        details: [{ field: 'userId', message: 'user "alice" is not an administrator' }],
      });
    }
  });

  test('ADMIN_USERS makes an admin of someone outside the admin group, and only them', async () => {
    const listed = await createTestService(service.dynamo, { adminUsers: ['carol'] });
    await request(listed.app).get('/api/reports').set(as('carol')).expect(200);
    const me = await request(listed.app).get('/api/me').set(as('carol')).expect(200);
    assert.equal(me.body.isAdmin, true);
    await request(listed.app).get('/api/reports').set(as(ALICE)).expect(403);
  });
});

describe('GET /api/reports', () => {
  test('lists summaries newest first, paging with a cursor', async () => {
    const first = await asAdmin('/api/reports?limit=10').expect(200);
    assert.equal(first.body.items.length, 10);
    assert.deepEqual(first.body.items[0], {
      date: '2026-11-21',
      timeZone: 'Asia/Tokyo',
      count: 5,
      users: 2,
      // No names were recorded for them: the ids stand in.
      perUser: [
        { userId: ALICE, name: ALICE, count: 2 },
        { userId: BOB, name: BOB, count: 3 },
      ],
      generatedAt: '2026-11-21T16:00:00.000Z',
      partial: false,
    });
    const dates: string[] = [];
    let cursor: string | null = null;
    const pages: number[] = [];
    do {
      const page: request.Response = await asAdmin(
        `/api/reports?limit=10${cursor === null ? '' : `&cursor=${cursor}`}`,
      ).expect(200);
      pages.push(page.body.items.length);
      dates.push(...page.body.items.map((item: { date: string }) => item.date));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(pages, [10, 10, 8]);
    assert.equal(dates.length, 28);
    assert.deepEqual(dates, [...dates].sort().reverse());
    assert.equal(dates.at(-1), '2026-10-25');
  });

  test('the default page is 30, and bad parameters are named', async () => {
    const all = await asAdmin('/api/reports').expect(200);
    assert.equal(all.body.items.length, 28);
    assert.equal(all.body.nextCursor, null);
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=x', 'limit'],
      ['cursor=nope', 'cursor'],
      ['cursor=eyJkYXRlIjoiMjAyNi0wMi0zMCJ9', 'cursor'],
      ['order=asc', 'order'],
    ]) {
      const response = await asAdmin(`/api/reports?${query}`).expect(400);
      assert.deepEqual(
        response.body.details.map((detail: { field: string }) => detail.field),
        [field],
        query,
      );
    }
  });
});

describe('GET /api/reports/:date', () => {
  test('JSON: the summary and every line', async () => {
    const response = await asAdmin('/api/reports/2026-11-21')
      .expect(200)
      .expect('Content-Type', /application\/json/);
    assert.equal(response.body.date, '2026-11-21');
    assert.equal(response.body.count, 5);
    assert.deepEqual(response.body.items, TRICKY_LINES);
  });

  test('CSV with Accept: text/csv: RFC 4180, UTF-8, header row, tricky titles intact', async () => {
    const response = await asAdmin('/api/reports/2026-11-21')
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8; header=present');
    assert.equal(
      response.headers['content-disposition'],
      'attachment; filename=tasks-completed-2026-11-21.csv',
    );
    assert.match(response.headers.vary ?? '', /Accept/);
    const bytes = response.body as Buffer;
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // A UTF-8 byte-order mark, so Excel reads the Japanese titles as UTF-8.
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    // TextDecoder consumes the byte-order mark, as spreadsheets do.
    assert.ok(text.startsWith('taskId,userId,title,completedAt\r\n'));
    assert.ok(text.includes('"milk, eggs, bread"'));
    assert.ok(text.includes('"say ""hello"" to ""them"""'));
    assert.ok(text.includes(',牛乳を買う「至急」,'), 'no needless quotes');
    const rows = parseCsv(text);
    assert.deepEqual(rows[0], ['taskId', 'userId', 'title', 'completedAt']);
    assert.deepEqual(
      rows.slice(1),
      TRICKY_LINES.map((line) => [line.taskId, line.userId, line.title, line.completedAt]),
    );
  });

  test('CSV neutralises titles a spreadsheet would run as formulas; JSON keeps them exactly', async () => {
    const csv = await asAdmin('/api/reports/2026-10-25').set('Accept', 'text/csv').expect(200);
    assert.ok(csv.text.includes(`,"'=HYPERLINK(""http://evil.example"",""x"")",`));
    const titles = parseCsv(csv.text.slice(1))
      .slice(1)
      .map((row) => row[2]);
    assert.deepEqual(
      titles,
      FORMULA_TITLES.map(([, inCsv]) => inCsv),
    );
    const json = await asAdmin('/api/reports/2026-10-25').expect(200);
    assert.deepEqual(json.body.items, FORMULA_LINES);
  });

  test('a report made before its day ended says it is partial, in the list and on its own', async () => {
    const own = await createTestService(service.dynamo, { adminUsers: [ADMIN] });
    // The Tokyo day 2026-11-21 ends at 15:00 UTC; this run was at 09:00 UTC.
    await publish('2026-11-21', TRICKY_LINES.slice(0, 2), {
      into: own,
      now: new Date('2026-11-21T09:00:00Z'),
    });
    const get = (path: string) => request(own.app).get(path).set(as(ADMIN));
    assert.equal((await get('/api/reports').expect(200)).body.items[0].partial, true);
    assert.equal((await get('/api/reports/2026-11-21').expect(200)).body.partial, true);
    // The nightly run after the day ended replaces it with the complete report.
    await publish('2026-11-21', TRICKY_LINES, { into: own });
    const complete = (await get('/api/reports/2026-11-21').expect(200)).body;
    assert.equal(complete.partial, false);
    assert.equal(complete.count, TRICKY_LINES.length);
  });

  test('a report with no lines is a header-only CSV and an empty JSON list', async () => {
    const csv = await asAdmin('/api/reports/2026-10-26').set('Accept', 'text/csv').expect(200);
    assert.equal(csv.text, '\ufefftaskId,userId,title,completedAt\r\n');
    const json = await asAdmin('/api/reports/2026-10-26').expect(200);
    assert.deepEqual(json.body.items, []);
    assert.equal(json.body.count, 0);
  });

  test('JSON is the default; an Accept the API cannot serve is 406', async () => {
    await asAdmin('/api/reports/2026-11-21')
      .set('Accept', '*/*')
      .expect('Content-Type', /application\/json/);
    await asAdmin('/api/reports/2026-11-21')
      .set('Accept', 'text/csv;q=0.9, application/json')
      .expect('Content-Type', /application\/json/);
    const refused = await asAdmin('/api/reports/2026-11-21').set('Accept', 'text/html').expect(406);
    assert.equal(refused.body.details[0].field, 'Accept');
  });

  test('a report replaced while it is read is read again: the new one, whole', async () => {
    const date = '2026-12-01';
    const line = (taskId: string): ReportLine => ({
      taskId,
      userId: ALICE,
      title: taskId,
      completedAt: '2026-11-30T16:00:00.000Z',
    });
    await publish(date, [line('first-1'), line('first-2')]);
    // The re-run publishes, and removes the first run's lines, just as they are to be read.
    const { doc } = service.tables.clients;
    let rerun: Promise<void> | undefined;
    const racing = new Proxy(doc, {
      get: (target, property) =>
        property === 'send'
          ? async (command: QueryCommand, options?: object) => {
              if (command instanceof QueryCommand) {
                rerun ??= publish(date, [line('second-1'), line('second-2'), line('x')], {
                  now: new Date(`${date}T17:00:00Z`), // later than the first run
                });
                await rerun;
              }
              return target.send(command, options);
            }
          : Reflect.get(target, property),
    }) as DynamoDBDocumentClient;

    const report = await dynamoReportSource(racing, service.tables.config.reportsTable).get(date);
    assert.ok(rerun, 'the lines were read while the report was replaced');
    assert.ok(report);
    assert.equal(report.summary.count, 3);
    assert.deepEqual(
      report.lines.map(({ taskId }) => taskId),
      ['second-1', 'second-2', 'x'],
    );
  });

  test('no report for the date: 404; not a date: 400 date', async () => {
    const missing = await asAdmin('/api/reports/2026-12-25').expect(404);
    assert.equal(missing.body.details[0].field, 'date');
    await asAdmin('/api/reports/2026-12-25').set('Accept', 'text/csv').expect(404);
    for (const date of ['2026-02-30', '20261121', '2026-11-21T00:00:00Z', 'today']) {
      const response = await asAdmin(`/api/reports/${date}`).expect(400);
      assert.equal(response.body.details[0].field, 'date');
    }
  });
});
