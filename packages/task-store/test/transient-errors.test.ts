/** Which DynamoDB failures are worth waiting out, on errors from real SDK calls where possible. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DescribeTableCommand,
  DynamoDBServiceException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { startDynalite, type DynaliteServer } from '@task-manager/testing';
import { createDynamoClients, loadDynamoConfig } from '../src/index.ts';
import { isTransientDynamoError } from '../src/transient-errors.ts';

let dynamo: DynaliteServer;
before(async () => {
  dynamo = await startDynalite();
});
after(() => dynamo.stop());

async function failureOf(endpoint: string): Promise<unknown> {
  const config = loadDynamoConfig({
    DYNAMODB_ENDPOINT: endpoint,
    DYNAMODB_TIMEOUT_MS: '500',
    DYNAMODB_MAX_ATTEMPTS: '1',
  });
  const { client } = createDynamoClients(config);
  try {
    await client.send(new DescribeTableCommand({ TableName: 'no-such-table' }));
    throw new Error('the call succeeded');
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
}

function serviceError(name: string, status: number): DynamoDBServiceException {
  return new DynamoDBServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

test('a refused connection (DynamoDB not listening yet) is transient', async () => {
  await dynamo.stop();
  try {
    const error = await failureOf(dynamo.endpoint);
    assert.equal((error as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(isTransientDynamoError(error), true);
  } finally {
    await dynamo.start();
  }
});

test('an answer from DynamoDB that says the request is wrong is not', async () => {
  const error = await failureOf(dynamo.endpoint);
  assert.ok(error instanceof ResourceNotFoundException);
  assert.equal(isTransientDynamoError(error), false);
  assert.equal(isTransientDynamoError(serviceError('AccessDeniedException', 400)), false);
  assert.equal(isTransientDynamoError(serviceError('UnrecognizedClientException', 400)), false);
});

test('server errors and throttling are transient', () => {
  assert.equal(isTransientDynamoError(serviceError('InternalServerError', 500)), true);
  assert.equal(isTransientDynamoError(serviceError('ServiceUnavailable', 503)), true);
  assert.equal(isTransientDynamoError(serviceError('ThrottlingException', 400)), true);
  assert.equal(isTransientDynamoError(serviceError('TooManyRequests', 429)), true);
});

test('an error that did not come from the SDK is a bug, never waited out', () => {
  assert.equal(isTransientDynamoError(new TypeError('x is undefined')), false);
  assert.equal(isTransientDynamoError('ECONNREFUSED'), false);
});
