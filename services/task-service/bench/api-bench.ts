/**
 * `npm run bench:api`: what the HTTP API costs on top of DynamoDB, and what tracing costs.
 *
 * Starts its own dynalite, an OTLP collector and two task-services (separate processes,
 * loopback; the build, as the image runs it: `npm run build`'s bundle, built first if out of
 * date), one with tracing off (no OTLP endpoint, as shipped) and one with tracing on
 * (every request sampled, spans exported to the collector), then for create and list
 * measures, in the same run and against the same dynalite:
 *   - the API under load with autocannon (BENCH_CONNECTIONS concurrent connections), with
 *     tracing off and on;
 *   - the same DynamoDB operations through the SDK directly (TaskRepository, the code the
 *     service itself uses), with the same concurrency.
 * For both it also measures their ceilings, with tracing off and on: the same requests answered
 * by the same code behind a bare node:http server (bare-server.ts), which shows what any HTTP API
 * in front of these DynamoDB calls costs on this machine, and what tracing costs a request with
 * nothing else around it, Express and the service's own work aside. From the latter and the
 * API's CPU time per request follows the highest tracing on/off ratio the API could reach
 * (tracingCeiling, below).
 * Prints requests/s, p50 and p99 latency of each, the API/direct and tracing on/off ratios,
 * the services' peak RSS after all the load (they run with the image's heap flags, src/launch.ts;
 * the memory goal is bench:memory's),
 * and the start-up time (spawn to ready, median of BENCH_STARTUP_SAMPLES starts) of the
 * service without its tracing entry point, with tracing off and with tracing on. The absolute
 * figures depend on the machine; the ratios are the point. Nothing is asserted.
 *
 * Tracing off and on are measured alternately, BENCH_ROUNDS times each, after a warm-up of
 * both: this machine's load comes and goes, and must weigh on both alike.
 *
 * CPU ms/req is the service process's own CPU time per request: unlike throughput it hardly
 * depends on what else the machine is doing, so it shows tracing's cost most steadily.
 *
 * Every API request authenticates as scripts do, with a Bearer access token from the development
 * identity provider (started here). What checking that token costs is measured on its own, with
 * task-service's own verifier (jose, keys cached after the first fetch), and printed per request
 * in µs and as a share of a request's mean time.
 *
 * BENCH_DURATION_S (default 10) per measurement, BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 10), BENCH_STARTUP_SAMPLES (default 5).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { pino } from 'pino';
import {
  createDynamoClients,
  ensureTables,
  loadDynamoConfig,
  TASK_INDEX,
  TaskRepository,
} from '@task-manager/task-store';
import {
  ensureBuilt,
  median,
  recordRatio,
  startDynaliteProcess,
  startTestIdentity,
  stopTaskService,
  type ManagedChild,
  type TaskServiceInstance,
} from '@task-manager/testing';
import { bearerVerifier } from '../src/auth/bearer.ts';
import { providerClient } from '../src/auth/provider-client.ts';
import { loadConfig } from '../src/config.ts';
import {
  TASK_SERVICE_BUNDLE,
  TASK_SERVICE_ENTRY,
  TASK_SERVICE_HEAP_FLAGS,
  TASK_SERVICE_MALLOC_ENV,
} from '../src/launch.ts';
import {
  ENTRY_COMPILE_CACHE_ENV,
  residentMb,
  runningTaskService,
  startupMs,
  startBenchProcess,
} from './service-process.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const STARTUP_SAMPLES = Number(process.env.BENCH_STARTUP_SAMPLES ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Long enough for V8 to have compiled the hot paths, OpenTelemetry's included.
const WARM_UP_S = 5;
const LIST_USER_TASKS = 200;
// The page the issue measured: GET /api/tasks?limit=100 against a Query of the same 100 items.
const LIST_LIMIT = 100;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time the service process spent per request (API only; Linux). */
  cpuMs?: number;
}

interface Api {
  url: string;
  pid: number;
}

/** User plus system CPU time of a process so far, in ms (undefined where /proc is missing). */
function cpuTimeMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
// USER_HZ: 100 on every Linux the images and CI run on.
const CLOCK_TICKS = 100;

