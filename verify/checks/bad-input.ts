/**
 * Property-based bad input under fc.assert: a wrong answer fails the run, shrunk to a minimal
 * request with the seed and path that replay it. No request may change a stored item.
 */
import fc from 'fast-check';
import { createFixture } from '../harness/api-fixture.ts';
import { distribution, type Outcome, type VerifyContext } from '../harness/context.ts';
import { replyProblems } from '../harness/http.ts';
import { malformedRequests } from '../harness/malformed-requests.ts';

const REQUESTS = 2400;
/** Fixed, so a failure can be reproduced; VERIFY_SEED explores others. */
const SEED = Number(process.env.VERIFY_SEED ?? 20261122);

export function badInputCheck(context: VerifyContext): Promise<Outcome> {
  return context.withService(async ({ client, tables }) => {
    const fixture = await createFixture(client, tables, context);
    const statuses: number[] = [];
    const faults: string[] = [];
    const failures: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(malformedRequests(fixture), async (request) => {
          const reply = await client.send(request);
          statuses.push(reply.status);
          faults.push(request.fault.split(':')[0]!);
          const problems = replyProblems(request, reply, request.expect, request.field);
          if (problems.length > 0) {
            const answer = `${problems.join(', ')}: ${reply.body.slice(0, 160)}`;
            throw new Error(`${request.fault} — ${request.method} ${request.path}: ${answer}`);
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
    const changes = await fixture.tablesChange();
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
