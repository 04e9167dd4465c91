/** Bodies over 64 KiB get 413 (with Content-Length or chunked); one just under is read. */
import { JSON_TYPE } from '../harness/api-fixture.ts';
import type { Outcome, VerifyContext } from '../harness/context.ts';
import { replyProblems } from '../harness/http.ts';

const LIMIT = 64 * 1024;

/** A create request whose JSON body is exactly `bytes` long. */
function bodyOf(bytes: number): string {
  const frame = JSON.stringify({ title: 't', startAt: '2030-01-08T09:00:00Z', contents: '' });
  return frame.replace('"contents":""', `"contents":"${'c'.repeat(bytes - frame.length)}"`);
}

const CASES: Array<[label: string, bytes: number, chunked: boolean, expect: number]> = [
  [`${LIMIT + 1} B`, LIMIT + 1, false, 413],
  [`${LIMIT + 1} B chunked`, LIMIT + 1, true, 413],
  ['1 MiB', 1024 * 1024, false, 413],
  ['1 MiB chunked', 1024 * 1024, true, 413],
  // Just under the limit: read, then refused for its contents (over 2,000 characters).
  [`${LIMIT - 1} B`, LIMIT - 1, false, 400],
  ['small valid', 200, false, 201],
];

export function bodyLimitCheck(context: VerifyContext): Promise<Outcome> {
  return context.withService(async ({ client }) => {
    const headers = { ...(await context.credentials('verify-limits')), ...JSON_TYPE };
    const failures: string[] = [];
    const seen: string[] = [];
    for (const [label, bytes, chunked, expect] of CASES) {
      const request = { method: 'POST', path: '/api/tasks', headers, chunked, body: bodyOf(bytes) };
      const reply = await client.send(request);
      seen.push(`${label} → ${reply.status || reply.error}`);
      const problems = replyProblems(request, reply, [expect]);
      if (problems.length > 0) failures.push(`${label}: ${problems.join(', ')}`);
    }
    return { figures: seen, failures };
  });
}
