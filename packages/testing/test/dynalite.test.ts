import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createTestTables, startDynalite, startDynaliteProcess } from '../src/index.ts';

test('stop() under load drops the connections without crashing, start() serves the same data', async () => {
  const dynamo = await startDynalite();
  const { clients, config } = await createTestTables(dynamo.endpoint);
  try {
    const put = (index: number) =>
      clients.doc.send(
        new PutCommand({
          TableName: config.tasksTable,
          Item: { userId: 'u', taskId: `t${index}`, title: 'x', startKey: `k${index}` },
        }),
      );
    // Writes in flight while the server stops: before the fix, dynalite closed its store
    // under them and threw "Database is closed" from a callback, killing this process.
    let firstAcknowledged!: () => void;
    const acknowledgedOne = new Promise<void>((resolve) => (firstAcknowledged = resolve));
    const writes = Promise.allSettled(
      Array.from({ length: 300 }, (_, index) =>
        put(index).then(() => {
          firstAcknowledged();
          return index;
        }),
      ),
    );
    await acknowledgedOne;
    await dynamo.stop();
    assert.equal(dynamo.running, false);
    await assert.rejects(put(1000));
    const settled = await writes;

    await dynamo.start();
    const acknowledged = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    assert.ok(acknowledged.length < 300, 'the stop came while writes were in flight');
    for (const index of acknowledged) {
      const { Item } = await clients.doc.send(
        new GetCommand({ TableName: config.tasksTable, Key: { userId: 'u', taskId: `t${index}` } }),
      );
      assert.ok(Item, `acknowledged write t${index} is there after the restart`);
    }
  } finally {
    clients.client.destroy();
    await dynamo.stop();
  }
});

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
  assert.throws(() => process.kill(dynamo.pid, 0), { code: 'ESRCH' }, 'the process is gone');
  // Closing twice is harmless, as a finally block may do.
  await dynamo.close();
});
