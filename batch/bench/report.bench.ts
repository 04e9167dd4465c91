/**
 * `npm run bench:report`: how long the report job takes for a day of N completed tasks and
 * how much memory it needs, beside the bare work it must do, measured in the same run: the
 * same Queries, plus writing one output item per task with the same batching (BatchWriteItem,
 * 25 items a call, REPORT_WRITES_IN_FLIGHT calls at once), straight through the SDK. A bare
 * Query loop alone is printed too.
 *
 * For each N it seeds N tasks completed on one day into an in-memory dynalite (in a process of
 * its own), then runs the built job (node batch/dist/main.js) as a child process, each run into
 * a fresh reports table so every run does the same work, and reads the child's peak RSS from the job's own
 * final log line (VmHWM: its own peak, not its parent's, see src/peak-rss.ts).
 *
 * Two configurations of the child:
 *   - as production starts it: with the heap flags of src/launch.ts, the flags of the
 *     image's CMD, the CronJob's command and `npm run report`. The job holds one Query page
 *     and a few 25-line write batches whatever N is, so its peak RSS must stay flat in N and
 *     its time must not suffer.
 *   - Node's defaults, for comparison (and the reason for the flags). V8 then sizes its heap
 *     to the machine, not to what the program holds: with room to spare it lets garbage pile
 *     up between full collections, so peak RSS creeps up with the run's length although the
 *     live heap stays the same.
 * N = 0 is the job's fixed cost (start-up, modules, clients).
 *
 * Figures are printed, never asserted. It builds the job first if its build is out of date.
 */
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  BATCH_WRITE_LIMIT,
  completionBucketsBetween,
  completionKey,
  ensureTables,
  REPORT_WRITES_IN_FLIGHT,
  reportLinePrefix,
  reportPartitionKey,
  TASK_INDEX,
  type DynamoClients,
} from '@task-manager/task-store';
import {
  createTestTables,
  ensureBuilt,
  median,
  recordRatio,
  spawnChild,
  startDynaliteProcess,
  type TestTables,
} from '@task-manager/testing';
import { REPORTER_ENTRY, REPORTER_HEAP_FLAGS } from '../src/launch.ts';
import { dayWindow } from '../src/report-day.ts';
import { completedTasksSpread, seedTasks } from '../test/support/tasks.ts';

const DATE = '2026-11-20';
const TIME_ZONE = 'Asia/Tokyo';
const SIZES = (process.env.BENCH_SIZES ?? '0,5000,20000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const USERS = 200;
const JOB = fileURLToPath(new URL(`../../${REPORTER_ENTRY}`, import.meta.url));

const CONFIGURATIONS: { name: string; flags: readonly string[] }[] = [
  { name: `production's flags (${REPORTER_HEAP_FLAGS.join(' ')})`, flags: REPORTER_HEAP_FLAGS },
  { name: 'node defaults (for comparison)', flags: [] },
];

interface JobRun {
  ms: number;
  maxRssBytes: number;
}

type Doc = DynamoClients['doc'];
type Item = Record<string, unknown>;

/** Every page of every hour of the day, as the job queries them; `onPage` sees each page. */
async function queryDay(doc: Doc, tasksTable: string, onPage: (items: Item[]) => Promise<void>) {
  const { start, end } = dayWindow(DATE, TIME_ZONE);
  for (const bucket of completionBucketsBetween(start, end)) {
    let exclusiveStartKey: Item | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tasksTable,
          IndexName: TASK_INDEX.byCompletion,
          KeyConditionExpression: 'completionBucket = :b AND completionKey BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':b': bucket,
            ':from': start.toISOString(),
            ':to': end.toISOString(),
          },
          ProjectionExpression: 'userId, taskId, title, completedAt',
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      await onPage(page.Items ?? []);
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }
}

/** The Query loop alone: items counted and dropped. */
async function bareQueryLoop(doc: Doc, tasksTable: string): Promise<number> {
  let items = 0;
  await queryDay(doc, tasksTable, async (page) => void (items += page.length));
  return items;
}

