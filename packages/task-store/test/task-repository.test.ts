import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTestTables, dynaliteForFile } from '@task-manager/testing';
import {
  InvalidCursorError,
  TASK_INDEX,
  TaskNotFoundError,
  TaskRepository,
  TaskVersionMismatchError,
  batchWrite,
  encodeTaskCursor,
  newTaskItem,
  SEARCH_EVALUATED_PER_REQUEST,
  STATUS_FILTER_EVALUATED_PER_REQUEST,
  type TaskRecord,
} from '../src/index.ts';

const dynamo = dynaliteForFile();

/** A repository on fresh tables, with a clock the test moves by hand. */
async function setUp(): Promise<{
  repo: TaskRepository;
  tables: Awaited<ReturnType<typeof createTestTables>>;
  clock: { now: Date };
}> {
  const tables = await createTestTables(dynamo.endpoint);
  const clock = { now: new Date('2026-11-21T00:00:00.000Z') };
  const repo = new TaskRepository(tables.clients.doc, tables.config.tasksTable, {
    now: () => clock.now,
  });
  return { repo, tables, clock };
}

async function rawItem(
  tables: Awaited<ReturnType<typeof createTestTables>>,
  userId: string,
  taskId: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await tables.clients.doc.send(
    new GetCommand({ TableName: tables.config.tasksTable, Key: { userId, taskId } }),
  );
  return Item;
}

async function completedInHour(
  tables: Awaited<ReturnType<typeof createTestTables>>,
  bucket: string,
): Promise<string[]> {
  const { Items = [] } = await tables.clients.doc.send(
    new QueryCommand({
      TableName: tables.config.tasksTable,
      IndexName: TASK_INDEX.byCompletion,
      KeyConditionExpression: 'completionBucket = :bucket',
      ExpressionAttributeValues: { ':bucket': bucket },
    }),
  );
  return Items.map((item) => String(item.taskId));
}

describe('create and get', () => {
  test('stores a new open task at version 1 with its index key, normalising startAt to UTC', async () => {
    const { repo, tables } = await setUp();
    const created = await repo.create('alice', {
      title: 'Write report',
      startAt: '2026-11-21T10:00:00+09:00',
    });
    assert.equal(created.version, 1);
    assert.deepEqual(created.task, {
      taskId: created.task.taskId,
      title: 'Write report',
      contents: '',
      startAt: '2026-11-21T01:00:00.000Z',
      done: false,
      completedAt: null,
      createdAt: '2026-11-21T00:00:00.000Z',
      updatedAt: '2026-11-21T00:00:00.000Z',
    });
    assert.deepEqual(await repo.get('alice', created.task.taskId), created);
    const item = await rawItem(tables, 'alice', created.task.taskId);
    assert.equal(item?.startKey, `2026-11-21T01:00:00.000Z#${created.task.taskId}`);
    assert.equal(item?.completionBucket, undefined);
  });

  test('another user cannot read the task', async () => {
    const { repo } = await setUp();
    const { task } = await repo.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    assert.equal(await repo.get('bob', task.taskId), undefined);
  });
});

