/**
 * DynamoDB stops for 10 s under load and comes back: only prompt 503s meanwhile, readiness false
 * then true again, and afterwards the table holds exactly what the API answered (a 503 for a
 * write in flight at the cut has an unknown outcome: counted, with how many were applied).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDynamoConfig, taskRecordFromItem } from '@task-manager/task-store';
import { scanTable, statusOf, withProductionTimeouts } from '@task-manager/testing';
import {
  distribution,
  ms,
  percentile,
  seconds,
  type Outcome,
  type VerifyContext,
} from '../harness/context.ts';
import { errorBodyProblems, type Reply } from '../harness/http.ts';
import { compareWithTable, contractFailures, runLoad, SUCCESS } from '../harness/load.ts';

const BEFORE_MS = 5000;
const OUTAGE_MS = 10_000;
const AFTER_MS = 8000;
/** Event-loop scheduling, the SDK's backoff between attempts and the HTTP hops. */
const LATENCY_MARGIN_MS = 1500;
/** "True within seconds after": the readiness interval (1 s in verify) and then some. */
const RECOVERY_BOUND_MS = 10_000;

export function outageCheck(context: VerifyContext): Promise<Outcome> {
  return context.withService(async ({ service, tables }) => {
    const { timeoutMs, maxAttempts } = loadDynamoConfig(withProductionTimeouts(tables));
    const latencyBound = timeoutMs * maxAttempts + LATENCY_MARGIN_MS;
    let stoppedAt = Infinity;
    let restartedAt = Infinity;
    const ended = (reply: Reply): number => reply.startedAt + reply.ms;
    const inFlightAtCut = (reply: Reply): boolean =>
      reply.startedAt < stoppedAt && ended(reply) > stoppedAt;

    // Readiness probed every 200 ms on a connection of its own, as the kubelet would, until the
    // load is over or the service has gone (stopped by withService if this check throws).
    const probes: Array<{ at: number; status: number }> = [];
    let probing = true;
    const prober = (async () => {
      while (probing && service.child.alive) {
        const status = await statusOf(`${service.url}/health/readiness`, 2000);
        probes.push({ at: performance.now(), status });
        await sleep(200);
      }
    })();
    const loading = runLoad(context, {
      baseUrl: service.url,
      userPrefix: 'outage',
      durationMs: BEFORE_MS + OUTAGE_MS + AFTER_MS,
      mayHaveApplied: (reply) => reply.status === 503 && inFlightAtCut(reply),
    });
    await sleep(BEFORE_MS);
    stoppedAt = performance.now();
    await context.dynamo.stop();
    await sleep(OUTAGE_MS);
    await context.dynamo.start();
    restartedAt = performance.now();
    const load = await loading;
    probing = false;
    await prober;

    const { replies } = load;
    const statuses = (some: Reply[]): number[] => some.map((reply) => reply.status);
    const during = statuses(
      replies.filter((reply) => reply.startedAt >= stoppedAt && ended(reply) <= restartedAt),
    );
    const atCut = statuses(replies.filter(inFlightAtCut));
    const refusals = replies.filter((reply) => reply.status === 503);
    const withRetryAfter = refusals.filter((reply) => reply.headers['retry-after']).length;
    const badRefusals = refusals.flatMap((reply) => {
      const problems = errorBodyProblems(reply);
      return problems.length > 0 ? [`${problems.join(', ')}: ${reply.body.slice(0, 120)}`] : [];
    });
    const unexpected = replies
      .filter((reply) => reply.status !== 503 && reply.status !== SUCCESS[reply.op])
      .map((reply) => `${reply.op} ${reply.status || reply.error}`);

    const failures: string[] = [];
    if (unexpected.length > 0) {
      failures.push(`replies other than success or 503: ${distribution(unexpected)}`);
    }
    const not503 = during.filter((status) => status !== 503);
    if (not503.length > 0) failures.push(`while down, not 503: ${distribution(not503)}`);
    if (!during.includes(503)) failures.push('no request was refused with 503');
    if (badRefusals.length > 0) {
      failures.push(`${badRefusals.length} 503s without a proper error: ${badRefusals[0]}`);
    }
    failures.push(...contractFailures(load));
    const latencies = replies.map((reply) => reply.ms);
    const maxLatency = percentile(latencies, 100);
    if (maxLatency > latencyBound) {
      failures.push(`a request took ${ms(maxLatency)}, beyond the ${ms(latencyBound)} bound`);
    }
    const falseDuring = probes.some(
      (p) => p.at > stoppedAt && p.at < restartedAt && p.status !== 200,
    );
    if (!falseDuring) failures.push('readiness never turned false while DynamoDB was down');
    const recovered = probes.find((p) => p.at > restartedAt && p.status === 200);
    const recoveryMs = recovered ? recovered.at - restartedAt : Infinity;
    if (recoveryMs > RECOVERY_BOUND_MS) {
      failures.push(`readiness not true within ${seconds(RECOVERY_BOUND_MS)} after restart`);
    }
    const after = replies.filter((reply) => reply.startedAt > restartedAt);
    if (!after.some((reply) => reply.status === SUCCESS[reply.op])) {
      failures.push('no request succeeded after DynamoDB came back');
    }

    // Parsed as task-store reads them: an item it could not read fails the check.
    const stored = (await scanTable(tables.clients, tables.config.tasksTable)).map((item) => ({
      ...taskRecordFromItem(item).task,
      userId: String(item.userId),
    }));
    const { checked, problems, ambiguous, ambiguousApplied } = compareWithTable(load, stored);
    if (problems.length > 0) {
      const examples = problems.slice(0, 5).join('; ');
      failures.push(`${problems.length} definite answers disagree with the table: ${examples}`);
    }
    return {
      figures: [
        `${replies.length} requests`,
        `while down ${distribution(during) || 'none'}`,
        `500s ${statuses(replies).filter((status) => status === 500).length}`,
        `503s with a JSON error ${refusals.length - badRefusals.length}/${refusals.length} (Retry-After on ${withRetryAfter})`,
        `${load.offContract} answers off the contract`,
        `max ${ms(maxLatency)} (bound ${ms(latencyBound)} = ${timeoutMs} ms × ${maxAttempts} + ${LATENCY_MARGIN_MS})`,
        // withService fails the check if the process has exited.
        `process ${service.child.alive ? 'alive' : 'DEAD'}`,
        `readiness false during: ${falseDuring ? 'yes' : 'no'}`,
        `ready ${recovered ? seconds(recoveryMs) : 'never'} after restart`,
        `${load.acknowledged} acknowledged / ${load.refused} refused writes`,
        `${checked} tasks checked against their 2xx/4xx answers`,
        `${problems.length} disagreeing with the table (must be 0)`,
        `in flight at the cut: ${distribution(atCut) || 'none'}`,
        `${ambiguous} writes of unknown outcome (503 at the cut, or no answer)`,
        `${ambiguousApplied} of them applied`,
      ],
      failures,
    };
  });
}
