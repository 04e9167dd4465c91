/**
 * fast-check arbitraries of malformed requests to every operation of the API, derived from its
 * OpenAPI document (the routes, bodies and parameters in api-fixture.ts). Each carries exactly one
 * kind of fault, so the statuses it may be answered with are known; none may change anything.
 */
import fc from 'fast-check';
import { TITLE_MAX } from '@task-manager/contract';
import {
  JSON_TYPE,
  operations,
  OTHER,
  OWNER,
  VALID_BODIES,
  validRequest,
  type Fixture,
  type Operation,
  type Parameter,
  type Schema,
} from './api-fixture.ts';
import { ADMIN_USER } from './context.ts';
import { parseJson, type HttpRequest } from './http.ts';

export interface MalformedRequest extends HttpRequest {
  fault: string;
  /** The statuses that are right for this fault (always 4xx). */
  expect: readonly number[];
  /** A field the error's details must name, when exactly one is at fault. */
  field?: string;
}

/** One of a list of tokens that hold no spaces. */
const oneWordOf = (words: string): fc.Arbitrary<string> => fc.constantFrom(...words.split(' '));

// Building blocks.

/** Header values a client can send (Node rejects control characters and code points > 0xff). */
const headerChar = fc.integer({ min: 0x20, max: 0xff }).filter((code) => code !== 0x7f);
const headerText = fc.string({
  unit: headerChar.map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

/** The HTTP parser trims spaces and tabs around header values: judge what the server sees. */
const seenByServer = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, '');

/** SQL, NoSQL, script, template and path injections, and wildcards. */
const injection = fc.oneof(
  fc.constantFrom("' OR '1'='1", '"; DROP TABLE tasks; --', '{"$ne":null}', 'admin'),
  fc.constantFrom('<script>alert(1)</script>', '${jndi:ldap://example.invalid/a}'),
  fc.constantFrom('../../etc/passwd', '..\\..\\windows\\win.ini', '%00', '*', '#'),
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
  fc.constantFrom('', 'tomorrow', 'NaN', '1894093200000', '08/01/2030 09:00', SUB_MILLISECOND),
  fc.constantFrom('2030-01-08', '2030-01-08T09:00:00', '2030-01-08T09:00:00Zjunk'),
  // A field out of its range.
  oneWordOf('2030-13-01T00:00:00Z 2030-02-30T09:00:00Z 2030-01-32T09:00:00Z 2030-01-08T25:00:00Z'),
  oneWordOf('2030-01-08T09:60:00Z 2030-01-08T09:00:00+25:00 0000-00-00T00:00:00Z'),
  // Outside the supported range (the UTC year must have four digits).
  fc.constantFrom('9999-12-31T23:30:00-01:00', '0000-01-01T00:30:00+01:00'),
  injection,
  fc.string({ maxLength: 30 }).filter((value) => Number.isNaN(Date.parse(value))),
);

/** Path segments that try to climb out of the route, or smuggle bytes. */
const pathTricks = fc.oneof(
  oneWordOf('.. ..%2F..%2Fetc%2Fpasswd %2e%2e%2f%2e%2e%2f ....%2F%2F'),
  oneWordOf('% %zz %E0%A4%A %00 %0d%0aSet-Cookie:%20x=1'),
);

/** Strings of `min`..`max` characters with no spaces (trimming cannot bring them in range). */
const longString = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom('x', 'é', '界'))
    .map(([length, unit]) => unit.repeat(length));

/** Text that JSON.parse rejects: hand-picked, and truncations of valid documents. */
const malformedJson = fc.oneof(
  fc.constantFrom('{', '[', '"unterminated', '{}x', 'undefined', 'NaN', '\u0000'),
  fc.constantFrom('{"title":}', "{'title':'x'}", '{"title":"x",}', '{"title":"x"}}'),
  fc.constant('{"title":"x" "startAt":"y"}'),
  fc
    .tuple(fc.json({ maxDepth: 2 }), fc.nat())
    .map(([json, cut]) => json.slice(0, cut % Math.max(json.length, 1)))
    .filter((text) => text.trim() !== '' && parseJson(text) === undefined),
);

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

// Faults derived from the document.

/** A title's limit counts after trimming, so the contract states it and the schema does not. */
const TRIMMED_MAX: Record<string, number> = { title: TITLE_MAX };

