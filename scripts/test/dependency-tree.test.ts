/**
 * The installed tree is one npm itself accepts: every package satisfies the version ranges and
 * peer ranges that ask for it. A conflict still installs, but every `npm ci` then prints pages of
 * ERESOLVE warnings, and a package may run against a version it was never built for.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('every installed package satisfies the ranges and peers that ask for it (npm ls --all)', () => {
  const ls = spawnSync('npm', ['ls', '--all', '--json'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const { problems = [] } = JSON.parse(ls.stdout) as { problems?: string[] };
  assert.deepEqual(problems, []);
  assert.equal(ls.status, 0, ls.stderr);
});
