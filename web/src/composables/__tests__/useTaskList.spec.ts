import { flushPromises } from '@vue/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewAndOptions } from '@/__tests__/arbitraries';
import { apiError, deferred, fakeApi, json, listAnswer, makeTask } from '@/__tests__/fake-api';
import type { Task } from '@/api/types';
import {
  belongsTo,
  comparator,
  queriesFor,
  readQueries,
  useTaskList,
} from '@/composables/useTaskList';
import { startOfDay } from '@/utils/datetime';

const now = new Date('2026-11-21T03:00:00Z');
const hour = 3_600_000;
const dayStart = startOfDay(now).getTime();

/**
 * Tasks around the edges the views draw: yesterday, the very start of today, just before and
 * after now, tomorrow. Few instants, so ties (broken by task id) are common; few words to search.
 */
const instants = [
  dayStart - 24 * hour,
  dayStart,
  now.getTime() - 1,
  now.getTime(),
  dayStart + 30 * hour,
];
const someTasks = fc
  .uniqueArray(
    fc.record({
      id: fc.integer({ min: 10, max: 99 }),
      startAt: fc.constantFrom(...instants),
      done: fc.boolean(),
      completedAt: fc.constantFrom(...instants),
      title: fc.constantFrom('Quarterly report', 'Lunch', '報告書'),
    }),
    { selector: (task) => task.id, maxLength: 10 },
  )
  .map((records) =>
    records.map(({ id, startAt, done, completedAt, title }) =>
      makeTask({
        taskId: `task-${id}`,
        title,
        startAt: new Date(startAt).toISOString(),
        done,
        completedAt: done ? new Date(completedAt).toISOString() : null,
      }),
    ),
  );

/**
 * A created or changed task is placed without a reload (upsert): belongsTo and comparator must
 * say what the view's queries would have listed, and where.
 */
describe('a view and the API agree', () => {
  it('paging through the API gives exactly the tasks that belong, in the view’s order', async () => {
    await fc.assert(
      fc.asyncProperty(
        someTasks,
        viewAndOptions(fc.constantFrom('report', '報告')),
        fc.integer({ min: 1, max: 4 }),
        async (tasks, [view, options], pageSize) => {
          fakeApi((request) => listAnswer(tasks, request));
          const queries = queriesFor(view, options, now);
          const listed: Task[] = [];
          let cursor: string | undefined;
          do {
            const page = await readQueries(queries, cursor, pageSize, new AbortController().signal);
            expect(page.items.length).toBeLessThanOrEqual(pageSize);
            // As the list keeps them: a task met again (overdue today) stays where it first was.
            for (const task of page.items) {
              if (!listed.some((seen) => seen.taskId === task.taskId)) listed.push(task);
            }
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
          const expected = tasks
            .filter((task) => belongsTo(view, options, task, now))
            .sort(comparator(view, options, now));
          expect(listed.map((task) => task.taskId)).toEqual(expected.map((task) => task.taskId));
        },
      ),
      // Each edge (a page filled from two queries, the completion order, Upcoming filtered to
      // done) needs a particular view and list: more runs than the default meet every one.
      { numRuns: 500 },
    );
  });
});

describe('useTaskList', () => {
  const allView = {
    view: 'all' as const,
    options: { status: 'all', sort: 'startAt', order: 'asc' } as const,
  };

  async function listOf(tasks: Task[], pageSize?: number) {
    fakeApi((request) => listAnswer(tasks, request));
    const list = useTaskList(() => allView, pageSize);
    await flushPromises();
    return list;
  }

  it('places a task past the last loaded one at the end once all are loaded, else leaves it to “load more”', async () => {
    const first = makeTask({ startAt: '2099-01-01T00:00:00Z' });
    const second = makeTask({ startAt: '2099-02-01T00:00:00Z' });
    const later = makeTask({ startAt: '2099-03-01T00:00:00Z' });
    const complete = await listOf([first, second]);
    expect(complete.upsert(later)).toBe('shown');
    expect(complete.tasks.value).toEqual([first, second, later]);

    const partial = await listOf([first, second], 1);
    expect(partial.upsert(later)).toBe('further-down');
    expect(partial.tasks.value).toEqual([first]);
  });

  it('ignores marking a task done again while its first request is in flight', async () => {
    const task = makeTask();
    const answer = deferred<Response>();
    const { requests } = fakeApi((request) =>
      request.method === 'GET' ? listAnswer([task], request) : answer.promise,
    );
    const list = useTaskList(() => allView);
    await flushPromises();
    const first = list.toggleDone(task);
    const second = list.toggleDone(list.tasks.value[0]!);
    expect(requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
    answer.resolve(json(200, { ...task, done: true }));
    expect(await first).toMatchObject({ ok: true });
    expect(await second).toBeNull();
  });

  it('a refused change puts back the task only if nothing newer took its place meanwhile', async () => {
    const task = makeTask({ title: 'Before' });
    const answer = deferred<Response>();
    fakeApi((request) => (request.method === 'GET' ? listAnswer([task], request) : answer.promise));
    const list = useTaskList(() => allView);
    await flushPromises();
    const toggled = list.toggleDone(task);
    // A newer version arrives while the request is in flight (an edit saved in the dialog).
    list.upsert({ ...task, title: 'Renamed elsewhere' });
    answer.resolve(apiError(503, 'unavailable'));
    expect(await toggled).toMatchObject({ ok: false, gone: false });
    expect(list.tasks.value.map((listed) => listed.title)).toEqual(['Renamed elsewhere']);
  });
});
