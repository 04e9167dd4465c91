import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { as, ALICE, BOB, createTask, serviceForFile, newTask } from './support/test-service.ts';

const service = serviceForFile();

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /api/tasks', () => {
  test('creates an open task: 201, Location, ETag and the task', async () => {
    const response = await request(service.app)
      .post('/api/tasks')
      .set(as(ALICE))
      .send({
        title: '  Write the report  ',
        contents: 'Q4 numbers',
        startAt: '2026-11-21T10:00:00+09:00',
      })
      .expect(201)
      .expect('Content-Type', /application\/json/);
    const task = response.body;
    assert.match(task.taskId, /^[0-9a-f-]{36}$/);
    assert.equal(response.headers.location, `/api/tasks/${task.taskId}`);
    assert.equal(response.headers.etag, '"1"');
    assert.deepEqual(task, {
      taskId: task.taskId,
      title: 'Write the report',
      contents: 'Q4 numbers',
      startAt: '2026-11-21T01:00:00.000Z',
      done: false,
      completedAt: null,
      createdAt: task.createdAt,
      updatedAt: task.createdAt,
    });
    assert.match(task.createdAt, ISO_UTC);
  });

  test('contents defaults to "", and titles and contents count characters, not bytes', async () => {
    const { task } = await createTask(service.app, ALICE, newTask({ title: '牛乳を買う' }));
    assert.equal(task.contents, '');
    assert.equal(task.title, '牛乳を買う');
    const longest = await createTask(
      service.app,
      ALICE,
      newTask({ title: '猫'.repeat(100), contents: '🍣'.repeat(2000) }),
    );
    assert.equal([...(longest.task.title as string)].length, 100);
  });

  test('valid text keeps every character: line breaks and tabs in contents, joiners inside words', async () => {
    const title = '👩‍💻 deploy\u200bnow 報告';
    const contents = 'line one\r\nline two\n\tindented\u00a0and\u200dmore';
    const { task } = await createTask(service.app, ALICE, newTask({ title, contents }));
    assert.equal(task.title, title);
    assert.equal(task.contents, contents);
  });

  test('a title is trimmed before it is checked: tabs and line breaks around it go too', async () => {
    const title = '\t Write the report\r\n';
    const { task } = await createTask(service.app, ALICE, newTask({ title }));
    assert.equal(task.title, 'Write the report');
  });

  test('a chunked body, with no Content-Length, is read like any other', async () => {
    const chunked = request(service.app)
      .post('/api/tasks')
      .set(as(ALICE))
      .set('Content-Type', 'application/json')
      .set('Transfer-Encoding', 'chunked');
    chunked.write(JSON.stringify(newTask({ title: 'streamed' })));
    const response = await chunked.expect(201);
    assert.equal(response.body.title, 'streamed');
  });

  test('the whole supported range of start times is accepted, at millisecond precision', async () => {
    const cases: [string, string][] = [
      ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
      ['0000-01-01T09:00:00+09:00', '0000-01-01T00:00:00.000Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
      ['9999-12-31T22:59:59.999-01:00', '9999-12-31T23:59:59.999Z'],
      ['2026-11-21T09:00:00.120000+09:00', '2026-11-21T00:00:00.120Z'],
    ];
    for (const [startAt, stored] of cases) {
      const { task } = await createTask(service.app, ALICE, newTask({ startAt }));
      assert.equal(task.startAt, stored, startAt);
    }
  });
});

describe('GET /api/tasks/:taskId', () => {
  test('returns the task with its ETag', async () => {
    const { task } = await createTask(service.app, ALICE);
    const response = await request(service.app)
      .get(`/api/tasks/${task.taskId}`)
      .set(as(ALICE))
      .expect(200)
      .expect('ETag', '"1"');
    assert.deepEqual(response.body, task);
  });

  test('unknown and malformed ids answer 404', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'x'.repeat(300)]) {
      const response = await request(service.app)
        .get(`/api/tasks/${id}`)
        .set(as(ALICE))
        .expect(404);
      assert.deepEqual(response.body, {
        error: 'task not found',
        details: [{ field: 'taskId', message: 'no such task' }],
      });
    }
  });
});

