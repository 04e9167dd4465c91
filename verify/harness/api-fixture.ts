/**
 * Waits until task-service has stored `userId`'s display name. It records a person's name once,
 * in the background, after their first change (services/task-service/src/auth/user-profiles.ts);
 * once it is stored nothing more is written for them, so a check's snapshots of the tables taken
 * after this can only see the check's own writes.
 */
export async function untilNameStored(tables: TestTables, userId: string): Promise<void> {
  await eventually(async () => {
    const names = await readUserNames(tables.clients.doc, tables.config.reportsTable, [userId]);
    if (!names.has(userId)) throw new Error(`${userId}'s display name is not stored yet`);
  });
}

/**
 * Known data to aim bad requests at: a user with tasks (one done), a list cursor issued to that
 * user, and two published reports with a cursor of the admin's report list. Made through the API
 * (tasks) and the report writer the job uses (reports), so it is exactly what they store.
 */
import { readUserNames, ReportWriter } from '@task-manager/task-store';
import { eventually, forgedTokens, type TestTables } from '@task-manager/testing';
import { ADMIN_USER, type VerifyContext } from './context.ts';
import { jsonBody, type HttpClient } from './http.ts';
import type { Fixture } from './malformed-requests.ts';

export const OWNER = 'verify-alice';
export const OTHER = 'verify-bob';
const REPORT_DATES = ['2030-01-07', '2030-01-08'];

export async function createFixture(
  client: HttpClient,
  tables: TestTables,
  context: VerifyContext,
): Promise<Fixture> {
  const tokens = new Map<string, string>();
  const auth: Record<string, Record<string, string>> = {};
  for (const user of [OWNER, OTHER, ADMIN_USER]) {
    auth[user] = await context.credentials(user);
    tokens.set(user, auth[user].authorization!.slice('Bearer '.length));
  }
  const ownerTasks = new Map<string, string>();
  for (const [index, title] of ['plan the week', 'buy milk', 'write the report'].entries()) {
    const created = await expectStatus(client, 201, {
      method: 'POST',
      path: '/api/tasks',
      headers: { ...auth[OWNER], 'content-type': 'application/json' },
      body: JSON.stringify({ title, startAt: `2030-01-0${7 + index}T09:00:00+09:00` }),
    });
    const { taskId } = jsonBody(created) as { taskId: string };
    ownerTasks.set(taskId, String(created.headers.etag));
  }
  const [firstId, firstEtag] = [...ownerTasks][0]!;
  const done = await expectStatus(client, 200, {
    method: 'PATCH',
    path: `/api/tasks/${firstId}`,
    headers: {
      ...auth[OWNER],
      'content-type': 'application/json',
      'if-match': firstEtag,
    },
    body: '{"done":true}',
  });
  ownerTasks.set(firstId, String(done.headers.etag));
  await untilNameStored(tables, OWNER);

  const page = await expectStatus(client, 200, {
    method: 'GET',
    path: '/api/tasks?limit=1',
    headers: auth[OWNER],
  });
  const ownerCursor = (jsonBody(page) as { nextCursor: string | null }).nextCursor;
  if (!ownerCursor) throw new Error('fixture: a list of 3 tasks with limit=1 has no nextCursor');

  for (const date of REPORT_DATES) {
    const start = new Date(`${date}T00:00:00+09:00`);
    const writer = new ReportWriter(tables.clients.doc, tables.config.reportsTable, {
      date,
      timeZone: 'Asia/Tokyo',
      window: { start, end: new Date(start.getTime() + 86_400_000) },
    });
    await writer.add({
      taskId: firstId,
      userId: OWNER,
      title: 'plan the week',
      completedAt: `${date}T10:00:00+09:00`,
    });
    await writer.publish();
  }
  const reports = await expectStatus(client, 200, {
    method: 'GET',
    path: '/api/reports?limit=1',
    headers: auth[ADMIN_USER],
  });
  const reportCursor = (jsonBody(reports) as { nextCursor: string | null }).nextCursor;
  if (!reportCursor) throw new Error('fixture: two reports with limit=1 have no nextCursor');

  return {
    owner: OWNER,
    other: OTHER,
    admin: ADMIN_USER,
    ownerTasks,
    ownerCursor,
    reportCursor,
    reportDate: REPORT_DATES[1]!,
    tokens,
    forgedAuthorizations: (await forgedTokens(context.identity, OWNER, tokens.get(OWNER)!)).map(
      ({ token }) => `Bearer ${token}`,
    ),
    cookieSecret: context.canaries.cookie,
  };
}

async function expectStatus(
  client: HttpClient,
  status: number,
  request: Parameters<HttpClient['send']>[0],
): ReturnType<HttpClient['send']> {
  const reply = await client.send(request);
  if (reply.status !== status) {
    throw new Error(
      `fixture: ${request.method} ${request.path} answered ${reply.status || reply.error}, expected ${status}: ${reply.body.slice(0, 200)}`,
    );
  }
  return reply;
}
