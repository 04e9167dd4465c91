/**
 * Traces of the report job, as its own process, sent to a real OTLP/HTTP receiver: one trace
 * per run, its Query pages and write batches under the root span, the ids in every log line,
 * in both OTLP encodings, exported before the process exits. With tracing off nothing is sent;
 * a collector that is down changes no exit code (0, 1, 2 and 143 alike).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestTables,
  startDownServer,
  startDynalite,
  startOtlpReceiver,
  type DownServer,
  type DynaliteServer,
  type OtlpReceiver,
  type ReceivedSpan,
  type TestTables,
} from '@task-manager/testing';
import { dayWindow } from '../src/report-day.ts';
import { runProgram, type ProgramRun } from './support/program.ts';
import { completedTasksSpread, seedTasks } from './support/tasks.ts';

const DATE = '2026-11-20';
const TIME_ZONE = 'Asia/Tokyo';
const TASKS = 250;

let dynamo: DynaliteServer;
let tables: TestTables;
before(async () => {
  dynamo = await startDynalite();
  tables = await createTestTables(dynamo.endpoint);
  await seedTasks(
    tables.clients.doc,
    tables.config.tasksTable,
    completedTasksSpread(TASKS, dayWindow(DATE, TIME_ZONE)),
  );
});
after(() => dynamo?.stop());

function jobEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...tables.env, REPORT_TIMEZONE: TIME_ZONE, REPORT_PROGRESS_EVERY: '100', ...extra };
}

/** The one trace of a run: its root span, and every span by parent. */
function traceOfRun(spans: readonly ReceivedSpan[]) {
  const roots = spans.filter((span) => span.parentSpanId === undefined);
  assert.deepEqual(
    roots.map((span) => span.name),
    ['report run'],
    'one root span per run',
  );
  const root = roots[0]!;
  assert.ok(
    spans.every((span) => span.traceId === root.traceId),
    'one trace',
  );
  const children = (parent: ReceivedSpan, name?: string) =>
    spans.filter(
      (span) => span.parentSpanId === parent.spanId && (name === undefined || span.name === name),
    );
  return { root, children };
}

describe('a traced run', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    test(`${protocol}: one trace, with a span per Query page and per write batch, exported before exit`, async () => {
      const received = receiver.spans.length;
      const run = await runProgram(
        ['--date', DATE],
        // The batch processor's schedule (5 s) is longer than the run: only the flush before
        // exit can have delivered the spans.
        jobEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        }),
      );
      assert.equal(run.code, 0, JSON.stringify(run.lines));
      assert.equal(run.stderr, '');
      const spans = receiver.spans.slice(received);
      const { root, children } = traceOfRun(spans);

      assert.equal(root.resource['service.name'], 'task-reporter');
      assert.equal(root.resource['service.version'], '0.1.0');
      assert.equal(root.attributes['app.report.date'], DATE);
      assert.equal(root.attributes['app.report.time_zone'], TIME_ZONE);
      assert.equal(root.attributes['app.report.tasks'], TASKS);
      assert.equal(root.attributes['process.exit.code'], 0);
      assert.match(String(root.attributes['app.report.run_id']), /^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
      assert.deepEqual(root.status, { code: 'unset' });

      // The day's tasks: one Query per UTC hour bucket (24 for a day in Tokyo), each page a
      // span with its DynamoDB call inside.
      // (A re-run also reads the earlier run's lines to delete them: pages without a bucket.)
      const pages = children(root, 'query page').filter(
        (page) => page.attributes['app.completion_bucket'] !== undefined,
      );
      assert.equal(new Set(pages.map((page) => page.attributes['app.completion_bucket'])).size, 24);
      assert.equal(pages.length, 24);
      for (const page of children(root, 'query page')) {
        assert.equal(page.attributes['app.page.number'], 1);
        assert.deepEqual(
          children(page).map((span) => span.name),
          ['DynamoDB.Query'],
        );
      }
      const read = pages.reduce((sum, page) => sum + Number(page.attributes['app.page.items']), 0);
      assert.equal(read, TASKS);

      // The report's lines, 25 per BatchWriteItem.
      const batches = children(root, 'batch write').filter(
        (batch) => batch.attributes['app.batch.operation'] === 'put',
      );
      assert.equal(batches.length, TASKS / 25);
      for (const batch of batches) {
        assert.equal(batch.attributes['app.batch.requests'], 25);
        assert.equal(batch.attributes['app.batch.attempts'], 1);
        assert.deepEqual(
          children(batch).map((span) => span.name),
          ['DynamoDB.BatchWriteItem'],
        );
      }
      // Then the summary that publishes it.
      assert.equal(children(root, 'DynamoDB.PutItem').length, 1);

      // Every log line of the run carries its trace and root span.
      assert.ok(run.lines.length >= 4);
      for (const line of run.lines) {
        assert.equal(line.trace_id, root.traceId, line.msg);
        assert.equal(line.span_id, root.spanId, line.msg);
      }
    });
  }

  test('a failed run: its root span says why, its exit code is unchanged', async () => {
    const received = receiver.spans.length;
    const run = await runProgram(
      ['--date', DATE],
      jobEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, TASKS_TABLE: 'no-such-table' }),
    );
    assert.equal(run.code, 1);
    const { root } = traceOfRun(receiver.spans.slice(received));
    assert.equal(root.status.code, 'error');
    assert.match(root.status.message ?? '', /a table does not exist/);
    assert.equal(root.attributes['process.exit.code'], 1);
    assert.equal(run.lines.at(-1)!.trace_id, root.traceId);
  });
});

