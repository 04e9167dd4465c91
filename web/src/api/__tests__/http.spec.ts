import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, fakeApi, json } from '@/__tests__/fake-api';
import { ApiError, configureApi, isAbortError } from '../http';
import { createTask, listTasks, updateTask } from '../tasks';
import { fetchReportCsv } from '../reports';

const onUnauthorized = vi.fn();

beforeEach(() => {
  onUnauthorized.mockReset();
  configureApi({ onUnauthorized });
});

describe('API client', () => {
  it('calls the same origin under /api as the signed-in user', async () => {
    const { requests } = fakeApi(() => json(200, { items: [], nextCursor: null }));
    await listTasks({ status: 'done', limit: 20, cursor: 'abc' });
    const [request] = requests;
    expect(request!.url).toBe('http://localhost/api/tasks?status=done&limit=20&cursor=abc');
    // No credential of its own: the session is the browser's HttpOnly cookie.
    expect(request!.headers.get('Authorization')).toBeNull();
    expect(request!.headers.get('X-Forwarded-User')).toBeNull();
    expect(request!.credentials).toBe('same-origin');
    expect(request!.headers.get('Accept')).toBe('application/json');
  });

  it('sends JSON bodies and returns the ETag', async () => {
    const { requests } = fakeApi(() => json(201, { taskId: 't1' }, { ETag: '"1"' }));
    const result = await createTask({
      title: 'a',
      contents: '',
      startAt: '2026-11-22T09:00:00+09:00',
    });
    expect(result.etag).toBe('"1"');
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.headers.get('Content-Type')).toBe('application/json');
    expect(await requests[0]!.json()).toEqual({
      title: 'a',
      contents: '',
      startAt: '2026-11-22T09:00:00+09:00',
    });
  });

  it('sends If-Match with the ETag a change is based on', async () => {
    const { requests } = fakeApi(() => json(200, { taskId: 't1' }, { ETag: '"3"' }));
    await updateTask('t1', { title: 'b' }, '"2"');
    expect(requests[0]!.url).toBe('http://localhost/api/tasks/t1');
    expect(requests[0]!.method).toBe('PATCH');
    expect(requests[0]!.headers.get('If-Match')).toBe('"2"');
  });

  it('turns the error body into an ApiError with field details and request id', async () => {
    fakeApi(() =>
      json(
        400,
        {
          error: 'Invalid task',
          details: [
            { field: 'title', message: 'must be at most 100 characters' },
            // Not the API's shape: left out, rather than shown as "startAt: undefined".
            { field: 'startAt' },
          ],
        },
        { 'X-Request-Id': 'req-1' },
      ),
    );
    const error = await createTask({ title: 'x', contents: '', startAt: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.message).toBe('Invalid task');
    expect(error.requestId).toBe('req-1');
    expect(error.messageFor('title')).toBe('must be at most 100 characters');
    expect(error.details).toHaveLength(1);
  });

  it('copes with error pages that are not the API JSON', async () => {
    fakeApi(
      () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const error = await listTasks({ status: 'all' }).catch((e) => e);
    expect(error).toMatchObject({ status: 502, message: '502 Bad Gateway', details: [] });
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const error = await listTasks({ status: 'all' }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
  });

  it('leaves a cancelled request a cancellation, not a network failure', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new DOMException('aborted', 'AbortError')));
    const error = await listTasks({ status: 'all' }).catch((e) => e);
    expect(isAbortError(error)).toBe(true);
  });

  it('tells the app when the API refuses the user', async () => {
    fakeApi(() =>
      apiError(401, 'Unauthenticated', [{ field: 'Authorization', message: 'missing' }]),
    );
    await expect(listTasks({ status: 'all' })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('asks for a report as CSV', async () => {
    const { requests } = fakeApi(
      () =>
        new Response('taskId,userId,title,completedAt\r\n', {
          headers: { 'Content-Type': 'text/csv' },
        }),
    );
    const blob = await fetchReportCsv('2026-11-21');
    expect(requests[0]!.url).toBe('http://localhost/api/reports/2026-11-21');
    expect(requests[0]!.headers.get('Accept')).toBe('text/csv');
    expect(await blob.text()).toBe('taskId,userId,title,completedAt\r\n');
  });
});
