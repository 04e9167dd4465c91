/**
 * Every class of bad input gets a 4xx that names what is wrong, in the one error shape,
 * and nothing is written. "Nothing" is checked on the table itself, not through the API.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { beforeEach, describe, test } from 'node:test';
import request from 'supertest';
import { scanTable } from '@task-manager/testing';
import { as, ALICE, BOB, createTask, serviceForFile, newTask } from './support/test-service.ts';

const ADMIN = 'admin';
let existingPath: string;
const service = serviceForFile({ adminUsers: [ADMIN] }, async () => {
  const { task } = await createTask(service.app, ALICE, newTask({ title: 'untouched' }));
  existingPath = `/api/tasks/${task.taskId}`;
});

/** Every item in the table, to compare before and after a rejected request. */
async function tableSnapshot(): Promise<string> {
  const items = await scanTable(service.tables.clients, service.tables.config.tasksTable);
  return JSON.stringify(items.sort((a, b) => String(a.taskId).localeCompare(String(b.taskId))));
}

let snapshot: string;
beforeEach(async () => {
  snapshot = await tableSnapshot();
});

interface ErrorResponse {
  status: number;
  body: { error: string; details: { field: string; message: string }[] };
  headers: Record<string, string>;
}

/** Asserts the error shape, the status and the fields named, and that nothing changed. */
async function expectRejected(
  pending: PromiseLike<unknown>,
  status: number,
  fields: string[],
): Promise<ErrorResponse> {
  const response = (await pending) as ErrorResponse;
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(response.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(typeof response.body.error, 'string');
  assert.ok(response.body.error.length > 0);
  assert.deepEqual(
    response.body.details.map((detail) => detail.field).sort(),
    [...fields].sort(),
    JSON.stringify(response.body),
  );
  for (const detail of response.body.details) assert.ok(detail.message.length > 0);
  assert.match(response.headers['x-request-id'] ?? '', /.+/);
  assert.equal(await tableSnapshot(), snapshot, 'nothing was written');
  return response;
}

const post = (user = ALICE) => request(service.app).post('/api/tasks').set(as(user));
const patch = (path = existingPath) => request(service.app).patch(path).set(as(ALICE));

describe('credentials', () => {
  const routes: [string, string][] = [
    ['get', '/api/tasks'],
    ['post', '/api/tasks'],
    ['get', '/api/tasks/00000000-0000-4000-8000-000000000000'],
    ['patch', '/api/tasks/00000000-0000-4000-8000-000000000000'],
    ['delete', '/api/tasks/00000000-0000-4000-8000-000000000000'],
    ['get', '/api/me'],
    ['get', '/api/reports'],
    ['get', '/api/reports/2026-11-21'],
  ];

  test('missing on any /api route: 401', async () => {
    for (const [method, path] of routes) {
      const agent = request(service.app) as unknown as Record<
        string,
        (path: string) => request.Test
      >;
      await expectRejected(agent[method]!(path).send(newTask()), 401, ['Authorization']);
      // The header an authenticating proxy used to set is no credential at all.
      await expectRejected(
        agent[method]!(path).set('X-Forwarded-User', 'admin').send(newTask()),
        401,
        ['Authorization'],
      );
    }
  });

  test('a malformed Authorization header: 401', async () => {
    for (const value of [
      'Bearer',
      'Bearer ',
      'Basic YWxpY2U6eA==',
      'Bearer a b',
      'alice',
      'Bearer é',
    ]) {
      await expectRejected(
        request(service.app).post('/api/tasks').set('Authorization', value).send(newTask()),
        401,
        ['Authorization'],
      );
    }
  });
});

describe('the body of a write', () => {
  test('not JSON by content type: 415', async () => {
    await expectRejected(post().set('Content-Type', 'text/plain').send('{"title":"x"}'), 415, [
      'Content-Type',
    ]);
    await expectRejected(post().type('form').send('title=x&startAt=y'), 415, ['Content-Type']);
    await expectRejected(patch().set('Content-Type', 'application/xml').send('<task/>'), 415, [
      'Content-Type',
    ]);
    await expectRejected(
      post().set('Content-Type', 'application/json; charset=latin1').send('{"title":"x"}'),
      415,
      ['Content-Type'],
    );
    // JSON with other meanings: a JSON Patch is operations, not the fields to set.
    for (const type of [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/ld+json',
    ]) {
      const refused = await expectRejected(
        patch()
          .set('Content-Type', type)
          .send(JSON.stringify({ done: true })),
        415,
        ['Content-Type'],
      );
      assert.equal(refused.body.details[0]!.message, `must be application/json, got ${type}`);
    }
    await expectRejected(
      patch()
        .set('Content-Type', 'application/json-patch+json')
        .send(JSON.stringify([{ op: 'replace', path: '/done', value: true }])),
      415,
      ['Content-Type'],
    );
  });

  test('missing: 400 body', async () => {
    await expectRejected(post(), 400, ['body']);
    await expectRejected(patch(), 400, ['body']);
    await expectRejected(post().set('Content-Type', 'application/json'), 400, ['body']);
    // Chunked, with no bytes in it.
    const chunked = post()
      .set('Content-Type', 'application/json')
      .set('Transfer-Encoding', 'chunked');
    chunked.write('');
    await expectRejected(chunked, 400, ['body']);
  });

  test('malformed JSON: 400 body', async () => {
    for (const text of ['{"title": "x",', '{title: "x"}', '{"title": "x"}}', '   ', "'x'"]) {
      const rejected = await expectRejected(
        post().set('Content-Type', 'application/json').send(text),
        400,
        ['body'],
      );
      assert.equal(rejected.body.error, 'request body is not valid JSON', text);
    }
    await expectRejected(
      patch().set('Content-Type', 'application/json').send('{"done": tru}'),
      400,
      ['body'],
    );
  });

  test('well-formed JSON that is not an object: 400 body, "must be a JSON object"', async () => {
    // Every kind of JSON value but an object, sent as text so that each is exactly that value.
    for (const text of ['[]', JSON.stringify([newTask()]), 'null', '1', '-0.5', 'true', '"x"']) {
      for (const write of [post, () => patch()]) {
        const rejected = await expectRejected(
          write().set('Content-Type', 'application/json').send(text),
          400,
          ['body'],
        );
        assert.equal(rejected.body.details[0]!.message, 'must be a JSON object', text);
      }
    }
  });

  test('over 64 KiB: 413', async () => {
    const huge = newTask({ contents: 'x'.repeat(64 * 1024) });
    await expectRejected(post().send(huge), 413, ['body']);
    await expectRejected(patch().send({ contents: 'x'.repeat(70_000) }), 413, ['body']);
  });
});

describe('compressed bodies', () => {
  const valid = JSON.stringify(newTask({ title: 'compressed' }));
  const sendEncoded = (encoding: string, body: Buffer) =>
    post()
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      .set('X-Request-Id', `encoded-${randomUUID()}`)
      // The bytes as they are: superagent would serialise a Buffer as JSON.
      .serialize((bytes: Buffer) => bytes as unknown as string)
      .send(body);

  test('a body that does not decode: 400 Content-Encoding, logged below error level', async () => {
    const cases: [string, Buffer][] = [
      ['gzip', Buffer.from(valid)],
      ['gzip', gzipSync(valid).subarray(0, 12)],
      ['GZIP', Buffer.from('\x1f\x8b garbage')],
      ['deflate', Buffer.from(valid)],
      ['br', Buffer.from(valid)],
      ['br', brotliCompressSync(valid).subarray(0, 5)],
      ['zstd', Buffer.from(valid)],
    ];
    for (const [encoding, body] of cases) {
      const response = await expectRejected(sendEncoded(encoding, body), 400, ['Content-Encoding']);
      const requestId = response.headers['x-request-id'];
      const lines = service.logs.lines.filter((line) => line.requestId === requestId);
      assert.equal(lines.length, 1, `one line for ${encoding}`);
      assert.equal(lines[0]!.level, 'info', `${encoding}: ${JSON.stringify(lines[0])}`);
    }
    assert.ok(!service.logs.lines.some((line) => line.level === 'error'));
  });

  test('an encoding the API does not know: 415 Content-Encoding, with Accept-Encoding; a body over the limit once decoded: 413', async () => {
    for (const [encoding, body] of [
      ['compress', Buffer.from(valid)],
      ['x-gzip', gzipSync(valid)],
      ['gzip, gzip', gzipSync(gzipSync(valid))],
    ] as const) {
      const refused = await expectRejected(sendEncoded(encoding, body), 415, ['Content-Encoding']);
      assert.equal(refused.headers['accept-encoding'], 'gzip, deflate, br, zstd', encoding);
      assert.match(refused.body.details[0]!.message, /use one of gzip, deflate, br, zstd$/);
    }
    const bomb = gzipSync(JSON.stringify(newTask({ contents: ' '.repeat(10 * 1024 * 1024) })));
    assert.ok(bomb.length < 64 * 1024, 'small on the wire');
    await expectRejected(sendEncoded('gzip', bomb), 413, ['body']);
  });

  test('a well-formed compressed body is accepted', async () => {
    for (const [encoding, body] of [
      ['gzip', gzipSync(valid)],
      ['deflate', deflateSync(valid)],
      ['br', brotliCompressSync(valid)],
      ['zstd', zstdCompressSync(valid)],
    ] as const) {
      const response = await sendEncoded(encoding, body);
      assert.equal(response.status, 201, `${encoding}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.title, 'compressed');
    }
  });
});

describe('task fields', () => {
  test('missing required fields: 400 naming each', async () => {
    const response = await expectRejected(post().send({}), 400, ['title', 'startAt']);
    assert.ok(response.body.details.every((detail) => detail.message === 'is required'));
  });

  test('wrong types: 400 naming each', async () => {
    await expectRejected(
      post().send({ title: 42, contents: null, startAt: 1_763_700_000_000 }),
      400,
      ['title', 'contents', 'startAt'],
    );
    await expectRejected(
      patch().send({ done: 'true', title: ['x'], contents: { text: 'x' }, startAt: true }),
      400,
      ['done', 'title', 'contents', 'startAt'],
    );
  });

  test('out of range: 400 naming each', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ title: '' }, ['title']],
      [{ title: '   \n\t ' }, ['title']],
      [{ title: 'x'.repeat(101) }, ['title']],
      [{ title: '猫'.repeat(101) }, ['title']],
      [{ title: 'lone \ud800 surrogate' }, ['title']],
      [{ contents: 'x'.repeat(2001) }, ['contents']],
      [{ startAt: '2026-11-21T09:00:00' }, ['startAt']],
      [{ startAt: '2026-11-21' }, ['startAt']],
      [{ startAt: '2026-02-30T09:00:00Z' }, ['startAt']],
      [{ startAt: '2026-11-21T25:00:00Z' }, ['startAt']],
      [{ startAt: 'tomorrow' }, ['startAt']],
      // Outside the supported range: years that do not print with four digits in UTC.
      [{ startAt: '9999-12-31T23:30:00-01:00' }, ['startAt']],
      [{ startAt: '0000-01-01T00:30:00+01:00' }, ['startAt']],
      [{ startAt: '10000-01-01T00:00:00Z' }, ['startAt']],
      // Precision the store would not keep.
      [{ startAt: '2026-11-21T09:00:00.0001+09:00' }, ['startAt']],
      // Text that is not text: control characters, line breaks in a title, only invisibles.
      [{ title: 'nul \u0000 inside' }, ['title']],
      [{ title: 'bell \u0007' }, ['title']],
      [{ title: 'escape \u001b[31m red' }, ['title']],
      [{ title: 'two\nlines' }, ['title']],
      [{ title: 'C1 \u0085 next line' }, ['title']],
      [{ title: '\u200b' }, ['title']],
      [{ title: ' \u200b\u2060\ufeff ' }, ['title']],
      [{ title: 'non\uffffcharacter' }, ['title']],
      [{ contents: 'nul \u0000 inside' }, ['contents']],
      [{ contents: 'delete \u007f' }, ['contents']],
      [{ contents: '\u200b\n\u200b' }, ['contents']],
      [
        { title: '', contents: 'x'.repeat(2001), startAt: 'soon' },
        ['title', 'contents', 'startAt'],
      ],
    ];
    for (const [fields, named] of cases) {
      await expectRejected(post().send(newTask(fields)), 400, named);
      await expectRejected(patch().send(fields), 400, named);
    }
  });

  test('unknown fields: 400 naming each, including fields the server owns', async () => {
    await expectRejected(
      post().send(newTask({ priority: 'high', done: true, completedAt: '2026-11-21T00:00:00Z' })),
      400,
      ['priority', 'done', 'completedAt'],
    );
    await expectRejected(
      patch().send({ title: 'x', taskId: 'mine', userId: BOB, version: 9, tilte: 'typo' }),
      400,
      ['taskId', 'userId', 'version', 'tilte'],
    );
  });

  test('a PATCH that changes nothing: 400 body', async () => {
    await expectRejected(patch().send({}), 400, ['body']);
  });

  test('If-Match that is not an entity tag: 400 If-Match', async () => {
    await expectRejected(patch().set('If-Match', 'W/1').send({ done: true }), 400, ['If-Match']);
    await expectRejected(
      request(service.app).delete(existingPath).set(as(ALICE)).set('If-Match', '1'),
      400,
      ['If-Match'],
    );
  });
});

describe('list query parameters', () => {
  const list = (query: string) => request(service.app).get(`/api/tasks?${query}`).set(as(ALICE));

  test('each bad parameter: 400 naming it', async () => {
    const cases: [string, string[]][] = [
      ['limit=0', ['limit']],
      ['limit=101', ['limit']],
      ['limit=abc', ['limit']],
      ['limit=1.5', ['limit']],
      ['limit=-1', ['limit']],
      ['limit=', ['limit']],
      ['status=finished', ['status']],
      ['status=OPEN', ['status']],
      ['from=yesterday', ['from']],
      ['to=2026-11-21', ['to']],
      [`from=${encodeURIComponent('9999-12-31T23:30:00-01:00')}`, ['from']],
      [`to=${encodeURIComponent('0000-01-01T00:30:00+01:00')}`, ['to']],
      ['to=9999-12-31T23:59:59.9999Z', ['to']],
      ['from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z', ['to']],
      ['from=2026-11-22T00:00:00Z&to=2026-11-22T00:00:00Z', ['to']],
      ['cursor=', ['cursor']],
      ['cursor=definitely-not-a-cursor', ['cursor']],
      ['cursor=%7B%22u%22%3A%22alice%22%7D', ['cursor']],
      ['limit=5&limit=6', ['limit']],
      ['sort=desc', ['sort']],
      ['limit=0&status=x&from=y&page=2', ['limit', 'status', 'from', 'page']],
    ];
    for (const [query, fields] of cases) {
      const response = await expectRejected(list(query), 400, fields);
      assert.equal(response.body.error, 'invalid query parameters', query);
    }
  });

  test("another user's cursor, or one for a different window: 400 cursor", async () => {
    for (let index = 0; index < 3; index += 1) await createTask(service.app, BOB);
    const bobs = await request(service.app).get('/api/tasks?limit=1').set(as(BOB)).expect(200);
    const cursor = bobs.body.nextCursor as string;
    assert.ok(cursor);
    snapshot = await tableSnapshot();
    const stolen = await expectRejected(list(`cursor=${cursor}`), 400, ['cursor']);
    assert.match(stolen.body.details[0]!.message, /another user/);
    // A tampered cursor: one character changed.
    const tampered = `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`;
    await expectRejected(
      request(service.app).get(`/api/tasks?cursor=${tampered}`).set(as(BOB)),
      400,
      ['cursor'],
    );
    await expectRejected(
      request(service.app)
        .get(`/api/tasks?from=2030-01-01T00:00:00Z&cursor=${cursor}`)
        .set(as(BOB)),
      400,
      ['cursor'],
    );
  });
});

describe('query parameters on routes that take none', () => {
  test('each one given: 400 naming it, and nothing is written', async () => {
    const query = '?dryRun=true&format=csv';
    const fields = ['dryRun', 'format'];
    const json = { 'Content-Type': 'application/json' };
    const agent = request(service.app);
    const cases: [string, request.Test][] = [
      ['GET /api/me', agent.get(`/api/me${query}`).set(as(ALICE))],
      ['GET a task', agent.get(`${existingPath}${query}`).set(as(ALICE))],
      [
        'POST /api/tasks',
        agent.post(`/api/tasks${query}`).set(as(ALICE)).set(json).send(newTask()),
      ],
      [
        'PATCH a task',
        agent.patch(`${existingPath}${query}`).set(as(ALICE)).set(json).send({ done: true }),
      ],
      [
        'PUT a task',
        agent
          .put(`/api/tasks/${randomUUID()}${query}`)
          .set(as(ALICE))
          .set(json)
          .set('If-None-Match', '*')
          .send(newTask()),
      ],
      ['DELETE a task', agent.delete(`${existingPath}${query}`).set(as(ALICE))],
      ['GET a report', agent.get(`/api/reports/2026-11-29${query}`).set(as(ADMIN))],
    ];
    for (const [route, pending] of cases) {
      const rejected = await expectRejected(pending, 400, fields);
      assert.equal(rejected.body.error, 'invalid query parameters', route);
      for (const detail of rejected.body.details) {
        assert.equal(detail.message, 'is not a known field', route);
      }
    }
    await expectRejected(agent.get('/api/me?dryRun=true').set(as(ALICE)), 400, ['dryRun']);
  });

  test('credentials are still checked first: 401 without them', async () => {
    await expectRejected(request(service.app).get('/api/me?x=1'), 401, ['Authorization']);
  });
});

describe('headers that carry one value, given twice', () => {
  // superagent sends an array as one header line per value; its types allow that for Cookie
  // alone, hence the casts.
  test('400 naming each, before credentials are checked, and nothing is written', async () => {
    const agent = request(service.app);
    const token = as(ALICE).Authorization!;
    const twice = (value: string) => [value, value];
    const cases: [string, request.Test, string[]][] = [
      // The same valid token twice, or a valid one and another: neither is guessed at.
      [
        'two Authorization',
        agent.get('/api/me').set('Authorization' as 'Cookie', twice(token)),
        ['Authorization'],
      ],
      [
        'a valid and a bogus Authorization',
        agent.get('/api/tasks').set('Authorization' as 'Cookie', [token, 'Bearer bogus']),
        ['Authorization'],
      ],
      [
        'two Content-Type',
        agent
          .post('/api/tasks')
          .set(as(ALICE))
          .send(JSON.stringify(newTask()))
          // After send(), which reads the content type as one string.
          .set('Content-Type' as 'Cookie', ['application/json', 'text/plain']),
        ['Content-Type'],
      ],
      [
        'two Idempotency-Key',
        agent
          .post('/api/tasks')
          .set(as(ALICE))
          .set('Idempotency-Key' as 'Cookie', [randomUUID(), randomUUID()])
          .send(newTask()),
        ['Idempotency-Key'],
      ],
      [
        'two Origin and two Sec-Fetch-Site',
        agent
          .patch(existingPath)
          .set(as(ALICE))
          .set('Origin' as 'Cookie', ['http://localhost:8080', 'https://evil.example'])
          .set('Sec-Fetch-Site' as 'Cookie', twice('same-origin'))
          .send({ done: true }),
        ['Origin', 'Sec-Fetch-Site'],
      ],
      [
        'on a report',
        agent.get('/api/reports').set('Authorization' as 'Cookie', twice(token)),
        ['Authorization'],
      ],
    ];
    for (const [name, pending, fields] of cases) {
      const rejected = await expectRejected(pending, 400, fields);
      assert.equal(rejected.body.error, 'repeated headers', name);
      for (const detail of rejected.body.details) {
        assert.equal(detail.message, 'must be given at most once', name);
      }
    }
  });

  test('list headers may repeat: their lines are one list', async () => {
    // The task is at version 1: one line of the list names it.
    await request(service.app)
      .get(existingPath)
      .set(as(ALICE))
      .set('If-None-Match' as 'Cookie', ['"999"', '"1"'])
      .expect(304);
  });
});

describe('percent-encoding in the query string', () => {
  const malformed = ['%zz', '%', '%E3%81', '%ff', '%C0%AF', '%ED%A0%80'];

  test('a parameter that does not decode: 400 naming it, on every route that reads one', async () => {
    for (const sequence of malformed) {
      const cases: [string, string[]][] = [
        [`/api/tasks?q=${sequence}`, ['q']],
        [`/api/tasks?limit=10&cursor=abc${sequence}`, ['cursor']],
        [`/api/tasks?status=${sequence}&sort=${sequence}`, ['status', 'sort']],
        [`/api/reports?limit=${sequence}`, ['limit']],
      ];
      for (const [path, fields] of cases) {
        const rejected = await expectRejected(
          request(service.app).get(path).set(as(ADMIN)),
          400,
          fields,
        );
        assert.equal(rejected.body.error, 'invalid query parameters', path);
        for (const detail of rejected.body.details) {
          assert.equal(detail.message, 'contains an invalid percent-encoded sequence', path);
        }
      }
    }
  });

  test('a name that does not decode is named as it can be read', async () => {
    const rejected = await expectRejected(
      request(service.app).get('/api/tasks?q%zz=1').set(as(ALICE)),
      400,
      ['q%zz'],
    );
    assert.equal(rejected.body.error, 'invalid query parameters');
    assert.equal(rejected.body.details[0]!.message, 'contains an invalid percent-encoded sequence');
    // What does decode in such a name is decoded: '+' and %20 are spaces.
    await expectRejected(
      request(service.app).get('/api/tasks?due+by%20me%zz=1').set(as(ALICE)),
      400,
      ['due by me%zz'],
    );
  });

  test('well-formed encodings still mean what they say', async () => {
    const title = 'café + カタカナ 100%';
    await createTask(service.app, ALICE, newTask({ title }));
    const query = `q=${encodeURIComponent('カタカナ 100%')}&limit=${encodeURIComponent('5')}`;
    const found = await request(service.app).get(`/api/tasks?${query}`).set(as(ALICE)).expect(200);
    assert.deepEqual(
      (found.body.items as { title: string }[]).map((task) => task.title),
      [title],
    );
    // '+' is a space, as forms send it.
    const plus = await request(service.app).get('/api/tasks?q=caf%C3%A9+%2B').set(as(ALICE));
    assert.equal(plus.status, 200);
    assert.deepEqual(
      (plus.body.items as { title: string }[]).map((task) => task.title),
      [title],
    );
  });
});

describe('the URL path', () => {
  test('an invalid percent-encoding in a path parameter: 400 path', async () => {
    for (const [method, path] of [
      ['get', '/api/tasks/%zz'],
      ['patch', '/api/tasks/%'],
      ['delete', '/api/tasks/%E0%A4%A'],
    ] as const) {
      const agent = request(service.app) as unknown as Record<
        string,
        (path: string) => request.Test
      >;
      await expectRejected(agent[method]!(path).set(as(ALICE)), 400, ['path']);
    }
  });
});
