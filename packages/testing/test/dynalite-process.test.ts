import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createTestTables, startDynaliteProcess } from '../src/index.ts';

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('startDynaliteProcess serves DynamoDB from another process, and stop() ends that process', async () => {
  const dynamo = await startDynaliteProcess();
  assert.notEqual(dynamo.pid, process.pid);
  const { clients, config } = await createTestTables(dynamo.endpoint);
  try {
    const Key = { userId: 'u', taskId: 't' };
    await clients.doc.send(
      new PutCommand({ TableName: config.tasksTable, Item: { ...Key, title: 'x' } }),
    );
    const { Item } = await clients.doc.send(new GetCommand({ TableName: config.tasksTable, Key }));
    assert.equal(Item?.title, 'x');
  } finally {
    clients.client.destroy();
    await dynamo.stop();
  }
  assert.equal(isRunning(dynamo.pid), false);
  // Stopping twice is harmless, as a finally block may do.
  await dynamo.stop();
});
