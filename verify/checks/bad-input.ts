/**
 * Property-based bad input: thousands of generated malformed requests across every endpoint.
 * None may be answered 5xx or with anything but the right 4xx and a proper JSON error (naming
 * the field at fault, leaking nothing internal), and none may change a single stored item.
 *
 * The property runs under fast-check's `assert`: the first request answered wrongly fails the
 * run, fast-check shrinks it to a minimal request that still fails, and the failure names that
 * request with the seed and path that replay it (VERIFY_SEED, and fast-check's `path`).
 */
import fc from 'fast-check';
import { createFixture } from '../harness/api-fixture.ts';
import type { Check } from '../harness/check.ts';
import { detailFields, errorBodyProblems } from '../harness/error-body.ts';
import { createHttpClient, type Reply } from '../harness/http.ts';
import { malformedRequests, type MalformedRequest } from '../harness/malformed-requests.ts';
import { countInto, distribution } from '../harness/stats.ts';
import { snapshotTables } from '../harness/tables.ts';
import { stopTaskService } from '@task-manager/testing';

const REQUESTS = 2400;
/** Fixed, so a failure can be reproduced; VERIFY_SEED explores others. */
const SEED = Number(process.env.VERIFY_SEED ?? 20261122);

/** What is wrong with the answer to `request`, or undefined when it is right. */
export function answerProblem(request: MalformedRequest, reply: Reply): string | undefined {
  if (reply.status >= 500 || reply.status === 0) {
    return `answered ${reply.status || reply.error}: ${reply.body.slice(0, 160)}`;
  }
  if (!request.expect.includes(reply.status)) {
    return `answered ${reply.status}, expected ${request.expect.join('/')}: ${reply.body.slice(0, 160)}`;
  }
  const bodyProblems = errorBodyProblems(reply);
  if (bodyProblems.length > 0) {
    return `answered ${reply.status} ${bodyProblems.join(', ')}: ${reply.body.slice(0, 120)}`;
  }
  if (
    request.field &&
    !detailFields(reply).some((field) => field.toLowerCase() === request.field!.toLowerCase())
  ) {
    return `the details do not name "${request.field}": ${reply.body.slice(0, 160)}`;
  }
  return undefined;
}

export const badInputCheck: Check = {
  name: 'Bad input',
  async run(context) {
    const tables = await context.newTables();
    const service = await context.startService('task-service', tables);
    const client = createHttpClient(service.url, { connections: 1, timeoutMs: 10_000 });
    try {
      const fixture = await createFixture(client, tables, context);
      const before = await snapshotTables(tables);

      const statuses = new Map<number, number>();
      const faults = new Map<string, number>();
      let sent = 0;
      const failures: string[] = [];
      try {
        await fc.assert(
          fc.asyncProperty(malformedRequests(fixture), async (request) => {
            const reply = await client.send(request);
            sent++;
            countInto(statuses, reply.status);
            countInto(faults, request.fault.split(':')[0]!);
            const problem = answerProblem(request, reply);
            if (problem !== undefined) {
              throw new Error(`${request.fault} — ${request.method} ${request.path}: ${problem}`);
            }
          }),
          { numRuns: REQUESTS, seed: SEED },
        );
      } catch (error) {
        // fast-check's report: the shrunk counterexample, the seed and the path to replay it.
        failures.push(
          (error as Error).message
            .split('\n')
            .slice(0, 8)
            .map((line) => (line.length > 600 ? `${line.slice(0, 600)}…` : line))
            .join(' | '),
        );
      }

      const after = await snapshotTables(tables);
      const unchanged = before === after;
      if (!unchanged) failures.push('the tables changed: ' + firstDifference(before, after));
      if (!service.child.alive) failures.push('task-service exited');

      return {
        figures: [
          `${sent} requests (seed ${SEED}${failures.length > 0 ? ', with the shrinking' : ''})`,
          `statuses ${distribution(statuses)}`,
          `every answer the right 4xx with a JSON error naming its field: ${failures.length === 0 ? 'yes' : 'NO'}`,
          `data ${unchanged ? 'unchanged' : 'CHANGED'}`,
          `faults ${distribution(faults)}`,
        ],
        failures,
      };
    } finally {
      client.close();
      await stopTaskService(service);
    }
  },
};

function firstDifference(before: string, after: string): string {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const added = [...b].filter((line) => !a.has(line));
  const removed = [...a].filter((line) => !b.has(line));
  return `${added.length} items added or changed, ${removed.length} removed or changed; e.g. ${(added[0] ?? removed[0] ?? '').slice(0, 200)}`;
}
