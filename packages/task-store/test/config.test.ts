import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadCreateTablesConfig, loadDynamoConfig } from '../src/config.ts';

test('loadDynamoConfig applies defaults', () => {
  assert.deepEqual(loadDynamoConfig({}), {
    region: 'us-east-1',
    endpoint: undefined,
    tasksTable: 'tasks',
    reportsTable: 'task-reports',
    idempotencyTable: 'task-idempotency-keys',
    timeoutMs: 2000,
    maxAttempts: 3,
  });
});

test('loadDynamoConfig reads every variable', () => {
  const config = loadDynamoConfig({
    AWS_REGION: 'ap-northeast-1',
    DYNAMODB_ENDPOINT: 'http://localstack:4566',
    TASKS_TABLE: 'my-tasks',
    REPORTS_TABLE: 'my-reports',
    IDEMPOTENCY_TABLE: 'my-keys',
    DYNAMODB_TIMEOUT_MS: '750',
    DYNAMODB_MAX_ATTEMPTS: '5',
  });
  assert.equal(config.idempotencyTable, 'my-keys');
  assert.equal(config.endpoint, 'http://localstack:4566');
  assert.equal(config.timeoutMs, 750);
  assert.equal(config.maxAttempts, 5);
});

test('loadDynamoConfig names the variable at fault', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, /DYNAMODB_ENDPOINT must be an http\(s\) URL/],
    [{ DYNAMODB_TIMEOUT_MS: 'soon' }, /DYNAMODB_TIMEOUT_MS must be an integer/],
    [{ DYNAMODB_MAX_ATTEMPTS: '0' }, /DYNAMODB_MAX_ATTEMPTS must be between 1 and 10/],
    [{ TASKS_TABLE: 'a b' }, /TASKS_TABLE must be a DynamoDB table name/],
    [{ IDEMPOTENCY_TABLE: 'x' }, /IDEMPOTENCY_TABLE must be a DynamoDB table name/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadDynamoConfig(env),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

test('loadCreateTablesConfig waits 300 s by default and accepts 0 (a single attempt)', () => {
  assert.equal(loadCreateTablesConfig({}).waitSeconds, 300);
  assert.equal(loadCreateTablesConfig({ CREATE_TABLES_WAIT_SECONDS: '0' }).waitSeconds, 0);
  assert.equal(loadCreateTablesConfig({ TASKS_TABLE: 'other' }).tasksTable, 'other');
  assert.throws(
    () => loadCreateTablesConfig({ CREATE_TABLES_WAIT_SECONDS: '7200' }),
    /CREATE_TABLES_WAIT_SECONDS must be between 0 and 3600, got 7200/,
  );
});
