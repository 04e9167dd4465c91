/**
 * fast-check arbitraries of malformed requests to every endpoint of the API. Each carries exactly
 * one kind of fault, so the statuses it may be answered with are known; none may change anything.
 */
import fc from 'fast-check';
import { CONTENTS_MAX, TITLE_MAX } from '@task-manager/contract';
import { endpoints, OTHER, OWNER, VALID_CREATE, type Fixture } from './api-fixture.ts';
import { ADMIN_USER } from './context.ts';
import type { HttpRequest } from './http.ts';

export interface MalformedRequest extends HttpRequest {
  fault: string;
  /** The statuses that are right for this fault (always 4xx). */
  expect: readonly number[];
  /** A field the error's details must name, when exactly one is at fault. */
  field?: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const DONE = '{"done":true}';
const CHANGE = '{"title":"overwritten","done":true}';
const LISTS = ['/api/tasks', '/api/reports'];
/** One of a list of tokens that hold no spaces. */
const oneWordOf = (words: string): fc.Arbitrary<string> => fc.constantFrom(...words.split(' '));

// Building blocks.

/** Header values a client can send (Node rejects control characters and code points > 0xff). */
const headerText = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
    maxLength: 80,
  })
  .filter((value) => !/[\x7f]/.test(value));

/** The HTTP parser trims spaces and tabs around header values: judge what the server sees. */
const seenByServer = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, '');

const injection = fc.constantFrom(
  "' OR '1'='1",
  '"; DROP TABLE tasks; --',
  '{"$ne":null}',
  '<script>alert(1)</script>',
  '${jndi:ldap://example.invalid/a}',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '*',
  '#',
  'admin',
);

const notAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

/** Finer than the store keeps: refused in a task, while a query bound may be that fine. */
const SUB_MILLISECOND = '2030-01-08T09:00:00.0001+09:00';
const invalidDateTime = fc.oneof(
  fc.constantFrom(
    '',
    'tomorrow',
    'NaN',
    '2030-01-08',
    '2030-01-08T09:00:00',
    '2030-13-01T00:00:00Z',
    '2030-02-30T09:00:00Z',
    '2030-01-32T09:00:00Z',
    '2030-01-08T25:00:00Z',
    '2030-01-08T09:60:00Z',
    '2030-01-08T09:00:00+25:00',
    '2030-01-08T09:00:00Zjunk',
    '0000-00-00T00:00:00Z',
    '1894093200000',
    '08/01/2030 09:00',
    // Outside the supported range (the UTC year must have four digits).
    '9999-12-31T23:30:00-01:00',
    '0000-01-01T00:30:00+01:00',
    SUB_MILLISECOND,
  ),
  injection,
  fc.string({ maxLength: 30 }).filter((value) => Number.isNaN(Date.parse(value))),
);

/** Path segments that try to climb out of the route or smuggle bytes. */
const pathTricks = oneWordOf(
  '.. ..%2F..%2Fetc%2Fpasswd %2e%2e%2f%2e%2e%2f ....%2F%2F % %zz %E0%A4%A %00 %0d%0aSet-Cookie:%20x=1',
);

/** Strings of `min`..`max` characters with no spaces (trimming cannot bring them in range). */
const longString = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom('x', 'é', '界'))
    .map(([length, unit]) => unit.repeat(length));

/** Text that JSON.parse rejects: hand-picked, and truncations of valid documents. */
const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"title":}',
    "{'title':'x'}",
    '{"title":"x",}',
    '{"title":"x"}}',
    '{}x',
    'undefined',
    'NaN',
    '{"title":"x" "startAt":"y"}',
    '\u0000',
    '[',
    '"unterminated',
  ),
  fc
    .tuple(fc.json({ maxDepth: 2 }), fc.nat())
    .map(([json, cut]) => json.slice(0, cut % Math.max(json.length, 1)))
    .filter((text) => text.trim() !== '' && !parses(text)),
);

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Text that is not text: control characters, or nothing visible (see @task-manager/contract). */
const notText = fc.oneof(
  fc
    .tuple(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085'),
    )
    .map(([text, control]) => `${text}${control}x`),
  fc.constantFrom('\u200b', '\u2060\u200b', '\u3164', '\u200d\u200d'),
);

// Bodies with one fault each.