describe('update', () => {
  test('marking done records completedAt and enters byCompletion; reopening removes both', async () => {
    const { repo, tables, clock } = await setUp();
    const { task } = await repo.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    clock.now = new Date('2026-11-21T15:30:00.000Z');
    const done = await repo.update('alice', task.taskId, { done: true });
    assert.equal(done.version, 2);
    assert.equal(done.task.done, true);
    assert.equal(done.task.completedAt, '2026-11-21T15:30:00.000Z');
    assert.deepEqual(await completedInHour(tables, '2026-11-21T15'), [task.taskId]);

    clock.now = new Date('2026-11-21T16:00:00.000Z');
    const again = await repo.update('alice', task.taskId, { done: true, title: 'renamed' });
    assert.equal(again.task.completedAt, '2026-11-21T15:30:00.000Z', 'first completion kept');
    assert.deepEqual(await completedInHour(tables, '2026-11-21T16'), []);

    const reopened = await repo.update('alice', task.taskId, { done: false });
    assert.equal(reopened.task.done, false);
    assert.equal(reopened.task.completedAt, null);
    assert.equal(reopened.version, 4);
    assert.deepEqual(await completedInHour(tables, '2026-11-21T15'), []);
    const item = await rawItem(tables, 'alice', task.taskId);
    assert.equal(item?.completedAt, undefined);
    assert.equal(item?.completionKey, undefined);
  });

  test('changing startAt moves the task in index byStart', async () => {
    const { repo, tables } = await setUp();
    const { task } = await repo.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    const moved = await repo.update('alice', task.taskId, {
      startAt: '2026-12-01T09:00:00+09:00',
    });
    assert.equal(moved.task.startAt, '2026-12-01T00:00:00.000Z');
    const item = await rawItem(tables, 'alice', task.taskId);
    assert.equal(item?.startKey, `2026-12-01T00:00:00.000Z#${task.taskId}`);
  });

  test('a stale expected version fails with the current one and changes nothing', async () => {
    const { repo } = await setUp();
    const { task } = await repo.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    await repo.update('alice', task.taskId, { title: 'first' }, { expectedVersions: [1] });
    await assert.rejects(
      repo.update('alice', task.taskId, { title: 'second' }, { expectedVersions: [1] }),
      (error) => error instanceof TaskVersionMismatchError && error.currentVersion === 2,
    );
    const current = await repo.get('alice', task.taskId);
    assert.equal(current?.task.title, 'first');
    assert.equal(current?.version, 2);
  });

  test('an excluded version fails when it is the current one, and only then', async () => {
    const { repo } = await setUp();
    const { task } = await repo.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    await assert.rejects(
      repo.update('alice', task.taskId, { title: 'x' }, { excludedVersions: [3, 1] }),
      (error) => error instanceof TaskVersionMismatchError && error.currentVersion === 1,
    );
    assert.equal((await repo.get('alice', task.taskId))?.version, 1);
    // Both conditions at once: version 1 is expected and 2 is not excluded.
    const updated = await repo.update(
      'alice',
      task.taskId,
      { title: 'y' },
      { expectedVersions: [1], excludedVersions: [2] },
    );
    assert.equal(updated.task.title, 'y');
    // An empty list excludes nothing.
    await repo.update('alice', task.taskId, { title: 'z' }, { excludedVersions: [] });
    assert.equal((await repo.get('alice', task.taskId))?.version, 3);
  });

  test('updating a missing or foreign task fails as not found and creates nothing', async () => {
    const { repo, tables } = await setUp();
    const { task } = await repo.create('alice', { title: 't', startAt: '2026-11-21T00:00:00Z' });
    await assert.rejects(repo.update('bob', task.taskId, { title: 'x' }), TaskNotFoundError);
    await assert.rejects(
      repo.update('bob', task.taskId, { title: 'x' }, { expectedVersions: [1] }),
      TaskNotFoundError,
    );
    assert.equal(await rawItem(tables, 'bob', task.taskId), undefined);
  });
});

describe('delete', () => {
  test('deletes with or without a matching version; stale, excluded or missing fail', async () => {
    const { repo } = await setUp();
    const a = await repo.create('alice', { title: 'a', startAt: '2026-11-21T00:00:00Z' });
    const b = await repo.create('alice', { title: 'b', startAt: '2026-11-21T00:00:00Z' });
    await assert.rejects(
      repo.delete('alice', a.task.taskId, { expectedVersions: [7] }),
      TaskVersionMismatchError,
    );
    await assert.rejects(
      repo.delete('alice', a.task.taskId, { excludedVersions: [1] }),
      (error) => error instanceof TaskVersionMismatchError && error.currentVersion === 1,
    );
    await repo.delete('alice', a.task.taskId, { expectedVersions: [1], excludedVersions: [2] });
    await repo.delete('alice', b.task.taskId);
    await assert.rejects(repo.delete('alice', a.task.taskId), TaskNotFoundError);
    assert.equal(await repo.get('alice', b.task.taskId), undefined);
  });
});

