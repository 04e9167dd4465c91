/**
 * Issue 12's API: search by words (GET /api/tasks?q=), order and the list by completion time,
 * PUT to put a deleted task back (undo), and PATCH with completedAt (undoing a reopen). Real
 * dynalite, real tokens.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { as, ALICE, BOB, createTask, serviceForFile, newTask } from './support/test-service.ts';
import type { Task } from '../src/responses.ts';

const service = serviceForFile();

const get = (url: string, user = ALICE) => request(service.app).get(url).set(as(user));

/** Every task a query lists, following nextCursor; and how many requests it took. */
async function listAll(user: string, query: string): Promise<{ tasks: Task[]; requests: number }> {
  const tasks: Task[] = [];
  let cursor: string | null = null;
  let requests = 0;
  do {
    const suffix: string = cursor === null ? '' : `&cursor=${cursor}`;
    const response = await get(`/api/tasks?${query}${suffix}`, user).expect(200);
    requests += 1;
    tasks.push(...(response.body.items as Task[]));
    cursor = response.body.nextCursor as string | null;
  } while (cursor !== null);
  return { tasks, requests };
}

function detailFields(body: { details: { field: string }[] }): string[] {
  return body.details.map((detail) => detail.field);
}

describe('search', () => {
  before(async () => {
    const tasks = [
      { title: 'Quarterly REPORT', contents: 'numbers for Q4' },
      { title: 'Lunch with Ken', contents: '報告書を渡す' },
      { title: 'ｶﾀｶﾅの練習', contents: '' },
      { title: 'Weekly report', contents: 'send to the team' },
      { title: 'Straße fegen', contents: '' },
    ];
    for (const [index, task] of tasks.entries()) {
      await createTask(
        service.app,
        ALICE,
        newTask({ ...task, startAt: `2026-12-0${index + 1}T09:00:00+09:00` }),
      );
    }
    await createTask(service.app, BOB, newTask({ title: 'Bob’s report' }));
  });

  test('finds words in title or details, whatever their case or width, only in my tasks', async () => {
    const titles = async (q: string, user = ALICE) =>
      (await listAll(user, `q=${encodeURIComponent(q)}`)).tasks.map((task) => task.title);
    assert.deepEqual(await titles('report'), ['Quarterly REPORT', 'Weekly report']);
    assert.deepEqual(await titles('REPORT team'), ['Weekly report']);
    assert.deepEqual(await titles('ｑ４'), ['Quarterly REPORT']);
    assert.deepEqual(await titles('報告'), ['Lunch with Ken']);
    assert.deepEqual(await titles('カタカナ'), ['ｶﾀｶﾅの練習']);
    assert.deepEqual(await titles('STRASSE'), ['Straße fegen']);
    assert.deepEqual(await titles('report', BOB), ['Bob’s report']);
    assert.deepEqual(await titles('nothing like it'), []);
    // Trimmed as text is: a byte order mark pasted around the words is not part of one.
    assert.deepEqual(await titles('\ufeffreport\ufeff'), ['Quarterly REPORT', 'Weekly report']);
  });

  test('pages with the cursor, combined with order and status', async () => {
    const { tasks, requests } = await listAll(ALICE, 'q=e&limit=2&order=desc');
    assert.ok(requests >= 2);
    const starts = tasks.map((task) => task.startAt);
    assert.deepEqual(starts, [...starts].sort().reverse());
    assert.equal(tasks.length, 4, tasks.map((task) => task.title).join());
    const open = await listAll(ALICE, 'q=report&status=done');
    assert.deepEqual(open.tasks, []);
  });

  test('a bad q is a 400 naming q, and nothing is listed', async () => {
    for (const q of ['', '%20%20', '%E2%80%8B', 'a%0Ab', 'x'.repeat(201)]) {
      const response = await get(`/api/tasks?q=${q}`).expect(400);
      assert.deepEqual(detailFields(response.body), ['q'], q);
    }
    const repeated = await get('/api/tasks?q=a&q=b').expect(400);
    assert.deepEqual(detailFields(repeated.body), ['q']);
    await get(`/api/tasks?q=${'x'.repeat(200)}`).expect(200);
  });
});

