/** Known data to aim requests at, made through the API and the report job's writer. */
import { readUserNames, ReportWriter } from '@task-manager/task-store';
import {
  dereference,
  eventually,
  forgedTokens,
  OpenApiValidator,
  type TestTables,
} from '@task-manager/testing';
import { ADMIN_USER, type VerifyContext } from './context.ts';
import { parseJson, type HttpClient, type HttpRequest, type Reply } from './http.ts';

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
  body?: { name: string; schema: Schema };
}

/** Bodies each request schema accepts, by the schema's name. */
export const VALID_BODIES: Record<string, object> = {
  NewTask: VALID_CREATE,
  TaskChanges: { done: true },
  RestoredTask: { ...VALID_CREATE, done: false },
};

/** The contract, read once: the routes below, and the check of every answer against it. */
const contract = new OpenApiValidator();
const document = contract.document as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
};
const resolved = <T>(node: unknown): T => dereference<T>(document, node);

/**
 * What the contract finds wrong with `reply` (its status documented for the operation, its
 * headers, media type and body); nothing for a request outside the contract (an unknown route or
 * method), which only the error shape judges (errorBodyProblems), or one that got no answer.
 */
export function contractProblems(request: HttpRequest, reply: Reply): string[] {
  if (reply.status === 0 || !contract.documents(request.method, request.path)) return [];
  const { status, headers, body: text } = reply;
  return contract.problems(request.method, request.path, { status, headers, text });
}

/**
 * Every operation of the API (/api) that acts for a user, read from openapi.yaml: the one list of
 * routes. Those anyone may call (`security: []`, the document itself) take no credentials to refuse.
 */
export const operations: Operation[] = Object.entries(document.paths)
  .filter(([path]) => path.startsWith('/api/'))
  .flatMap(([path, { parameters: shared = [], ...methods }]) =>
    Object.entries(methods)
      .filter(([, { security }]) => !(Array.isArray(security) && security.length === 0))
      .map(([method, operation]) => {
        const { operationId, parameters = [], requestBody, responses } = operation;
        const content = (requestBody as { content?: Record<string, { schema: { $ref: string } }> })
          ?.content;
        const schemaRef = content?.['application/json']?.schema.$ref;
        return {
          id: operationId as string,
          method: method.toUpperCase(),
          path,
          parameters: resolved<Parameter[]>([
            ...(shared as unknown[]),
            ...(parameters as unknown[]),
          ]),
          statuses: Object.keys(responses as object),
          ...(schemaRef && {
            body: {
              name: schemaRef.split('/').pop()!,
              schema: resolved<Schema>({ $ref: schemaRef }),
            },
          }),
        };
      }),
  );

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
  const body = operation.body && JSON.stringify(VALID_BODIES[operation.body.name]);
  return body === undefined
    ? { method: operation.method, path, headers }
    : { method: operation.method, path, headers: { ...headers, ...JSON_TYPE }, body };
}

/**
 * Waits until task-service has stored `userId`'s display name, which it records once, in the
 * background, after their first change: snapshots of the tables taken after this can only see
 * the check's own writes.
 */
export async function untilNameStored(tables: TestTables, userId: string): Promise<void> {
  await eventually(async () => {
    const names = await readUserNames(tables.clients.doc, tables.config.reportsTable, [userId]);
    if (!names.has(userId)) throw new Error(`${userId}'s display name is not stored yet`);
  });
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
  const json = { ...auth[OWNER], ...JSON_TYPE };

  /** The owner's task ids with their current ETags. */
  const ownerTasks = new Map<string, string>();
  for (const [index, title] of ['plan the week', 'buy milk', 'write the report'].entries()) {
    const startAt = `2030-01-0${7 + index}T09:00:00+09:00`;
    const body = JSON.stringify({ title, startAt });
    const created = await expect(201, { method: 'POST', path: '/api/tasks', headers: json, body });
    const { taskId } = parseJson(created.body) as { taskId: string };
    ownerTasks.set(taskId, String(created.headers.etag));
  }
  const [firstId, firstEtag] = [...ownerTasks][0]!;
  const done = await expect(200, {
    method: 'PATCH',
    path: `/api/tasks/${firstId}`,
    headers: { ...json, 'if-match': firstEtag },
    body: '{"done":true}',
  });
  ownerTasks.set(firstId, String(done.headers.etag));
  await untilNameStored(tables, OWNER);

  const reportDates = ['2030-01-07', '2030-01-08'];
  for (const date of reportDates) {
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
  const nextCursor = async (path: string, user: string): Promise<string> => {
    const page = await expect(200, { method: 'GET', path, headers: auth[user] });
    const cursor = (parseJson(page.body) as { nextCursor: string | null }).nextCursor;
    if (!cursor) throw new Error(`fixture: GET ${path} (3 tasks, 2 reports) has no nextCursor`);
    return cursor;
  };

  return {
    /** Each user's Authorization header. */
    auth,
    ownerTasks,
    /** A nextCursor issued to the owner, and one of the admin's report list. */
    ownerCursor: await nextCursor('/api/tasks?limit=1', OWNER),
    reportCursor: await nextCursor('/api/reports?limit=1', ADMIN_USER),
    /** A date that has a report. */
    reportDate: reportDates[1]!,
    /** Authorization values that must be refused: forged, expired, for another audience... */
    forgedAuthorizations: (
      await forgedTokens(
        context.identity,
        OWNER,
        auth[OWNER]!.authorization!.slice('Bearer '.length),
      )
    ).map(({ token }) => `Bearer ${token}`),
    /** A secret to send in a cookie header (the logs must never show it). */
    cookieSecret: context.canaries.cookie,
  };
}