async function viaApi(
  api: Api,
  path: string,
  options: { method: string; user: string; body?: string },
  seconds: number,
): Promise<Figures> {
  const cpuBefore = cpuTimeMs(api.pid);
  const result = await autocannon({
    url: `${api.url}${path}`,
    method: options.method,
    headers: {
      Authorization: `Bearer ${await identity.token(options.user)}`,
      ...(options.body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(options.body ? { body: options.body } : {}),
    connections: CONNECTIONS,
    duration: seconds,
  });
  const cpuAfter = cpuTimeMs(api.pid);
  if (result.non2xx + result.errors + result.timeouts > 0) {
    // What went wrong, so an error count is never a mystery.
    console.error(
      `${options.method} ${api.url}${path}: statuses ${JSON.stringify(result.statusCodeStats)}, ` +
        `${result.errors} connection errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    ...(cpuBefore === undefined || cpuAfter === undefined
      ? {}
      : { cpuMs: (cpuAfter - cpuBefore) / result.requests.total }),
  };
}

/** The mean of several measurements of the same thing. */
function mean(runs: Figures[]): Figures {
  const average = (pick: (figures: Figures) => number) =>
    runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    rps: average((run) => run.rps),
    p50: average((run) => run.p50),
    p99: average((run) => run.p99),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    ...(runs.every((run) => run.cpuMs !== undefined)
      ? { cpuMs: average((run) => run.cpuMs!) }
      : {}),
  };
}

/** CONNECTIONS loops calling `operation` back to back for `seconds`, like autocannon does. */
async function direct(operation: () => Promise<unknown>, seconds: number): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const begin = performance.now();
        try {
          await operation();
          latencies.push(performance.now() - begin);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

await ensureBuilt(['@task-manager/task-service']);
const dynamo = await startDynaliteProcess();
const { endpoint } = dynamo;
// The collector prints what it received when it stops: {"requests": n, "bytes": n}.
let collectorReport: (line: string) => void = () => {};
const collectorReported = new Promise<string>((resolve) => (collectorReport = resolve));
const { child: collectorProcess, url: collector } = await startBenchProcess(
  './otlp-receiver-process.ts',
  {},
  {
    onLine: (line) => {
      if (line.includes('"requests"')) collectorReport(line);
    },
  },
);
const dynamoEnv = {
  DYNAMODB_ENDPOINT: endpoint,
  AWS_REGION: 'us-east-1',
  TASKS_TABLE: 'bench-tasks',
  REPORTS_TABLE: 'bench-reports',
  IDEMPOTENCY_TABLE: 'bench-idempotency-keys',
};
const config = loadDynamoConfig(dynamoEnv);
const clients = createDynamoClients(config);
await ensureTables(clients.client, config);
const tasks = new TaskRepository(clients.doc, config.tasksTable);
const identity = await startTestIdentity({ accessTokenTtlSeconds: 3600 });

/** Tracing on for every request, exported to the collector process. */
const TRACING_ON = { OTEL_EXPORTER_OTLP_ENDPOINT: collector, OTEL_TRACES_SAMPLER: 'always_on' };
const variants = {
  // The bundle without its entry point, i.e. without even the check for tracing.
  'without the tracing entry (run.cjs)': {
    entry: TASK_SERVICE_BUNDLE,
    env: ENTRY_COMPILE_CACHE_ENV,
  },
  'tracing off (main.js)': { entry: TASK_SERVICE_ENTRY, env: {} },
  'tracing on (main.js)': { entry: TASK_SERVICE_ENTRY, env: TRACING_ON },
};

const serviceEnv = { ...dynamoEnv, ...identity.env };
const services: TaskServiceInstance[] = [];
async function runningApi(env: Record<string, string>): Promise<Api> {
  const service = await runningTaskService({ ...serviceEnv, ...env });
  services.push(service);
  return { url: service.url, pid: service.child.pid };
}

// Start-up first, while nothing else runs; the variants alternate so the machine's moods
// weigh on each alike.
const startups = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let sample = 0; sample < STARTUP_SAMPLES; sample += 1) {
  for (const [name, { entry, env }] of Object.entries(variants)) {
    startups.get(name)!.push(await startupMs({ ...serviceEnv, ...env }, entry));
  }
}

const api = await runningApi({});
const tracedApi = await runningApi(TRACING_ON);
// With the service's heap flags and malloc settings, so that only the HTTP layer differs.
const bareServers: ManagedChild[] = [];
async function bareServer(env: Record<string, string>): Promise<Api> {
  const { child, url } = await startBenchProcess(
    './bare-server.ts',
    {
      ...dynamoEnv,
      ...TASK_SERVICE_MALLOC_ENV,
      BENCH_LIST_USER: 'bench-list',
      BENCH_CREATE_USER: 'bench-create-bare',
      ...env,
    },
    { flags: TASK_SERVICE_HEAP_FLAGS },
  );
  bareServers.push(child);
  return { url, pid: child.pid };
}
const bare = await bareServer({});
const tracedBare = await bareServer(TRACING_ON);

for (let index = 0; index < LIST_USER_TASKS; index += 1) {
  const startAt = new Date(Date.UTC(2026, 10, 1, index)).toISOString();
  await tasks.create('bench-list', { title: `task ${index}`, startAt });
}

const newTask = {
  title: 'Benchmark task',
  contents: 'x'.repeat(200),
  startAt: '2026-11-21T09:00:00+09:00',
};
const cases = [
  {
    name: 'create',
    api: (target: Api, user: string, seconds: number) =>
      viaApi(
        target,
        '/api/tasks',
        { method: 'POST', user, body: JSON.stringify(newTask) },
        seconds,
      ),
    apiUsers: ['bench-create-api', 'bench-create-traced'],
    baseline: 'TaskRepository.create',
    apiGoal: undefined,
    direct: (seconds: number) =>
      direct(() => tasks.create('bench-create-direct', newTask), seconds),
  },
  {
    name: `list (${LIST_LIMIT} of ${LIST_USER_TASKS})`,
    api: (target: Api, user: string, seconds: number) =>
      viaApi(target, `/api/tasks?limit=${LIST_LIMIT}`, { method: 'GET', user }, seconds),
    apiUsers: ['bench-list', 'bench-list'],
    baseline: 'lib-dynamodb Query',
    // Issue 14's goal for the list.
    apiGoal: 0.8,
    // The bare lib-dynamodb Query of the same page (same index, key condition and limit), not
    // the repository: the baseline is what the SDK alone costs.
    direct: (seconds: number) =>
      direct(
        () =>
          clients.doc.send(
            new QueryCommand({
              TableName: config.tasksTable,
              IndexName: TASK_INDEX.byStart,
              KeyConditionExpression: '#userId = :userId',
              ExpressionAttributeNames: { '#userId': 'userId' },
              ExpressionAttributeValues: { ':userId': 'bench-list' },
              Limit: LIST_LIMIT,
            }),
          ),
        seconds,
      ),
  },
];

console.log(
  `task-service API, with tracing off and on, vs the same DynamoDB operations through the SDK, ` +
    `dynalite on loopback; ${CONNECTIONS} concurrent, ${DURATION_S} s per measurement ` +
    `(after ${WARM_UP_S} s warm-up); API figures are the mean of ${ROUNDS} alternating ` +
    `rounds. Tracing on: every request sampled, batch span processor, OTLP/HTTP protobuf to a ` +
    `collector process.\n`,
);
const rows: string[][] = [];
const meanRequestMs = new Map<string, number>();
const number = (value: number, digits = 1) => value.toFixed(digits);
const figureRow = (name: string, path: string, figures: Figures) => [
  name,
  path,
  number(figures.rps, 0),
  number(figures.p50),
  number(figures.p99),
  figures.cpuMs === undefined ? '' : number(figures.cpuMs, 2),
  String(figures.errors),
];
const ratioRow = (name: string, path: string, top: Figures, bottom: Figures) => [
  name,
  path,
  `${number(top.rps / bottom.rps, 2)}x`,
  `${number(top.p50 / bottom.p50, 2)}x`,
  `${number(top.p99 / bottom.p99, 2)}x`,
  top.cpuMs === undefined || bottom.cpuMs === undefined
    ? ''
    : `${number(top.cpuMs / bottom.cpuMs, 2)}x`,
  '',
];
/** Tracing off and on, alternately: ROUNDS measurements of each after a warm-up of both. */
async function offAndOn(
  measure: (target: Api, seconds: number) => Promise<Figures>,
  off: Api,
  on: Api,
): Promise<{ off: Figures; on: Figures }> {
  await measure(off, WARM_UP_S);
  await measure(on, WARM_UP_S);
  const offRuns: Figures[] = [];
  const onRuns: Figures[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    offRuns.push(await measure(off, DURATION_S));
    onRuns.push(await measure(on, DURATION_S));
  }
  return { off: mean(offRuns), on: mean(onRuns) };
}

for (const benchCase of cases) {
  const [user, tracedUser] = benchCase.apiUsers as [string, string];
  const { off, on } = await offAndOn(
    (target, seconds) => benchCase.api(target, target === api ? user : tracedUser, seconds),
    api,
    tracedApi,
  );
  // With CONNECTIONS requests always in flight, each takes CONNECTIONS / rps on average.
  meanRequestMs.set(benchCase.name, (CONNECTIONS / off.rps) * 1000);
  await benchCase.direct(WARM_UP_S);
  const viaSdk = await benchCase.direct(DURATION_S);
  // The bare server ignores the token and answers for its own users.
  const bareFigures = await offAndOn(
    (target, seconds) => benchCase.api(target, user, seconds),
    bare,
    tracedBare,
  );
  rows.push(
    figureRow(benchCase.name, 'API, tracing off', off),
    figureRow(benchCase.name, 'API, tracing on', on),
    figureRow(benchCase.name, 'direct (SDK)', viaSdk),
    figureRow(benchCase.name, 'bare node:http, tracing off', bareFigures.off),
    figureRow(benchCase.name, 'bare node:http, tracing on', bareFigures.on),
    ratioRow(benchCase.name, 'ratio API/direct', off, viaSdk),
    ratioRow(benchCase.name, 'ratio bare node:http/direct', bareFigures.off, viaSdk),
    ratioRow(benchCase.name, 'ratio tracing on/off', on, off),
    ratioRow(benchCase.name, 'ratio bare tracing on/off', bareFigures.on, bareFigures.off),
  );
  recordRatio({
    benchmark: 'bench:api',
    measure: `${benchCase.name}: API / ${benchCase.baseline}`,
    ratio: off.rps / viaSdk.rps,
    ...(benchCase.apiGoal === undefined ? {} : { goal: { atLeast: benchCase.apiGoal } }),
    detail: `${number(off.rps, 0)} vs ${number(viaSdk.rps, 0)} req/s`,
  });
  // No goal of its own: printed beside the API's ratio, it shows how much of the gap to the
  // goal any HTTP server in front of these calls leaves, and how much is Express's and ours.
  recordRatio({
    benchmark: 'bench:api',
    measure: `${benchCase.name}: bare node:http / ${benchCase.baseline}`,
    ratio: bareFigures.off.rps / viaSdk.rps,
    detail: `${number(bareFigures.off.rps, 0)} vs ${number(viaSdk.rps, 0)} req/s, the ceiling of the API's ratio`,
  });
  recordRatio({
    benchmark: 'bench:api',
    measure: `${benchCase.name}: tracing on / off`,
    ratio: on.rps / off.rps,
    goal: { atLeast: 0.9 },
    detail: `${number(on.rps, 0)} vs ${number(off.rps, 0)} req/s, p99 ${number(on.p99)} vs ${number(off.p99)} ms`,
  });
  const ceiling = tracingCeiling(off, on, bareFigures);
  if (ceiling !== undefined) {
    console.log(`${benchCase.name}: ${ceiling.explanation}`);
    recordRatio({
      benchmark: 'bench:api',
      measure: `${benchCase.name}: tracing on / off, its ceiling`,
      ratio: ceiling.ratio,
      detail: ceiling.detail,
    });
  }
}

/**
 * The highest tracing on/off ratio the API could reach, from CPU time per request (which, unlike
 * throughput, hardly depends on what else the machine does): what tracing costs the bare server
 * per request is OpenTelemetry's own work (a server span, a DynamoDB span, their context, their
 * export), which the API cannot do with less of. Spending `off` per request untraced, the API
 * traced spends at least that much more: off / (off + tracing's own cost).
 */
function tracingCeiling(
  off: Figures,
  on: Figures,
  bareFigures: { off: Figures; on: Figures },
): { ratio: number; detail: string; explanation: string } | undefined {
  if (off.cpuMs === undefined || on.cpuMs === undefined) return undefined;
  if (bareFigures.off.cpuMs === undefined || bareFigures.on.cpuMs === undefined) return undefined;
  const ownCost = bareFigures.on.cpuMs - bareFigures.off.cpuMs;
  const apiCost = on.cpuMs - off.cpuMs;
  const ratio = off.cpuMs / (off.cpuMs + ownCost);
  const detail =
    `tracing costs a bare server ${number(ownCost, 3)} ms CPU per request, the API ` +
    `${number(apiCost, 3)} ms; the API spends ${number(off.cpuMs, 3)} ms untraced`;
  return {
    ratio,
    detail,
    explanation: `${detail}, so tracing on/off can reach at most ${number(ratio, 2)}x`,
  };
}

/**
 * The Bearer check alone, with task-service's own verifier after a first call has fetched and
 * cached the provider's keys (as in a running service): `first` checks tokens it has not seen
 * (jose's ES256 signature check and the claims), `remembered` the same token again, as a
 * script's every request after its first (src/auth/verified-tokens.ts).
 */
async function bearerVerificationMicros(): Promise<{ first: number; remembered: number }> {
  const logger = pino({ level: 'silent' });
  const auth = loadConfig({ ...dynamoEnv, ...identity.env }).auth;
  const verifier = bearerVerifier(auth, providerClient(auth, logger), logger);
  const now = () => Math.floor(Date.now() / 1000);
  const check = async (token: string) => {
    const result = await verifier.verify(token, now());
    if (!('identity' in result)) throw new Error(`the bench token was refused: ${result.problem}`);
  };
  const timed = async (tokens: string[]) => {
    const started = performance.now();
    for (const token of tokens) await check(token);
    return ((performance.now() - started) * 1000) / tokens.length;
  };
  await check(await identity.token('bench-verify'));
  const fresh: string[] = [];
  for (let index = 0; index < 300; index += 1) fresh.push(await identity.token(`bench-${index}`));
  const first = await timed(fresh);
  const remembered = await timed(Array.from({ length: 5000 }, () => fresh[0]!));
  return { first, remembered };
}

const header = ['operation', 'path', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'errors'];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column]!.length)),
);
const format = (row: string[]) =>
  row
    .map((cell, column) =>
      column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
    )
    .join('  ');
