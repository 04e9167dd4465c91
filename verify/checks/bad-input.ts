/**
 * Property-based bad input: thousands of generated malformed requests across every endpoint.
 * None may be answered 5xx or with anything but the right 4xx and a proper JSON error (naming
 * the field at fault, leaking nothing internal), and none may change a single stored item.
 */
import fc from 'fast-check';
import { createFixture } from '../harness/api-fixture.ts';
import type { Check } from '../harness/check.ts';
import { detailFields, errorBodyProblems } from '../harness/error-body.ts';
import { createHttpClient, type Reply } from '../harness/http.ts';
import { malformedRequests, type MalformedRequest } from '../harness/malformed-requests.ts';
import { countInto, distribution } from '../harness/stats.ts';
import { snapshotTables } from '../harness/tables.ts';
import { stopTaskService } from '../harness/task-service.ts';

const REQUESTS = 2400;
const CONCURRENCY = 8;
/** Fixed, so a failure can be reproduced; VERIFY_SEED explores others. */
const SEED = Number(process.env.VERIFY_SEED ?? 20261122);

export const badInputCheck: Check = {
  name: 'Bad input',
  async run(context) {
    const tables = await context.newTables();
    const service = await context.startService('task-service', tables);
    const client = createHttpClient(service.url, { connections: CONCURRENCY, timeoutMs: 10_000 });
    try {
      const fixture = await createFixture(client, tables, context);
      const before = await snapshotTables(tables);
      const requests = fc.sample(malformedRequests(fixture), { numRuns: REQUESTS, seed: SEED });

      const statuses = new Map<number, number>();
      const faults = new Map<string, number>();
      const problems: string[] = [];
      let serverErrors = 0;
      let badBodies = 0;
      let unnamed = 0;
      let wrongStatus = 0;
      const note = (problem: string): void => {
        if (problems.length < 8) problems.push(problem);
      };

      const judge = (request: MalformedRequest, reply: Reply): void => {
        countInto(statuses, reply.status);
        countInto(faults, request.fault.split(':')[0]!);
        const where = `${request.fault} — ${request.method} ${request.path.slice(0, 80)}`;
        if (reply.status >= 500 || reply.status === 0) {
          serverErrors++;
          note(`${where} → ${reply.status || reply.error} ${reply.body.slice(0, 160)}`);
        } else if (!request.expect.includes(reply.status)) {
          wrongStatus++;
          note(
            `${where} → ${reply.status}, expected ${request.expect.join('/')}: ${reply.body.slice(0, 160)}`,
          );
        }
        const bodyProblems = reply.status === 0 ? [] : errorBodyProblems(reply);
        if (bodyProblems.length > 0) {
          badBodies++;
          note(
            `${where} → ${reply.status}: ${bodyProblems.join(', ')}: ${reply.body.slice(0, 120)}`,
          );
        }
        if (
          request.field &&
          reply.status >= 400 &&
          !detailFields(reply).some((field) => field.toLowerCase() === request.field!.toLowerCase())
        ) {
          unnamed++;
          note(`${where} → details do not name "${request.field}": ${reply.body.slice(0, 160)}`);
        }
      };

      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < requests.length) {
            const request = requests[next++]!;
            judge(request, await client.send(request));
          }
        }),
      );

      const after = await snapshotTables(tables);
      const unchanged = before === after;
      const failures: string[] = [];
      if (serverErrors > 0) failures.push(`${serverErrors} answered 5xx or not at all`);
      if (wrongStatus > 0) failures.push(`${wrongStatus} answered with the wrong 4xx`);
      if (badBodies > 0) failures.push(`${badBodies} without a proper JSON error body`);
      if (unnamed > 0) failures.push(`${unnamed} errors did not name the field at fault`);
      if (!unchanged) failures.push('the tables changed: ' + firstDifference(before, after));
      if (!service.child.alive) failures.push('task-service exited');
      if (failures.length > 0) failures.push(`e.g. ${problems.join(' | ')}`);

      return {
        figures: [
          `${requests.length} requests (seed ${SEED})`,
          `statuses ${distribution(statuses)}`,
          `5xx ${serverErrors}`,
          `wrong status ${wrongStatus}`,
          `bad error bodies ${badBodies}`,
          `field not named ${unnamed}`,
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
