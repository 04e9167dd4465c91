import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClients } from '@task-manager/task-store';
import { createTestTables, startDynalite, startFaultProxy } from '../src/index.ts';
import { eventually } from '../src/eventually.ts';

test('a stalled call is held while its client waits, and no longer once the client hangs up', async () => {
  const dynamo = await startDynalite();
  const proxy = await startFaultProxy(dynamo.endpoint);
  try {
    const { config } = await createTestTables(dynamo.endpoint);
    const { client } = createDynamoClients({ ...config, endpoint: proxy.endpoint, maxAttempts: 1 });
    proxy.stall = true;
    const abort = new AbortController();
    const call = client
      .send(new DescribeTableCommand({ TableName: config.tasksTable }), {
        abortSignal: abort.signal,
      })
      .catch((error: Error) => error.name);
    await eventually(() => assert.deepEqual(proxy.heldCalls, ['DescribeTable']));
    // Before the fix the entry stayed forever, so a later test waiting for a call of the
    // same kind to be held went ahead before its own call had even been sent.
    abort.abort();
    client.destroy();
    assert.equal(await call, 'AbortError');
    await eventually(() => assert.deepEqual(proxy.heldCalls, []));
  } finally {
    await proxy.close();
    await dynamo.stop();
  }
});
