/**
 * Startup time of the built task-service: from spawning `node services/task-service/dist/main.js`
 * to its first 200 on /health/readiness (DynamoDB reachable), median of several starts, beside
 * the same measure for a bare `node -e` HTTP server in the same run as the baseline.
 */
import { spawnChild } from '../harness/children.ts';
import type { Check } from '../harness/check.ts';
import type { VerifyContext } from '../harness/context.ts';
import { freePort, stopTaskService, waitUntilReady } from '../harness/task-service.ts';
import { median, ms } from '../harness/stats.ts';

const POLL_MS = 5;
const BARE_SERVER =
  "require('node:http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1')";

export interface StartupFigures {
  serviceMs: number[];
  baselineMs: number[];
}

export async function measureStartup(
  context: VerifyContext,
  samples: number,
): Promise<StartupFigures> {
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

    const port = await freePort();
    const bare = spawnChild({
      name: 'node -e',
      command: process.execPath,
      args: ['-e', BARE_SERVER],
      env: { PORT: String(port) },
    });
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

export function startupSummary(figures: StartupFigures): string[] {
  const service = median(figures.serviceMs);
  const baseline = median(figures.baselineMs);
  return [
    `task-service start→ready median ${ms(service)} of ${figures.serviceMs.length} starts`,
    `range ${ms(Math.min(...figures.serviceMs))}–${ms(Math.max(...figures.serviceMs))}`,
    `bare node -e HTTP server median ${ms(baseline)}`,
    `ratio ${(service / baseline).toFixed(1)}×`,
  ];
}

export const startupCheck: Check = {
  name: 'Startup',
  async run(context) {
    const figures = await measureStartup(context, 5);
    return { figures: startupSummary(figures), failures: [] };
  },
};