/** Each field's wrong values, by fault. */
const FIELD_FAULTS: Array<[field: string, fault: string, values: fc.Arbitrary<unknown>]> = [
  ['title', 'not text', notText],
  ['title', 'wrong type', notAString],
  ['title', 'blank', fc.constantFrom('', '   ', '\t\n')],
  ['title', `over ${TITLE_MAX}`, longString(TITLE_MAX + 1, 3000)],
  ['contents', 'not text', notText],
  // null is left out for an optional field, as some APIs read it as "absent".
  ['contents', 'wrong type', notAString.filter((value) => value !== null)],
  ['contents', `over ${CONTENTS_MAX}`, longString(CONTENTS_MAX + 1, 8000)],
  ['startAt', 'wrong type', notAString],
  ['startAt', 'invalid', invalidDateTime],
];

type BodyFault = { fault: string; body: string; field?: string };

/**
 * Bodies with one fault: `base` with one field made wrong, or `valid` (a body the endpoint
 * accepts) with an unknown key, or not an object at all; then the endpoint's own faults.
 */
function bodyFaults(
  base: object,
  valid: object,
  ...own: Array<fc.Arbitrary<BodyFault>>
): fc.Arbitrary<BodyFault> {
  const known = [...Object.keys(VALID_CREATE), 'done'];
  const unknownKey = fc.oneof(
    oneWordOf('userId taskId completedAt createdAt updatedAt version isAdmin __proto__'),
    fc.constantFrom('constructor', 'Title', 'title '),
    fc.string({ minLength: 1, maxLength: 20 }),
  );
  return fc.oneof(
    ...FIELD_FAULTS.map(([field, fault, values]) =>
      values.map((value) => ({
        fault: `${field} ${fault}`,
        body: JSON.stringify({ ...base, [field]: value }),
        field,
      })),
    ),
    fc
      .tuple(
        unknownKey.filter((key) => !known.includes(key)),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([key, value]) => ({
        fault: 'unknown field',
        // Written by hand, so that "__proto__" stays a plain key.
        body: `${JSON.stringify(valid).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`,
      })),
    fc
      .oneof(fc.constant([valid]), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
      .map((value) => ({ fault: 'body not an object', body: JSON.stringify(value) })),
    ...own,
  );
}

const createBodyFault = bodyFaults(
  VALID_CREATE,
  VALID_CREATE,
  fc.constantFrom('title', 'startAt').map((field) => ({
    fault: `missing ${field}`,
    body: JSON.stringify({ ...VALID_CREATE, [field]: undefined }),
    field,
  })),
);

const patchBodyFault = bodyFaults(
  {},
  { done: true },
  fc.oneof(fc.constantFrom('true', 'false', 1, 0, null, 'yes'), fc.string()).map((value) => ({
    fault: 'done wrong type',
    body: JSON.stringify({ done: value }),
    field: 'done',
  })),
);

// Requests.

export function malformedRequests(fixture: Fixture): fc.Arbitrary<MalformedRequest> {
  const { auth, ownerCursor, reportCursor, reportDate } = fixture;
  const ownTaskId = fc.constantFrom(...fixture.ownerTasks.keys());
  const taskPath = (id: string): string => `/api/tasks/${id}`;
  const reportPath = `/api/reports/${reportDate}`;
  const createBody = JSON.stringify(VALID_CREATE);
  /** Every endpoint, its task path 'task' standing for one of the owner's tasks. */
  const routes = endpoints('task', reportPath);
  /** One of `list`, its path 'task' standing for one of the owner's tasks. */
  const targets = (list: HttpRequest[]): fc.Arbitrary<HttpRequest> =>
    fc.tuple(fc.constantFrom(...list), ownTaskId).map(([target, id]) => ({
      ...target,
      path: target.path === 'task' ? taskPath(id) : target.path,
    }));
  /** A request to a task as `headers` say; a PATCH has a JSON body, valid unless said. */
  const onTask = (method: string, id: string, headers: Record<string, string>, body = CHANGE) => {
    const path = taskPath(id);
    return method === 'PATCH'
      ? { method, path, headers: { ...headers, ...JSON_TYPE }, body }
      : { method, path, headers };
  };

  const refusedCredentials = fc.oneof(
    fc.constant({ fault: 'no credentials', headers: {} }),
    // What used to name a user, and must name nobody now.
    fc
      .oneof(fc.constantFrom('admin', ADMIN_USER, OWNER, '', '.alice', 'a'.repeat(2000)), injection)
      .map((user) => ({ fault: 'only X-Forwarded-User', headers: { 'x-forwarded-user': user } })),
    fc
      .oneof(
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Basic dmVyaWZ5LWFsaWNlOng=',
          'bearer a b',
          'Token abc',
        ),
        injection,
        headerText,
      )
      .map((value) => ({ fault: 'malformed Authorization', headers: { authorization: value } })),
    fc.constantFrom(...fixture.forgedAuthorizations).map((value) => ({
      fault: 'forged or unacceptable token',
      headers: { authorization: value },
    })),
  );
  const withoutUser = fc
    .tuple(targets(routes), refusedCredentials)
    .map(([target, { fault, headers }]) => ({
      ...target,
      fault,
      headers: { ...target.headers, ...headers },
      expect: [401],
      field: 'Authorization',
    }));

  const badCreate = fc
    .tuple(fc.constantFrom(OWNER, OTHER), createBodyFault)
    .map(([user, fault]) => ({
      ...fault,
      fault: `create: ${fault.fault}`,
      method: 'POST',
      path: '/api/tasks',
      headers: { ...auth[user], ...JSON_TYPE },
      expect: [400],
    }));

  const badPatch = fc.tuple(ownTaskId, patchBodyFault).map(([id, fault]) => ({
    ...fault,
    fault: `patch: ${fault.fault}`,
    ...onTask('PATCH', id, auth[OWNER]!, fault.body),
    expect: [400],
  }));

  const writeTarget = targets([
    { method: 'POST', path: '/api/tasks' },
    { method: 'PATCH', path: 'task' },
  ]);
  const ownerJson = { ...auth[OWNER], ...JSON_TYPE };

  const badJson = fc.tuple(writeTarget, malformedJson).map(([target, body]) => ({
    ...target,
    fault: 'malformed JSON',
    headers: ownerJson,
    body,
    expect: [400],
    field: 'body',
  }));

  const wrongContentType = fc
    .tuple(
      writeTarget,
      fc.constantFrom(
        undefined,
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'text/html',
        'application/octet-stream',
        'application/json; charset=utf-16',
      ),
    )
    .map(([target, type]) => ({
      ...target,
      fault: `content type: ${type ?? 'missing'}`,
      headers: { ...auth[OWNER], ...(type ? { 'content-type': type } : {}) },
      body: target.method === 'POST' ? createBody : DONE,
      expect: [400, 415],
    }));

  const tooLarge = fc
    .tuple(writeTarget, fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }), fc.boolean())
    .map(([target, size, valid]) => ({
      ...target,
      fault: 'body over 64 KiB',
      headers: ownerJson,
      body: `{"contents":"${'c'.repeat(size)}${valid ? '"}' : ''}`,
      expect: [413],
    }));

  const taskMethod = fc.constantFrom('GET', 'PATCH', 'DELETE');
  const badTaskId = fc.oneof(
    fc
      .oneof(fc.uuid(), injection, fc.string({ minLength: 1, maxLength: 40 }))
      .map(encodeURIComponent),
    pathTricks,
    fc.constant('x'.repeat(1500)),
  );
  const badTaskTarget = fc.tuple(taskMethod, badTaskId).map(([method, id]) => ({
    fault: 'unknown or invalid task id',
    ...onTask(method, id, auth[OWNER]!),
    expect: [400, 404],
  }));

  const otherUsersTask = fc.tuple(taskMethod, ownTaskId).map(([method, id]) => ({
    fault: "another user's task",
    ...onTask(method, id, auth[OTHER]!),
    expect: [404],
  }));

  const writeMethod = fc.constantFrom('PATCH', 'DELETE');
  const staleIfMatch = fc
    .tuple(
      writeMethod,
      ownTaskId,
      fc.oneof(
        fc.integer({ min: 0, max: 1_000_000 }).map((n) => `"${n}"`),
        fc.constantFrom('W/"1"', '"1', 'garbage', '""', '"1" "2"'),
        headerText,
      ),
    )
    .filter(
      ([, id, ifMatch]) =>
        seenByServer(ifMatch) !== '' &&
        !seenByServer(ifMatch)
          .split(',')
          .some((tag) => ['*', fixture.ownerTasks.get(id)].includes(seenByServer(tag))),
    )
    .map(([method, id, ifMatch]) => ({
      fault: 'stale If-Match',
      ...onTask(method, id, { ...auth[OWNER], 'if-match': ifMatch }),
      expect: [400, 412],
    }));

  // If-None-Match naming the task's current version (or "*"): PATCH and DELETE must not happen.
  const excludedByIfNoneMatch = fc
    .tuple(writeMethod, ownTaskId, fc.nat(3), fc.integer({ min: 1_000_000, max: 2_000_000 }))
    .map(([method, id, form, other]) => {
      const current = fixture.ownerTasks.get(id)!;
      const ifNoneMatch = ['*', current, `W/${current}`, `"${other}", ${current}`][form]!;
      return {
        fault: 'If-None-Match naming the current version',
        ...onTask(method, id, { ...auth[OWNER], 'if-none-match': ifNoneMatch }),
        expect: [412],
        field: 'If-None-Match',
      };
    });

  /** A query parameter `name` set to each of `values` (percent-encoded). */
  const param = (name: fc.Arbitrary<string> | string, values: fc.Arbitrary<string>) =>
    fc
      .tuple(typeof name === 'string' ? fc.constant(name) : name, values)
      .map(([field, value]) => ({ query: `${field}=${encodeURIComponent(value)}`, field }));
  const badLimit = param(
    'limit',
    oneWordOf('0 101 -1 abc 1.5 10x null 99999999999999999999 1e400'),
  );
  const badList = fc
    .oneof(
      badLimit,
      param(
        'status',
        fc.constantFrom('closed', 'OPEN', 'all;', 'done ', 'undefined', "open' OR 1=1"),
      ),
      param(
        fc.constantFrom('from', 'to'),
        invalidDateTime.filter((value) => value !== '' && value !== SUB_MILLISECOND),
      ),
      param(
        'cursor',
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 60 }),
          fc.base64String({ minLength: 4, maxLength: 60 }),
          fc
            .jsonValue({ maxDepth: 2 })
            .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
          fc.constantFrom(ownerCursor.slice(0, -3), `${ownerCursor}x`, 'c'.repeat(5000)),
        ),
      ),
      fc.constantFrom(
        { query: 'limit=5&limit=6', field: 'limit' },
        { query: 'status=open&status=done', field: 'status' },
      ),
      // Not valid percent-encoded UTF-8, in any parameter: refused, never decoded into other text.
      fc
        .tuple(
          oneWordOf('q status sort limit cursor from'),
          oneWordOf('%zz % %E3%81 %ff %C0%AF %ED%A0%80'),
        )
        .map(([field, sequence]) => ({ query: `${field}=x${sequence}`, field })),
    )
    .map(({ query, field }) => ({
      fault: `list: bad ${field}`,
      method: 'GET',
      path: `/api/tasks?${query}`,
      headers: auth[OWNER]!,
      expect: [400],
      field,
    }));

  const foreignCursor = fc.constant({
    fault: "list: another user's cursor",
    method: 'GET',
    path: `/api/tasks?cursor=${ownerCursor}`,
    headers: auth[OTHER]!,
    expect: [400],
    field: 'cursor',
  });

  const reportsAsNonAdmin = fc
    .tuple(
      fc.constantFrom(OWNER, OTHER),
      fc.constantFrom(
        '/api/reports',
        '/api/reports?limit=1',
        `/api/reports?cursor=${reportCursor}`,
        reportPath,
        '/api/reports/2030-01-01',
      ),
    )
    .map(([user, path]) => ({
      fault: 'reports as non-admin',
      method: 'GET',
      path,
      headers: auth[user]!,
      expect: [403],
    }));

  const asAdmin = (fault: string, path: string, expect: number[], field?: string) => ({
    fault,
    method: 'GET',
    path,
    headers: auth[ADMIN_USER]!,
    expect,
    ...(field ? { field } : {}),
  });
  const badReportQuery = fc
    .oneof(
      badLimit,
      param(
        'cursor',
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 40 }),
          fc.constantFrom(`${reportCursor}x`, ownerCursor),
        ),
      ),
    )
    .map(({ query, field }) =>
      asAdmin(`reports: bad ${field}`, `/api/reports?${query}`, [400], field),
    );

  const badReportDate = fc
    .oneof(
      oneWordOf('2030-13-01 2030-02-30 20300108 2030-1-8 latest 2030-01-08T00:00:00Z'),
      pathTricks,
      injection.map(encodeURIComponent),
    )
    .map((date) => asAdmin('reports: invalid date', `/api/reports/${date}`, [400, 404]));

  const missingReport = fc
    .date({ min: new Date('2000-01-01'), max: new Date('2029-12-31'), noInvalidDate: true })
    .map((date) =>
      asAdmin(
        'reports: no report that day',
        `/api/reports/${date.toISOString().slice(0, 10)}`,
        [404],
      ),
    );

  // Routes that take no query parameters refuse any, rather than ignore it (a PATCH ?dryRun=1
  // that wrote anyway).
  const queryWhereNone = fc
    .tuple(
      // All but the two lists.
      targets(routes.filter(({ method, path }) => method !== 'GET' || !LISTS.includes(path))),
      oneWordOf('dryRun format limit q x'),
    )
    .map(([target, name]) => ({
      ...target,
      fault: 'query parameter where none is taken',
      path: `${target.path}?${name}=1`,
      headers: { ...auth[ADMIN_USER], ...JSON_TYPE },
      expect: [400],
      field: name,
    }));

  // Every method the API does not serve on each of its routes, and routes it does not have.
  const served = new Set(routes.map(({ method, path }) => `${method} ${path}`));
  const wrongMethod = targets([
    ...[...new Set(routes.map(({ path }) => path))].flatMap((path) =>
      ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
        .filter((method) => !served.has(`${method} ${path}`))
        .map((method) => ({ method, path })),
    ),
    ...['/api/task', '/api/tasks/x/y', '/api'].map((path) => ({ method: 'GET', path })),
  ]).map((target) => ({
    ...target,
    fault: 'method or route not in the API',
    headers: { ...auth[ADMIN_USER], ...JSON_TYPE },
    body: createBody,
    expect: [404, 405],
  }));

  // PUT restores a deleted task (the UI's undo) and only that: it needs If-None-Match: *, and
  // the owner's tasks all exist, so each of these is refused without writing.
  const badRestore = fc
    .tuple(
      ownTaskId,
      fc.constantFrom<[string | undefined, number]>(
        [undefined, 428],
        ['"abc"', 400],
        ['W/"1"', 400],
        ['*, "abc"', 400],
        ['*', 412],
      ),
    )
    .map(([id, [ifNoneMatch, status]]) => ({
      fault: `restore: If-None-Match ${ifNoneMatch ?? 'missing'}`,
      method: 'PUT',
      path: taskPath(id),
      headers: {
        ...ownerJson,
        ...(ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch }),
      },
      body: JSON.stringify({ ...VALID_CREATE, done: false }),
      expect: [status],
      field: 'If-None-Match',
    }));

  const request: fc.Arbitrary<MalformedRequest> = fc.oneof(
    { arbitrary: withoutUser, weight: 6 },
    { arbitrary: badCreate, weight: 10 },
    { arbitrary: badPatch, weight: 8 },
    { arbitrary: badJson, weight: 3 },
    { arbitrary: wrongContentType, weight: 3 },
    { arbitrary: tooLarge, weight: 1 },
    { arbitrary: badTaskTarget, weight: 4 },
    { arbitrary: otherUsersTask, weight: 3 },
    { arbitrary: staleIfMatch, weight: 3 },
    { arbitrary: excludedByIfNoneMatch, weight: 2 },
    { arbitrary: badList, weight: 5 },
    { arbitrary: foreignCursor, weight: 1 },
    { arbitrary: reportsAsNonAdmin, weight: 2 },
    { arbitrary: badReportQuery, weight: 2 },
    { arbitrary: badReportDate, weight: 2 },
    { arbitrary: missingReport, weight: 1 },
    { arbitrary: wrongMethod, weight: 2 },
    { arbitrary: queryWhereNone, weight: 2 },
    { arbitrary: badRestore, weight: 2 },
  );

  // Extra headers that must change nothing: a request id, a secret cookie (the logs must never
  // show it), the header an authenticating proxy used to set, any Accept.
  const decorations = fc.record(
    {
      'x-request-id': fc.oneof(fc.uuid(), injection, headerText, fc.constant('r'.repeat(300))),
      cookie: fc.constant(`session=${fixture.cookieSecret}`),
      'x-forwarded-user': fc.constantFrom(ADMIN_USER, OWNER),
      accept: fc.constantFrom('application/json', 'text/csv', '*/*'),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(request, decorations)
    .map(([req, extra]) => ({ ...req, headers: { ...extra, ...req.headers } }));
}
