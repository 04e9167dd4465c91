/**
 * Request size limits: a body over 64 KiB is refused with 413 (declared by Content-Length or
 * streamed chunked), one just under it is read (and judged on its content), and the service
 * stays up and keeps answering after a 1 MiB attempt.
 */
import type { Check } from '../harness/check.ts';
import { errorBodyProblems } from '../harness/error-body.ts';
import { createHttpClient, type HttpRequest } from '../harness/http.ts';
import { stopTaskService } from '@task-manager/testing';

const LIMIT = 64 * 1024;

function bodyOf(bytes: number): string {
  const frame = JSON.stringify({ title: 't', startAt: '2030-01-08T09:00:00Z', contents: '' });
  return frame.replace('"contents":""', `"contents":"${'c'.repeat(bytes - frame.length)}"`);
}

export const bodyLimitCheck: Check = {
  name: 'Body size limit',
  async run(context) {
    const tables = await context.newTables();
    const service = await context.startService('task-service', tables);
    const client = createHttpClient(service.url, { connections: 1, timeoutMs: 10_000 });
    const auth = await context.credentials('verify-limits');
    const post = (body: string, chunked = false): HttpRequest => ({
      method: 'POST',
      path: '/api/tasks',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
      chunked,
    });
    const cases: Array<[string, HttpRequest, number]> = [
      [`${LIMIT + 1} B`, post(bodyOf(LIMIT + 1)), 413],
      [`${LIMIT + 1} B chunked`, post(bodyOf(LIMIT + 1), true), 413],
      ['1 MiB', post(bodyOf(1024 * 1024)), 413],
      ['1 MiB chunked', post(bodyOf(1024 * 1024), true), 413],
      // Just under the limit: read, then refused for its contents (over 2,000 characters).
      [`${LIMIT - 1} B`, post(bodyOf(LIMIT - 1)), 400],
      ['small valid', post(bodyOf(200)), 201],
    ];
    try {
      const failures: string[] = [];
      const seen: string[] = [];
      for (const [label, request, expected] of cases) {
        const reply = await client.send(request);
        seen.push(`${label} → ${reply.status || reply.error}`);
        if (reply.status !== expected) {
          failures.push(`${label}: ${reply.status || reply.error}, expected ${expected}`);
        } else if (expected >= 400) {
          const problems = errorBodyProblems(reply);
          if (problems.length > 0) failures.push(`${label}: ${problems.join(', ')}`);
        }
      }
      if (!service.child.alive) failures.push('task-service exited');
      return { figures: seen, failures };
    } finally {
      client.close();
      await stopTaskService(service);
    }
  },
};
