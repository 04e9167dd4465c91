import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { as, ALICE, BOB, createTask, serviceForFile, newTask } from './support/test-service.ts';
import type { Task } from '../src/responses.ts';

const service = serviceForFile({}, createTasks);

// 120 tasks for alice, one every hour from 2026-11-01T00:00Z (given in Tokyo time, so the
// API must compare instants, not strings), every fourth one done: 30 done, 90 open.
const TOTAL = 120;
const DONE = 30;
async function createTasks(): Promise<void> {
  for (let hour = TOTAL - 1; hour >= 0; hour -= 1) {
    const utc = new Date(Date.UTC(2026, 10, 1, hour));
    const tokyo = new Date(utc.getTime() + 9 * 3_600_000).toISOString().slice(0, 19) + '+09:00';
    const { task } = await createTask(
      service.app,
      ALICE,
      newTask({ title: `hour ${hour}`, startAt: tokyo }),
    );
    if (hour % 4 === 0) {
      await request(service.app)
        .patch(`/api/tasks/${task.taskId}`)
        .set(as(ALICE))
        .send({ done: true })
        .expect(200);
    }
  }
  await createTask(service.app, BOB, newTask({ title: 'bob', startAt: '2026-11-01T05:30:00Z' }));
}

/** Follows nextCursor to the end; returns the size of each page and every task. */
async function readAll(query: string): Promise<{ pages: number[]; tasks: Task[] }> {
  const pages: number[] = [];
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const separator = query === '' ? '' : '&';
    const url: string = `/api/tasks?${query}${cursor === null ? '' : `${separator}cursor=${cursor}`}`;
    const response = await request(service.app).get(url).set(as(ALICE)).expect(200);
    assert.deepEqual(Object.keys(response.body).sort(), ['items', 'nextCursor']);
    pages.push(response.body.items.length);
    tasks.push(...response.body.items);
    cursor = response.body.nextCursor;
    assert.ok(pages.length <= TOTAL, 'pagination ends');
  } while (cursor !== null);
  return { pages, tasks };
}

function hours(tasks: Task[]): number[] {
  return tasks.map((task) => Number(task.title.split(' ')[1]));
}

