/**
 * `npm run bench:memory`: task-service's resident memory under steady load, as the image runs
 * it (the built dist/main.js with the image's command, heap flags and malloc settings,
 * src/launch.ts), and whether it keeps growing. From its sources, Node's TypeScript stripping
 * alone would add tens of MB that the image does not have.
 *
 * Starts dynalite (its own process), the development identity provider and one task-service,
 * then keeps BENCH_CONNECTIONS (default 10) connections busy with the API's everyday mix for
 * BENCH_MEMORY_MINUTES (default 5): each connection lists a page of 100 tasks, then creates a
 * task, again and again. The service's RSS (VmRSS, from /proc) is sampled every second.
 *
 * Prints the RSS after the first 60 s, and the highest RSS of each minute: a leak shows as a
 * minute-by-minute climb, while V8 collecting garbage only moves RSS up and down within a
 * minute. Records two ratios for `npm run bench`: RSS at 60 s against the 150 MB goal, and the
 * last minute's peak against the first minute's (no growth: at most 1.05, allowing for how
 * much a heap's size moves between collections).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import {
  createTestTables,
  ensureBuilt,
  recordRatio,
  startDynaliteProcess,
  startTestIdentity,
} from '@task-manager/testing';
import {
  TASK_SERVICE_COMMAND,
  TASK_SERVICE_HEAP_FLAGS,
  TASK_SERVICE_MALLOC_ENV,
} from '../src/launch.ts';
import { residentMb, runningTaskService } from './service-process.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MINUTES = Number(process.env.BENCH_MEMORY_MINUTES ?? 5);
const GOAL_MB = 150;
const GROWTH_ALLOWED = 1.05;

await ensureBuilt(['@task-manager/task-service']);
const dynamo = await startDynaliteProcess();
const identity = await startTestIdentity({ accessTokenTtlSeconds: 3600 });
const tables = await createTestTables(dynamo.endpoint);
const service = await runningTaskService({ ...identity.env, ...tables.env });
// What the image runs with besides its command (src/launch.ts); spawnTaskService sets it.
const imageEnv = Object.entries(TASK_SERVICE_MALLOC_ENV)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
const rss = () => {
  const value = residentMb(service.child.pid, 'VmRSS');
  if (value === undefined) throw new Error('no /proc here: this benchmark needs Linux');
  return value;
};

console.log(
  `task-service RSS under load: ${CONNECTIONS} connections for ${MINUTES} min, each listing ` +
    `100 tasks then creating one, again and again; ${imageEnv} ${TASK_SERVICE_COMMAND.join(' ')} ` +
    `(the image's environment and command); node ${process.version}\n`,
);
const idle = rss();
const task = JSON.stringify({
  title: 'Memory benchmark task',
  contents: 'x'.repeat(200),
  startAt: '2026-11-21T09:00:00+09:00',
});
const headers = {
  Authorization: `Bearer ${await identity.token('bench-memory')}`,
  'Content-Type': 'application/json',
};
const load = autocannon({
  url: service.url,
  connections: CONNECTIONS,
  duration: MINUTES * 60,
  requests: [
    { method: 'GET', path: '/api/tasks?limit=100', headers },
    { method: 'POST', path: '/api/tasks', headers, body: task },
  ],
});

/** Highest RSS of each minute, and the RSS at the end of the first. */
const peaks: number[] = [];
let atSixtySeconds = 0;
const started = Date.now();
for (let minute = 0; minute < MINUTES; minute += 1) {
  let peak = 0;
  // Sampled until the minute is over by the clock, whatever the machine's load did to sleep.
  while (Date.now() - started < (minute + 1) * 60_000) {
    peak = Math.max(peak, rss());
    await sleep(1000);
  }
  if (minute === 0) atSixtySeconds = rss();
  peaks.push(Math.max(peak, rss()));
  console.log(`minute ${minute + 1}: peak RSS ${peaks[minute]!.toFixed(0)} MB`);
}
const result = await load;
const mb = (value: number) => `${value.toFixed(0)} MB`;
console.log(
  `\n${result.requests.total} requests (${result.non2xx} not 2xx, ${result.errors} errors), ` +
    `${result.requests.average.toFixed(0)} req/s\n` +
    `RSS idle before the load: ${mb(idle)}\n` +
    `RSS after 60 s of load:   ${mb(atSixtySeconds)} (goal: at most ${GOAL_MB} MB)\n` +
    `peak RSS, minute 1 → ${MINUTES}: ${mb(peaks[0]!)} → ${mb(peaks.at(-1)!)}`,
);
recordRatio({
  benchmark: 'bench:memory',
  measure: `RSS after 60 s of load / ${GOAL_MB} MB`,
  ratio: atSixtySeconds / GOAL_MB,
  goal: { atMost: 1 },
  detail: `${mb(atSixtySeconds)} with ${TASK_SERVICE_HEAP_FLAGS.join(' ')} and ${imageEnv}`,
});
if (MINUTES > 1) {
  recordRatio({
    benchmark: 'bench:memory',
    measure: `peak RSS, minute ${MINUTES} / minute 1`,
    ratio: peaks.at(-1)! / peaks[0]!,
    goal: { atMost: GROWTH_ALLOWED },
    detail: `${mb(peaks.at(-1)!)} vs ${mb(peaks[0]!)}`,
  });
}
if (result.non2xx + result.errors > 0) process.exitCode = 1;
tables.clients.client.destroy();
await identity.close();
await dynamo.close();
// Exiting also ends the service: @task-manager/testing kills its children on exit.
process.exit();