describe('list', () => {
  async function seed(
    repo: TaskRepository,
    userId: string,
    count: number,
    doneEvery = 0,
  ): Promise<TaskRecord[]> {
    const records: TaskRecord[] = [];
    for (let index = 0; index < count; index += 1) {
      // Every two tasks share a start instant: the index key must still tell them apart.
      const startAt = new Date(Date.UTC(2026, 10, 1, Math.floor(index / 2))).toISOString();
      let record = await repo.create(userId, { title: `task ${index}`, startAt });
      if (doneEvery > 0 && index % doneEvery === 0) {
        record = await repo.update(userId, record.task.taskId, { done: true });
      }
      records.push(record);
    }
    return records;
  }

  async function readAll(
    repo: TaskRepository,
    userId: string,
    query: Parameters<TaskRepository['list']>[1],
  ): Promise<{ pages: number[]; titles: string[] }> {
    const pages: number[] = [];
    const titles: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repo.list(userId, { ...query, cursor });
      pages.push(page.items.length);
      titles.push(...page.items.map((record) => record.task.title));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return { pages, titles };
  }

  test('pages through every task in start order with no empty last page', async () => {
    const { repo } = await setUp();
    await seed(repo, 'alice', 25);
    await seed(repo, 'bob', 3);
    const { pages, titles } = await readAll(repo, 'alice', { limit: 10 });
    assert.deepEqual(pages, [10, 10, 5]);
    assert.equal(new Set(titles).size, 25, 'each task exactly once');
    // Two tasks start each hour; pairs come in hour order whatever their ids.
    const hours = titles.map((title) => Math.floor(Number(title.split(' ')[1]) / 2));
    assert.deepEqual(
      hours,
      [...hours].sort((a, b) => a - b),
    );
    const exact = await readAll(repo, 'alice', { limit: 25 });
    assert.deepEqual(exact.pages, [25]);
  });

  test('sorts by the instant of startAt, whatever offset it was given with', async () => {
    const { repo } = await setUp();
    await repo.create('alice', { title: 'late', startAt: '2026-11-03T00:00:00Z' });
    await repo.create('alice', { title: 'early', startAt: '2026-11-02T09:00:00+09:00' });
    await repo.create('alice', { title: 'middle', startAt: '2026-11-02T12:00:00Z' });
    const page = await repo.list('alice', { limit: 50 });
    assert.deepEqual(
      page.items.map((record) => record.task.title),
      ['early', 'middle', 'late'],
    );
  });

  test('a status filter still fills each page when enough tasks match', async () => {
    const { repo } = await setUp();
    // 30 tasks, every third done: 10 done, 20 open.
    await seed(repo, 'alice', 30, 3);
    const done = await readAll(repo, 'alice', { limit: 4, status: 'done' });
    assert.deepEqual(done.pages, [4, 4, 2]);
    const open = await readAll(repo, 'alice', { limit: 7, status: 'open' });
    assert.deepEqual(open.pages, [7, 7, 6]);
    const all = await readAll(repo, 'alice', { limit: 30, status: 'all' });
    assert.deepEqual(all.pages, [30]);
  });

  test('from is inclusive and to exclusive, also across pages', async () => {
    const { repo } = await setUp();
    // 20 tasks, two per hour from 2026-11-01T00:00Z to T09:00Z.
    await seed(repo, 'alice', 20);
    const window = { from: '2026-11-01T02:00:00Z', to: '2026-11-01T07:00:00+00:00' };
    const { pages, titles } = await readAll(repo, 'alice', { ...window, limit: 3 });
    assert.deepEqual(pages, [3, 3, 3, 1]);
    assert.deepEqual(titles.sort(), Array.from({ length: 10 }, (_, i) => `task ${i + 4}`).sort());
    const onlyFrom = await readAll(repo, 'alice', { from: '2026-11-01T09:00:00Z', limit: 5 });
    assert.deepEqual(onlyFrom.titles.sort(), ['task 18', 'task 19']);
    const onlyTo = await readAll(repo, 'alice', { to: '2026-11-01T01:00:00Z', limit: 5 });
    assert.deepEqual(onlyTo.titles.sort(), ['task 0', 'task 1']);
    const empty = await repo.list('alice', { from: window.to, to: window.from, limit: 5 });
    assert.deepEqual(empty, { items: [], nextCursor: null });
  });

  test('refuses a query it cannot answer as asked, with RangeError', async () => {
    const { repo } = await setUp();
    await seed(repo, 'alice', 2);
    for (const query of [
      { limit: 0 },
      { limit: 1.5 },
      { limit: 5, q: ' \t\u3000 ' },
      { limit: 5, sort: 'completedAt', from: '2026-11-01T00:00:00Z' },
      { limit: 5, sort: 'completedAt', to: '2026-11-02T00:00:00Z' },
    ] as const) {
      await assert.rejects(repo.list('alice', query), RangeError, JSON.stringify(query));
    }
  });

  test('bounds finer than a millisecond compare exactly', async () => {
    const { repo } = await setUp();
    await seed(repo, 'alice', 4); // tasks 0 and 1 start at 00:00Z, tasks 2 and 3 at 01:00Z
    const justAfter = '2026-11-01T01:00:00.0001Z';
    assert.deepEqual((await readAll(repo, 'alice', { from: justAfter, limit: 5 })).titles, []);
    const before = await readAll(repo, 'alice', { to: justAfter, limit: 5 });
    assert.deepEqual(before.titles.sort(), ['task 0', 'task 1', 'task 2', 'task 3']);
  });

  test('rejects cursors that are garbage, tampered, foreign or outside the window', async () => {
    const { repo } = await setUp();
    await seed(repo, 'alice', 4);
    const first = await repo.list('alice', { limit: 2 });
    assert.ok(first.nextCursor);
    const rejects = (userId: string, query: Parameters<TaskRepository['list']>[1]) =>
      assert.rejects(repo.list(userId, query), InvalidCursorError);
    await rejects('bob', { limit: 2, cursor: first.nextCursor });
    await rejects('alice', { limit: 2, cursor: 'not a cursor!' });
    await rejects('alice', { limit: 2, cursor: Buffer.from('{"u":1}').toString('base64url') });
    await rejects('alice', {
      limit: 2,
      cursor: encodeTaskCursor({ userId: 'alice', taskId: 'x', key: 'no-date#x' }, 'startKey'),
    });
    await rejects('alice', {
      limit: 2,
      cursor: encodeTaskCursor(
        { userId: 'alice', taskId: 'x', key: '2026-11-01T00:00:00.000Z#y' },
        'startKey',
      ),
    });
    // A cursor of the list by start time does not page the list by completion time.
    await rejects('alice', { limit: 2, sort: 'completedAt', cursor: first.nextCursor });
    await rejects('alice', { limit: 2, from: '2027-01-01T00:00:00Z', cursor: first.nextCursor });
    await rejects('alice', { limit: 2, to: '2026-11-01T00:00:00Z', cursor: first.nextCursor });
    const second = await repo.list('alice', { limit: 2, cursor: first.nextCursor });
    assert.equal(second.items.length, 2);
    assert.equal(second.nextCursor, null);
  });

  test('order desc lists latest first, and pages back through the same tasks', async () => {
    const { repo } = await setUp();
    await seed(repo, 'alice', 9);
    const ascending = await readAll(repo, 'alice', { limit: 4 });
    const descending = await readAll(repo, 'alice', { limit: 4, order: 'desc' });
    assert.deepEqual(descending.pages, [4, 4, 1]);
    assert.deepEqual(descending.titles, [...ascending.titles].reverse());
    const window = { from: '2026-11-01T01:00:00Z', to: '2026-11-01T03:00:00Z' };
    const late = await readAll(repo, 'alice', { ...window, limit: 3, order: 'desc' });
    const early = await readAll(repo, 'alice', { ...window, limit: 3 });
    // Two tasks start each hour (ties ordered by task id): tasks 2 to 5, latest first.
    assert.deepEqual(late.titles, [...early.titles].reverse());
    assert.deepEqual([...late.titles].sort(), ['task 2', 'task 3', 'task 4', 'task 5']);
  });

  test('sort by completion time: done tasks only, newest first, paged', async () => {
    const { repo, clock } = await setUp();
    const records = await seed(repo, 'alice', 6);
    // Completed in the order 4, 1, 5, 0 (two stay open); bob's completion is not alice's.
    for (const index of [4, 1, 5, 0]) {
      clock.now = new Date(clock.now.getTime() + 60_000);
      await repo.update('alice', records[index]!.task.taskId, { done: true });
    }
    const bobs = await repo.create('bob', { title: 'bob', startAt: '2026-11-01T00:00:00Z' });
    await repo.update('bob', bobs.task.taskId, { done: true });
    const newest = await readAll(repo, 'alice', { limit: 3, sort: 'completedAt', order: 'desc' });
    assert.deepEqual(newest.titles, ['task 0', 'task 5', 'task 1', 'task 4']);
    assert.deepEqual(newest.pages, [3, 1]);
    const oldest = await readAll(repo, 'alice', { limit: 10, sort: 'completedAt' });
    assert.deepEqual(oldest.titles, ['task 4', 'task 1', 'task 5', 'task 0']);
    // Reopened, it leaves the list.
    await repo.update('alice', records[5]!.task.taskId, { done: false });
    const after = await readAll(repo, 'alice', { limit: 10, sort: 'completedAt', order: 'desc' });
    assert.deepEqual(after.titles, ['task 0', 'task 1', 'task 4']);
    await assert.rejects(
      repo.list('alice', { limit: 1, sort: 'completedAt', status: 'open' }),
      RangeError,
    );
  });

  test('search: words in title or contents, folded; only the user’s tasks; bounded per request', async () => {
    const { repo } = await setUp();
    const startAt = '2026-11-01T00:00:00Z';
    await repo.create('alice', { title: 'Quarterly REPORT', contents: '', startAt });
    await repo.create('alice', { title: 'Lunch', contents: '報告書をまとめる', startAt });
    await repo.create('alice', { title: 'ｶﾀｶﾅ practice', startAt });
    await repo.create('alice', { title: 'Weekly report', contents: 'for the team', startAt });
    await repo.create('bob', { title: 'Bob’s report', startAt });
    const titles = async (q: string, extra: Partial<Parameters<TaskRepository['list']>[1]> = {}) =>
      (await readAll(repo, 'alice', { limit: 10, q, ...extra })).titles.sort();
    assert.deepEqual(await titles('report'), ['Quarterly REPORT', 'Weekly report']);
    assert.deepEqual(await titles('REPORT team'), ['Weekly report']);
    assert.deepEqual(await titles('報告'), ['Lunch']);
    assert.deepEqual(await titles('カタカナ'), ['ｶﾀｶﾅ practice']);
    assert.deepEqual(await titles('nothing'), []);
    const done = await readAll(repo, 'alice', { limit: 10, q: 'report', status: 'done' });
    assert.deepEqual(done.titles, []);
  });

  test('a search examines a bounded number of tasks per request and goes on with the cursor', async () => {
    const total = SEARCH_EVALUATED_PER_REQUEST + 150;
    // Many tasks; a match near the start and one near the end.
    const { counting, scanned } = await storedAndCounted(total, (index) => ({
      title: index === 3 || index === total - 2 ? `needle ${index}` : `hay ${index}`,
    }));
    const first = await counting.list('alice', { limit: 10, q: 'needle' });
    assert.deepEqual(
      first.items.map((r) => r.task.title),
      ['needle 3'],
    );
    assert.ok(first.nextCursor, 'more to search');
    assert.ok(
      scanned.reduce((a, b) => a + b, 0) <= SEARCH_EVALUATED_PER_REQUEST,
      `examined ${scanned.join('+')}`,
    );
    const second = await counting.list('alice', {
      limit: 10,
      q: 'needle',
      cursor: first.nextCursor!,
    });
    assert.deepEqual(
      second.items.map((r) => r.task.title),
      [`needle ${total - 2}`],
    );
    assert.equal(second.nextCursor, null);
  });

  test('a status filter examines a bounded number of tasks per request and goes on with the cursor', async () => {
    const done = STATUS_FILTER_EVALUATED_PER_REQUEST + 100;
    // Thousands of done tasks, then one open one.
    const { counting, scanned } = await storedAndCounted(done + 1, (index) => ({
      title: `task ${index}`,
      done: index < done,
    }));
    const first = await counting.list('alice', { limit: 10, status: 'open' });
    assert.deepEqual(first.items, []);
    assert.ok(first.nextCursor, 'more to read');
    const examined = scanned.reduce((a, b) => a + b, 0);
    assert.ok(examined <= STATUS_FILTER_EVALUATED_PER_REQUEST, `examined ${scanned.join('+')}`);
    const second = await counting.list('alice', {
      limit: 10,
      status: 'open',
      cursor: first.nextCursor,
    });
    assert.deepEqual(
      second.items.map((r) => r.task.title),
      [`task ${done}`],
    );
    assert.equal(second.nextCursor, null);
  });

  test('restore puts a deleted task back as it was, under the same id and owner', async () => {
    const { repo, clock, tables } = await setUp();
    const created = await repo.create('alice', {
      title: 'Keep me',
      contents: 'line 1\nline 2',
      startAt: '2026-11-02T09:00:00+09:00',
    });
    clock.now = new Date('2026-11-21T01:00:00.000Z');
    const done = await repo.update('alice', created.task.taskId, { done: true });
    await repo.delete('alice', created.task.taskId);
    clock.now = new Date('2026-11-21T02:00:00.000Z');
    const { task } = done;
    const restored = await repo.restore('alice', task.taskId, task);
    assert.equal(restored.created, true);
    assert.deepEqual(restored.record.task, { ...task, updatedAt: '2026-11-21T02:00:00.000Z' });
    assert.equal(restored.record.version, 1);
    // Back in its indexes: the list by start, by completion, and the report's hour.
    assert.deepEqual(
      (await repo.list('alice', { limit: 5 })).items.map((r) => r.task.taskId),
      [task.taskId],
    );
    assert.equal((await repo.list('alice', { limit: 5, sort: 'completedAt' })).items.length, 1);
    assert.deepEqual(await completedInHour(tables, '2026-11-21T01'), [task.taskId]);
    // It exists now: a second restore changes nothing.
    const again = await repo.restore('alice', task.taskId, { ...task, title: 'Other' });
    assert.equal(again.created, false);
    assert.equal(again.record.task.title, 'Keep me');
    // Another user restoring the same id makes a task of their own and touches nothing of alice's.
    const bobs = await repo.restore('bob', task.taskId, { ...task, title: 'Bob’s' });
    assert.equal(bobs.created, true);
    assert.equal((await repo.get('alice', task.taskId))?.task.title, 'Keep me');
    assert.equal((await repo.get('bob', task.taskId))?.task.title, 'Bob’s');
  });

  test('done with an explicit completedAt records that time (undoing a reopen)', async () => {
    const { repo, clock, tables } = await setUp();
    const created = await repo.create('alice', { title: 'x', startAt: '2026-11-01T00:00:00Z' });
    const done = await repo.update('alice', created.task.taskId, { done: true });
    await repo.update('alice', created.task.taskId, { done: false });
    clock.now = new Date('2026-11-22T00:00:00.000Z');
    const back = await repo.update('alice', created.task.taskId, {
      done: true,
      completedAt: done.task.completedAt!,
    });
    assert.equal(back.task.completedAt, done.task.completedAt);
    const item = await rawItem(tables, 'alice', created.task.taskId);
    assert.equal(item?.completionKey, `${done.task.completedAt}#${created.task.taskId}`);
    await assert.rejects(
      repo.update('alice', created.task.taskId, { completedAt: done.task.completedAt! }),
      RangeError,
    );
  });
});

