import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forFile } from '../src/index.ts';

const events: string[] = [];
let readTooEarly: unknown;

describe('a suite that shares a server', () => {
  const shared = forFile(
    async () => {
      events.push('start');
      return { port: 1234, name: () => 'server' };
    },
    async (started) => {
      events.push(`stop ${started.port}`);
    },
    async () => {
      events.push(`prepare ${shared.port}`);
    },
  );
  try {
    void shared.port;
  } catch (error) {
    readTooEarly = error;
  }

  test('reads each field from what start made, after prepare', () => {
    assert.equal(shared.port, 1234);
    assert.equal(shared.name(), 'server');
    assert.deepEqual(events, ['start', 'prepare 1234']);
  });
});

test('stops it after the suite; a read before start is an error that says so', () => {
  assert.deepEqual(events, ['start', 'prepare 1234', 'stop 1234']);
  assert.match(String(readTooEarly), /before its before\(\) hook has run/);
});
