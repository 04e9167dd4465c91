import { vi } from 'vitest';
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