describe('PATCH /api/tasks/:taskId', () => {
  test('changes only the given fields and bumps the ETag', async () => {
    const { task } = await createTask(service.app, ALICE, newTask({ contents: 'keep me' }));
    const response = await request(service.app)
      .patch(`/api/tasks/${task.taskId}`)
      .set(as(ALICE))
      .send({ title: 'Buy oat milk', startAt: '2026-11-22T08:00:00Z' })
      .expect(200)
      .expect('ETag', '"2"');
    assert.equal(response.body.title, 'Buy oat milk');
    assert.equal(response.body.contents, 'keep me');
    assert.equal(response.body.startAt, '2026-11-22T08:00:00.000Z');
    assert.equal(response.body.createdAt, task.createdAt);
    assert.ok(response.body.updatedAt >= String(task.updatedAt));
  });

  test('done sets completedAt, done again keeps it, reopening clears it', async () => {
    const { task } = await createTask(service.app, ALICE);
    const patch = (body: object) =>
      request(service.app).patch(`/api/tasks/${task.taskId}`).set(as(ALICE)).send(body).expect(200);
    const done = (await patch({ done: true })).body;
    assert.equal(done.done, true);
    assert.match(done.completedAt, ISO_UTC);
    const again = (await patch({ done: true, contents: 'with notes' })).body;
    assert.equal(again.completedAt, done.completedAt);
    const reopened = (await patch({ done: false })).body;
    assert.equal(reopened.done, false);
    assert.equal(reopened.completedAt, null);
  });
});

describe('DELETE /api/tasks/:taskId', () => {
  test('answers 204 with no body, then the task is gone', async () => {
    const { task } = await createTask(service.app, ALICE);
    const response = await request(service.app)
      .delete(`/api/tasks/${task.taskId}`)
      .set(as(ALICE))
      .expect(204);
    assert.equal(response.text, '');
    await request(service.app).get(`/api/tasks/${task.taskId}`).set(as(ALICE)).expect(404);
    await request(service.app).delete(`/api/tasks/${task.taskId}`).set(as(ALICE)).expect(404);
  });
});

describe('two users', () => {
  test("neither can see, list, change or delete the other's tasks", async () => {
    const { task: alices } = await createTask(service.app, ALICE, newTask({ title: 'alice only' }));
    await createTask(service.app, BOB, newTask({ title: 'bob only' }));
    const path = `/api/tasks/${alices.taskId}`;

    const asBob = (method: 'get' | 'patch' | 'delete') =>
      request(service.app)[method](path).set(as(BOB));
    const missing = await request(service.app)
      .get('/api/tasks/00000000-0000-4000-8000-000000000000')
      .set(as(BOB))
      .expect(404);
    for (const response of [
      await asBob('get').expect(404),
      await asBob('patch').send({ title: 'hijacked' }).expect(404),
      await asBob('patch').set('If-Match', '"1"').send({ done: true }).expect(404),
      await asBob('delete').expect(404),
      await asBob('delete').set('If-Match', '"1"').expect(404),
    ]) {
      // Exactly the answer for an id that does not exist: nothing to tell them apart.
      assert.deepEqual(response.body, missing.body);
    }

    const bobsList = await request(service.app)
      .get('/api/tasks?limit=100')
      .set(as(BOB))
      .expect(200);
    assert.ok(bobsList.body.items.length >= 1);
    assert.ok(bobsList.body.items.every((task: { title: string }) => task.title !== 'alice only'));

    const unchanged = await request(service.app)
      .get(path)
      .set(as(ALICE))
      .expect(200)
      .expect('ETag', '"1"');
    assert.equal(unchanged.body.title, 'alice only');
    assert.equal(unchanged.body.done, false);
  });
});

