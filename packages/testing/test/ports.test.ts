import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { portFromOutput } from '../src/ports.ts';

const portIn = (line: string) =>
  /^listening on (\d+)$/.exec(line) ? Number(RegExp.$1) : undefined;

test('portFromOutput reads the port from the line that names it, and lets the rest flow', async () => {
  const output = new PassThrough();
  const port = portFromOutput(output, portIn);
  output.write('starting\nlistening on 41234\n');
  assert.equal(await port, 41234);
  // Nobody reads the rest, yet it flows (and is dropped): a child writing more never blocks.
  assert.equal(output.isPaused(), false);
  assert.equal(output.write('x'.repeat(1 << 20)), true);
});

test('portFromOutput rejects when the output ends before naming a port', async () => {
  const output = new PassThrough();
  const port = portFromOutput(output, portIn);
  output.end('starting\nfailed\n');
  await assert.rejects(port, /ended before it named a listening port/);
});