/**
 * The bare work of the job: the same Queries, and one output item per task (the job's line
 * item) written with the job's batching, nothing else: no parsing beyond the item, no retry
 * policy, no summary, no logs.
 */
async function bareQueryAndWrite(doc: Doc, tasksTable: string, reportsTable: string) {
  const pk = reportPartitionKey(DATE);
  const prefix = reportLinePrefix('bench-run');
  const inFlight = new Set<Promise<unknown>>();
  let batch: Item[] = [];
  let written = 0;
  const write = async (items: Item[]) => {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await doc.send(
        new BatchWriteCommand({ RequestItems: { [reportsTable]: requests } }),
      );
      requests = (UnprocessedItems?.[reportsTable] ?? []) as typeof requests;
    }
    written += items.length;
  };
  const flush = async () => {
    const sending = write(batch);
    batch = [];
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    while (inFlight.size >= REPORT_WRITES_IN_FLIGHT) await Promise.race(inFlight);
  };
  await queryDay(doc, tasksTable, async (page) => {
    for (const task of page) {
      const completedAt = String(task.completedAt);
      batch.push({
        pk,
        sk: prefix + completionKey(completedAt, String(task.taskId)),
        taskId: task.taskId,
        userId: task.userId,
        title: task.title,
        completedAt,
      });
      if (batch.length === BATCH_WRITE_LIMIT) await flush();
    }
  });
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  return written;
}

async function runJob(
  flags: readonly string[],
  env: Record<string, string>,
  n: number,
): Promise<JobRun> {
  const child = spawnChild({
    name: 'the report job',
    command: process.execPath,
    args: [...flags, JOB, '--date', DATE],
    env,
    keepOutput: true,
  });
  const { code } = await child.exited;
  const ms = performance.now() - child.spawnedAt;
  await child.finished;
  const last = JSON.parse(child.output('stdout').at(-1) ?? '{}') as Record<string, unknown>;
  if (code !== 0) {
    // Its last lines, stderr included: a crash writes its stack there.
    throw new Error(
      `the job failed (exit ${code}): ${String(last.msg)}\n${child.tail().join('\n')}`,
    );
  }
  if (last.count !== n) throw new Error(`the job reported ${String(last.count)} tasks, not ${n}`);
  return { ms, maxRssBytes: Number(last.maxRssBytes) };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number): string => `${value.toFixed(0)} ms`;

interface Row {
  n: number;
  queryMs: number;
  bareMs: number;
  jobs: { ms: number; maxRssBytes: number }[];
}

async function measure(tables: TestTables, n: number): Promise<Row> {
  const queryMs: number[] = [];
  const bareMs: number[] = [];
  const runs: JobRun[][] = CONFIGURATIONS.map(() => []);
  let table = 0;
  for (let repeat = 0; repeat < REPEAT; repeat += 1) {
    const started = performance.now();
    const items = await bareQueryLoop(tables.clients.doc, tables.config.tasksTable);
    queryMs.push(performance.now() - started);
    if (items !== n) throw new Error(`the Query loop read ${items} items, not ${n}`);

    const bareTable = `${tables.config.reportsTable}-${(table += 1)}`;
    await ensureTables(tables.clients.client, { ...tables.config, reportsTable: bareTable });
    const bareStarted = performance.now();
    const written = await bareQueryAndWrite(
      tables.clients.doc,
      tables.config.tasksTable,
      bareTable,
    );
    bareMs.push(performance.now() - bareStarted);
    if (written !== n) throw new Error(`the bare work wrote ${written} items, not ${n}`);

    for (const [index, configuration] of CONFIGURATIONS.entries()) {
      // A fresh reports table per run, so that no run also deletes an earlier run's lines.
      const reportsTable = `${tables.config.reportsTable}-${(table += 1)}`;
      await ensureTables(tables.clients.client, { ...tables.config, reportsTable });
      const env = {
        ...tables.env,
        // Production timeouts, not the short ones tests use to fail fast.
        DYNAMODB_TIMEOUT_MS: '2000',
        DYNAMODB_MAX_ATTEMPTS: '3',
        REPORTS_TABLE: reportsTable,
        REPORT_TIMEZONE: TIME_ZONE,
        REPORT_PROGRESS_EVERY: '1000000',
        LOG_LEVEL: 'info',
      };
      runs[index]!.push(await runJob(configuration.flags, env, n));
    }
  }
  return {
    n,
    queryMs: median(queryMs),
    bareMs: median(bareMs),
    jobs: runs.map((configurationRuns) => ({
      ms: median(configurationRuns.map((run) => run.ms)),
      maxRssBytes: Math.max(...configurationRuns.map((run) => run.maxRssBytes)),
    })),
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]): string =>
    cells.map((cell, column) => cell.padStart(widths[column]!)).join('   ');
  return [line(header), ...rows.map(line)].join('\n');
}

