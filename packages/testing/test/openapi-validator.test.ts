/**
 * The contract reader itself, against the real openapi.yaml: it must pass what conforms and name
 * each way a response can fail to, or the contract checks that use it prove nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dereference, OpenApiValidator, type ObservedResponse } from '../src/index.ts';

describe('the validator', () => {
  const task = {
    taskId: '9b2f0a4e-8f9e-4c1e-9d8a-3c1a2b4c5d6e',
    title: 'x',
    contents: '',
    startAt: '2026-11-21T00:00:00.000Z',
    done: false,
    completedAt: null,
    createdAt: '2026-11-21T00:00:00.000Z',
    updatedAt: '2026-11-21T00:00:00.000Z',
  };
  const ok: ObservedResponse = {
    status: 200,
    headers: { 'content-type': 'application/json', etag: '"1"', 'x-request-id': 'r1' },
    text: JSON.stringify(task),
  };
  const problems = (
    response: Partial<ObservedResponse>,
    method = 'get',
    url = `/api/tasks/${task.taskId}`,
  ) => new OpenApiValidator().problems(method, url, { ...ok, ...response });

  test('accepts a conforming response', () => {
    assert.deepEqual(problems({}), []);
  });

  test('rejects bodies, statuses, headers and media types the document does not allow', () => {
    const withoutDone: Partial<typeof task> = { ...task };
    delete withoutDone.done;
    assert.match(
      problems({ text: JSON.stringify(withoutDone) }).join(),
      /must have required property 'done'/,
    );
    assert.match(
      problems({ text: JSON.stringify({ ...task, extra: 1 }) }).join(),
      /additional properties/,
    );
    assert.match(
      problems({ text: JSON.stringify({ ...task, completedAt: 'yesterday' }) }).join(),
      /completedAt/,
    );
    assert.match(problems({ status: 418 }).join(), /status 418 is not documented/);
    assert.match(
      problems({ headers: { 'content-type': 'application/json', 'x-request-id': 'r' } }).join(),
      /header ETag is missing/,
    );
    assert.match(problems({ headers: { ...ok.headers, etag: 'W/"1"' } }).join(), /header ETag/);
    assert.match(
      problems({ headers: { ...ok.headers, 'content-type': 'text/html' } }).join(),
      /not documented/,
    );
    assert.match(problems({}, 'post').join(), /not a documented operation/);
    assert.match(problems({}, 'get', '/api/nowhere').join(), /not a documented path/);
    assert.match(
      problems({ status: 204, text: '{}', headers: { 'x-request-id': 'r' } }, 'delete').join(),
      /a body was sent/,
    );
  });
});

describe('reading the document', () => {
  const contract = new OpenApiValidator();

  test('documents() knows the operations, dot segments left to the server', () => {
    assert.equal(contract.documents('GET', '/api/tasks/abc?x=1'), true);
    assert.equal(contract.documents('PATCH', '/api/tasks/..'), true, 'a task id of ".."');
    assert.equal(contract.documents('POST', '/api/me'), false);
    assert.equal(contract.documents('GET', '/api/nowhere'), false);
    assert.equal(contract.documents('GET', '/api/tasks/a/b'), false);
  });

  test('dereference() replaces every $ref, however deep', () => {
    const error = dereference<{ properties: { details: { items: { required: string[] } } } }>(
      contract.document,
      { $ref: '#/components/schemas/Error' },
    );
    assert.deepEqual(error.properties.details.items.required, ['field', 'message']);
    assert.doesNotMatch(JSON.stringify(error), /\$ref/);
  });
});
