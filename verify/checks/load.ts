import type { Check } from '../harness/check.ts';
import { runLoad, type LoadResult } from '../harness/load.ts';
import { LOAD_CONNECTIONS, LOAD_DURATION_MS, REQUEST_TIMEOUT_MS } from '../harness/settings.ts';
import { distribution, ms } from '../harness/stats.ts';
import { stopTaskService } from '@task-manager/testing';

/** Mixed create/list/complete/delete traffic from 50 connections against one instance. */
export const loadCheck: Check = {
  name: 'Load',
  async run(context) {
    const tables = await context.newTables();
    const service = await context.startService('task-service', tables);
    try {
      const load = await runLoad({
        baseUrl: service.url,
        connections: LOAD_CONNECTIONS,
        durationMs: LOAD_DURATION_MS,
        userPrefix: 'load',
        credentials: context.credentials,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      const failures = loadFailures(load);
      if (!service.child.alive) failures.push('task-service exited during the load');
      return { figures: loadFigures(load), failures };
    } finally {
      await stopTaskService(service);
    }
  },
};

export function loadFigures(load: LoadResult): string[] {
  return [
    `${load.requests} requests`,
    `${load.failed} errors`,
    `p50 ${ms(load.latency.percentile(50))}`,
    `p99 ${ms(load.latency.percentile(99))}`,
    `max ${ms(load.latency.max)}`,
    `${Math.round(load.requests / (load.elapsedMs / 1000))} req/s`,
    `${LOAD_CONNECTIONS} connections × ${(load.elapsedMs / 1000).toFixed(0)} s`,
    `mix ${distribution(load.operations)}`,
  ];
}

export function loadFailures(load: LoadResult): string[] {
  const failures: string[] = [];
  if (load.requests === 0) failures.push('no request was made');
  if (load.failed > 0) {
    failures.push(
      `${load.failed} failed requests (statuses ${distribution(load.statuses)}; ` +
        `${distribution(load.transportErrors) || 'no transport errors'}); e.g. ${load.samples.join(' | ')}`,
    );
  }
  return failures;
}
