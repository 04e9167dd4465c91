/**
 * npm run bench:startup — how long the built task-service takes from process start to ready
 * (spawning `node services/task-service/dist/main.js` to its first 200 on /health/readiness,
 * DynamoDB reachable), against a bare `node -e` HTTP server measured in the same run,
 * alternately. Figures and their ratio only: start-up time is a benchmark, not a pass/fail
 * check (`npm run verify` has no Startup row: a row that passes whatever it measures is no check).
 */
import { ensureBuilt, recordRatio } from '@task-manager/testing';
import { killAllChildren, spawnListening } from './harness/children.ts';
import { createContext, type VerifyContext } from './harness/context.ts';
import { startDynamoServer } from './harness/dynamodb.ts';
import { median, ms } from './harness/stats.ts';
import { stopTaskService, waitUntilReady } from './harness/task-service.ts';

const POLL_MS = 5;
// Listens on a port the kernel chooses and prints it, as task-service logs its own.
const BARE_SERVER =
  "const s = require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', () => console.log(s.address().port))";

interface StartupFigures {
  serviceMs: number[];
  baselineMs: number[];
}

async function measureStartup(context: VerifyContext, samples: number): Promise<StartupFigures> {
  const tables = await context.newTables();
  const figures: StartupFigures = { serviceMs: [], baselineMs: [] };
  for (let sample = 0; sample < samples; sample++) {
    // Alternate, so that whatever else the machine does weighs on both alike.
    const service = await context.spawnService('task-service startup', tables);
    try {
      const readyAt = await waitUntilReady(service, { timeoutMs: 30_000, intervalMs: POLL_MS });
      figures.serviceMs.push(readyAt - service.child.spawnedAt);
    } finally {
      await stopTaskService(service);
    }

    const { child: bare, port } = await spawnListening(
      { name: 'node -e', command: process.execPath, args: ['-e', BARE_SERVER], env: {} },
      (line) => (/^\d+$/.test(line) ? Number(line) : undefined),
    );
    const instance = { name: 'node -e', url: `http://127.0.0.1:${port}`, child: bare, port };
    try {
      const readyAt = await waitUntilReady(instance, { timeoutMs: 30_000, intervalMs: POLL_MS });
      figures.baselineMs.push(readyAt - bare.spawnedAt);
    } finally {
      await bare.kill();
    }
  }
  return figures;
}

function startupSummary(figures: StartupFigures): string[] {
  const service = median(figures.serviceMs);
  const baseline = median(figures.baselineMs);
  return [
    `task-service start→ready median ${ms(service)} of ${figures.serviceMs.length} starts`,
    `range ${ms(Math.min(...figures.serviceMs))}–${ms(Math.max(...figures.serviceMs))}`,
    `bare node -e HTTP server median ${ms(baseline)}`,
    `ratio ${(service / baseline).toFixed(1)}×`,
  ];
}

const SAMPLES = Number(process.env.STARTUP_SAMPLES ?? 10);

process.on('exit', killAllChildren);
process.on('SIGINT', () => process.exit(130));

await ensureBuilt(['@task-manager/task-service']);
const dynamo = await startDynamoServer();
const context = await createContext(dynamo);
try {
  const figures = await measureStartup(context, SAMPLES);
  for (const line of startupSummary(figures)) console.log(line);
  const [service, baseline] = [median(figures.serviceMs), median(figures.baselineMs)];
  recordRatio({
    benchmark: 'bench:startup',
    measure: 'task-service start→ready / bare node HTTP server',
    ratio: service / baseline,
    goal: { atMost: 3 },
    detail: `${ms(service)} vs ${ms(baseline)}, medians of ${SAMPLES}`,
  });
  console.log(`samples (ms): task-service ${figures.serviceMs.map(Math.round).join(' ')}`);
  console.log(`samples (ms): node -e       ${figures.baselineMs.map(Math.round).join(' ')}`);
} finally {
  await context.identity.close();
  await dynamo.close();
}
