/**
 * The API's operations as openapi.yaml lists them, and known data to aim requests at (made through
 * the API and the report job's writer).
 */
import { ReportWriter } from '@task-manager/task-store';
import { dereference, forgedTokens, type TestTables } from '@task-manager/testing';
import { ADMIN_USER, type VerifyContext } from './context.ts';
import { contract, parseJson, type HttpClient, type HttpRequest, type Reply } from './http.ts';
import { untilNameStored, watchTables } from './tables.ts';

export const OWNER = 'verify-alice';
export const OTHER = 'verify-bob';
const VALID_CREATE = { title: 'ok', contents: 'fine', startAt: '2030-01-08T09:00:00+09:00' };
export const JSON_TYPE = { 'content-type': 'application/json' };
export type Fixture = Awaited<ReturnType<typeof createFixture>>;

/** The parts of an OpenAPI schema or parameter that verify reads. */
export interface Schema {
  type?: string;
  format?: string;
  enum?: string[];
  const?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  examples?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  minProperties?: number;
}
export interface Parameter {
  in: 'query' | 'path' | 'header';
  name: string;
  required?: boolean;
  example?: unknown;
  schema: Schema;
}
export interface Operation {
  id: string;
  method: string;
  /** As the document writes it, `{taskId}` and `{date}` in place of values. */
  path: string;
  parameters: Parameter[];
  statuses: string[];
  /** The schema of its JSON body, if it takes one. */
  body?: Schema;
}

/** A body each operation that takes one accepts, by operation id. */
export const VALID_BODIES: Record<string, object> = {
  createTask: VALID_CREATE,
  updateTask: { done: true },
  restoreTask: { ...VALID_CREATE, done: false },
};

/** An operation as the document describes it, once its `$ref`s are resolved. */
interface DocumentOperation {
  operationId: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
}

/**
 * Every operation of the API (/api) that acts for a user, read from openapi.yaml: the one list of
 * routes. Those anyone may call (`security: []`, the document itself) take no credentials to
 * refuse.
 */
const { paths } = contract.document as { paths: Record<string, unknown> };
export const operations: Operation[] = Object.entries(paths)
  .filter(([path]) => path.startsWith('/api/'))
  .flatMap(([path, item]) => {
    const resolved = dereference<{ parameters?: Parameter[] }>(contract.document, item);
    const { parameters: shared = [], ...methods } = resolved;
    return Object.entries(methods as Record<string, DocumentOperation>)
      .filter(([, { security }]) => security?.length !== 0)
      .map(([method, { operationId, parameters = [], requestBody, responses }]) => ({
        id: operationId,
        method: method.toUpperCase(),
        path,
        parameters: [...shared, ...parameters],
        statuses: Object.keys(responses),
        body: requestBody?.content['application/json']?.schema,
      }));
  });

/**
 * A request `operation` accepts, with `values` in its path: its required headers (the restore's
 * If-None-Match: *) and a valid body.
 */
export function validRequest(operation: Operation, values: Record<string, string>): HttpRequest {
  const headers = Object.fromEntries(
    operation.parameters
      .filter((p) => p.in === 'header' && p.required)
      .map((p) => [p.name.toLowerCase(), p.schema.const!]),
  );
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);
  const body = operation.body && JSON.stringify(VALID_BODIES[operation.id]);
  return body === undefined
    ? { method: operation.method, path, headers }
    : { method: operation.method, path, headers: { ...headers, ...JSON_TYPE }, body };
}

export async function createFixture(
  client: HttpClient,
  tables: TestTables,
  context: VerifyContext,
) {
  const auth: Record<string, Record<string, string>> = {};
  for (const user of [OWNER, OTHER, ADMIN_USER]) auth[user] = await context.credentials(user);
  const expect = async (status: number, request: HttpRequest): Promise<Reply> => {
    const reply = await client.send(request);
    if (reply.status !== status) {
      throw new Error(
        `fixture: ${request.method} ${request.path} answered ${reply.status || reply.error}, expected ${status}: ${reply.body.slice(0, 200)}`,
      );
    }
    return reply;
  };
  /** Creates a task as `user`: its id and ETag. */
  const create = async (user: string, title: string, startAt: string) => {
    const headers = { ...auth[user], ...JSON_TYPE };
    const body = JSON.stringify({ title, startAt });
    const created = await expect(201, { method: 'POST', path: '/api/tasks', headers, body });
    const { taskId } = parseJson(created.body) as { taskId: string };
    return [taskId, String(created.headers.etag)] as const;
  };

  /** The owner's task ids with their current ETags. */
  const ownerTasks = new Map<string, string>();
  for (const [index, title] of ['plan the week', 'buy milk', 'write the report'].entries()) {
    ownerTasks.set(...(await create(OWNER, title, `2030-01-0${7 + index}T09:00:00+09:00`)));
  }
  const [otherTaskId] = await create(OTHER, 'bob only', '2030-01-08T12:00:00Z');
  const [firstId, firstEtag] = [...ownerTasks][0]!;
  const done = await expect(200, {
    method: 'PATCH',
    path: `/api/tasks/${firstId}`,
    headers: { ...auth[OWNER], ...JSON_TYPE, 'if-match': firstEtag },
    body: '{"done":true}',
  });
  ownerTasks.set(firstId, String(done.headers.etag));
  await untilNameStored(tables, OWNER);
  await untilNameStored(tables, OTHER);

  const reportDates = ['2030-01-07', '2030-01-08'];
  for (const date of reportDates) {
    const start = new Date(`${date}T00:00:00+09:00`);
    const writer = new ReportWriter(tables.clients.doc, tables.config.reportsTable, {
      date,
      timeZone: 'Asia/Tokyo',
      window: { start, end: new Date(start.getTime() + 86_400_000) },
    });
    const completedAt = `${date}T10:00:00+09:00`;
    await writer.add({ taskId: firstId, userId: OWNER, title: 'plan the week', completedAt });
    await writer.publish();
  }
  const nextCursor = async (path: string, user: string): Promise<string> => {
    const page = await expect(200, { method: 'GET', path, headers: auth[user] });
    const cursor = (parseJson(page.body) as { nextCursor: string | null }).nextCursor;
    if (!cursor) throw new Error(`fixture: GET ${path} (3 tasks, 2 reports) has no nextCursor`);
    return cursor;
  };
  const forged = await forgedTokens(context.identity, OWNER, await context.identity.token(OWNER));
  const ownerCursor = await nextCursor('/api/tasks?limit=1', OWNER);
  const reportCursor = await nextCursor('/api/reports?limit=1', ADMIN_USER);

  return {
    /** Each user's Authorization header. */
    auth,
    /** The owner's task ids with their current ETags, and a task of the other user's. */
    ownerTasks,
    otherTaskId,
    /** A nextCursor issued to the owner, and one of the admin's report list. */
    ownerCursor,
    reportCursor,
    /** A date that has a report. */
    reportDate: reportDates[1]!,
    /** Authorization values that must be refused: forged, expired, for another audience... */
    forgedAuthorizations: forged.map(({ token }) => `Bearer ${token}`),
    /** A secret to send in a cookie header (the logs must never show it). */
    cookieSecret: context.canaries.cookie,
    /** How the tables have changed since the fixture was made (undefined if they have not). */
    tablesChange: await watchTables(tables),
  };
}
