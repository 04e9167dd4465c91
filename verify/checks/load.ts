/**
 * Load: mixed traffic from 50 connections against one instance. Rolling restart: the same load
 * through a Service stand-in while each of two instances is replaced as a Deployment's rolling
 * update does (new one ready, old one out of rotation, preStop, SIGTERM).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, stopTaskService, type TaskServiceInstance } from '@task-manager/testing';
import {
  distribution,
  seconds,
  SHUTDOWN_TIMEOUT_MS,
  type Outcome,
  type VerifyContext,
} from '../harness/context.ts';
import { LOAD_DURATION_MS, loadFailures, loadFigures, runLoad } from '../harness/load.ts';
import { startServiceProxy } from '../harness/service-proxy.ts';

/**
 * The preStop pause before SIGTERM. The Pod spec's is 5 s, time for endpoint removal to reach
 * every node's kube-proxy; here the "Service" is verify's own proxy, which has taken the
 * instance out of rotation before the pause starts, so 2 s keeps the run short.
 */
const PRE_STOP_MS = 2000;
const PROBE_INTERVAL_MS = 500;

export function loadCheck(context: VerifyContext): Promise<Outcome> {
  return context.withService(async ({ service }) => {
    const load = await runLoad(context, { baseUrl: service.url, userPrefix: 'load' });
    return { figures: loadFigures(load), failures: loadFailures(load) };
  });
}

export async function rollingRestartCheck(context: VerifyContext): Promise<Outcome> {
  const tables = await context.newTables();
  const proxy = await startServiceProxy(PROBE_INTERVAL_MS);
  const instances: TaskServiceInstance[] = [];
  const start = async (name: string): Promise<TaskServiceInstance> => {
    const instance = await context.startService(name, tables);
    instances.push(instance);
    proxy.add(instance);
    await eventually(() => {
      if (!proxy.ready().includes(name)) throw new Error(`${name} never became ready`);
    });
    return instance;
  };
  try {
    const old = [await start('task-service-a'), await start('task-service-b')];
    const loading = runLoad(context, { baseUrl: proxy.url, userPrefix: 'rolling' });
    const failures: string[] = [];
    const exits: string[] = [];
    for (const [index, instance] of old.entries()) {
      await sleep(Math.min(3000, LOAD_DURATION_MS / 6));
      await start(`task-service-${index + 1}-new`);
      proxy.remove(instance);
      await sleep(PRE_STOP_MS);
      const { code, signal, exitMs } = await stopTaskService(instance);
      exits.push(`${instance.name} exit ${code ?? signal} ${seconds(exitMs)} after SIGTERM`);
      if (code !== 0) failures.push(`${instance.name} exited with ${code ?? signal}, not 0`);
      if (exitMs > SHUTDOWN_TIMEOUT_MS) {
        failures.push(`${instance.name} took ${seconds(exitMs)} to exit after SIGTERM`);
      }
    }
    const load = await loading;
    return {
      figures: [
        ...loadFigures(load).slice(0, 7),
        ...exits,
        `connections ${distribution(proxy.connections)}`,
      ],
      failures: [...loadFailures(load), ...failures],
    };
  } finally {
    await proxy.close();
    await Promise.all(instances.map((instance) => stopTaskService(instance)));
  }
}
