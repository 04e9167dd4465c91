/**
 * A rolling update of a two-replica Deployment behind a Service, under load: for each old
 * instance, a new one starts and joins the rotation once ready (maxSurge 1, maxUnavailable 0),
 * the old one leaves the rotation (endpoint removed when the Pod starts terminating), and after
 * a preStop pause it gets SIGTERM. Not one request may fail, and each old instance must exit 0
 * within its shutdown timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Check } from '../harness/check.ts';
import { runLoad } from '../harness/load.ts';
import { startServiceProxy, type ServiceProxy } from '../harness/service-proxy.ts';
import { LOAD_CONNECTIONS, LOAD_DURATION_MS, REQUEST_TIMEOUT_MS } from '../harness/settings.ts';
import { distribution, seconds } from '../harness/stats.ts';
import { stopTaskService, type Shutdown, type TaskServiceInstance } from '@task-manager/testing';
import { loadFailures, loadFigures } from './load.ts';

/** The Pod spec's preStop sleep: time for endpoint removal to reach every node's kube-proxy. */
const PRE_STOP_MS = 2000;
const PROBE_INTERVAL_MS = 500;
/** The service's SHUTDOWN_TIMEOUT_MS in verify (see context.ts): the exit must come within it. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

interface Replacement {
  old: string;
  shutdown: Shutdown;
}

export const rollingRestartCheck: Check = {
  name: 'Rolling restart',
  async run(context) {
    const tables = await context.newTables();
    const proxy = await startServiceProxy(PROBE_INTERVAL_MS);
    const instances: TaskServiceInstance[] = [];
    try {
      for (const name of ['task-service-a', 'task-service-b']) {
        const instance = await context.startService(name, tables);
        instances.push(instance);
        proxy.add(instance);
      }
      await untilRouted(proxy, ['task-service-a', 'task-service-b']);

      const loading = runLoad({
        baseUrl: proxy.url,
        connections: LOAD_CONNECTIONS,
        durationMs: LOAD_DURATION_MS,
        userPrefix: 'rolling',
        credentials: context.credentials,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      const gap = Math.min(3000, LOAD_DURATION_MS / 6);
      const replacements: Replacement[] = [];
      for (const [index, old] of [...instances].entries()) {
        await sleep(gap);
        const replacement = await context.startService(`task-service-${index + 1}-new`, tables);
        instances.push(replacement);
        proxy.add(replacement);
        await untilRouted(proxy, [replacement.name]);
        proxy.remove(old);
        await sleep(PRE_STOP_MS);
        replacements.push({ old: old.name, shutdown: await stopTaskService(old) });
      }
      const load = await loading;

      const failures = loadFailures(load);
      for (const { old, shutdown } of replacements) {
        if (shutdown.code !== 0) {
          failures.push(`${old} exited with ${shutdown.code ?? shutdown.signal}, not 0`);
        }
        if (shutdown.exitMs > SHUTDOWN_TIMEOUT_MS) {
          failures.push(`${old} took ${seconds(shutdown.exitMs)} to exit after SIGTERM`);
        }
      }
      if (replacements.length < 2) failures.push('the rollout did not finish within the load');
      return {
        figures: [
          ...loadFigures(load).slice(0, 6),
          ...replacements.map(
            ({ old, shutdown }) =>
              `${old} exit ${shutdown.code ?? shutdown.signal} ${seconds(shutdown.exitMs)} after SIGTERM`,
          ),
          `connections ${distribution(proxy.connectionCounts())}`,
        ],
        failures,
      };
    } finally {
      await proxy.close();
      await Promise.all(instances.map((instance) => stopTaskService(instance)));
    }
  },
};

async function untilRouted(proxy: ServiceProxy, names: string[]): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!names.every((name) => proxy.ready().includes(name))) {
    if (performance.now() > deadline) throw new Error(`${names.join(', ')} never became ready`);
    await sleep(50);
  }
}
