/**
 * DynamoDB applied a write but its response was lost on the way back (a proxy cuts the
 * connection after dynalite answered), so the SDK sent it again. The API must answer what
 * happened — the write was done once — not the conflict or absence the retry runs into.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import request from 'supertest';
import { dynaliteBehindProxyForFile } from '@task-manager/testing';
import { as, ALICE, createTask, createTestService, newTask } from './support/test-service.ts';

const servers = dynaliteBehindProxyForFile();

async function setUp() {
  const service = await createTestService(servers.dynamo, {
    dynamoEndpoint: servers.proxy.endpoint,
  });
  const stored = async (): Promise<Record<string, unknown>[]> => {
    const { Items = [] } = await service.tables.clients.doc.send(
      new QueryCommand({
        TableName: service.tables.config.tasksTable,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': ALICE },
        ConsistentRead: true,
      }),
    );
    return Items;
  };
  return { ...service, stored };
}

/** Runs `write` with the response to the next `operation` lost, and checks that it was. */
async function losingResponseTo<T>(operation: string, write: () => Promise<T>): Promise<T> {
  const before = servers.proxy.lost.length;
  servers.proxy.loseNextResponse(operation);
  const result = await write();
  assert.deepEqual(
    servers.proxy.lost.slice(before),
    [operation],
    `the ${operation} response was lost`,
  );
  return result;
}

describe('writes whose DynamoDB response was lost and retried', () => {
  test('POST answers 201 with the task, stored exactly once', async () => {
    const { app, stored } = await setUp();
    const response = await losingResponseTo('PutItem', () =>
      request(app).post('/api/tasks').set(as(ALICE)).send(newTask()),
    );
    assert.equal(response.status, 201);
    assert.equal(response.headers.etag, '"1"');
    const items = await stored();
    assert.deepEqual(
      items.map((item) => item.taskId),
      [response.body.taskId],
    );
    assert.equal('writeToken' in response.body, false);
  });

  test('PATCH with If-Match answers 200 (not 412), applied once', async () => {
    const { app, stored } = await setUp();
    const { task, etag } = await createTask(app, ALICE);
    const response = await losingResponseTo('UpdateItem', () =>
      request(app)
        .patch(`/api/tasks/${task.taskId}`)
        .set(as(ALICE))
        .set('If-Match', etag)
        .send({ done: true }),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.headers.etag, '"2"');
    assert.equal(response.body.done, true);
    assert.equal('writeToken' in response.body, false);
    const [item] = await stored();
    assert.equal(item?.version, 2);
    assert.equal(item?.done, true);
  });

  test('PATCH without If-Match is applied once, not once per attempt', async () => {
    const { app, stored } = await setUp();
    const { task } = await createTask(app, ALICE);
    const response = await losingResponseTo('UpdateItem', () =>
      request(app).patch(`/api/tasks/${task.taskId}`).set(as(ALICE)).send({ title: 'renamed' }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.etag, '"2"');
    const [item] = await stored();
    assert.equal(item?.version, 2);
    assert.equal(item?.title, 'renamed');
  });

  test('DELETE answers 204 (not 404), with and without If-Match', async () => {
    const { app, stored } = await setUp();
    const first = await createTask(app, ALICE);
    const second = await createTask(app, ALICE);
    const withIfMatch = await losingResponseTo('DeleteItem', () =>
      request(app)
        .delete(`/api/tasks/${first.task.taskId}`)
        .set(as(ALICE))
        .set('If-Match', first.etag),
    );
    assert.equal(withIfMatch.status, 204, JSON.stringify(withIfMatch.body));
    const without = await losingResponseTo('DeleteItem', () =>
      request(app).delete(`/api/tasks/${second.task.taskId}`).set(as(ALICE)),
    );
    assert.equal(without.status, 204, JSON.stringify(without.body));
    assert.deepEqual(await stored(), []);
    // A task that is already gone on the first attempt is still 404.
    await request(app).delete(`/api/tasks/${first.task.taskId}`).set(as(ALICE)).expect(404);
  });
});
