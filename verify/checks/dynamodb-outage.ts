/**
 * DynamoDB stops answering for 10 s under load, then comes back on the same port with its data.
 * While it is down the API answers 503 and only 503, promptly (the SDK timeout times the attempts,
 * plus a margin), and stays up; readiness goes false and comes back by itself; and afterwards the
 * table holds exactly what the API answered.
 *
 * Only a 503 for a write that was on its way to DynamoDB at the cut has an unknown outcome (it may
 * have been applied and only its response lost): those are counted, with how many were applied.
 * Every 2xx and 4xx is a definite answer and must agree with the table.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDynamoConfig } from '@task-manager/task-store';
import type { Check } from '../harness/check.ts';
import { dynamoEnv } from '../harness/context.ts';
import { errorBodyProblems } from '../harness/error-body.ts';
import { createHttpClient } from '../harness/http.ts';
import { runLoad, type Operation } from '../harness/load.ts';
import { LOAD_CONNECTIONS, REQUEST_TIMEOUT_MS } from '../harness/settings.ts';
import { countInto, distribution, ms, seconds } from '../harness/stats.ts';
import { readUserTasks } from '../harness/tables.ts';
import { stopTaskService } from '@task-manager/testing';
import type { Reply } from '../harness/http.ts';

const BEFORE_MS = 5000;
const OUTAGE_MS = 10_000;
const AFTER_MS = 8000;
/** Event-loop scheduling, the SDK's backoff between attempts and the HTTP hops. */
const LATENCY_MARGIN_MS = 1500;
/** "True within seconds after": the readiness interval (1 s in verify) and then some. */
const RECOVERY_BOUND_MS = 10_000;

const SUCCESS: Record<Operation, number> = { create: 201, list: 200, complete: 200, delete: 204 };

interface Phases {
  stoppedAt: number;
  restartedAt: number;
}

