import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitSignal, spawnChild } from '../src/child-processes.ts';

/** A program that writes on both streams, the last line right before it exits 3. */
const SCRIPT = `
  console.log('one'); console.error('oops'); console.log('two');
  process.stdout.write('last\\n', () => process.exit(3));
`;

const writer = (keepOutput: boolean) =>
  spawnChild({
    name: 'writer',
    command: process.execPath,
    args: ['-e', SCRIPT],
    env: {},
    keepOutput,
  });

test('keeps every line of each stream in order, all read once finished; the exit aborts its signal', async () => {
  const child = writer(true);
  const signal = exitSignal(child, ({ code }) => new Error(`exited ${code}`));
  assert.deepEqual(await child.finished, { code: 3, signal: null });
  assert.deepEqual(child.output('stdout'), ['one', 'two', 'last']);
  assert.deepEqual(child.output('stderr'), ['oops']);
  assert.equal(child.output().length, 4);
  assert.equal(child.alive, false);
  assert.equal((signal.reason as Error).message, 'exited 3');
});

test('without keepOutput only the tail is kept, stderr lines marked', async () => {
  const child = writer(false);
  await child.finished;
  assert.deepEqual(child.output(), []);
  // The two streams are read apart: their lines' order between them is not fixed.
  assert.deepEqual(child.tail().sort(), ['[stderr] oops', 'last', 'one', 'two']);
});