describe('GET /api/tasks', () => {
  test('defaults: all statuses, 50 a page, sorted by startAt, only my tasks', async () => {
    const { pages, tasks } = await readAll('');
    assert.deepEqual(pages, [50, 50, 20]);
    assert.deepEqual(
      hours(tasks),
      Array.from({ length: TOTAL }, (_, hour) => hour),
    );
    assert.equal(tasks[0]!.startAt, '2026-11-01T00:00:00.000Z');
  });

  test('limit sets the page size, and an exact multiple has no empty last page', async () => {
    assert.deepEqual((await readAll('limit=7')).pages, [...Array(17).fill(7), 1]);
    assert.deepEqual((await readAll('limit=100')).pages, [100, 20]);
    assert.deepEqual((await readAll('limit=40')).pages, [40, 40, 40]);
    assert.deepEqual((await readAll('limit=1')).pages.length, TOTAL);
  });

  test('status filters fill whole pages', async () => {
    const done = await readAll('status=done&limit=8');
    assert.deepEqual(done.pages, [8, 8, 8, 6]);
    assert.ok(done.tasks.every((task) => task.done));
    assert.deepEqual(
      hours(done.tasks),
      Array.from({ length: DONE }, (_, index) => index * 4),
    );

    const open = await readAll('status=open&limit=25');
    assert.deepEqual(open.pages, [25, 25, 25, 15]);
    assert.ok(open.tasks.every((task) => !task.done));

    assert.deepEqual((await readAll('status=all&limit=60')).pages, [60, 60]);
  });

  test('from is inclusive, to exclusive, with any offset', async () => {
    // Given in New York time; the window holds hours 2 to 29 (hour 30 starts exactly at `to`).
    const window = `from=${encodeURIComponent('2026-10-31T21:00:00-05:00')}&to=${encodeURIComponent('2026-11-02T01:00:00-05:00')}`;
    // 2026-10-31T21:00-05:00 = 11-01T02:00Z (hour 2); 11-02T01:00-05:00 = 11-02T06:00Z (hour 30).
    const all = await readAll(`${window}&limit=9`);
    assert.deepEqual(all.pages, [9, 9, 9, 1]);
    assert.deepEqual(
      hours(all.tasks),
      Array.from({ length: 28 }, (_, index) => index + 2),
    );

    const done = await readAll(`${window}&status=done&limit=3`);
    assert.deepEqual(hours(done.tasks), [4, 8, 12, 16, 20, 24, 28]);
    assert.deepEqual(done.pages, [3, 3, 1]);

    assert.deepEqual(hours((await readAll('from=2026-11-05T23:00:00Z')).tasks), [119]);
    assert.deepEqual(hours((await readAll('to=2026-11-01T01:00:00Z')).tasks), [0]);
    assert.deepEqual((await readAll('from=2027-01-01T00:00:00Z')).pages, [0]);
  });

  test('bounds finer than a millisecond are compared exactly, not truncated', async () => {
    // Hour 0 starts at 2026-11-01T00:00:00.000Z exactly.
    const justAfter = encodeURIComponent('2026-11-01T00:00:00.0001Z');
    assert.deepEqual(hours((await readAll(`from=${justAfter}&limit=2`)).tasks.slice(0, 2)), [1, 2]);
    assert.deepEqual(hours((await readAll(`to=${justAfter}`)).tasks), [0]);
    const justBefore = encodeURIComponent('2026-11-01T08:59:59.9999999+09:00');
    assert.deepEqual(hours((await readAll(`from=${justBefore}&limit=1`)).tasks.slice(0, 1)), [0]);
    assert.deepEqual((await readAll(`to=${justBefore}`)).pages, [0]);
    // A window narrower than a millisecond that holds hour 0's instant, and one that does not.
    const around = `from=${encodeURIComponent('2026-10-31T23:59:59.9999Z')}&to=${justAfter}`;
    assert.deepEqual(hours((await readAll(around)).tasks), [0]);
    const between = `from=${justAfter}&to=${encodeURIComponent('2026-11-01T00:00:00.0002Z')}`;
    assert.deepEqual((await readAll(between)).pages, [0]);
  });

  test('the whole supported range orders, filters and pages as time does', async () => {
    const carol = 'carol';
    // Given with offsets that put the local year at its own edge; in UTC they span the range.
    const startTimes = [
      '9999-12-31T22:59:59.999-01:00', // 9999-12-31T23:59:59.999Z, the latest instant
      '0000-01-01T09:00:00+09:00', // 0000-01-01T00:00:00.000Z, the earliest
      '2026-11-21T09:00:00+09:00',
      '0999-06-30T12:00:00Z',
      '9999-12-31T23:00:00+01:00',
      '1000-01-01T00:00:00.001Z',
    ];
    for (const [index, startAt] of startTimes.entries()) {
      await createTask(service.app, carol, newTask({ title: `t${index}`, startAt }));
    }
    const expected = [...startTimes]
      .map((startAt) => new Date(startAt).toISOString())
      .sort((a, b) => Date.parse(a) - Date.parse(b));
    const list = async (query: string): Promise<string[]> => {
      const starts: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/tasks?${query}${cursor === null ? '' : `&cursor=${cursor}`}`;
        const page = await request(service.app).get(url).set(as(carol)).expect(200);
        starts.push(...page.body.items.map((task: Task) => task.startAt));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      return starts;
    };
    // Every page of one: each cursor the API issues, at both ends of the range, is accepted.
    assert.deepEqual(await list('limit=1'), expected);
    const earliest = encodeURIComponent('0000-01-01T00:00:00Z');
    const latest = encodeURIComponent('9999-12-31T23:59:59.999Z');
    assert.deepEqual(await list(`limit=1&from=${earliest}&to=${latest}`), expected.slice(0, -1));
    assert.deepEqual(await list(`limit=2&from=${latest}`), expected.slice(-1));
    assert.deepEqual(
      await list(`limit=1&from=${encodeURIComponent('1000-01-01T00:00:00.0005Z')}`),
      expected.slice(2),
    );
  });

  test('a task that changes status between pages is neither lost nor repeated', async () => {
    const first = await request(service.app)
      .get('/api/tasks?status=open&limit=10')
      .set(as(ALICE))
      .expect(200);
    // Close a task on the first page: the next page still starts where the first ended.
    const closing = first.body.items[3] as Task;
    await request(service.app)
      .patch(`/api/tasks/${closing.taskId}`)
      .set(as(ALICE))
      .send({ done: true })
      .expect(200);
    const second = await request(service.app)
      .get(`/api/tasks?status=open&limit=10&cursor=${first.body.nextCursor}`)
      .set(as(ALICE))
      .expect(200);
    const firstIds = new Set(first.body.items.map((task: Task) => task.taskId));
    assert.equal(second.body.items.length, 10);
    assert.ok(second.body.items.every((task: Task) => !firstIds.has(task.taskId)));
    const lastOfFirst = first.body.items.at(-1) as Task;
    assert.ok(second.body.items[0].startAt > lastOfFirst.startAt);
    await request(service.app)
      .patch(`/api/tasks/${closing.taskId}`)
      .set(as(ALICE))
      .send({ done: false })
      .expect(200);
  });

  test('a user with no tasks gets an empty page', async () => {
    const response = await request(service.app).get('/api/tasks').set(as('nobody')).expect(200);
    assert.deepEqual(response.body, { items: [], nextCursor: null });
  });
});
