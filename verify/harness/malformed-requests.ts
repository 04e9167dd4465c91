/**
 * fast-check arbitraries of malformed requests to every endpoint of the API. Each request carries
 * exactly one kind of fault (its `fault`), so the statuses it may be answered with are known:
 * `expect`. None of them may change anything, whatever it is answered with.
 */
import fc from 'fast-check';

export interface Fixture {
  /** A user with tasks. */
  owner: string;
  /** Another user, not an admin. */
  other: string;
  admin: string;
  /** The owner's task ids with their current ETags. */
  ownerTasks: ReadonlyMap<string, string>;
  /** A nextCursor issued to the owner. */
  ownerCursor: string;
  /** A nextCursor of the admin's report list. */
  reportCursor: string;
  /** A date that has a report. */
  reportDate: string;
  /** Each user's access token, from the identity provider. */
  tokens: ReadonlyMap<string, string>;
  /** Authorization values that must be refused: forged, expired, for another audience... */
  forgedAuthorizations: readonly string[];
  /** A secret to send in a cookie header (the logs must never show it). */
  cookieSecret: string;
}

export interface MalformedRequest {
  fault: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The statuses that are right for this fault (always 4xx). */
  expect: readonly number[];
  /** A field the error's details must name, when exactly one is at fault. */
  field?: string;
}

const VALID_CREATE = { title: 'ok', contents: 'fine', startAt: '2030-01-08T09:00:00+09:00' };
const JSON_TYPE = 'application/json';

// ------------------------------------------------------------------------------------------
// Building blocks

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

/** What used to name a user and must name nobody now, beside no credential at all. */
const userHeader: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constant({}),
  fc
    .oneof(
      fc.constantFrom('admin', 'verify-admin', 'verify-alice', '', '.alice', 'a'.repeat(2000)),
      injection,
    )
    .map((user) => ({ 'x-forwarded-user': user })),
);

/** Authorization values that are not a Bearer token at all. */
const malformedAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dmVyaWZ5LWFsaWNlOng=', 'bearer a b', 'Token abc'),
  injection,
  headerText,
);

const notAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);
/** Wrong types for an optional field: null is left out, as some APIs read it as "absent". */
const notAStringNorNull = notAString.filter((value) => value !== null);

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
    // Outside the supported range (the UTC year must have four digits), and finer than a
    // millisecond, which the store would not keep.
    '9999-12-31T23:30:00-01:00',
    '0000-01-01T00:30:00+01:00',
    '2030-01-08T09:00:00.0001+09:00',
  ),
  injection,
  fc.string({ maxLength: 30 }).filter((value) => Number.isNaN(Date.parse(value))),
);

/** Strings of `min`..`max` characters with no spaces (trimming cannot bring them in range). */
const longString = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom('x', 'é', '界'))
    .map(([length, unit]) => unit.repeat(length));

const unknownKey = fc.oneof(
  fc.constantFrom(
    'userId',
    'taskId',
    'completedAt',
    'createdAt',
    'updatedAt',
    'version',
    'isAdmin',
    '__proto__',
    'constructor',
    'Title',
    'title ',
  ),
  fc.string({ minLength: 1, maxLength: 20 }),
);

const anyJson = fc.jsonValue({ maxDepth: 2 });

const decorations = (fixture: Fixture): fc.Arbitrary<Record<string, string>> =>
  fc.record(
    {
      'x-request-id': fc.oneof(fc.uuid(), injection, headerText, fc.constant('r'.repeat(300))),
      cookie: fc.constant(`session=${fixture.cookieSecret}`),
      // The header an authenticating proxy used to set: it must change nothing.
      'x-forwarded-user': fc.constantFrom(fixture.admin, fixture.owner),
      accept: fc.constantFrom('application/json', 'text/csv', '*/*'),
    },
    { requiredKeys: [] },
  );

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

// ------------------------------------------------------------------------------------------
// Bodies with one fault each

type BodyFault = { fault: string; body: string; field?: string };

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