/** Each wrong value of a body field, by fault, from its schema. */
function valueFaults(name: string, schema: Schema): Array<[string, fc.Arbitrary<unknown>]> {
  if (schema.type === 'boolean') {
    return [
      ['wrong type', fc.oneof(fc.constantFrom('true', 'false', 1, 0, null, 'yes'), fc.string())],
    ];
  }
  if (schema.format === 'date-time') {
    return [
      ['wrong type', notAString],
      ['invalid', invalidDateTime],
    ];
  }
  const max = schema.maxLength ?? TRIMMED_MAX[name];
  const faults: Array<[string, fc.Arbitrary<unknown>]> = [
    ['wrong type', notAString],
    ['not text', notText],
  ];
  if (schema.minLength) faults.push(['blank', fc.constantFrom('', '   ', '\t\n')]);
  // Well past the limit, and within the 64 KiB body limit.
  if (max) faults.push([`over ${max}`, longString(max + 1, 4 * max + 3000)]);
  return faults;
}

type BodyFault = { fault: string; body: string; field?: string };

/**
 * Bodies that break the schema `op` reads one way each: a valid body with one field wrong, one
 * required field missing or one unknown field; no fields, when it needs some; or not an object.
 */
function bodyFaults(op: Operation): fc.Arbitrary<BodyFault> {
  const valid = VALID_BODIES[op.id]!;
  const schema = op.body!;
  const properties = schema.properties ?? {};
  const unknownKey = fc
    .oneof(
      oneWordOf('userId taskId completedAt createdAt updatedAt version isAdmin __proto__'),
      fc.constantFrom('constructor', 'Title', 'title '),
      fc.string({ minLength: 1, maxLength: 20 }),
    )
    .filter((key) => !(key in properties));
  const unknownField = fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 2 })).map(([key, value]) => ({
    fault: 'unknown field',
    // Written by hand, so that "__proto__" stays a plain key.
    body: `${JSON.stringify(valid).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`,
  }));
  const wrongValues = Object.entries(properties).flatMap(([field, property]) =>
    valueFaults(field, property).map(([fault, values]) =>
      values.map((value) => ({
        fault: `${field} ${fault}`,
        body: JSON.stringify({ ...valid, [field]: value }),
        field,
      })),
    ),
  );
  const missing = (schema.required ?? []).map((field) => {
    const body = JSON.stringify({ ...valid, [field]: undefined });
    return fc.constant({ fault: `missing ${field}`, body, field });
  });
  const notAnObject = fc
    .oneof(fc.constant([valid]), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
    .map((value) => ({ fault: 'body not an object', body: JSON.stringify(value) }));
  return fc.oneof(
    ...wrongValues,
    ...missing,
    ...(schema.minProperties ? [fc.constant({ fault: 'no fields', body: '{}' })] : []),
    ...(schema.additionalProperties === false ? [unknownField] : []),
    notAnObject,
  );
}

/**
 * A query parameter done wrong: a wrong value from its schema (`cursors` are real ones), given
 * twice, or not valid percent-encoded UTF-8 (refused, never decoded into other text).
 */
function queryFaults(parameter: Parameter, cursors: string[]): fc.Arbitrary<string> {
  const { name, schema } = parameter;
  const { type, format, minimum, maximum, minLength, maxLength } = schema;
  const values: Array<fc.Arbitrary<string>> = [];
  if (type === 'integer') {
    values.push(oneWordOf(`${minimum! - 1} ${maximum! + 1} -1 abc 1.5 10x null 1e400`));
    values.push(fc.constant('99999999999999999999'));
  }
  if (schema.enum) {
    const near = (value: string) => [
      value.toUpperCase(),
      `${value} `,
      `${value};`,
      `${value}' OR 1=1`,
    ];
    values.push(fc.constantFrom('closed', 'undefined', ...schema.enum.flatMap(near)));
  }
  // An empty bound reads as none, and a query's bound may be finer than a millisecond.
  if (format === 'date-time') {
    values.push(invalidDateTime.filter((value) => value !== '' && value !== SUB_MILLISECOND));
  }
  if (minLength) values.push(fc.constant(''));
  if (maxLength) values.push(fc.constant('c'.repeat(maxLength + 1)));
  if (name === 'cursor') {
    values.push(
      fc.string({ minLength: 1, maxLength: 60 }),
      fc.base64String({ minLength: 4, maxLength: 60 }),
      fc
        .jsonValue({ maxDepth: 2 })
        .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
      fc.constantFrom(...cursors.flatMap((cursor) => [cursor.slice(0, -3), `${cursor}x`])),
    );
  }
  const valid = encodeURIComponent(
    String(schema.default ?? schema.examples?.[0] ?? parameter.example ?? cursors[0]),
  );
  return fc.oneof(
    fc.oneof(...values).map((value) => `${name}=${encodeURIComponent(value)}`),
    fc.constant(`${name}=${valid}&${name}=${valid}`),
    oneWordOf('%zz % %E3%81 %ff %C0%AF %ED%A0%80').map((bad) => `${name}=x${bad}`),
  );
}

