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

test('startDynaliteProcess serves DynamoDB from another process, through an outage, and close() ends it', async () => {
  const dynamo = await startDynaliteProcess();
  assert.notEqual(dynamo.pid, process.pid);
  const { clients, config } = await createTestTables(dynamo.endpoint);
  const Key = { userId: 'u', taskId: 't' };
  const read = () => clients.doc.send(new GetCommand({ TableName: config.tasksTable, Key }));
  try {
    await clients.doc.send(
      new PutCommand({ TableName: config.tasksTable, Item: { ...Key, title: 'x' } }),
    );
    assert.equal((await read()).Item?.title, 'x');

    await dynamo.stop();
    assert.equal(dynamo.running, false);
    await assert.rejects(read());
    await dynamo.start();
    assert.equal(dynamo.running, true);
    assert.equal((await read()).Item?.title, 'x', 'the data outlives the outage');
  } finally {
    clients.client.destroy();
    await dynamo.close();
  }
  assert.equal(isRunning(dynamo.pid), false);
  // Closing twice is harmless, as a finally block may do.
  await dynamo.close();
});
