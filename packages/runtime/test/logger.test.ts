import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { ConfigError, createLogger, fatalLine, LOG_LEVELS, readLogLevel } from '../src/index.ts';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, stream };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test('every line names the program in service, with the level as a word and an ISO time', () => {
  const { lines, stream } = capture();
  const logger = createLogger('task-reporter', 'info', stream);
  logger.info({ count: 3 }, 'report published');
  logger.debug('below the level: not written');
  logger.child({ requestId: 'r1' }).warn('slow');
  assert.equal(lines.length, 2);
  const [first, second] = lines as [Record<string, unknown>, Record<string, unknown>];
  assert.deepEqual(Object.keys(first).sort(), ['count', 'level', 'msg', 'service', 'time']);
  assert.equal(first.service, 'task-reporter');
  assert.equal(first.level, 'info');
  assert.match(String(first.time), ISO);
  assert.deepEqual(
    [second.service, second.level, second.requestId],
    ['task-reporter', 'warn', 'r1'],
  );
});

test('the fatal line written before a logger exists has the same shape', () => {
  const line = JSON.parse(fatalLine('task-service', 'PORT must be an integer')) as Record<
    string,
    unknown
  >;
  assert.deepEqual(Object.keys(line).sort(), ['level', 'msg', 'service', 'time']);
  assert.deepEqual(
    [line.level, line.service, line.msg],
    ['fatal', 'task-service', 'PORT must be an integer'],
  );
  assert.match(String(line.time), ISO);
  assert.ok(fatalLine('x', 'y').endsWith('}\n'), 'one whole line');
});

test('LOG_LEVEL: info when unset, any case accepted, anything else refused by name', () => {
  assert.equal(readLogLevel({}), 'info');
  assert.equal(readLogLevel({ LOG_LEVEL: '  ' }), 'info');
  assert.equal(readLogLevel({ LOG_LEVEL: 'DEBUG' }), 'debug');
  for (const level of LOG_LEVELS) assert.equal(readLogLevel({ LOG_LEVEL: level }), level);
  for (const bad of ['verbose', 'warning', '30', 'info,debug']) {
    assert.throws(
      () => readLogLevel({ LOG_LEVEL: bad }),
      (error: Error) =>
        error instanceof ConfigError && error.message.startsWith('LOG_LEVEL must be one of'),
      bad,
    );
  }
});