describe('optimistic concurrency', () => {
  test('a stale If-Match answers 412 with the current ETag and changes nothing', async () => {
    const { task, etag } = await createTask(service.app, ALICE);
    const path = `/api/tasks/${task.taskId}`;
    // Two clients read version 1; the first one's change wins...
    await request(service.app)
      .patch(path)
      .set(as(ALICE))
      .set('If-Match', etag)
      .send({ title: 'first writer' })
      .expect(200)
      .expect('ETag', '"2"');
    // ...and the second one is told instead of silently overwriting it.
    const stale = await request(service.app)
      .patch(path)
      .set(as(ALICE))
      .set('If-Match', etag)
      .send({ title: 'second writer' })
      .expect(412)
      .expect('ETag', '"2"');
    assert.equal(stale.body.details[0].field, 'If-Match');
    await request(service.app).delete(path).set(as(ALICE)).set('If-Match', etag).expect(412);
    const current = await request(service.app).get(path).set(as(ALICE));
    assert.equal(current.body.title, 'first writer');
  });

  test('If-Match accepts the current ETag in a list, and "*"; weak tags never match', async () => {
    const { task } = await createTask(service.app, ALICE);
    const path = `/api/tasks/${task.taskId}`;
    const patch = (ifMatch: string) =>
      request(service.app)
        .patch(path)
        .set(as(ALICE))
        .set('If-Match', ifMatch)
        .send({ contents: ifMatch });
    await patch('"7", "1"').expect(200).expect('ETag', '"2"');
    await patch('*').expect(200).expect('ETag', '"3"');
    await patch('W/"3"').expect(412);
    await patch('"not-a-version"').expect(412);
    const malformed = await patch('3').expect(400);
    assert.deepEqual(
      malformed.body.details.map((detail: { field: string }) => detail.field),
      ['If-Match'],
    );
    await request(service.app).delete(path).set(as(ALICE)).set('If-Match', '"3"').expect(204);
  });

  test('of concurrent conditional writes to one version, exactly one wins', async () => {
    const { task, etag } = await createTask(service.app, ALICE);
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((title) =>
        request(service.app)
          .patch(`/api/tasks/${task.taskId}`)
          .set(as(ALICE))
          .set('If-Match', etag)
          .send({ title }),
      ),
    );
    assert.deepEqual(results.map((response) => response.status).sort(), [200, 412, 412, 412]);
  });
});

