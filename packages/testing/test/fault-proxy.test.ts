import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClients } from '@task-manager/task-store';
import { createTestTables, startDownServer, startDynalite, startFaultProxy } from '../src/index.ts';
import { eventually } from '../src/eventually.ts';

/** dynalite behind a proxy, and a client that reaches it through the proxy, never retrying. */
async function dynamoBehindProxy(t: TestContext) {
  const dynamo = await startDynalite();
  const proxy = await startFaultProxy(dynamo.endpoint);
  t.after(async () => {
    await proxy.close();
    await dynamo.stop();
  });
  const { config } = await createTestTables(dynamo.endpoint);
  const { client } = createDynamoClients({ ...config, endpoint: proxy.endpoint, maxAttempts: 1 });
  const describeTable = () => new DescribeTableCommand({ TableName: config.tasksTable });
  return { proxy, client, describeTable };
}

test('a stalled call is held while its client waits, and no longer once the client hangs up', async (t) => {
  const { proxy, client, describeTable } = await dynamoBehindProxy(t);
  proxy.stall = true;
  const abort = new AbortController();
  const call = client
    .send(describeTable(), { abortSignal: abort.signal })
    .catch((error: Error) => error.name);
  await eventually(() => assert.deepEqual(proxy.heldCalls, ['DescribeTable']));
  // Before the fix the entry stayed forever, so a later test waiting for a call of the
  // same kind to be held went ahead before its own call had even been sent.
  abort.abort();
  client.destroy();
  assert.equal(await call, 'AbortError');
  await eventually(() => assert.deepEqual(proxy.heldCalls, []));
});

test('a stall holds each chunk until it ends, then forwards them all, in order', async () => {
  let received = '';
  const server = createServer((socket) => socket.on('data', (chunk) => (received += chunk)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const proxy = await startFaultProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const client = connect(Number(new URL(proxy.endpoint).port), '127.0.0.1');
  try {
    await once(client, 'connect');
    proxy.stall = true;
    const head = 'POST / HTTP/1.1\r\nX-Amz-Target: DynamoDB_20120810.Query\r\n\r\n';
    client.write(head);
    await eventually(() => assert.deepEqual(proxy.heldCalls, ['Query']));
    // Written once the head is held, so the two arrive as two chunks, not one.
    client.write('{"TableName":"tasks"}');
    await eventually(() => assert.deepEqual(proxy.heldCalls, ['Query', 'body']));
    assert.equal(received, '', 'nothing gets through during the stall');

    proxy.stall = false;
    assert.deepEqual(proxy.heldCalls, []);
    await eventually(() => assert.equal(received, `${head}{"TableName":"tasks"}`));
  } finally {
    client.destroy();
    await proxy.close();
    server.close();
  }
});

test('a cut resets open connections and each new one until restore; requests are recorded', async (t) => {
  const { proxy, client, describeTable } = await dynamoBehindProxy(t);
  const describe = () =>
    client.send(describeTable()).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
  assert.equal(await describe(), 'answered');
  await fetch(`${proxy.endpoint}/some/path?x=1`);
  const open = connect(Number(new URL(proxy.endpoint).port), '127.0.0.1');
  await once(open, 'connect');
  const reset = once(open, 'error');

  proxy.cut();
  assert.equal(((await reset)[0] as NodeJS.ErrnoException).code, 'ECONNRESET');
  assert.equal(await describe(), 'ECONNRESET');
  proxy.restore();
  assert.equal(await describe(), 'answered', 'the same endpoint answers again');
  // The call made during the cut never reached the server.
  assert.deepEqual(proxy.requests, ['POST /', 'GET /some/path?x=1', 'POST /']);
});

test('a down server resets every connection, and keeps resetting them', async () => {
  const down = await startDownServer();
  try {
    const { port } = new URL(down.endpoint);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const [error] = (await once(connect(Number(port), '127.0.0.1'), 'error')) as [
        NodeJS.ErrnoException,
      ];
      assert.equal(error.code, 'ECONNRESET');
    }
  } finally {
    await down.close();
  }
});