test('with tracing off nothing is sent, and the log lines carry no ids', async () => {
  const receiver = await startOtlpReceiver();
  try {
    const run = await runProgram(
      ['--date', DATE],
      jobEnv({ OTEL_SERVICE_NAME: 'task-reporter', OTEL_TRACES_SAMPLER: 'always_on' }),
    );
    assert.equal(run.code, 0);
    assert.equal(receiver.requests.length, 0);
    assert.ok(run.lines.some((line) => line.msg === 'report published'));
    assert.ok(run.lines.every((line) => !('trace_id' in line)));
  } finally {
    await receiver.close();
  }
});

describe('a collector that is down changes no exit code', () => {
  let collector: DownServer;
  let down: Record<string, string>;
  before(async () => {
    collector = await startDownServer();
    down = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint };
  });
  after(() => collector.close());

  const lostSpans = (run: ProgramRun) =>
    run.lines.some((line) => line.msg === "the run's spans could not be exported before exit");

  test('0: a successful run', async () => {
    const run = await runProgram(['--date', DATE], jobEnv(down));
    assert.equal(run.code, 0, JSON.stringify(run.lines));
    assert.ok(run.lines.some((line) => line.msg === 'report published'));
    assert.ok(lostSpans(run), 'the spans were attempted and their loss logged');
  });

  test('1: DynamoDB unreachable', async () => {
    // DynamoDB is down too: the same server that resets every connection stands for it.
    const run = await runProgram(
      ['--date', DATE],
      jobEnv({ ...down, DYNAMODB_ENDPOINT: collector.endpoint }),
    );
    assert.equal(run.code, 1);
  });

  test('2: a bad --date', async () => {
    const run = await runProgram(['--date', '2026-02-30'], jobEnv(down));
    assert.equal(run.code, 2);
  });

  test('143: SIGTERM in the middle of a run', async () => {
    const many = await createTestTables(dynamo.endpoint);
    await seedTasks(
      many.clients.doc,
      many.config.tasksTable,
      completedTasksSpread(3000, dayWindow(DATE, TIME_ZONE)),
    );
    let signalled = false;
    const run = await runProgram(
      ['--date', DATE],
      { ...jobEnv(down), ...many.env },
      (line, child) => {
        if (line.msg === 'report progress' && !signalled) {
          signalled = true;
          child.signal('SIGTERM');
        }
      },
    );
    assert.equal(run.code, 143);
    assert.ok(run.lines.some((line) => /stopped by SIGTERM/.test(line.msg)));
  });
});
