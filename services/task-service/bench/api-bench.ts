/**
 * `npm run bench:api`: what the HTTP API costs on top of DynamoDB.
 *
 * Starts its own dynalite and task-service (separate processes, loopback), then for create
 * and list measures, in the same run and against the same dynalite:
 *   - the API under load with autocannon (BENCH_CONNECTIONS concurrent connections);
 *   - the same DynamoDB operations through the SDK directly (TaskRepository, the code the
 *     service itself uses), with the same concurrency.
 * Prints requests/s, p50 and p99 latency of each, and API/direct ratios. The absolute
 * figures depend on the machine; the ratios are the point. Nothing is asserted.
 *
 * Every API request authenticates as scripts do, with a Bearer access token from the development
 * identity provider (started here). What checking that token costs is measured on its own, with
 * task-service's own verifier (jose, keys cached after the first fetch), and printed per request
 * in µs and as a share of a request's mean time.
 *
 * BENCH_DURATION_S (default 10) per case, BENCH_CONNECTIONS (default 10).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { pino } from 'pino';
import {
  createDynamoClients,
  ensureTables,
  loadDynamoConfig,
  TaskRepository,
} from '@task-manager/task-store';
import { startTestIdentity } from '@task-manager/testing';
import { loadConfig } from '../src/config.ts';
import { bearerVerifier } from '../src/auth/bearer.ts';
import { providerClient } from '../src/auth/provider-client.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARM_UP_S = 2;
const LIST_USER_TASKS = 200;
const LIST_LIMIT = 50;

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function node(script: string, env: NodeJS.ProcessEnv, stdout: 'pipe' | 'ignore'): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=development', fileURLToPath(new URL(script, import.meta.url))],
    { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] },
  );
  children.push(child);
  return child;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

async function waitFor(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function viaApi(
  url: string,
  options: { method: string; user: string; body?: string },
  seconds: number,
): Promise<Figures> {
  const result = await autocannon({
    url,
    method: options.method,
    headers: {
      Authorization: `Bearer ${await identity.token(options.user)}`,
      ...(options.body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(options.body ? { body: options.body } : {}),
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.non2xx + result.errors + result.timeouts > 0) {
    // What went wrong, so an error count is never a mystery.
    console.error(
      `${options.method} ${url}: statuses ${JSON.stringify(result.statusCodeStats)}, ` +
        `${result.errors} connection errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
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

const dynamoProcess = node('./dynalite-process.ts', {}, 'pipe');
const [firstLine] = (await once(dynamoProcess.stdout!, 'data')) as [Buffer];
const { endpoint } = JSON.parse(firstLine.toString('utf8')) as { endpoint: string };
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
const apiPort = await freePort();
node(
  '../src/main.ts',
  { ...dynamoEnv, ...identity.env, PORT: String(apiPort), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
  'ignore',
);
const api = `http://127.0.0.1:${apiPort}`;
await waitFor(`${api}/health/readiness`);

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
    api: (seconds: number) =>
      viaApi(
        `${api}/api/tasks`,
        { method: 'POST', user: 'bench-create-api', body: JSON.stringify(newTask) },
        seconds,
      ),
    direct: (seconds: number) =>
      direct(() => tasks.create('bench-create-direct', newTask), seconds),
  },
  {
    name: `list (${LIST_LIMIT} of ${LIST_USER_TASKS})`,
    api: (seconds: number) =>
      viaApi(
        `${api}/api/tasks?limit=${LIST_LIMIT}`,
        { method: 'GET', user: 'bench-list' },
        seconds,
      ),
    direct: (seconds: number) =>
      direct(() => tasks.list('bench-list', { limit: LIST_LIMIT }), seconds),
  },
];

console.log(
  `task-service API vs the same DynamoDB operations through the SDK, dynalite on loopback; ` +
    `${CONNECTIONS} concurrent, ${DURATION_S} s per measurement (after ${WARM_UP_S} s warm-up)\n`,
);
const rows: string[][] = [];
const meanRequestMs = new Map<string, number>();
const number = (value: number, digits = 1) => value.toFixed(digits);
for (const benchCase of cases) {
  await benchCase.api(WARM_UP_S);
  const viaHttp = await benchCase.api(DURATION_S);
  // With CONNECTIONS requests always in flight, each takes CONNECTIONS / rps on average.
  meanRequestMs.set(benchCase.name, (CONNECTIONS / viaHttp.rps) * 1000);
  await benchCase.direct(WARM_UP_S);
  const viaSdk = await benchCase.direct(DURATION_S);
  rows.push(
    [
      benchCase.name,
      'API (HTTP)',
      number(viaHttp.rps, 0),
      number(viaHttp.p50),
      number(viaHttp.p99),
      String(viaHttp.errors),
    ],
    [
      benchCase.name,
      'direct (SDK)',
      number(viaSdk.rps, 0),
      number(viaSdk.p50),
      number(viaSdk.p99),
      String(viaSdk.errors),
    ],
    [
      benchCase.name,
      'ratio API/direct',
      `${number(viaHttp.rps / viaSdk.rps, 2)}x`,
      `${number(viaHttp.p50 / viaSdk.p50, 2)}x`,
      `${number(viaHttp.p99 / viaSdk.p99, 2)}x`,
      '',
    ],
  );
}

/**
 * The Bearer check alone: task-service's verifier on a real token, many times over, after a first
 * call has fetched and cached the provider's keys (as in a running service).
 */
async function bearerVerificationMicros(iterations: number): Promise<number> {
  const logger = pino({ level: 'silent' });
  const auth = loadConfig({ ...dynamoEnv, ...identity.env }).auth;
  const verifier = bearerVerifier(auth, providerClient(auth, logger), logger);
  const token = await identity.token('bench-verify');
  const now = () => Math.floor(Date.now() / 1000);
  for (let index = 0; index < 200; index += 1) await verifier.verify(token, now());
  const started = performance.now();
  for (let index = 0; index < iterations; index += 1) {
    const result = await verifier.verify(token, now());
    if (!('identity' in result)) throw new Error(`the bench token was refused: ${result.problem}`);
  }
  return ((performance.now() - started) * 1000) / iterations;
}

const header = ['operation', 'path', 'req/s', 'p50 ms', 'p99 ms', 'errors'];
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

const verifyMicros = await bearerVerificationMicros(5000);
console.log(
  `\nBearer token verification (jose jwtVerify, ES256, keys cached): ${verifyMicros.toFixed(1)} µs per request`,
);
for (const [name, ms] of meanRequestMs) {
  console.log(
    `  ${((verifyMicros / (ms * 1000)) * 100).toFixed(2)}% of a ${name} request (mean ${ms.toFixed(2)} ms under load)`,
  );
}
await identity.close();

clients.client.destroy();
for (const child of children) child.kill('SIGTERM');
await Promise.all(
  children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)),
);
