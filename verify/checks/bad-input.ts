/**
 * Property-based bad input under fc.assert: a wrong answer fails the run, shrunk to a minimal
 * request with the seed and path that replay it. No request may change a stored item.
 */
import fc from 'fast-check';
import { contractProblems, createFixture } from '../harness/api-fixture.ts';
import { distribution, type Outcome, type VerifyContext } from '../harness/context.ts';
import { detailFields, errorBodyProblems, type Reply } from '../harness/http.ts';
import { malformedRequests, type MalformedRequest } from '../harness/malformed-requests.ts';
import { changesSince, snapshotTables } from '../harness/tables.ts';

const REQUESTS = 2400;
/** Fixed, so a failure can be reproduced; VERIFY_SEED explores others. */
const SEED = Number(process.env.VERIFY_SEED ?? 20261122);

/** What is wrong with the answer to `request`, or undefined when it is right. */
function answerProblem(request: MalformedRequest, reply: Reply): string | undefined {
  const body = reply.body.slice(0, 160);
  if (reply.status >= 500 || reply.status === 0)
    return `answered ${reply.status || reply.error}: ${body}`;
  if (!request.expect.includes(reply.status)) {
    return `answered ${reply.status}, expected ${request.expect.join('/')}: ${body}`;
  }
  const problems = [...errorBodyProblems(reply), ...contractProblems(request, reply)];
  if (problems.length > 0) return `answered ${reply.status} ${problems.join(', ')}: ${body}`;
  const field = request.field?.toLowerCase();
  if (field && !detailFields(reply).some((named) => named.toLowerCase() === field)) {
    return `the details do not name "${request.field}": ${body}`;
  }
  return undefined;
}

export function badInputCheck(context: VerifyContext): Promise<Outcome> {
  return context.withService(async ({ client, tables }) => {
    const fixture = await createFixture(client, tables, context);
    const before = await snapshotTables(tables);
    const statuses: number[] = [];
    const faults: string[] = [];
    const failures: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(malformedRequests(fixture), async (request) => {
          const reply = await client.send(request);
          statuses.push(reply.status);
          faults.push(request.fault.split(':')[0]!);
          const problem = answerProblem(request, reply);
          if (problem !== undefined) {
            throw new Error(`${request.fault} — ${request.method} ${request.path}: ${problem}`);
          }
        }),
        { numRuns: REQUESTS, seed: SEED },
      );
    } catch (error) {
      // fast-check's report: the shrunk counterexample, the seed and the path to replay it.
      const { message, cause } = error as Error;
      const report = [String(cause), ...message.split('\n').slice(0, 8)];
      failures.push(report.map((line) => line.slice(0, 600)).join(' | '));
    }
    const changes = await changesSince(tables, before);
    if (changes) failures.push(changes);

    return {
      figures: [
        `${statuses.length} requests (seed ${SEED}${failures.length > 0 ? ', with the shrinking' : ''})`,
        `statuses ${distribution(statuses)}`,
        `every answer the right 4xx with a JSON error naming its field: ${failures.length === 0 ? 'yes' : 'NO'}`,
        `data ${changes ? 'CHANGED' : 'unchanged'}`,
        `faults ${distribution(faults)}`,
      ],
      failures,
    };
  });
}
