import { vi } from 'vitest';
import { matchesSearch, searchTerms } from '@task-manager/contract';
import type { Task } from '@/api/types';

/**
 * A stand-in for the network in component tests: each test answers the requests the component
 * makes the way task-service would. The real API is exercised by the end-to-end tests.
 */
export type Handler = (request: Request) => Response | Promise<Response>;

export function fakeApi(handler: Handler) {
  const requests: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(new URL(String(input), 'http://localhost/'), init);
    requests.push(request.clone());
    return handler(request);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function apiError(
  status: number,
  error: string,
  details: { field: string; message: string }[] = [],
): Response {
  return json(status, { error, details }, { 'X-Request-Id': 'req-1' });
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

let sequence = 0;

export function makeTask(overrides: Partial<Task> = {}): Task {
  sequence += 1;
  const now = '2026-11-20T00:00:00.000Z';
  return {
    taskId: `task-${sequence}`,
    title: `Task ${sequence}`,
    contents: '',
    startAt: new Date(Date.now() + sequence * 3_600_000).toISOString(),
    done: false,
    completedAt: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/**
 * GET /api/tasks as task-service answers it, over a fixed set of tasks: status, from, to, q,
 * sort and order, paged with limit and an (offset) cursor.
 */
export function listAnswer(all: readonly Task[], request: Request): Response {
  const query = new URL(request.url).searchParams;
  const status = query.get('status') ?? 'all';
  const from = query.get('from');
  const to = query.get('to');
  const terms = query.get('q') ? searchTerms(query.get('q')!) : null;
  const byCompletion = query.get('sort') === 'completedAt';
  const direction = query.get('order') === 'desc' ? -1 : 1;
  const time = (task: Task) => Date.parse(byCompletion ? (task.completedAt ?? '') : task.startAt);
  const matching = all
    .filter((task) => status === 'all' || task.done === (status === 'done'))
    .filter((task) => !byCompletion || task.done)
    .filter((task) => !from || Date.parse(task.startAt) >= Date.parse(from))
    .filter((task) => !to || Date.parse(task.startAt) < Date.parse(to))
    .filter((task) => !terms || matchesSearch(terms, task.title, task.contents))
    .sort((a, b) => direction * (time(a) - time(b) || a.taskId.localeCompare(b.taskId)));
  const offset = Number(query.get('cursor') ?? 0);
  const limit = Number(query.get('limit') ?? 50);
  const end = offset + limit;
  return json(200, {
    items: matching.slice(offset, end),
    nextCursor: end < matching.length ? String(end) : null,
  });
}

/**
 * A stateful stand-in for task-service's task routes over a list of tasks: list, read (with
 * ETag), PATCH, DELETE and PUT with their preconditions, so a view test can go through a
 * change and its undo. `override` answers a request first when it returns a Response.
 */
export function taskServer(
  initial: readonly Task[],
  override?: (request: Request) => Response | Promise<Response> | undefined,
) {
  const tasks = new Map(initial.map((task) => [task.taskId, { task: { ...task }, version: 1 }]));
  const etag = (version: number) => ({ ETag: `"${version}"` });
  const handler = async (request: Request): Promise<Response> => {
    const answer = override?.(request);
    if (answer) return answer;
    const path = new URL(request.url).pathname;
    if (path === '/api/tasks') {
      return listAnswer(
        [...tasks.values()].map((entry) => entry.task),
        request,
      );
    }
    const id = decodeURIComponent(path.split('/').at(-1)!);
    const entry = tasks.get(id);
    const ifMatch = request.headers.get('If-Match');
    if (request.method === 'PUT') {
      if (entry) return apiError(412, 'the task exists');
      const body = (await request.json()) as Task;
      const task = { ...body, taskId: id, updatedAt: new Date().toISOString() };
      tasks.set(id, { task, version: 1 });
      return json(201, task, etag(1));
    }
    if (!entry)
      return apiError(404, 'task not found', [{ field: 'taskId', message: 'no such task' }]);
    if (ifMatch && ifMatch !== `"${entry.version}"`) {
      return apiError(412, 'the task has changed');
    }
    if (request.method === 'GET') return json(200, entry.task, etag(entry.version));
    if (request.method === 'DELETE') {
      tasks.delete(id);
      return new Response(null, { status: 204 });
    }
    const changes = (await request.json()) as Partial<Task>;
    const next = { ...entry.task, ...changes };
    if (changes.done === true && !changes.completedAt) {
      next.completedAt = entry.task.completedAt ?? new Date().toISOString();
    }
    if (changes.done === false) next.completedAt = null;
    entry.task = next;
    entry.version += 1;
    return json(200, next, etag(entry.version));
  };
  return { ...fakeApi(handler), tasks };
}
