import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DYNAMO_ENV_VARS } from '@task-manager/task-store';
import { ConfigError, loadConfig, TASK_SERVICE_ENV_VARS } from '../src/config.ts';

test('defaults apply when nothing is set', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, undefined);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.shutdownTimeoutMs, 10_000);
  assert.equal(config.readinessIntervalMs, 5000);
  assert.deepEqual([...config.adminUsers], []);
  assert.equal(config.dynamo.tasksTable, 'tasks');
  assert.equal(config.dynamo.reportsTable, 'task-reports');
  assert.equal(config.dynamo.timeoutMs, 2000);
  assert.equal(config.dynamo.maxAttempts, 3);
  assert.equal(config.dynamo.endpoint, undefined);
});

test('every variable is read', () => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'DEBUG',
    SHUTDOWN_TIMEOUT_MS: '25000',
    READINESS_INTERVAL_MS: '1000',
    ADMIN_USERS: ' admin , ops@example.com,,',
    AWS_REGION: 'ap-northeast-1',
    DYNAMODB_ENDPOINT: 'http://localstack:4566',
    TASKS_TABLE: 'my-tasks',
    REPORTS_TABLE: 'my-reports',
    IDEMPOTENCY_TABLE: 'my-keys',
    DYNAMODB_TIMEOUT_MS: '800',
    DYNAMODB_MAX_ATTEMPTS: '5',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.shutdownTimeoutMs, 25_000);
  assert.equal(config.readinessIntervalMs, 1000);
  assert.deepEqual([...config.adminUsers], ['admin', 'ops@example.com']);
  assert.deepEqual(config.dynamo, {
    region: 'ap-northeast-1',
    endpoint: 'http://localstack:4566',
    tasksTable: 'my-tasks',
    reportsTable: 'my-reports',
    idempotencyTable: 'my-keys',
    timeoutMs: 800,
    maxAttempts: 5,
  });
});

test('TASK_SERVICE_ENV_VARS lists the shared DynamoDB variables and the service ones', () => {
  for (const name of DYNAMO_ENV_VARS) assert.ok(TASK_SERVICE_ENV_VARS.includes(name));
  for (const name of [
    'PORT',
    'LOG_LEVEL',
    'SHUTDOWN_TIMEOUT_MS',
    'READINESS_INTERVAL_MS',
    'ADMIN_USERS',
  ]) {
    assert.ok((TASK_SERVICE_ENV_VARS as readonly string[]).includes(name), name);
  }
});

test('bad values are all reported in one ConfigError', () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: '70000',
        LOG_LEVEL: 'verbose',
        SHUTDOWN_TIMEOUT_MS: '10s',
        READINESS_INTERVAL_MS: '0',
        ADMIN_USERS: 'ok,not ok',
        DYNAMODB_ENDPOINT: 'localhost:8000',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^invalid configuration: /);
      for (const name of [
        'PORT',
        'LOG_LEVEL',
        'SHUTDOWN_TIMEOUT_MS',
        'READINESS_INTERVAL_MS',
        'ADMIN_USERS',
        'DYNAMODB_ENDPOINT',
      ]) {
        assert.match(error.message, new RegExp(`${name} must`), name);
      }
      return true;
    },
  );
});