describe('order and the list by completion time', () => {
  const user = 'carol';
  let made: Task[];
  before(async () => {
    made = [];
    for (let day = 1; day <= 4; day += 1) {
      const { task } = await createTask(
        service.app,
        user,
        newTask({ title: `day ${day}`, startAt: `2026-10-0${day}T09:00:00Z` }),
      );
      made.push(task as unknown as Task);
    }
    // Completed in the order day 3, day 1, day 4 (each PATCH at a later moment).
    for (const index of [2, 0, 3]) {
      await request(service.app)
        .patch(`/api/tasks/${made[index]!.taskId}`)
        .set(as(user))
        .send({ done: true })
        .expect(200);
      // completedAt has millisecond precision; make sure the next one is later.
      const before = Date.now();
      while (Date.now() === before) await new Promise((resolve) => setImmediate(resolve));
    }
  });

  test('order=desc lists the latest start first', async () => {
    const { tasks } = await listAll(user, 'order=desc&limit=3');
    assert.deepEqual(
      tasks.map((task) => task.title),
      ['day 4', 'day 3', 'day 2', 'day 1'],
    );
  });

  test('sort=completedAt&order=desc: the done tasks, newest completion first, paged', async () => {
    const { tasks, requests } = await listAll(user, 'sort=completedAt&order=desc&limit=2');
    assert.deepEqual(
      tasks.map((task) => task.title),
      ['day 4', 'day 1', 'day 3'],
    );
    assert.equal(requests, 2);
    const oldest = await listAll(user, 'sort=completedAt&status=done');
    assert.deepEqual(
      oldest.tasks.map((task) => task.title),
      ['day 3', 'day 1', 'day 4'],
    );
  });

  test('what cannot be combined is a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['sort=completedAt&status=open', 'status'],
      ['sort=completedAt&from=2026-01-01T00:00:00Z', 'from'],
      ['sort=completedAt&to=2027-01-01T00:00:00Z', 'to'],
      ['sort=title', 'sort'],
      ['order=up', 'order'],
    ];
    for (const [query, field] of cases) {
      const response = await get(`/api/tasks?${query}`, user).expect(400);
      assert.deepEqual(detailFields(response.body), [field], query);
    }
    // A cursor of one order does not page the other.
    const page = await get('/api/tasks?limit=1', user).expect(200);
    const mixed = await get(
      `/api/tasks?sort=completedAt&limit=1&cursor=${page.body.nextCursor as string}`,
      user,
    ).expect(400);
    assert.deepEqual(detailFields(mixed.body), ['cursor']);
  });
});

