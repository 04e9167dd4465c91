/**
 * DynamoDB stops for 10 s under load and comes back: only prompt 503s meanwhile, readiness false
 * then true again, and afterwards the table holds exactly what the API answered (a 503 for a
 * write in flight at the cut has an unknown outcome: counted, with how many were applied).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDynamoConfig, taskRecordFromItem } from '@task-manager/task-store';
import {
  scanTable,
  statusOf,
  stopTaskService,
  withProductionTimeouts,
} from '@task-manager/testing';
import {
  distribution,
  ms,
  percentile,
  seconds,
  type Outcome,
  type VerifyContext,
} from '../harness/context.ts';
import { errorBodyProblems, type Reply } from '../harness/http.ts';
import {
  contractFailures,
  runLoad,
  SUCCESS,
  type Operation,
  type StoredTask,
} from '../harness/load.ts';

const BEFORE_MS = 5000;
const OUTAGE_MS = 10_000;
const AFTER_MS = 8000;
/** Event-loop scheduling, the SDK's backoff between attempts and the HTTP hops. */
const LATENCY_MARGIN_MS = 1500;
/** "True within seconds after": the readiness interval (1 s in verify) and then some. */
const RECOVERY_BOUND_MS = 10_000;

export async function outageCheck(context: VerifyContext): Promise<Outcome> {
  const tables = await context.newTables();
  const service = await context.startService('task-service', tables);
  const { timeoutMs, maxAttempts } = loadDynamoConfig(withProductionTimeouts(tables));
  const latencyBound = timeoutMs * maxAttempts + LATENCY_MARGIN_MS;
  let stoppedAt = Infinity;
  let restartedAt = Infinity;

  const during: number[] = [];
  const atCut: number[] = [];
  const inFlightAtCut = (reply: Reply): boolean =>
    reply.startedAt < stoppedAt && reply.startedAt + reply.ms > stoppedAt;
  const unexpected: string[] = [];
  let successesAfter = 0;
  let badRefusals = 0;
  let withRetryAfter = 0;
  let refusalSample = '';
  const onReply = (op: Operation, reply: Reply): void => {
    if (reply.status === 503) {
      const problems = errorBodyProblems(reply);
      if (reply.headers['retry-after']) withRetryAfter++;
      if (problems.length > 0) {
        badRefusals++;
        refusalSample ||= `${problems.join(', ')}: ${reply.body.slice(0, 120)}`;
      }
    } else if (reply.status !== SUCCESS[op]) {
      unexpected.push(`${op} ${reply.status || reply.error}`);
    }
    if (inFlightAtCut(reply)) atCut.push(reply.status);
    if (reply.startedAt >= stoppedAt && reply.startedAt + reply.ms <= restartedAt) {
      during.push(reply.status);
    }
    if (reply.startedAt > restartedAt && reply.status === SUCCESS[op]) successesAfter++;
  };

  // Readiness probed every 200 ms on a connection of its own, as the kubelet would.
  const probes: Array<{ at: number; status: number }> = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const status = await statusOf(`${service.url}/health/readiness`, 2000);
      probes.push({ at: performance.now(), status });
      await sleep(200);
    }
  })();
  try {
    const loading = runLoad(context, {
      baseUrl: service.url,
      userPrefix: 'outage',
      durationMs: BEFORE_MS + OUTAGE_MS + AFTER_MS,
      onReply,
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

    const failures: string[] = [];
    const alive = service.child.alive;
    if (!alive) failures.push('task-service exited during the outage');
    if (unexpected.length > 0) {
      failures.push(`replies other than success or 503: ${distribution(unexpected)}`);
    }
    const not503 = during.filter((status) => status !== 503);
    if (not503.length > 0) failures.push(`while down, not 503: ${distribution(not503)}`);
    if (!during.includes(503)) failures.push('no request was refused with 503');
    if (badRefusals > 0) {
      failures.push(`${badRefusals} 503s without a proper error: ${refusalSample}`);
    }
    failures.push(...contractFailures(load));
    const maxLatency = percentile(load.latencies, 100);
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
    if (successesAfter === 0) failures.push('no request succeeded after DynamoDB came back');

    // Parsed as task-store reads them: an item it could not read fails the check.
    const stored: StoredTask[] = (await scanTable(tables.clients, tables.config.tasksTable)).map(
      (item) => ({ ...taskRecordFromItem(item).task, userId: String(item.userId) }),
    );
    const { checked, problems, ambiguous, ambiguousApplied } = load.journal.compare(stored);
    if (problems.length > 0) {
      failures.push(
        `${problems.length} definite answers disagree with the table: ${problems.slice(0, 5).join('; ')}`,
      );
    }
    const count = (status: number) => load.statuses.filter((s) => s === status).length;
    const refusals = count(503);
    return {
      figures: [
        `${load.latencies.length} requests`,
        `while down ${distribution(during) || 'none'}`,
        `500s ${count(500)}`,
        `503s with a JSON error ${refusals - badRefusals}/${refusals} (Retry-After on ${withRetryAfter})`,
        `${load.offContract} answers off the contract`,
        `max ${ms(maxLatency)} (bound ${ms(latencyBound)} = ${timeoutMs} ms × ${maxAttempts} + ${LATENCY_MARGIN_MS})`,
        `process ${alive ? 'alive' : 'DEAD'}`,
        `readiness false during: ${falseDuring ? 'yes' : 'no'}`,
        `ready ${recovered ? seconds(recoveryMs) : 'never'} after restart`,
        `${load.journal.acknowledged} acknowledged / ${load.journal.refused} refused writes`,
        `${checked} tasks checked against their 2xx/4xx answers`,
        `${problems.length} disagreeing with the table (must be 0)`,
        `in flight at the cut: ${distribution(atCut) || 'none'}`,
        `${ambiguous} writes of unknown outcome (503 at the cut, or no answer)`,
        `${ambiguousApplied} of them applied`,
      ],
      failures,
    };
  } finally {
    probing = false;
    await prober;
    await stopTaskService(service);
  }
}
