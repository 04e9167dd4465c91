/**
 * What went wrong with a DynamoDB call (one classification for task-service's 503, create-tables'
 * waiting and the report job's messages), on errors from real SDK calls where possible.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DescribeTableCommand,
  DynamoDBServiceException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { dynaliteForFile } from '@task-manager/testing';
import { createDynamoClients, loadDynamoConfig } from '../src/index.ts';
import {
  classifyDynamoError,
  isDynamoUnavailable,
  isTransientDynamoError,
} from '../src/dynamo-errors.ts';

const dynamo = dynaliteForFile();

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

/** A transport failure as the SDK reports it: the Node.js error code, and the attempts made. */
function withCode(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code, $metadata: { attempts: 3 } });
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

describe('isDynamoUnavailable (task-service answers 503)', () => {
  const withProps = (name: string, props: Record<string, unknown>) =>
    Object.assign(new Error(name), { name, ...props });

  test('outages, timeouts, throttling and missing tables are unavailability', () => {
    assert.ok(isDynamoUnavailable(withProps('TimeoutError', {})));
    assert.ok(isDynamoUnavailable(withProps('Error', { code: 'ECONNREFUSED' })));
    assert.ok(
      isDynamoUnavailable(
        withProps('ProvisionedThroughputExceededException', { $metadata: { httpStatusCode: 400 } }),
      ),
    );
    assert.ok(isDynamoUnavailable(withProps('ResourceNotFoundException', { $metadata: {} })));
    assert.ok(isDynamoUnavailable(withProps('InternalServerError', { $metadata: {} })));
  });

  test('our own bugs and non-SDK errors are not', () => {
    assert.ok(!isDynamoUnavailable(withProps('ValidationException', { $metadata: {} })));
    assert.ok(!isDynamoUnavailable(new TypeError('x is undefined')));
    assert.ok(!isDynamoUnavailable('a string'));
  });
});

test('each kind of failure is named, from real SDK errors where one can be provoked', async () => {
  assert.equal(classifyDynamoError(await failureOf(dynamo.endpoint)), 'missing-table');
  await dynamo.stop();
  try {
    assert.equal(classifyDynamoError(await failureOf(dynamo.endpoint)), 'unreachable');
  } finally {
    await dynamo.start();
  }
  assert.equal(classifyDynamoError(withCode('ECONNRESET')), 'dropped');
  assert.equal(classifyDynamoError(withCode('ETIMEDOUT')), 'timeout');
  assert.equal(
    classifyDynamoError(Object.assign(new Error('t'), { name: 'TimeoutError' })),
    'timeout',
  );
  assert.equal(classifyDynamoError(serviceError('ThrottlingException', 400)), 'throttled');
  assert.equal(classifyDynamoError(serviceError('InternalServerError', 500)), 'server-error');
  assert.equal(classifyDynamoError(serviceError('AccessDeniedException', 400)), 'refused');
  assert.equal(classifyDynamoError(serviceError('ValidationException', 400)), 'caller-bug');
  assert.equal(classifyDynamoError(new TypeError('x is undefined')), undefined);
});

test('the network error code decides, wherever the SDK left it', () => {
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']) {
    assert.equal(classifyDynamoError(withCode(code)), 'unreachable', code);
  }
  for (const code of ['ECONNRESET', 'EPIPE', 'ECONNABORTED']) {
    assert.equal(classifyDynamoError(withCode(code)), 'dropped', code);
  }
  // A pooled connection reset comes out as a TimeoutError without a code; its message names it.
  const reset = Object.assign(new Error('socket hang up (read ECONNRESET)'), {
    name: 'TimeoutError',
    $metadata: { attempts: 3 },
  });
  assert.equal(classifyDynamoError(reset), 'dropped');
});
