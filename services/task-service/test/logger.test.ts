import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';

const fixture = fileURLToPath(new URL('./fixtures/log-then-exit.ts', import.meta.url));

test('log lines written just before exit are all there, in order', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=development', fixture],
    { env: { ...process.env, UV_THREADPOOL_SIZE: '1' } },
  );
  const messages = stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
  assert.deepEqual(messages, ['first', 'last']);
});
