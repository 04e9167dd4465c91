/**
 * POST /api/tasks with an Idempotency-Key: what a client that retries after a 503 relies on.
 * The 503 is real: a proxy loses DynamoDB's answers to the task's write after it was applied.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import request from 'supertest';
import {
  startDynalite,
  startFaultProxy,
  type DynaliteServer,
  type FaultProxy,
} from '@task-manager/testing';
import {
  ALICE,
  BOB,
  createTestService,
  newTask,
  testIdentity,
  type TestService,
} from './support/test-service.ts';

let dynamo: DynaliteServer;
let proxy: FaultProxy;
let service: TestService;
before(async () => {
  dynamo = await startDynalite();
  proxy = await startFaultProxy(dynamo.endpoint);
  service = await createTestService(dynamo, { dynamoEndpoint: proxy.endpoint });
});
after(async () => {
  await proxy?.close();
  await dynamo?.stop();
});

async function storedTasks(userId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await service.tables.clients.doc.send(
    new QueryCommand({
      TableName: service.tables.config.tasksTable,
      KeyConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': userId },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** The Authorization header of any user, signed in at the test's identity provider. */
async function signedIn(user: string): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await (await testIdentity()).token(user)}` };
}

/** POST /api/tasks as `user`, with the key when given, answered with `status`. */
async function create(
  key: string | undefined,
  body: Record<string, unknown>,
  user: string,
  status: number,
): Promise<request.Response> {
  const pending = request(service.app)
    .post('/api/tasks')
    .set(await signedIn(user));
  return (key === undefined ? pending : pending.set('Idempotency-Key', key))
    .send(body)
    .expect(status);
}

describe('Idempotency-Key on POST /api/tasks', () => {
  test('a retry with the same key and body gets the first answer and creates nothing', async () => {
    const user = `u-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const body = newTask({ title: 'Once only' });
    const first = await create(key, body, user, 201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    await request(service.app)
      .patch(first.headers.location!)
      .set(await signedIn(user))
      .send({ done: true })
      .expect(200);

    const again = await create(key, body, user, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body, 'the first answer, not the task as it is now');
    assert.equal(again.headers.location, first.headers.location);
    assert.equal(again.headers.etag, first.headers.etag);
    // The quoted form of the IETF draft names the same key.
    const quoted = await create(`"${key}"`, body, user, 201);
    assert.equal(quoted.body.taskId, first.body.taskId);
    assert.equal((await storedTasks(user)).length, 1);
  });

  test('the same key with another body: 422 naming Idempotency-Key, nothing written', async () => {
    const user = `u-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    await create(key, newTask({ title: 'First' }), user, 201);
    const refused = await create(key, newTask({ title: 'Second' }), user, 422);
    assert.deepEqual(
      refused.body.details.map((detail: { field: string }) => detail.field),
      ['Idempotency-Key'],
    );
    assert.equal((await storedTasks(user)).length, 1);
  });

  test('keys belong to their user: the same key from another user is a new task', async () => {
    const key = randomUUID();
    const alices = await create(key, newTask(), ALICE, 201);
    const bobs = await create(key, newTask({ title: 'Bob’s' }), BOB, 201);
    assert.notEqual(alices.body.taskId, bobs.body.taskId);
    assert.equal(bobs.headers['idempotent-replayed'], undefined);
  });

  test('a malformed key: 400 naming Idempotency-Key; a rejected body does not use the key up', async () => {
    const user = `u-${randomUUID().slice(0, 8)}`;
    for (const key of ['', ' ', 'has space', 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const response = await create(key, newTask(), user, 400);
      assert.deepEqual(
        response.body.details.map((detail: { field: string }) => detail.field),
        ['Idempotency-Key'],
        JSON.stringify(key),
      );
    }
    const key = randomUUID();
    await create(key, newTask({ title: '' }), user, 400);
    await create(key, newTask({ title: 'Now valid' }), user, 201);
    assert.equal((await storedTasks(user)).length, 1);
  });

  test('after a 503 whose write did happen, the retry with the key answers 201 and creates nothing', async () => {
    const user = `u-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const body = newTask({ title: 'Survives a 503' });
    // Both attempts the SDK makes (DYNAMODB_MAX_ATTEMPTS=2 in tests) lose their answer.
    const lostBefore = proxy.lost.length;
    proxy.loseNextResponse('PutItem', service.tables.config.tasksTable);
    proxy.loseNextResponse('PutItem', service.tables.config.tasksTable);
    const failed = await create(key, body, user, 503);
    assert.equal(failed.status, 503, JSON.stringify(failed.body));
    assert.equal(proxy.lost.length - lostBefore, 2);
    assert.equal((await storedTasks(user)).length, 1, 'DynamoDB stored it all the same');

    const retry = await create(key, body, user, 201);
    assert.equal(retry.body.title, 'Survives a 503');
    assert.equal(retry.body.taskId, (await storedTasks(user))[0]!.taskId);
    assert.equal((await storedTasks(user)).length, 1, 'the retry created no duplicate');
  });
});