// In its own process: the job and the bare work each talk to it from another process.
await ensureBuilt(['@task-manager/batch']);
const dynamo = await startDynaliteProcess();
try {
  console.log(
    `report job benchmark: one day (${DATE}, ${TIME_ZONE}) of N completed tasks by ${USERS} users; ` +
      `time = median of ${REPEAT} runs, peak RSS = highest of them; node ${process.version}`,
  );
  const rows: Row[] = [];
  for (const n of SIZES) {
    const tables = await createTestTables(dynamo.endpoint);
    await seedTasks(
      tables.clients.doc,
      tables.config.tasksTable,
      completedTasksSpread(n, dayWindow(DATE, TIME_ZONE), USERS),
    );
    rows.push(await measure(tables, n));
    tables.clients.client.destroy();
  }

  for (const [index, configuration] of CONFIGURATIONS.entries()) {
    console.log(`\njob run with ${configuration.name}:`);
    console.log(
      table(
        [
          'N',
          'Queries only',
          'bare work (Queries + writes)',
          'job (child process)',
          'job / bare work',
          'job / Queries',
          'job peak RSS',
        ],
        rows.map((row) => {
          const job = row.jobs[index]!;
          return [
            String(row.n),
            ms(row.queryMs),
            ms(row.bareMs),
            ms(job.ms),
            `${(job.ms / row.bareMs).toFixed(2)}x`,
            `${(job.ms / row.queryMs).toFixed(1)}x`,
            mb(job.maxRssBytes),
          ];
        }),
      ),
    );
    const measured = rows.filter((row) => row.n > 0);
    const [first, last] = [measured[0], measured.at(-1)];
    if (first && last && first !== last) {
      const growth = last.jobs[index]!.maxRssBytes - first.jobs[index]!.maxRssBytes;
      console.log(
        `peak RSS from N=${first.n} to N=${last.n}: ${growth >= 0 ? '+' : ''}${mb(growth)} ` +
          `for ${(last.n / first.n).toFixed(0)}x the tasks`,
      );
    }
  }
  const largest = rows.at(-1);
  if (largest !== undefined && largest.n > 0) {
    const job = largest.jobs[0]!;
    recordRatio({
      benchmark: 'bench:report',
      measure: `report job (${largest.n} tasks) / its bare work`,
      ratio: job.ms / largest.bareMs,
      goal: { atMost: 2 },
      detail: `${ms(job.ms)} vs ${ms(largest.bareMs)}, peak RSS ${mb(job.maxRssBytes)}`,
    });
  }
  console.log(
    '\nThe job reads the day and writes one report line per task (BatchWriteItem, 25 per call);' +
      '\nthe bare work does the same through the SDK alone, in this process; "Queries only" only' +
      '\nreads. Job times include starting the process (N = 0 shows that fixed cost).',
  );
} finally {
  await dynamo.close();
}
