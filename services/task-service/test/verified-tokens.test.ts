/**
 * Verified access tokens are remembered only while they would still pass: never at or after
 * their exp, never for longer than MAX_AGE_SECONDS, never when the clock went back, never when
 * refused; and the memory is bounded. Through the app: a token that passed once is refused once
 * it has expired, with the clock the service itself reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import {
  signedByProvider,
  startDynalite,
  validClaims,
  type DynaliteServer,
  type TestIdentity,
} from '@task-manager/testing';
import { pino } from 'pino';
import { bearerVerifier } from '../src/auth/bearer.ts';
import type { Identity } from '../src/auth/identity.ts';
import { providerClient } from '../src/auth/provider-client.ts';
import { MAX_AGE_SECONDS, VerifiedTokens } from '../src/auth/verified-tokens.ts';
import { loadConfig } from '../src/config.ts';
import { createTestService, testIdentity } from './support/test-service.ts';

const alice: Identity = { userId: 'alice', name: 'Alice', groups: [] };
const bob: Identity = { userId: 'bob', name: 'Bob', groups: ['task-admins'] };

describe('VerifiedTokens', () => {
  test('a token counts from when it was verified until its exp, exclusive', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('t', alice, 1000, 1100);
    assert.equal(tokens.get('t', 999), undefined, 'before it was verified: check it again');
    tokens.remember('t', alice, 1000, 1100);
    assert.deepEqual(tokens.get('t', 1000), alice);
    assert.deepEqual(tokens.get('t', 1099), alice);
    assert.equal(tokens.get('t', 1100), undefined, 'at exp');
    assert.equal(tokens.size, 0, 'an entry that no longer counts is dropped');
  });

  test(`at most ${MAX_AGE_SECONDS} s, however long the token lives`, () => {
    const tokens = new VerifiedTokens();
    tokens.remember('long', alice, 1000, 1000 + 86_400);
    assert.deepEqual(tokens.get('long', 1000 + MAX_AGE_SECONDS - 1), alice);
    assert.equal(tokens.get('long', 1000 + MAX_AGE_SECONDS), undefined);
  });

  test('an expired token is not remembered at all; an unknown one is not known', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('expired', alice, 1000, 1000);
    assert.equal(tokens.size, 0);
    assert.equal(tokens.get('other', 1000), undefined);
  });

  test('bounded: the oldest entry makes room, and tokens never mix up their identities', () => {
    const tokens = new VerifiedTokens(2);
    tokens.remember('a', alice, 1000, 2000);
    tokens.remember('b', bob, 1000, 2000);
    tokens.remember('c', alice, 1000, 2000);
    assert.equal(tokens.size, 2);
    assert.equal(tokens.get('a', 1001), undefined, 'the oldest went');
    assert.deepEqual(tokens.get('b', 1001), bob);
    assert.deepEqual(tokens.get('c', 1001), alice);
  });
});

describe('Bearer tokens through the app', () => {
  let dynamo: DynaliteServer;
  let identity: TestIdentity;
  before(async () => {
    dynamo = await startDynalite();
    identity = await testIdentity();
  });
  after(() => dynamo.stop());

  test('the verifier answers a token it verified from memory, and a refused one never', async () => {
    const auth = loadConfig({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', ...identity.env }).auth;
    const logger = pino({ level: 'silent' });
    const verifier = bearerVerifier(auth, providerClient(auth, logger), logger);
    const now = Math.floor(Date.now() / 1000);
    const token = await signedByProvider(identity, validClaims(identity, 'gina'));
    const first = await verifier.verify(token, now);
    const second = await verifier.verify(token, now + 1);
    assert.ok('identity' in first && 'identity' in second);
    assert.equal(second.identity, first.identity, 'the same object: not verified again');
    const expired = await signedByProvider(
      identity,
      validClaims(identity, 'gina', { iat: now - 600, exp: now - 60 }),
    );
    for (let attempt = 0; attempt < 2; attempt += 1) {
      assert.deepEqual(await verifier.verify(expired, now), { problem: 'the token has expired' });
    }
  });

  test('a token that passed is refused once it has expired, and a bad one stays refused', async () => {
    let clock = Math.floor(Date.now() / 1000);
    const service = await createTestService(dynamo, { now: () => clock });
    const issuedAt = clock;
    const token = await signedByProvider(
      identity,
      validClaims(identity, 'frank', { iat: issuedAt, exp: issuedAt + 120 }),
    );
    const me = () => request(service.app).get('/api/me').set('Authorization', `Bearer ${token}`);
    assert.equal((await me().expect(200)).body.userId, 'frank');
    clock = issuedAt + 60;
    assert.equal((await me().expect(200)).body.userId, 'frank', 'remembered, still valid');
    // Past exp and the clock tolerance: checked again, and refused.
    clock = issuedAt + 120 + 31;
    const expired = await me().expect(401);
    assert.equal(expired.body.details[0].message, 'the token has expired');

    const wrongAudience = await signedByProvider(
      identity,
      validClaims(identity, 'frank', { aud: 'https://elsewhere.example/api' }),
    );
    clock = Math.floor(Date.now() / 1000);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await request(service.app)
        .get('/api/me')
        .set('Authorization', `Bearer ${wrongAudience}`)
        .expect(401);
    }
  });
});