export const outageCheck: Check = {
  name: 'DynamoDB outage',
  async run(context) {
    const tables = await context.newTables();
    const service = await context.startService('task-service', tables);
    const { timeoutMs, maxAttempts: attempts } = loadDynamoConfig(dynamoEnv(tables));
    const latencyBound = timeoutMs * attempts + LATENCY_MARGIN_MS;
    const phases: Phases = { stoppedAt: Infinity, restartedAt: Infinity };

    const duringStatuses = new Map<number, number>();
    const atCutStatuses = new Map<number, number>();
    const inFlightAtCut = (reply: Reply): boolean =>
      reply.startedAt < phases.stoppedAt && reply.startedAt + reply.ms > phases.stoppedAt;
    const outcomeUnknown = (reply: Reply): boolean => reply.status === 503 && inFlightAtCut(reply);
    const unexpected = new Map<string, number>();
    let successesAfter = 0;
    let badRefusals = 0;
    let withRetryAfter = 0;
    let refusalSample = '';
    const onReply = (op: Operation, reply: Reply): void => {
      const end = reply.startedAt + reply.ms;
      if (reply.status === 503) {
        const problems = errorBodyProblems(reply);
        if (reply.headers['retry-after']) withRetryAfter++;
        if (problems.length > 0) {
          badRefusals++;
          refusalSample ||= `${problems.join(', ')}: ${reply.body.slice(0, 120)}`;
        }
      }
      if (inFlightAtCut(reply)) countInto(atCutStatuses, reply.status);
      if (reply.status !== SUCCESS[op] && reply.status !== 503) {
        countInto(unexpected, `${op} ${reply.status || reply.error}`);
      }
      if (reply.startedAt >= phases.stoppedAt && end <= phases.restartedAt) {
        countInto(duringStatuses, reply.status);
      }
      if (reply.startedAt > phases.restartedAt && reply.status === SUCCESS[op]) successesAfter++;
    };

    const readiness = pollReadiness(service.url);
    try {
      const loading = runLoad({
        baseUrl: service.url,
        connections: LOAD_CONNECTIONS,
        durationMs: BEFORE_MS + OUTAGE_MS + AFTER_MS,
        userPrefix: 'outage',
        credentials: context.credentials,
        timeoutMs: REQUEST_TIMEOUT_MS,
        onReply,
        mayHaveApplied: outcomeUnknown,
      });
      await sleep(BEFORE_MS);
      phases.stoppedAt = performance.now();
      await context.dynamo.stop();
      await sleep(OUTAGE_MS);
      await context.dynamo.start();
      phases.restartedAt = performance.now();
      const load = await loading;
      const probes = readiness.stop();

      const failures: string[] = [];
      const alive = service.child.alive;
      if (!alive) failures.push('task-service exited during the outage');
      if (unexpected.size > 0) {
        failures.push(`replies other than success or 503: ${distribution(unexpected)}`);
      }
      const nonServiceUnavailable = [...duringStatuses].filter(([status]) => status !== 503);
      if (nonServiceUnavailable.length > 0) {
        failures.push(`while down, not 503: ${distribution(new Map(nonServiceUnavailable))}`);
      }
      if ((duringStatuses.get(503) ?? 0) === 0) failures.push('no request was refused with 503');
      if (badRefusals > 0)
        failures.push(`${badRefusals} 503s without a proper error: ${refusalSample}`);
      const maxLatency = load.latency.max;
      if (maxLatency > latencyBound) {
        failures.push(`a request took ${ms(maxLatency)}, beyond the ${ms(latencyBound)} bound`);
      }
      const falseDuring = probes.some(
        (p) => p.at > phases.stoppedAt && p.at < phases.restartedAt && p.status !== 200,
      );
      if (!falseDuring) failures.push('readiness never turned false while DynamoDB was down');
      const recovered = probes.find((p) => p.at > phases.restartedAt && p.status === 200);
      const recoveryMs = recovered ? recovered.at - phases.restartedAt : Infinity;
      if (recoveryMs > RECOVERY_BOUND_MS) {
        failures.push(`readiness not true within ${seconds(RECOVERY_BOUND_MS)} after restart`);
      }
      if (successesAfter === 0) failures.push('no request succeeded after DynamoDB came back');

      let checked = 0;
      let ambiguous = 0;
      let ambiguousApplied = 0;
      const problems: string[] = [];
      for (const userId of load.userIds) {
        const comparison = load.journal.compare(userId, await readUserTasks(tables, userId));
        checked += comparison.checked;
        ambiguous += comparison.ambiguous;
        ambiguousApplied += comparison.ambiguousApplied;
        problems.push(...comparison.problems);
      }
      if (problems.length > 0) {
        failures.push(
          `${problems.length} definite answers disagree with the table: ${problems.slice(0, 5).join('; ')}`,
        );
      }

      return {
        figures: [
          `${load.requests} requests`,
          `while down ${distribution(duringStatuses) || 'none'}`,
          `500s ${load.statuses.get(500) ?? 0}`,
          `503s with a JSON error ${(load.statuses.get(503) ?? 0) - badRefusals}/${load.statuses.get(503) ?? 0} (Retry-After on ${withRetryAfter})`,
          `max ${ms(maxLatency)} (bound ${ms(latencyBound)} = ${timeoutMs} ms × ${attempts} + ${LATENCY_MARGIN_MS})`,
          `process ${alive ? 'alive' : 'DEAD'}`,
          `readiness false during: ${falseDuring ? 'yes' : 'no'}`,
          `ready ${recovered ? seconds(recoveryMs) : 'never'} after restart`,
          `${load.journal.acknowledged} acknowledged / ${load.journal.refused} refused writes`,
          `${checked} tasks checked against their 2xx/4xx answers`,
          `${problems.length} disagreeing with the table (must be 0)`,
          `in flight at the cut: ${distribution(atCutStatuses) || 'none'}`,
          `${ambiguous} writes of unknown outcome (503 at the cut, or no answer)`,
          `${ambiguousApplied} of them applied`,
        ],
        failures,
      };
    } finally {
      readiness.stop();
      if (!context.dynamo.running) await context.dynamo.start();
      await stopTaskService(service);
    }
  },
};

interface Probe {
  at: number;
  status: number;
}

/** Probes readiness every 200 ms on its own connection, as the kubelet would. */
function pollReadiness(url: string): { stop(): Probe[] } {
  const client = createHttpClient(url, { connections: 1, timeoutMs: 2000, keepAlive: false });
  const probes: Probe[] = [];
  let running = true;
  void (async () => {
    while (running) {
      const reply = await client.send({ method: 'GET', path: '/health/readiness' });
      probes.push({ at: reply.startedAt + reply.ms, status: reply.status });
      await sleep(200);
    }
    client.close();
  })();
  return {
    stop() {
      running = false;
      return probes;
    },
  };
}
