/**
 * npm run bench:startup — how long the built task-service takes from process start to ready
 * (spawning `node services/task-service/dist/main.js` to its first 200 on /health/readiness,
 * DynamoDB reachable), against a bare `node -e` HTTP server measured in the same run,
 * alternately. Figures and their ratio only: start-up time is a benchmark, not a pass/fail
 * check (`npm run verify` has no Startup row: a row that passes whatever it measures is no check).
 *
 * Between the two it measures a floor: a `node -e` HTTP server that first loads the third-party
 * packages task-service runs on (Express, pino, the AWS SDK's DynamoDB clients: the production
 * dependencies of it and of task-store), from node_modules as the image does, with a compile
 * cache as the image has, and does nothing with them. No start of task-service can be quicker,
 * since it loads them all before it listens; the floor's ratio to the bare server is the lowest
 * ratio the service's could reach.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureBuilt,
  killAllChildren,
  recordRatio,
  spawnListening,
  stopTaskService,
  waitUntilReady,
} from '@task-manager/testing';
import { createContext, type VerifyContext } from './harness/context.ts';
import { startDynamoServer } from './harness/dynamodb.ts';
import { median, ms } from './harness/stats.ts';

const POLL_MS = 5;
// Listens on a port the kernel chooses and prints it, as task-service logs its own.
const BARE_SERVER =
  "const s = require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', () => console.log(s.address().port))";

/** The third-party packages task-service loads from node_modules at run time. */
function runtimePackages(): string[] {
  const dependencies = ['services/task-service', 'packages/task-store'].flatMap((workspace) => {
    const manifest = JSON.parse(readFileSync(path.join(workspace, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    return Object.keys(manifest.dependencies ?? {});
  });
  return [...new Set(dependencies)].filter((name) => !name.startsWith('@task-manager/')).sort();
}

/** The bare server, after loading `packages` with V8's compile cache in `cacheDir`. */
function floorServer(packages: readonly string[], cacheDir: string): string {
  return (
    `require('node:module').enableCompileCache(${JSON.stringify(cacheDir)}); ` +
    `for (const name of ${JSON.stringify(packages)}) require(name); ${BARE_SERVER}`
  );
}

interface StartupFigures {
  serviceMs: number[];
  floorMs: number[];
  baselineMs: number[];
}

async function bareReadyMs(name: string, script: string, cwd?: string): Promise<number> {
  const { child, port } = await spawnListening(
    { name, command: process.execPath, args: ['-e', script], env: {}, cwd },
    (line) => (/^\d+$/.test(line) ? Number(line) : undefined),
  );
  const instance = { name, url: `http://127.0.0.1:${port}`, child, port };
  try {
    const readyAt = await waitUntilReady(instance, { timeoutMs: 30_000, intervalMs: POLL_MS });
    return readyAt - child.spawnedAt;
  } finally {
    await child.kill();
  }
}

async function measureStartup(context: VerifyContext, samples: number): Promise<StartupFigures> {
  const tables = await context.newTables();
  const figures: StartupFigures = { serviceMs: [], floorMs: [], baselineMs: [] };
  // Resolved from task-service's directory, where its node_modules are found as in the image.
  const floorCwd = path.resolve('services/task-service');
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'startup-floor-cache-'));
  const floor = floorServer(runtimePackages(), cacheDir);
  try {
    // Once unmeasured, to fill the floor's compile cache as the build fills the service's.
    await bareReadyMs('floor', floor, floorCwd);
    for (let sample = 0; sample < samples; sample++) {
      // Alternate, so that whatever else the machine does weighs on all alike.
      const service = await context.spawnService('task-service startup', tables);
      try {
        const readyAt = await waitUntilReady(service, { timeoutMs: 30_000, intervalMs: POLL_MS });
        figures.serviceMs.push(readyAt - service.child.spawnedAt);
      } finally {
        await stopTaskService(service);
      }
      figures.floorMs.push(await bareReadyMs('floor', floor, floorCwd));
      figures.baselineMs.push(await bareReadyMs('node -e', BARE_SERVER));
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  return figures;
}

function startupSummary(figures: StartupFigures): string[] {
  const service = median(figures.serviceMs);
  const floor = median(figures.floorMs);
  const baseline = median(figures.baselineMs);
  return [
    `task-service start→ready median ${ms(service)} of ${figures.serviceMs.length} starts`,
    `range ${ms(Math.min(...figures.serviceMs))}–${ms(Math.max(...figures.serviceMs))}`,
    `floor: bare server after loading ${runtimePackages().join(', ')}: median ${ms(floor)}`,
    `bare node -e HTTP server median ${ms(baseline)}`,
    `ratio ${(service / baseline).toFixed(1)}×; the floor's ${(floor / baseline).toFixed(1)}×`,
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
  recordRatio({
    benchmark: 'bench:startup',
    measure: 'floor: its packages loaded, nothing else / bare node HTTP server',
    ratio: median(figures.floorMs) / baseline,
    detail: `${ms(median(figures.floorMs))} vs ${ms(baseline)}, the lowest the ratio above can be`,
  });
  console.log(`samples (ms): task-service ${figures.serviceMs.map(Math.round).join(' ')}`);
  console.log(`samples (ms): floor        ${figures.floorMs.map(Math.round).join(' ')}`);
  console.log(`samples (ms): node -e       ${figures.baselineMs.map(Math.round).join(' ')}`);
} finally {
  await context.identity.close();
  await dynamo.close();
}
