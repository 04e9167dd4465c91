import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUserId, USER_ID_MAX_LENGTH, USER_ID_RULE } from '../src/index.ts';

test('a user id: letters, digits and . _ @ -, starting with a letter or digit', () => {
  for (const id of ['alice', 'admin', 'Bob2', '7', 'bob@example.com', 'a.b_c-d', 'a@-._']) {
    assert.ok(isUserId(id), id);
  }
  for (const id of [
    '',
    '.alice',
    '_a',
    '@a',
    '-a',
    'al ice',
    'alice\n',
    'é',
    'Ａlice',
    'a/b',
    'a+b',
  ]) {
    assert.ok(!isUserId(id), JSON.stringify(id));
  }
});

test('at most USER_ID_MAX_LENGTH characters, counted from the first', () => {
  assert.ok(isUserId('a'.repeat(USER_ID_MAX_LENGTH)));
  assert.ok(!isUserId('a'.repeat(USER_ID_MAX_LENGTH + 1)));
});

test('the rule in words names the length and the first character', () => {
  assert.match(USER_ID_RULE, new RegExp(`at most ${USER_ID_MAX_LENGTH}\\b`));
  assert.match(USER_ID_RULE, /starting with a letter or digit/);
  assert.match(USER_ID_RULE, /\. _ @ -/);
});