// Requests.

/** `request` carrying one `fault`, to be answered with one of `expect`, naming `field`. */
function malformed(
  request: HttpRequest,
  fault: string,
  expect: number[],
  field?: string,
): MalformedRequest {
  return { ...request, fault, expect, ...(field && { field }) };
}

export function malformedRequests(fixture: Fixture): fc.Arbitrary<MalformedRequest> {
  const { auth, ownerCursor, reportCursor, reportDate } = fixture;
  const ownTaskId = fc.constantFrom(...fixture.ownerTasks.keys());
  /** A request that one of `ops` accepts, on one of the owner's tasks (or `taskId`). */
  const targets = (ops: Operation[], taskId = ownTaskId) =>
    fc
      .tuple(fc.constantFrom(...ops), taskId)
      .map(([op, id]) => validRequest(op, { taskId: id, date: reportDate }));
  /** `request` with `user`'s credentials and `headers` added to its own. */
  const as = (user: string, request: HttpRequest, headers: Record<string, string> = {}) => ({
    ...request,
    headers: { ...request.headers, ...auth[user], ...headers },
  });
  const get = (user: string, path: string) => ({ method: 'GET', path, headers: auth[user]! });
  const withBody = operations.filter(({ body }) => body);
  // A restore puts a task back under any id, so only the owner's existing tasks are aimed at.
  const onTask = operations.filter(
    ({ path, id }) => path.includes('{taskId}') && id !== 'restoreTask',
  );

  const refusedCredentials = fc.oneof(
    fc.constant({ fault: 'no credentials', headers: {} }),
    // What used to name a user, and must name nobody now.
    fc
      .oneof(fc.constantFrom('admin', ADMIN_USER, OWNER, '', '.alice', 'a'.repeat(2000)), injection)
      .map((user) => ({ fault: 'only X-Forwarded-User', headers: { 'x-forwarded-user': user } })),
    fc
      .oneof(
        fc.constantFrom('Bearer', 'Bearer ', 'bearer a b', 'Token abc'),
        fc.constant('Basic dmVyaWZ5LWFsaWNlOng='),
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
    .tuple(targets(operations), refusedCredentials)
    .map(([target, { fault, headers }]) => {
      const request = { ...target, headers: { ...target.headers, ...headers } };
      return malformed(request, fault, [401], 'Authorization');
    });

  // The restore's body is a task as GET answered it; its faults are its preconditions (below).
  const badBody = fc.oneof(
    ...withBody
      .filter(({ id }) => id !== 'restoreTask')
      .map((op) =>
        fc
          .tuple(targets([op]), bodyFaults(op))
          .map(([target, { fault, body, field }]) =>
            malformed({ ...as(OWNER, target), body }, `${op.id}: ${fault}`, [400], field),
          ),
      ),
  );

  const badJson = fc
    .tuple(targets(withBody), malformedJson)
    .map(([target, body]) =>
      malformed({ ...as(OWNER, target, JSON_TYPE), body }, 'malformed JSON', [400], 'body'),
    );

  const contentType = fc.oneof(
    fc.constantFrom(undefined, 'multipart/form-data; boundary=x'),
    fc.constantFrom('application/json; charset=utf-16', 'application/octet-stream'),
    oneWordOf('text/plain application/x-www-form-urlencoded application/xml text/html'),
  );
  const wrongContentType = fc.tuple(targets(withBody), contentType).map(([target, type]) => {
    const request = as(OWNER, target, type ? { 'content-type': type } : {});
    if (!type) delete request.headers['content-type'];
    return malformed(request, `content type: ${type ?? 'missing'}`, [400, 415]);
  });

  const tooLarge = fc
    .tuple(targets(withBody), fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }), fc.boolean())
    .map(([target, size, valid]) => {
      const body = `{"contents":"${'c'.repeat(size)}${valid ? '"}' : ''}`;
      return malformed({ ...as(OWNER, target, JSON_TYPE), body }, 'body over 64 KiB', [413]);
    });

  const badTaskId = fc.oneof(
    fc
      .oneof(fc.uuid(), injection, fc.string({ minLength: 1, maxLength: 40 }))
      .map(encodeURIComponent),
    pathTricks,
    fc.constant('x'.repeat(1500)),
  );
  const badTaskTarget = targets(onTask, badTaskId).map((target) =>
    malformed(as(OWNER, target), 'unknown or invalid task id', [400, 404]),
  );

  const otherUsersTask = targets(onTask).map((target) =>
    malformed(as(OTHER, target), "another user's task", [404]),
  );

  // Every operation that takes If-Match, given one that names neither "*" nor the current version.
  const staleIfMatch = fc
    .tuple(
      fc.constantFrom(...onTask.filter((op) => op.parameters.some((p) => p.name === 'If-Match'))),
      ownTaskId,
      fc.oneof(
        fc.integer({ min: 0, max: 1_000_000 }).map((n) => `"${n}"`),
        fc.constantFrom('W/"1"', '"1', 'garbage', '""', '"1" "2"'),
        headerText,
      ),
    )
    .filter(([, taskId, ifMatch]) => {
      const tags = seenByServer(ifMatch).split(',').map(seenByServer);
      const current = fixture.ownerTasks.get(taskId);
      return seenByServer(ifMatch) !== '' && !tags.some((tag) => tag === '*' || tag === current);
    })
    .map(([op, taskId, ifMatch]) => {
      const request = as(OWNER, validRequest(op, { taskId }), { 'if-match': ifMatch });
      return malformed(request, 'stale If-Match', [400, 412]);
    });

  // If-None-Match naming the task's current version (or "*"): PATCH and DELETE must not happen.
  const excludedByIfNoneMatch = fc
    .tuple(
      fc.constantFrom(...onTask.filter(({ method }) => method === 'PATCH' || method === 'DELETE')),
      ownTaskId,
      fc.nat(3),
      fc.integer({ min: 1_000_000, max: 2_000_000 }),
    )
    .map(([op, taskId, form, other]) => {
      const current = fixture.ownerTasks.get(taskId)!;
      const ifNoneMatch = ['*', current, `W/${current}`, `"${other}", ${current}`][form]!;
      const request = as(OWNER, validRequest(op, { taskId }), { 'if-none-match': ifNoneMatch });
      return malformed(request, 'If-None-Match naming the current version', [412], 'If-None-Match');
    });

  const cursors = [ownerCursor, reportCursor];
  const badQuery = fc.oneof(
    ...operations.flatMap((op) =>
      op.parameters
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) =>
          queryFaults(parameter, cursors).map((query) => {
            const user = op.statuses.includes('403') ? ADMIN_USER : OWNER;
            const request = { ...get(user, `${op.path}?${query}`), method: op.method };
            return malformed(request, `${op.id}: bad ${parameter.name}`, [400], parameter.name);
          }),
        ),
    ),
  );

  const foreignCursor = fc
    .constantFrom(
      [OTHER, "listTasks: another user's cursor", '/api/tasks'],
      [ADMIN_USER, "listReports: a task list's cursor", '/api/reports'],
    )
    .map(([user, fault, path]) =>
      malformed(get(user, `${path}?cursor=${ownerCursor}`), fault, [400], 'cursor'),
    );

  // Parameters the operation does not take are refused, rather than ignored (a PATCH ?dryRun=1
  // that wrote anyway).
  const unknownParameter = fc
    .tuple(fc.constantFrom(...operations), ownTaskId, oneWordOf('dryRun format limit q x'))
    .filter(([op, , name]) => !op.parameters.some((parameter) => parameter.name === name))
    .map(([op, taskId, name]) => {
      const target = as(ADMIN_USER, validRequest(op, { taskId, date: reportDate }));
      const request = { ...target, path: `${target.path}?${name}=1` };
      return malformed(request, 'query parameter not in the API', [400], name);
    });

  const reportsAsNonAdmin = fc
    .tuple(
      fc.constantFrom(OWNER, OTHER),
      fc.constantFrom(
        '/api/reports',
        '/api/reports?limit=1',
        `/api/reports?cursor=${reportCursor}`,
        `/api/reports/${reportDate}`,
        '/api/reports/2030-01-01',
      ),
    )
    .map(([user, path]) => malformed(get(user, path), 'reports as non-admin', [403]));

  const badReportDate = fc
    .oneof(
      oneWordOf('2030-13-01 2030-02-30 20300108 2030-1-8 latest 2030-01-08T00:00:00Z'),
      pathTricks,
      injection.map(encodeURIComponent),
    )
    .map((date) =>
      malformed(get(ADMIN_USER, `/api/reports/${date}`), 'getReport: invalid date', [400, 404]),
    );

  const missingReport = fc
    .date({ min: new Date('2000-01-01'), max: new Date('2029-12-31'), noInvalidDate: true })
    .map((date) => {
      const request = get(ADMIN_USER, `/api/reports/${date.toISOString().slice(0, 10)}`);
      return malformed(request, 'getReport: no report that day', [404]);
    });

  // Every method the API does not serve on each of its paths, and paths it does not have.
  const paths = [...new Set(operations.map(({ path }) => path))];
  const served = new Set(operations.map(({ method, path }) => `${method} ${path}`));
  const unserved = paths.flatMap((path) =>
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
      .filter((method) => !served.has(`${method} ${path}`))
      .map((method) => ({ method, path })),
  );
  const noRoute = ['/api/task', '/api/tasks/x/y', '/api'].map((path) => ({ method: 'GET', path }));
  const wrongMethod = fc
    .tuple(fc.constantFrom(...unserved, ...noRoute), ownTaskId)
    .map(([{ method, path }, taskId]) => {
      const request = {
        method,
        path: path.replace('{taskId}', taskId).replace('{date}', reportDate),
        headers: { ...auth[ADMIN_USER], ...JSON_TYPE },
        body: JSON.stringify(VALID_BODIES.createTask),
      };
      return malformed(request, 'method or route not in the API', [404, 405]);
    });

  // PUT restores a deleted task (the UI's undo) and only that: it needs If-None-Match: *, and
  // the owner's tasks all exist, so each of these is refused without writing.
  const badRestore = fc
    .tuple(
      targets(operations.filter(({ id }) => id === 'restoreTask')),
      fc.constantFrom<[string | undefined, number]>(
        [undefined, 428],
        ['"abc"', 400],
        ['W/"1"', 400],
        ['*, "abc"', 400],
        ['*', 412],
      ),
    )
    .map(([target, [ifNoneMatch, status]]) => {
      const condition: Record<string, string> =
        ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch };
      const request = { ...target, headers: { ...auth[OWNER], ...JSON_TYPE, ...condition } };
      return malformed(
        request,
        `restore: If-None-Match ${ifNoneMatch ?? 'missing'}`,
        [status],
        'If-None-Match',
      );
    });

  const request: fc.Arbitrary<MalformedRequest> = fc.oneof(
    { arbitrary: withoutUser, weight: 6 },
    { arbitrary: badBody, weight: 18 },
    { arbitrary: badJson, weight: 3 },
    { arbitrary: wrongContentType, weight: 3 },
    { arbitrary: tooLarge, weight: 1 },
    { arbitrary: badTaskTarget, weight: 4 },
    { arbitrary: otherUsersTask, weight: 3 },
    { arbitrary: staleIfMatch, weight: 3 },
    { arbitrary: excludedByIfNoneMatch, weight: 2 },
    { arbitrary: badQuery, weight: 7 },
    { arbitrary: foreignCursor, weight: 1 },
    { arbitrary: reportsAsNonAdmin, weight: 2 },
    { arbitrary: badReportDate, weight: 2 },
    { arbitrary: missingReport, weight: 1 },
    { arbitrary: wrongMethod, weight: 2 },
    { arbitrary: unknownParameter, weight: 2 },
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