/** A document client that records each Query's ScannedCount. */
/**
 * `count` of alice's tasks, one a minute from 2026-01-01 (written straight to the table, for
 * speed), and a repository that records how many items each of its Queries examined.
 */
async function storedAndCounted(
  count: number,
  taskAt: (index: number) => { title: string; done?: boolean },
) {
  const { tables } = await setUp();
  const requests = Array.from({ length: count }, (_, index) => {
    const startAt = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
    const { title, done = false } = taskAt(index);
    const taskId = `t-${String(index).padStart(5, '0')}`;
    const item = newTaskItem('alice', taskId, { title, startAt }, new Date());
    return { PutRequest: { Item: { ...item, done } } };
  });
  await batchWrite(tables.clients.doc, tables.config.tasksTable, requests);
  const scanned: number[] = [];
  const counting = new TaskRepository(
    withScannedCounts(tables.clients.doc, scanned),
    tables.config.tasksTable,
  );
  return { counting, scanned };
}

function withScannedCounts(doc: DynamoDBDocumentClient, scanned: number[]): DynamoDBDocumentClient {
  return new Proxy(doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const output = (await target.send(command)) as { ScannedCount?: number };
        if (command instanceof QueryCommand) scanned.push(output.ScannedCount ?? 0);
        return output;
      };
    },
  });
}
