import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClients, loadDynamoConfig, SDK_LOGGER_MIDDLEWARE } from '../src/index.ts';

test(
  'a DynamoDB endpoint that accepts connections but never answers fails with a timeout',
  {
    timeout: 15_000,
  },
  async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    const config = loadDynamoConfig({
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
      DYNAMODB_TIMEOUT_MS: '200',
      DYNAMODB_MAX_ATTEMPTS: '2',
    });
    const { client } = createDynamoClients(config);
    try {
      await assert.rejects(client.send(new DescribeTableCommand({ TableName: 'tasks' })), {
        name: 'TimeoutError',
      });
      assert.ok(sockets.size >= 2, 'the timed-out attempt was retried');
    } finally {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  },
);

test("the clients leave out the SDK's logger middleware, which the SDK still adds by default", () => {
  const config = loadDynamoConfig({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' });
  const { client, doc } = createDynamoClients(config);
  const plain = new DynamoDBClient({ region: 'us-east-1' });
  try {
    const names = (stack: { identify(): string[] }) => stack.identify().join(' ');
    // Were it renamed, removing it would silently do nothing: this catches that.
    assert.match(names(plain.middlewareStack), new RegExp(`\\b${SDK_LOGGER_MIDDLEWARE}\\b`));
    assert.doesNotMatch(
      names(client.middlewareStack),
      new RegExp(`\\b${SDK_LOGGER_MIDDLEWARE}\\b`),
    );
    assert.doesNotMatch(names(doc.middlewareStack), new RegExp(`\\b${SDK_LOGGER_MIDDLEWARE}\\b`));
  } finally {
    client.destroy();
    plain.destroy();
  }
});
