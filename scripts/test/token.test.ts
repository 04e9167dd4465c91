/**
 * `npm run token`'s command line, without a provider: what it prints for help and for a user
 * name it cannot ask for. (Getting a token is tested with the provider, in
 * services/identity-provider/test/provider.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { USER_ID_MAX_LENGTH, USER_ID_RULE } from '@task-manager/contract';

const TOKEN_SCRIPT = new URL('../token.ts', import.meta.url).pathname;

function token(...args: string[]) {
  return spawnSync(process.execPath, ['--conditions=development', TOKEN_SCRIPT, ...args], {
    encoding: 'utf8',
    // Nothing listens there: a run that got past its arguments would fail to connect (exit 1).
    env: { PATH: process.env.PATH ?? '', IDP_PORT: '1' },
  });
}

test('--help and -h print the usage, with the whole user-id rule, on stdout: exit 0', () => {
  for (const flag of ['--help', '-h']) {
    const run = token(flag);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^usage: npm run token -- <user>/);
    assert.ok(run.stdout.includes(USER_ID_RULE), run.stdout);
    assert.equal(run.stderr, '');
  }
});

test('no provider at the address: the reason on stderr, exit 1', () => {
  const run = token('alice');
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /^token: could not sign in at http:\/\/localhost:1 /);
  assert.equal(run.stdout, '');
});

test('no user, two users or a name the rule refuses: the usage on stderr, exit 2', () => {
  for (const args of [[], ['alice', 'bob'], ['.alice'], ['a'.repeat(USER_ID_MAX_LENGTH + 1)]]) {
    const run = token(...args);
    assert.equal(run.status, 2, args.join(' '));
    assert.ok(run.stderr.includes(USER_ID_RULE), run.stderr);
    assert.equal(run.stdout, '');
  }
});
