import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forFile, spawnChild } from '../src/index.ts';

const events: string[] = [];
let readTooEarly: unknown;

describe('a suite that shares two servers', () => {
  const shared = forFile(
    async (stopLater) => {
      events.push('start a');
      stopLater(async () => void events.push('stop a'));
      events.push('start b');
      stopLater(async () => void events.push('stop b'));
      return { port: 1234, name: () => 'server' };
    },
    async () => void events.push(`prepare ${shared.port}`),
  );
  try {
    void shared.port;
  } catch (error) {
    readTooEarly = error;
  }

  test('reads each field from what start made, after prepare', () => {
    assert.equal(shared.port, 1234);
    assert.equal(shared.name(), 'server');
    assert.deepEqual(events, ['start a', 'start b', 'prepare 1234']);
  });
});

test('stops them after the suite, last first; a read before start is an error that says so', () => {
  assert.deepEqual(events.slice(3), ['stop b', 'stop a']);
  assert.match(String(readTooEarly), /before its before\(\) hook has run/);
});

// The timeout only ends a child kept alive by a server left listening: it measures nothing.
test(
  'what a start that failed halfway had started is stopped, so the file ends',
  { timeout: 120_000 },
  async (t) => {
    const child = spawnChild({
      name: 'a test file whose set-up fails',
      command: process.execPath,
      args: ['--test', new URL('fixtures/start-fails-halfway.ts', import.meta.url).pathname],
      env: {},
      keepOutput: true,
      // node --test runs the file in a process of its own: kill() must reach that one too.
      group: true,
    });
    t.signal.addEventListener('abort', () => void child.kill());
    const { code } = await child.finished;
    const output = child.output().join('\n');
    assert.equal(code, 1, output);
    assert.match(output, /stopped the server/);
    assert.match(output, /the second server would not start/);
  },
);