const notTextFault = (base: object, field: 'title' | 'contents') =>
  notText.map((value) => ({
    fault: `${field} not text`,
    body: JSON.stringify({ ...base, [field]: value }),
    field,
  }));

const createBodyFault: fc.Arbitrary<BodyFault> = fc.oneof(
  notTextFault(VALID_CREATE, 'title'),
  notTextFault(VALID_CREATE, 'contents'),
  fc.constantFrom('title', 'startAt').map((field) => {
    const body: Record<string, unknown> = { ...VALID_CREATE };
    delete body[field];
    return { fault: `missing ${field}`, body: JSON.stringify(body), field };
  }),
  fc
    .tuple(fc.constantFrom('title', 'startAt'), notAString)
    .map(([field, value]) => wrongField('create', field, value)),
  notAStringNorNull.map((value) => wrongField('create', 'contents', value)),
  fc.constantFrom('', '   ', '\t\n').map((title) => ({
    fault: 'blank title',
    body: JSON.stringify({ ...VALID_CREATE, title }),
    field: 'title',
  })),
  longString(101, 3000).map((title) => ({
    fault: 'title over 100',
    body: JSON.stringify({ ...VALID_CREATE, title }),
    field: 'title',
  })),
  longString(2001, 8000).map((contents) => ({
    fault: 'contents over 2000',
    body: JSON.stringify({ ...VALID_CREATE, contents }),
    field: 'contents',
  })),
  invalidDateTime.map((startAt) => ({
    fault: 'invalid startAt',
    body: JSON.stringify({ ...VALID_CREATE, startAt }),
    field: 'startAt',
  })),
  fc
    .tuple(
      unknownKey.filter((key) => !Object.hasOwn(VALID_CREATE, key)),
      anyJson,
    )
    .map(([key, value]) => ({
      fault: 'unknown field',
      body: withExtraKey(VALID_CREATE, key, value),
    })),
  fc
    .oneof(fc.constant([VALID_CREATE]), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
    .map((value) => ({ fault: 'body not an object', body: JSON.stringify(value) })),
);

const patchBodyFault: fc.Arbitrary<BodyFault> = fc.oneof(
  notTextFault({}, 'title'),
  notTextFault({}, 'contents'),
  notAString.map((value) => wrongField('patch', 'title', value)),
  notAString.map((value) => wrongField('patch', 'startAt', value)),
  notAStringNorNull.map((value) => wrongField('patch', 'contents', value)),
  fc
    .oneof(fc.constantFrom('true', 'false', 1, 0, null, 'yes'), fc.string())
    .map((value) => wrongField('patch', 'done', value)),
  fc
    .constantFrom('', '  ')
    .map((title) => ({ fault: 'blank title', body: JSON.stringify({ title }), field: 'title' })),
  longString(101, 3000).map((title) => ({
    fault: 'title over 100',
    body: JSON.stringify({ title }),
    field: 'title',
  })),
  longString(2001, 8000).map((contents) => ({
    fault: 'contents over 2000',
    body: JSON.stringify({ contents }),
    field: 'contents',
  })),
  invalidDateTime.map((startAt) => ({
    fault: 'invalid startAt',
    body: JSON.stringify({ startAt }),
    field: 'startAt',
  })),
  fc
    .tuple(
      unknownKey.filter((key) => !['title', 'contents', 'startAt', 'done'].includes(key)),
      anyJson,
    )
    .map(([key, value]) => ({
      fault: 'unknown field',
      body: withExtraKey({ done: true }, key, value),
    })),
  fc
    .oneof(fc.constant([{ done: true }]), fc.string(), fc.integer(), fc.constant(null))
    .map((value) => ({ fault: 'body not an object', body: JSON.stringify(value) })),
);

function wrongField(kind: string, field: string, value: unknown): BodyFault {
  const base = kind === 'create' ? VALID_CREATE : {};
  return { fault: `${field} wrong type`, body: JSON.stringify({ ...base, [field]: value }), field };
}

/** JSON text of `base` plus one more key (written by hand so "__proto__" stays a plain key). */
function withExtraKey(base: object, key: string, value: unknown): string {
  const json = JSON.stringify(base);
  return `${json.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`;
}

// ------------------------------------------------------------------------------------------
// Requests

export function malformedRequests(fixture: Fixture): fc.Arbitrary<MalformedRequest> {
  const asUser = (userId: string | undefined): Record<string, string> => {
    if (userId === undefined) return {};
    const token = fixture.tokens.get(userId);
    if (token === undefined) throw new Error(`verify: no token for ${userId}`);
    return { authorization: `Bearer ${token}` };
  };
  const taskIds = [...fixture.ownerTasks.keys()];
  const ownTaskId = fc.constantFrom(...taskIds);
  const bodyUser = fc.constantFrom(fixture.owner, fixture.other);
  const taskPath = (id: string): string => `/api/tasks/${id}`;

  const badTaskId = fc.oneof(
    fc.uuid().map((id) => encodeURIComponent(id)),
    injection.map((id) => encodeURIComponent(id)),
    fc.string({ minLength: 1, maxLength: 40 }).map((id) => encodeURIComponent(id)),
    fc.constantFrom(
      '..',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e%2f',
      '....%2F%2F',
      '%',
      '%zz',
      '%E0%A4%A',
      '%00',
      '%0d%0aSet-Cookie:%20x=1',
      'x'.repeat(1500),
    ),
  );

  /** Any endpoint, as a request of the given user with an otherwise valid shape. */
  type Target = { method: string; path: string; body?: string; headers?: Record<string, string> };
  const anyEndpoint = (
    userId: string | undefined,
  ): fc.Arbitrary<Target & { headers: Record<string, string> }> =>
    fc
      .oneof<fc.Arbitrary<Target>[]>(
        fc.constant({ method: 'GET', path: '/api/me' }),
        fc.constant({ method: 'GET', path: '/api/tasks' }),
        fc.constant({
          method: 'POST',
          path: '/api/tasks',
          body: JSON.stringify(VALID_CREATE),
          headers: { 'content-type': JSON_TYPE },
        }),
        ownTaskId.map((id) => ({ method: 'GET', path: taskPath(id) })),
        ownTaskId.map((id) => ({
          method: 'PATCH',
          path: taskPath(id),
          body: '{"done":true}',
          headers: { 'content-type': JSON_TYPE },
        })),
        ownTaskId.map((id) => ({ method: 'DELETE', path: taskPath(id) })),
        fc.constant({ method: 'GET', path: '/api/reports' }),
        fc.constant({ method: 'GET', path: `/api/reports/${fixture.reportDate}` }),
      )
      .map((request) => ({ ...request, headers: { ...request.headers, ...asUser(userId) } }));

  const refusedCredentials: fc.Arbitrary<{ fault: string; headers: Record<string, string> }> =
    fc.oneof(
      userHeader.map((headers) => ({
        fault: 'x-forwarded-user' in headers ? 'only X-Forwarded-User' : 'no credentials',
        headers,
      })),
      malformedAuthorization.map((value) => ({
        fault: 'malformed Authorization',
        headers: { authorization: value },
      })),
      fc.constantFrom(...fixture.forgedAuthorizations).map((value) => ({
        fault: 'forged or unacceptable token',
        headers: { authorization: value },
      })),
    );
  const withoutUser = refusedCredentials.chain((credentials) =>
    anyEndpoint(undefined).map((request) => ({
      ...request,
      headers: { ...request.headers, ...credentials.headers },
      fault: credentials.fault,
      expect: [401],
      field: 'Authorization',
    })),
  );

  const badCreate = fc.tuple(bodyUser, createBodyFault).map(([userId, fault]) => ({
    fault: `create: ${fault.fault}`,
    method: 'POST',
    path: '/api/tasks',
    headers: { ...asUser(userId), 'content-type': JSON_TYPE },
    body: fault.body,
    expect: [400],
    ...(fault.field ? { field: fault.field } : {}),
  }));

  const badPatch = fc.tuple(ownTaskId, patchBodyFault).map(([id, fault]) => ({
    fault: `patch: ${fault.fault}`,
    method: 'PATCH',
    path: taskPath(id),
    headers: { ...asUser(fixture.owner), 'content-type': JSON_TYPE },
    body: fault.body,
    expect: [400],
    ...(fault.field ? { field: fault.field } : {}),
  }));

  const writeTarget = fc.oneof(
    fc.constant({ method: 'POST', path: '/api/tasks' }),
    ownTaskId.map((id) => ({ method: 'PATCH', path: taskPath(id) })),
  );

  const badJson = fc.tuple(writeTarget, malformedJson).map(([target, body]) => ({
    ...target,
    fault: 'malformed JSON',
    headers: { ...asUser(fixture.owner), 'content-type': JSON_TYPE },
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
      headers: { ...asUser(fixture.owner), ...(type ? { 'content-type': type } : {}) },
      body: target.method === 'POST' ? JSON.stringify(VALID_CREATE) : '{"done":true}',
      expect: [400, 415],
    }));

  const tooLarge = fc
    .tuple(writeTarget, fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }), fc.boolean())
    .map(([target, size, valid]) => ({
      ...target,
      fault: 'body over 64 KiB',
      headers: { ...asUser(fixture.owner), 'content-type': JSON_TYPE },
      body: valid
        ? JSON.stringify({ contents: 'c'.repeat(size) })
        : `{"contents":"${'c'.repeat(size)}`,
      expect: [413],
    }));

  const badTaskTarget = fc
    .tuple(fc.constantFrom('GET', 'PATCH', 'DELETE'), badTaskId)
    .map(([method, id]) => ({
      fault: 'unknown or invalid task id',
      method,
      path: taskPath(id),
      headers: {
        ...asUser(fixture.owner),
        ...(method === 'PATCH' ? { 'content-type': JSON_TYPE } : {}),
      },
      ...(method === 'PATCH' ? { body: '{"done":true}' } : {}),
      expect: [400, 404],
    }));

  const otherUsersTask = fc
    .tuple(fc.constantFrom('GET', 'PATCH', 'DELETE'), ownTaskId)
    .map(([method, id]) => ({
      fault: "another user's task",
      method,
      path: taskPath(id),
      headers: {
        ...asUser(fixture.other),
        ...(method === 'PATCH' ? { 'content-type': JSON_TYPE } : {}),
      },
      ...(method === 'PATCH' ? { body: '{"title":"taken over","done":true}' } : {}),
      expect: [404],
    }));

  const staleIfMatch = fc
    .tuple(
      fc.constantFrom('PATCH', 'DELETE'),
      ownTaskId,
      fc.oneof(
        fc.integer({ min: 0, max: 1_000_000 }).map((n) => `"${n}"`),
        fc.constantFrom('W/"1"', '"1', 'garbage', '""', '"1" "2"'),
        headerText,
      ),
    )
    .filter(
      ([, id, ifMatch]) =>
        !seenByServer(ifMatch)
          .split(',')
          .some((tag) => {
            const trimmed = seenByServer(tag);
            return trimmed === '*' || trimmed === fixture.ownerTasks.get(id);
          }) && seenByServer(ifMatch) !== '',
    )
    .map(([method, id, ifMatch]) => ({
      fault: 'stale If-Match',
      method,
      path: taskPath(id),
      headers: {
        ...asUser(fixture.owner),
        'if-match': ifMatch,
        ...(method === 'PATCH' ? { 'content-type': JSON_TYPE } : {}),
      },
      ...(method === 'PATCH' ? { body: '{"title":"overwritten"}' } : {}),
      expect: [400, 412],
    }));

  // If-None-Match naming the task's current version (or "*"): PATCH and DELETE must not happen.
  const excludedByIfNoneMatch = fc
    .tuple(
      fc.constantFrom('PATCH', 'DELETE'),
      ownTaskId,
      fc.constantFrom('*', 'the current tag', 'the current tag, weak', 'a list with it'),
      fc.integer({ min: 1_000_000, max: 2_000_000 }),
    )
    .map(([method, id, form, other]) => {
      const current = fixture.ownerTasks.get(id)!;
      const ifNoneMatch = {
        '*': '*',
        'the current tag': current,
        'the current tag, weak': `W/${current}`,
        'a list with it': `"${other}", ${current}`,
      }[form];
      return {
        fault: 'If-None-Match naming the current version',
        method,
        path: taskPath(id),
        headers: {
          ...asUser(fixture.owner),
          'if-none-match': ifNoneMatch,
          ...(method === 'PATCH' ? { 'content-type': JSON_TYPE } : {}),
        },
        ...(method === 'PATCH' ? { body: '{"title":"overwritten"}' } : {}),
        expect: [412],
        field: 'If-None-Match',
      };
    });

  const listParam = fc.oneof(
    fc
      .constantFrom('0', '101', '-1', 'abc', '1.5', '10x', 'null', '99999999999999999999', '1e400')
      .map((value) => ({ query: `limit=${encodeURIComponent(value)}`, field: 'limit' })),
    fc
      .constantFrom('closed', 'OPEN', 'all;', 'done ', 'undefined', "open' OR 1=1")
      .map((value) => ({ query: `status=${encodeURIComponent(value)}`, field: 'status' })),
    fc
      .tuple(
        fc.constantFrom('from', 'to'),
        invalidDateTime.filter((value) => value !== ''),
      )
      .map(([name, value]) => ({ query: `${name}=${encodeURIComponent(value)}`, field: name })),
    fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.base64String({ minLength: 4, maxLength: 60 }),
        fc
          .jsonValue({ maxDepth: 2 })
          .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
        fc.constant(fixture.ownerCursor.slice(0, -3)),
        fc.constant(`${fixture.ownerCursor}x`),
        fc.constant('c'.repeat(5000)),
      )
      .map((value) => ({ query: `cursor=${encodeURIComponent(value)}`, field: 'cursor' })),
    fc.constant({ query: 'limit=5&limit=6', field: 'limit' }),
    fc.constant({ query: 'status=open&status=done', field: 'status' }),
    // Not valid percent-encoded UTF-8, in any parameter: refused, never decoded into other text.
    fc
      .tuple(
        fc.constantFrom('q', 'status', 'sort', 'limit', 'cursor', 'from'),
        fc.constantFrom('%zz', '%', '%E3%81', '%ff', '%C0%AF', '%ED%A0%80'),
      )
      .map(([name, sequence]) => ({ query: `${name}=x${sequence}`, field: name })),
  );

  const badList = listParam.map(({ query, field }) => ({
    fault: `list: bad ${field}`,
    method: 'GET',
    path: `/api/tasks?${query}`,
    headers: asUser(fixture.owner),
    expect: [400],
    field,
  }));

  const foreignCursor = fc.constant({
    fault: "list: another user's cursor",
    method: 'GET',
    path: `/api/tasks?cursor=${fixture.ownerCursor}`,
    headers: asUser(fixture.other),
    expect: [400],
    field: 'cursor',
  });

  const reportsAsNonAdmin = fc
    .tuple(
      fc.constantFrom(fixture.owner, fixture.other),
      fc.constantFrom(
        '/api/reports',
        '/api/reports?limit=1',
        `/api/reports?cursor=${fixture.reportCursor}`,
        `/api/reports/${fixture.reportDate}`,
        '/api/reports/2030-01-01',
      ),
    )
    .map(([userId, path]) => ({
      fault: 'reports as non-admin',
      method: 'GET',
      path,
      headers: asUser(userId),
      expect: [403],
    }));

  const badReportQuery = fc
    .oneof(
      fc
        .constantFrom('0', '101', '-1', 'abc', '1.5', '10x')
        .map((value) => ({ query: `limit=${value}`, field: 'limit' })),
      fc
        .oneof(
          fc.string({ minLength: 1, maxLength: 40 }),
          fc.constant(`${fixture.reportCursor}x`),
          fc.constant(fixture.ownerCursor),
        )
        .map((value) => ({ query: `cursor=${encodeURIComponent(value)}`, field: 'cursor' })),
    )
    .map(({ query, field }) => ({
      fault: `reports: bad ${field}`,
      method: 'GET',
      path: `/api/reports?${query}`,
      headers: asUser(fixture.admin),
      expect: [400],
      field,
    }));

  const badReportDate = fc
    .oneof(
      fc.constantFrom(
        '2030-13-01',
        '2030-02-30',
        '20300108',
        '2030-1-8',
        'latest',
        '..',
        '..%2F..%2Fetc%2Fpasswd',
        '%',
        '2030-01-08T00:00:00Z',
      ),
      injection.map((value) => encodeURIComponent(value)),
    )
    .map((date) => ({
      fault: 'reports: invalid date',
      method: 'GET',
      path: `/api/reports/${date}`,
      headers: asUser(fixture.admin),
      expect: [400, 404],
    }));

  const missingReport = fc
    .date({ min: new Date('2000-01-01'), max: new Date('2029-12-31'), noInvalidDate: true })
    .map((date) => ({
      fault: 'reports: no report that day',
      method: 'GET',
      path: `/api/reports/${date.toISOString().slice(0, 10)}`,
      headers: asUser(fixture.admin),
      expect: [404],
    }));

  // Routes that take no query parameters refuse any, rather than ignore it (a PATCH ?dryRun=1
  // that wrote anyway).
  const queryWhereNone = fc
    .tuple(
      fc.constantFrom(
        { method: 'GET', path: '/api/me' },
        { method: 'GET', path: 'task' },
        { method: 'PATCH', path: 'task', body: '{"done":true}' },
        { method: 'DELETE', path: 'task' },
        { method: 'POST', path: '/api/tasks', body: JSON.stringify(VALID_CREATE) },
        { method: 'GET', path: `/api/reports/${fixture.reportDate}` },
      ),
      fc.constantFrom('dryRun', 'format', 'limit', 'q', 'x'),
      ownTaskId,
    )
    .map(([target, name, id]) => ({
      fault: 'query parameter where none is taken',
      method: target.method,
      path: `${target.path === 'task' ? taskPath(id) : target.path}?${name}=1`,
      headers: { ...asUser(fixture.admin), 'content-type': JSON_TYPE },
      ...(target.body === undefined ? {} : { body: target.body }),
      expect: [400],
      field: name,
    }));

  const wrongMethod = fc
    .tuple(
      fc.constantFrom(
        { method: 'POST', path: 'task' },
        { method: 'DELETE', path: '/api/tasks' },
        { method: 'PATCH', path: '/api/tasks' },
        { method: 'PUT', path: '/api/tasks' },
        { method: 'POST', path: '/api/me' },
        { method: 'DELETE', path: '/api/me' },
        { method: 'POST', path: '/api/reports' },
        { method: 'DELETE', path: `/api/reports/${fixture.reportDate}` },
        { method: 'GET', path: '/api/task' },
        { method: 'GET', path: '/api/tasks/x/y' },
        { method: 'GET', path: '/api' },
      ),
      ownTaskId,
    )
    .map(([target, id]) => ({
      fault: 'method or route not in the API',
      method: target.method,
      path: target.path === 'task' ? taskPath(id) : target.path,
      headers: { ...asUser(fixture.admin), 'content-type': JSON_TYPE },
      body: JSON.stringify(VALID_CREATE),
      expect: [404, 405],
    }));

  // PUT restores a deleted task (the UI's undo) and only that: it needs If-None-Match: *, and
  // the owner's tasks all exist, so each of these is refused without writing.
  const badRestore: fc.Arbitrary<MalformedRequest> = fc
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
        ...asUser(fixture.owner),
        'content-type': JSON_TYPE,
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

  return fc
    .tuple(request, decorations(fixture))
    .map(([req, extra]) => ({ ...req, headers: { ...extra, ...req.headers } }));
}
