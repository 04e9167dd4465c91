import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DYNAMO_ENV_VARS } from '@task-manager/task-store';
import { loadConfig, REPORTER_ENV_VARS } from '../src/config.ts';

test('defaults: Asia/Tokyo, progress every 1000, info logs, the shared DynamoDB settings', () => {
  const config = loadConfig({});
  assert.equal(config.timeZone, 'Asia/Tokyo');
  assert.equal(config.progressEvery, 1000);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.dynamo.tasksTable, 'tasks');
  assert.equal(config.dynamo.reportsTable, 'task-reports');
  assert.equal(config.dynamo.endpoint, undefined);
});

test('reads every variable it lists, the shared DynamoDB ones included', () => {
  assert.deepEqual(REPORTER_ENV_VARS.slice(0, DYNAMO_ENV_VARS.length), [...DYNAMO_ENV_VARS]);
  const config = loadConfig({
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    TASKS_TABLE: 'my-tasks',
    REPORTS_TABLE: 'my-reports',
    LOG_LEVEL: 'debug',
    REPORT_TIMEZONE: 'america/new_york',
    REPORT_PROGRESS_EVERY: '250',
  });
  assert.equal(config.dynamo.endpoint, 'http://127.0.0.1:8000');
  assert.equal(config.dynamo.tasksTable, 'my-tasks');
  assert.equal(config.dynamo.reportsTable, 'my-reports');
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.timeZone, 'America/New_York');
  assert.equal(config.progressEvery, 250);
});

test('rejects bad values with a message naming the variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ REPORT_TIMEZONE: 'Mars/Olympus_Mons' }, /REPORT_TIMEZONE: .*not an IANA time zone/],
    [{ REPORT_TIMEZONE: '+09:00' }, /REPORT_TIMEZONE: .*UTC offset/],
    [{ REPORT_PROGRESS_EVERY: '0' }, /REPORT_PROGRESS_EVERY must be between 1 and/],
    [{ REPORT_PROGRESS_EVERY: 'often' }, /REPORT_PROGRESS_EVERY must be an integer/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, /DYNAMODB_ENDPOINT must be an http\(s\) URL/],
    [{ TASKS_TABLE: 'a b' }, /TASKS_TABLE must be a DynamoDB table name/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: Error) => error instanceof ConfigError && message.test(error.message),
      JSON.stringify(env),
    );
  }
});

test('names every bad value in one message, not only the first', () => {
  assert.throws(
    () =>
      loadConfig({
        LOG_LEVEL: 'verbose',
        REPORT_TIMEZONE: 'Mars/Olympus_Mons',
        REPORT_PROGRESS_EVERY: '0',
        DYNAMODB_ENDPOINT: 'localhost:8000',
        OTEL_TRACES_SAMPLER: 'sometimes',
      }),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      for (const name of [
        'LOG_LEVEL',
        'REPORT_TIMEZONE',
        'REPORT_PROGRESS_EVERY',
        'DYNAMODB_ENDPOINT',
        'OTEL_TRACES_SAMPLER',
      ]) {
        assert.match(error.message, new RegExp(name), name);
      }
      return true;
    },
  );
});