describe('PUT: putting a deleted task back', () => {
  const createOnly = { 'If-None-Match': '*' };

  async function deletedTask(user = ALICE): Promise<Task> {
    const { task } = await createTask(
      service.app,
      user,
      newTask({ title: 'Restore me', contents: 'line 1\nline 2' }),
    );
    const done = await request(service.app)
      .patch(`/api/tasks/${task.taskId}`)
      .set(as(user))
      .send({ done: true })
      .expect(200);
    await request(service.app).delete(`/api/tasks/${task.taskId}`).set(as(user)).expect(204);
    return done.body as Task;
  }

  test('the same task comes back: same id and fields, a new version, listed again', async () => {
    const before = await deletedTask();
    const put = await request(service.app)
      .put(`/api/tasks/${before.taskId}`)
      .set(as(ALICE))
      .set(createOnly)
      .send(before)
      .expect(201);
    assert.equal(put.headers.location, `/api/tasks/${before.taskId}`);
    assert.equal(put.headers.etag, '"1"');
    const { updatedAt, ...fields } = put.body as Task;
    const { updatedAt: previous, ...expected } = before;
    assert.deepEqual(fields, expected);
    assert.ok(updatedAt >= previous);
    const again = await get(`/api/tasks/${before.taskId}`).expect(200);
    assert.deepEqual(again.body, put.body);
    const listed = await listAll(ALICE, 'sort=completedAt&order=desc&limit=100');
    assert.ok(listed.tasks.some((task) => task.taskId === before.taskId));

    // It exists now: a second PUT changes nothing.
    const exists = await request(service.app)
      .put(`/api/tasks/${before.taskId}`)
      .set(as(ALICE))
      .set(createOnly)
      .send({ ...before, title: 'Other' })
      .expect(412);
    assert.equal(exists.headers.etag, '"1"');
    assert.deepEqual(detailFields(exists.body), ['If-None-Match']);
    assert.equal((await get(`/api/tasks/${before.taskId}`).expect(200)).body.title, 'Restore me');
  });

  test('never writes into another user’s tasks', async () => {
    const { task: alices } = await createTask(service.app, ALICE, newTask({ title: 'Alice’s' }));
    // Bob sends alice's id: he gets a task of his own with it; alice's is untouched.
    const bobs = await request(service.app)
      .put(`/api/tasks/${alices.taskId}`)
      .set(as(BOB))
      .set(createOnly)
      .send(newTask({ title: 'Bob’s', done: false }))
      .expect(201);
    assert.equal(bobs.body.title, 'Bob’s');
    assert.equal((await get(`/api/tasks/${alices.taskId}`).expect(200)).body.title, 'Alice’s');
    assert.equal((await get(`/api/tasks/${alices.taskId}`, BOB).expect(200)).body.title, 'Bob’s');
    // Alice's deleted task stays deleted when bob "restores" its id.
    const deleted = await deletedTask();
    await request(service.app)
      .put(`/api/tasks/${deleted.taskId}`)
      .set(as(BOB))
      .set(createOnly)
      .send(deleted)
      .expect(201);
    await get(`/api/tasks/${deleted.taskId}`).expect(404);
  });

  test('bad requests are 4xx naming the field, and restore nothing', async () => {
    const task = await deletedTask();
    const put = (body: object, headers: Record<string, string> = createOnly, id = task.taskId) =>
      request(service.app).put(`/api/tasks/${id}`).set(as(ALICE)).set(headers).send(body);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const cases: [request.Test, number, string][] = [
      [put(task, {}), 428, 'If-None-Match'],
      [put(task, { 'If-None-Match': '"1"' }), 400, 'If-None-Match'],
      [put(task, createOnly, 'not-a-uuid'), 400, 'taskId'],
      [put({ ...task, taskId: '00000000-0000-4000-8000-000000000000' }), 400, 'taskId'],
      [put({ ...task, done: false }), 400, 'completedAt'],
      [put({ ...task, completedAt: future }), 400, 'completedAt'],
      [put({ ...task, createdAt: future }), 400, 'createdAt'],
      [put({ ...task, title: '  ' }), 400, 'title'],
      [put({ ...task, owner: BOB }), 400, 'owner'],
    ];
    for (const [pending, status, field] of cases) {
      const response = await pending.expect(status);
      assert.deepEqual(detailFields(response.body), [field], `${status} ${field}`);
    }
    await get(`/api/tasks/${task.taskId}`).expect(404);
  });
});

describe('PATCH with completedAt', () => {
  test('done with completedAt puts an old completion back; alone or in the future it is a 400', async () => {
    const { task } = await createTask(service.app, ALICE, newTask());
    const path = `/api/tasks/${task.taskId}`;
    const patch = (body: object) => request(service.app).patch(path).set(as(ALICE)).send(body);
    const done = (await patch({ done: true }).expect(200)).body as Task;
    await patch({ done: false }).expect(200);
    const back = (await patch({ done: true, completedAt: done.completedAt }).expect(200))
      .body as Task;
    assert.equal(back.completedAt, done.completedAt);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    // A minute ahead is the future too: no allowance for a client's clock running fast.
    const soon = new Date(Date.now() + 60_000).toISOString();
    for (const body of [
      { completedAt: done.completedAt },
      { done: false, completedAt: done.completedAt },
      { done: true, completedAt: future },
      { done: true, completedAt: soon },
    ]) {
      const response = await patch(body).expect(400);
      assert.deepEqual(detailFields(response.body), ['completedAt'], JSON.stringify(body));
    }
  });
});
