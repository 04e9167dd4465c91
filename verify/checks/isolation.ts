/**
 * Users are kept apart on every endpoint: user B can neither read nor change user A's tasks
 * (404, exactly as for ids that do not exist), non-admins cannot read reports (403), every
 * endpoint refuses a request without credentials (401), and no forged credential gets in: the
 * X-Forwarded-User header names nobody, and tokens that are forged, expired, for another
 * audience or tampered with are refused (401), as is a session cookie sealed elsewhere. Each refusal has a positive control (the
 * owner or the admin doing the same succeeds), so a broken route cannot pass for isolation.
 */
import { createFixture, OTHER, OWNER, untilNameStored } from '../harness/api-fixture.ts';
import type { Check } from '../harness/check.ts';
import { ADMIN_USER } from '../harness/context.ts';
import { errorBodyProblems } from '../harness/error-body.ts';
import { createHttpClient, jsonBody, type HttpRequest } from '../harness/http.ts';
import { snapshotTables } from '../harness/tables.ts';
import { stopTaskService } from '@task-manager/testing';

interface Probe {
  label: string;
  request: HttpRequest;
  expect: number;
  /** The body must not contain this (another user's data). */
  mustNotContain?: string;
}

const json = { 'content-type': 'application/json' };

export const isolationCheck: Check = {
  name: 'Isolation',
  async run(context) {
    const tables = await context.newTables();
    const service = await context.startService('task-service', tables);
    const client = createHttpClient(service.url, { connections: 4, timeoutMs: 10_000 });
    try {
      const fixture = await createFixture(client, tables, context);
      const as = (userId: string): Record<string, string> => ({
        authorization: `Bearer ${fixture.tokens.get(userId)!}`,
      });
      const [taskId, etag] = [...fixture.ownerTasks][1]!;
      const otherTask = await client.send({
        method: 'POST',
        path: '/api/tasks',
        headers: { ...as(OTHER), ...json },
        body: JSON.stringify({ title: 'bob only', startAt: '2030-01-08T12:00:00Z' }),
      });
      const otherId = (jsonBody(otherTask) as { taskId: string }).taskId;
      // That first change of B's records B's name in the background: stored before the snapshot
      // below, it cannot land among the refused requests' (non-)writes.
      await untilNameStored(tables, OTHER);
      const task = `/api/tasks/${taskId}`;
      const report = `/api/reports/${fixture.reportDate}`;

      const crossUser: Probe[] = [
        {
          label: 'B reads A',
          request: { method: 'GET', path: task, headers: as(OTHER) },
          expect: 404,
        },
        {
          label: 'B edits A',
          request: {
            method: 'PATCH',
            path: task,
            headers: { ...as(OTHER), ...json },
            body: '{"title":"mine"}',
          },
          expect: 404,
        },
        {
          label: 'B edits A with its ETag',
          request: {
            method: 'PATCH',
            path: task,
            headers: { ...as(OTHER), ...json, 'if-match': etag },
            body: '{"done":true}',
          },
          expect: 404,
        },
        {
          label: 'B deletes A',
          request: { method: 'DELETE', path: task, headers: as(OTHER) },
          expect: 404,
        },
        {
          label: 'B deletes A with its ETag',
          request: { method: 'DELETE', path: task, headers: { ...as(OTHER), 'if-match': etag } },
          expect: 404,
        },
        {
          label: "B lists (A's tasks absent)",
          request: { method: 'GET', path: '/api/tasks?status=all&limit=100', headers: as(OTHER) },
          expect: 200,
          mustNotContain: taskId,
        },
        {
          label: "B lists with A's cursor",
          request: {
            method: 'GET',
            path: `/api/tasks?cursor=${fixture.ownerCursor}`,
            headers: as(OTHER),
          },
          expect: 400,
          mustNotContain: taskId,
        },
        {
          label: 'A reads B',
          request: { method: 'GET', path: `/api/tasks/${otherId}`, headers: as(OWNER) },
          expect: 404,
        },
        {
          label: 'control: A reads A',
          request: { method: 'GET', path: task, headers: as(OWNER) },
          expect: 200,
        },
        {
          label: 'control: B reads B',
          request: { method: 'GET', path: `/api/tasks/${otherId}`, headers: as(OTHER) },
          expect: 200,
        },
      ];
      const reports: Probe[] = [OWNER, OTHER].flatMap((userId) => [
        {
          label: `${userId} lists reports`,
          request: { method: 'GET', path: '/api/reports', headers: as(userId) },
          expect: 403,
        },
        {
          label: `${userId} reads a report`,
          request: { method: 'GET', path: report, headers: as(userId) },
          expect: 403,
        },
        {
          label: `${userId} reads a report as CSV`,
          request: { method: 'GET', path: report, headers: { ...as(userId), accept: 'text/csv' } },
          expect: 403,
        },
      ]);
      reports.push(
        {
          label: 'control: admin lists',
          request: { method: 'GET', path: '/api/reports', headers: as(ADMIN_USER) },
          expect: 200,
        },
        {
          label: 'control: admin reads',
          request: { method: 'GET', path: report, headers: as(ADMIN_USER) },
          expect: 200,
        },
        {
          label: 'control: admin reads CSV',
          request: {
            method: 'GET',
            path: report,
            headers: { ...as(ADMIN_USER), accept: 'text/csv' },
          },
          expect: 200,
        },
      );
      const endpoints: HttpRequest[] = [
        {
          method: 'POST',
          path: '/api/tasks',
          headers: json,
          body: JSON.stringify({ title: 'x', startAt: '2030-01-08T12:00:00Z' }),
        },
        { method: 'GET', path: '/api/tasks' },
        { method: 'GET', path: task },
        { method: 'PATCH', path: task, headers: json, body: '{"done":true}' },
        { method: 'DELETE', path: task },
        { method: 'GET', path: '/api/me' },
        { method: 'GET', path: '/api/reports' },
        { method: 'GET', path: report },
      ];
      const anonymous: Probe[] = endpoints.map((request) => ({
        label: `no user: ${request.method} ${request.path}`,
        request,
        expect: 401,
      }));
      // Credentials that must name nobody: the old trusted header, forged and wrong tokens.
      const forged: Probe[] = [
        {
          label: 'X-Forwarded-User: admin alone',
          request: {
            method: 'GET',
            path: '/api/reports',
            headers: { 'x-forwarded-user': ADMIN_USER },
          },
          expect: 401,
        },
        {
          label: 'X-Forwarded-User: owner alone, on the owner’s task',
          request: { method: 'GET', path: task, headers: { 'x-forwarded-user': OWNER } },
          expect: 401,
        },
        {
          label: 'B with X-Forwarded-User: admin reads reports',
          request: {
            method: 'GET',
            path: '/api/reports',
            headers: { ...as(OTHER), 'x-forwarded-user': ADMIN_USER },
          },
          expect: 403,
        },
        {
          label: 'B with X-Forwarded-User: owner reads A',
          request: {
            method: 'GET',
            path: task,
            headers: { ...as(OTHER), 'x-forwarded-user': OWNER },
          },
          expect: 404,
        },
        ...fixture.forgedAuthorizations.flatMap((authorization, index) => [
          {
            label: `forged token #${index + 1} reads A`,
            request: { method: 'GET', path: task, headers: { authorization } },
            expect: 401,
          },
          {
            label: `forged token #${index + 1} deletes A`,
            request: { method: 'DELETE', path: task, headers: { authorization } },
            expect: 401,
          },
          {
            label: `forged token #${index + 1} reads reports`,
            request: { method: 'GET', path: '/api/reports', headers: { authorization } },
            expect: 401,
          },
        ]),
        {
          label: 'a session cookie sealed elsewhere',
          request: {
            method: 'GET',
            path: task,
            headers: { cookie: `tm_session=${fixture.cookieSecret}` },
          },
          expect: 401,
        },
      ];
      anonymous.push({
        label: 'control: liveness needs no user',
        request: { method: 'GET', path: '/health/liveness' },
        expect: 200,
      });

      const before = await snapshotTables(tables);
      const failures: string[] = [];
      const tally = { crossUser: 0, reports: 0, anonymous: 0, forged: 0 };
      for (const [group, probes] of [
        ['crossUser', crossUser],
        ['reports', reports],
        ['anonymous', anonymous],
        ['forged', forged],
      ] as const) {
        for (const probe of probes) {
          const reply = await client.send(probe.request);
          if (reply.status !== probe.expect) {
            failures.push(
              `${probe.label}: ${reply.status || reply.error}, expected ${probe.expect} ${reply.body.slice(0, 120)}`,
            );
            continue;
          }
          if (probe.mustNotContain && reply.body.includes(probe.mustNotContain)) {
            failures.push(`${probe.label}: the response contains another user's task`);
            continue;
          }
          if (probe.expect >= 400) {
            const problems = errorBodyProblems(reply);
            if (problems.length > 0) failures.push(`${probe.label}: ${problems.join(', ')}`);
            else tally[group]++;
          }
        }
      }
      const me = jsonBody(
        await client.send({ method: 'GET', path: '/api/me', headers: as(OTHER) }),
      ) as { userId?: string; isAdmin?: boolean };
      if (me.userId !== OTHER || me.isAdmin !== false) {
        failures.push(`/api/me for ${OTHER} answered ${JSON.stringify(me)}`);
      }
      // The refused writes above must have changed nothing (the controls only read).
      const unchanged = before === (await snapshotTables(tables));
      if (!unchanged) failures.push('the tables changed during the refused requests');

      return {
        figures: [
          `B→A refused ${tally.crossUser}/${crossUser.filter((p) => p.expect >= 400).length}`,
          `non-admin reports 403 ${tally.reports}/${reports.filter((p) => p.expect >= 400).length}`,
          `no user 401 ${tally.anonymous}/${endpoints.length}`,
          `forged credentials refused ${tally.forged}/${forged.length}`,
          `controls ${[...crossUser, ...reports, ...anonymous].filter((p) => p.expect < 400).length}`,
          `data ${unchanged ? 'unchanged' : 'CHANGED'}`,
        ],
        failures,
      };
    } finally {
      client.close();
      await stopTaskService(service);
    }
  },
};
