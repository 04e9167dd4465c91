/**
 * Who a set of claims names: the rules are the same for an access token and for the ID token of a
 * browser sign-in, so they are checked once here, on the claims themselves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isUserId, USER_ID_MAX_LENGTH } from '@task-manager/contract';
import { identityFromClaims, isAdmin, NAME_MAX } from '../src/auth/identity.ts';

const nameOf = (claims: Record<string, unknown>) => {
  const result = identityFromClaims({ sub: 'alice', ...claims });
  assert.ok('identity' in result, JSON.stringify(result));
  return result.identity.name;
};

test('the subject must be a user id this service supports, or no identity at all', () => {
  const refused = [undefined, 42, '', ' alice', 'alice ', '../admin', 'a/b', 'x'.repeat(65)];
  for (const sub of refused) {
    assert.deepEqual(
      identityFromClaims({ sub, name: 'Mallory', groups: ['task-admins'] }),
      { problem: 'the token has no subject this service supports' },
      String(sub),
    );
  }
  for (const sub of ['alice', 'ops@example.com', 'x'.repeat(USER_ID_MAX_LENGTH)]) {
    assert.ok('identity' in identityFromClaims({ sub }), sub);
  }
  // The same rule as the API's own user ids, whatever the subject.
  fc.assert(
    fc.property(fc.string({ maxLength: 70 }), (sub) => {
      assert.equal('identity' in identityFromClaims({ sub }), isUserId(sub));
    }),
  );
});

test('the name: name, else preferred_username, else email, else username, else the subject', () => {
  const all = { name: 'N', preferred_username: 'P', email: 'e@x', username: 'u' };
  assert.equal(nameOf(all), 'N');
  assert.equal(nameOf({ ...all, name: undefined }), 'P');
  assert.equal(nameOf({ email: 'e@x', username: 'u' }), 'e@x');
  assert.equal(nameOf({ username: 'u' }), 'u');
  assert.equal(nameOf({}), 'alice');
  // A claim with no text in it, or that is not text, gives way to the next.
  assert.equal(nameOf({ name: ' \t\u0007 ', preferred_username: 42, email: 'e@x' }), 'e@x');
});

test('a name is text on a page: control characters become spaces, trimmed, at most NAME_MAX', () => {
  assert.equal(nameOf({ name: '  Bob\u0007\u001b[31m Smith\n ' }), 'Bob  [31m Smith');
  // Counted in characters, so a name is never cut inside one (a surrogate pair here).
  assert.equal(nameOf({ name: '😀'.repeat(NAME_MAX + 5) }), '😀'.repeat(NAME_MAX));
  assert.equal(nameOf({ name: `${'界'.repeat(NAME_MAX)}!` }), '界'.repeat(NAME_MAX));
});

test('groups come from the configured claim only, strings only; admins by group or ADMIN_USERS', () => {
  const claims = { sub: 'carol', groups: ['a', 7, 'task-admins'], 'cognito:groups': ['ops'] };
  const groupsOf = (claim?: string) => {
    const result = identityFromClaims(claims, claim);
    assert.ok('identity' in result);
    return result.identity;
  };
  assert.deepEqual(groupsOf().groups, ['a', 'task-admins']);
  assert.deepEqual(groupsOf('cognito:groups').groups, ['ops']);
  assert.deepEqual(groupsOf('roles').groups, []);

  const rule = (adminUsers: string[]) => ({
    adminGroup: 'task-admins',
    adminUsers: new Set(adminUsers),
  });
  assert.equal(isAdmin(groupsOf(), rule([])), true);
  assert.equal(isAdmin(groupsOf('cognito:groups'), rule([])), false);
  assert.equal(isAdmin(groupsOf('cognito:groups'), rule(['carol'])), true);
  assert.equal(isAdmin(groupsOf('cognito:groups'), rule(['alice'])), false);
});