console.log(format(header));
console.log(widths.map((width) => '-'.repeat(width)).join('  '));
for (const row of rows) console.log(format(row));

const baseline = median(startups.get('without the tracing entry (run.cjs)')!);
console.log(
  `\nstart-up, spawn to ready (median of ${STARTUP_SAMPLES}; the build, as the image runs it)`,
);
for (const [name, samples] of startups) {
  const value = median(samples);
  console.log(
    `  ${name.padEnd(36)} ${number(value, 0).padStart(6)} ms  ${number(value / baseline, 2)}x` +
      `   samples ${samples.map((sample) => number(sample, 0)).join(' ')}`,
  );
}

const mbOf = (pid: number) => {
  const value = residentMb(pid, 'VmHWM');
  return value === undefined ? 'unknown' : `${value.toFixed(0)} MB`;
};
// The memory goal (RSS under 60 s of load, and no growth after) is bench:memory's.
console.log(
  `\npeak RSS after all the load, with ${TASK_SERVICE_HEAP_FLAGS.join(' ')} (as the image): ` +
    `tracing off ${mbOf(api.pid)}, tracing on ${mbOf(tracedApi.pid)}`,
);

const verify = await bearerVerificationMicros();
console.log(
  `\nBearer token check per request: ${verify.first.toFixed(1)} µs for a token not seen before ` +
    `(jose jwtVerify, ES256, keys cached), ${verify.remembered.toFixed(1)} µs for one verified before`,
);
for (const [name, ms] of meanRequestMs) {
  console.log(
    `  first check: ${((verify.first / (ms * 1000)) * 100).toFixed(2)}% of a ${name} request (mean ${ms.toFixed(2)} ms under load, tracing off)`,
  );
}
await identity.close();

clients.client.destroy();
collectorProcess.signal('SIGTERM');
const { requests, bytes } = JSON.parse(await collectorReported) as {
  requests: number;
  bytes: number;
};
console.log(
  `\ncollector: ${requests} export requests, ${number(bytes / 2 ** 20)} MiB of spans received`,
);
// Every child is stopped: a running child's output pipes would keep this process from ending.
await Promise.all([
  dynamo.close(),
  ...services.map((service) => stopTaskService(service)),
  ...bareServers.map((child) => child.kill()),
]);