describe('conditional requests (RFC 9110 §13)', () => {
  const fields = (body: { details: { field: string }[] }) =>
    body.details.map((detail) => detail.field);

  /** A task of Alice's at version 2, and its path. */
  async function taskAtVersion2(): Promise<string> {
    const { task } = await createTask(service.app, ALICE);
    const path = `/api/tasks/${task.taskId}`;
    await request(service.app).patch(path).set(as(ALICE)).send({ title: 'v2' }).expect(200);
    return path;
  }

  test('GET with If-None-Match naming the current version: 304 with the ETag, no body', async () => {
    const path = await taskAtVersion2();
    for (const header of ['"2"', 'W/"2"', '"1", "2"', '*']) {
      for (const method of ['get', 'head'] as const) {
        const response = await request(service.app)
          [method](path)
          .set(as(ALICE))
          .set('If-None-Match', header)
          .expect(304)
          .expect('ETag', '"2"');
        assert.equal(response.text ?? '', '', `${method} ${header}`);
      }
    }
    // A copy of another version gets the task.
    const fresh = await request(service.app)
      .get(path)
      .set(as(ALICE))
      .set('If-None-Match', '"1", "x"')
      .expect(200)
      .expect('ETag', '"2"');
    assert.equal(fresh.body.title, 'v2');
    // A task that is not there is a 404, not a 304.
    await request(service.app)
      .get('/api/tasks/00000000-0000-4000-8000-000000000000')
      .set(as(ALICE))
      .set('If-None-Match', '*')
      .expect(404);
  });

  test('GET with an If-Match that does not hold: 412 with the current ETag', async () => {
    const path = await taskAtVersion2();
    for (const header of ['"1"', 'W/"2"', '"x"']) {
      const refused = await request(service.app)
        .get(path)
        .set(as(ALICE))
        .set('If-Match', header)
        .expect(412)
        .expect('ETag', '"2"');
      assert.deepEqual(fields(refused.body), ['If-Match'], header);
    }
    for (const header of ['"2"', '"1", "2"', '*']) {
      await request(service.app).get(path).set(as(ALICE)).set('If-Match', header).expect(200);
    }
    // If-Match is evaluated first: it fails, so there is no 304.
    await request(service.app)
      .get(path)
      .set(as(ALICE))
      .set('If-Match', '"1"')
      .set('If-None-Match', '"2"')
      .expect(412);
  });

  test('PATCH and DELETE with If-None-Match naming the current version: 412, nothing changed', async () => {
    const path = await taskAtVersion2();
    for (const header of ['"2"', 'W/"2"', '"7", "2"', '*']) {
      const patched = await request(service.app)
        .patch(path)
        .set(as(ALICE))
        .set('If-None-Match', header)
        .send({ title: 'changed' })
        .expect(412)
        .expect('ETag', '"2"');
      assert.deepEqual(fields(patched.body), ['If-None-Match'], header);
      const deleted = await request(service.app)
        .delete(path)
        .set(as(ALICE))
        .set('If-None-Match', header)
        .expect(412);
      assert.deepEqual(fields(deleted.body), ['If-None-Match'], header);
    }
    const unchanged = await request(service.app).get(path).set(as(ALICE)).expect(200);
    assert.equal(unchanged.body.title, 'v2');
    assert.equal(unchanged.headers.etag, '"2"');
    // Naming only other versions, the change applies; with If-Match, both must hold.
    await request(service.app)
      .patch(path)
      .set(as(ALICE))
      .set('If-None-Match', '"1"')
      .set('If-Match', '"2"')
      .send({ title: 'v3' })
      .expect(200)
      .expect('ETag', '"3"');
    const stale = await request(service.app)
      .delete(path)
      .set(as(ALICE))
      .set('If-None-Match', '"1"')
      .set('If-Match', '"2"')
      .expect(412);
    assert.deepEqual(fields(stale.body), ['If-Match']);
    await request(service.app).delete(path).set(as(ALICE)).set('If-None-Match', '"2"').expect(204);
    // Gone: If-None-Match: * cannot make a missing task a 412.
    await request(service.app)
      .patch(path)
      .set(as(ALICE))
      .set('If-None-Match', '*')
      .send({ title: 'x' })
      .expect(404);
  });

  test('PUT with If-Match: 412, nothing restored', async () => {
    const { task } = await createTask(service.app, ALICE);
    const path = `/api/tasks/${task.taskId}`;
    await request(service.app).delete(path).set(as(ALICE)).expect(204);
    const refused = await request(service.app)
      .put(path)
      .set(as(ALICE))
      .set('If-None-Match', '*')
      .set('If-Match', '*')
      .send(task)
      .expect(412);
    assert.deepEqual(fields(refused.body), ['If-Match']);
    await request(service.app).get(path).set(as(ALICE)).expect(404);
  });

  test('a list of more tags than DynamoDB can compare is a 400, and changes nothing', async () => {
    const path = await taskAtVersion2();
    const tags = Array.from({ length: 101 }, (_, index) => `"${index + 1}"`).join(', ');
    for (const header of ['If-Match', 'If-None-Match']) {
      const refused = await request(service.app)
        .patch(path)
        .set(as(ALICE))
        .set(header, tags)
        .send({ title: 'changed' })
        .expect(400);
      assert.deepEqual(fields(refused.body), [header]);
    }
    assert.equal((await request(service.app).get(path).set(as(ALICE))).body.title, 'v2');
  });
});
