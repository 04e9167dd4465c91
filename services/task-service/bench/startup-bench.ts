/**
 * `npm run bench:startup`: the built task-service's start→ready time against a bare `node -e`
 * HTTP server, and a floor: that server after loading task-service's third-party packages, which
 * task-service loads before it listens, so its ratio cannot go below the floor's. Figures only:
 * nothing is asserted. BENCH_STARTUP_SAMPLES (default 10) starts of each, alternating.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTestTables,
  ensureBuilt,
  median,
  recordRatio,
  spawnListening,
  startDynaliteProcess,
  startTestIdentity,
  waitUntilReady,
  withProductionTimeouts,
} from '@task-manager/testing';
import { startupMs } from './service-process.ts';

const SAMPLES = Number(process.env.BENCH_STARTUP_SAMPLES ?? 10);
const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));
// Listens on a port the kernel chooses and prints it, as task-service logs its own.
const BARE_SERVER =
  "const s = require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', () => console.log(s.address().port))";

/** The third-party packages task-service loads from node_modules at run time. */
const packages = [
  ...new Set(
    [SERVICE_DIR, path.join(SERVICE_DIR, '../../packages/task-store')].flatMap((workspace) => {
      const manifest = JSON.parse(readFileSync(path.join(workspace, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      return Object.keys(manifest.dependencies ?? {});
    }),
  ),
]
  .filter((name) => !name.startsWith('@task-manager/'))
  .sort();

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** Spawn to the first answer of a bare server running `script`. */
async function bareReadyMs(name: string, script: string, cwd?: string): Promise<number> {
  const { child, port } = await spawnListening(
    { name, command: process.execPath, args: ['-e', script], env: {}, cwd },
    (line) => (/^\d+$/.test(line) ? Number(line) : undefined),
  );
  try {
    const instance = { name, url: `http://127.0.0.1:${port}`, child };
    const readyAt = await waitUntilReady(instance, { timeoutMs: 30_000, intervalMs: 5 });
    return readyAt - child.spawnedAt;
  } finally {
    await child.kill();
  }
}

process.on('SIGINT', () => process.exit(130));

await ensureBuilt(['@task-manager/task-service']);
const dynamo = await startDynaliteProcess();
const identity = await startTestIdentity();
const cacheDir = mkdtempSync(path.join(tmpdir(), 'startup-floor-cache-'));
try {
  const tables = await createTestTables(dynamo.endpoint);
  const env = { ...withProductionTimeouts(tables), ...identity.env, NODE_ENV: 'production' };
  // Resolved from task-service's directory, where its node_modules are found as in the image.
  const floor =
    `require('node:module').enableCompileCache(${JSON.stringify(cacheDir)}); ` +
    `for (const name of ${JSON.stringify(packages)}) require(name); ${BARE_SERVER}`;
  const samples = { service: [] as number[], floor: [] as number[], baseline: [] as number[] };
  // Once unmeasured, to fill the floor's compile cache as the build fills the service's.
  await bareReadyMs('floor', floor, SERVICE_DIR);
  for (let sample = 0; sample < SAMPLES; sample++) {
    // Alternate, so that whatever else the machine does weighs on all alike.
    samples.service.push(await startupMs(env));
    samples.floor.push(await bareReadyMs('floor', floor, SERVICE_DIR));
    samples.baseline.push(await bareReadyMs('node -e', BARE_SERVER));
  }

  const [service, floorMs, baseline] = [samples.service, samples.floor, samples.baseline].map(
    median,
  ) as [number, number, number];
  console.log(`task-service start→ready median ${ms(service)} of ${SAMPLES} starts`);
  console.log(`range ${ms(Math.min(...samples.service))}–${ms(Math.max(...samples.service))}`);
  console.log(`floor: bare server after loading ${packages.join(', ')}: median ${ms(floorMs)}`);
  console.log(`bare node -e HTTP server median ${ms(baseline)}`);
  console.log(
    `ratio ${(service / baseline).toFixed(1)}×; the floor's ${(floorMs / baseline).toFixed(1)}×`,
  );
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
    ratio: floorMs / baseline,
    detail: `${ms(floorMs)} vs ${ms(baseline)}, the lowest the ratio above can be`,
  });
  for (const [name, values] of Object.entries(samples)) {
    console.log(`samples (ms): ${name.padEnd(8)} ${values.map(Math.round).join(' ')}`);
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
  await identity.close();
  await dynamo.close();
}
