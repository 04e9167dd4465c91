/**
 * Providers whose tokens are shaped unlike the development provider's, Amazon Cognito's above
 * all: its access tokens carry no `aud` but the app client in `client_id` with
 * `token_use: access`, and its groups come in `cognito:groups`. OIDC_AUDIENCE_CLAIM=client_id and
 * OIDC_GROUPS_CLAIM=cognito:groups accept exactly those tokens; the default settings still refuse
 * them, and neither setting lets through a token the other would refuse for another reason.
 * Cognito cannot run here: its tokens are forged with the development provider's own key, in
 * Cognito's shape, which is what task-service sees of them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { JWTPayload } from 'jose';
import request from 'supertest';
import {
  cognitoAccessClaims,
  signedByProvider,
  signedLikeCognito,
  startDynalite,
  TEST_CLIENT_ID,
  validClaims,
  type DynaliteServer,
  type TestIdentity,
} from '@task-manager/testing';
import { as, createTestService, testIdentity, type TestService } from './support/test-service.ts';

/** Settings for a Cognito user pool whose app client is the test provider's client. */
const COGNITO = {
  OIDC_AUDIENCE: TEST_CLIENT_ID,
  OIDC_AUDIENCE_CLAIM: 'client_id',
  OIDC_GROUPS_CLAIM: 'cognito:groups',
};

let dynamo: DynaliteServer;
let identity: TestIdentity;
let cognito: TestService;
let standard: TestService;
const sub = randomUUID();

before(async () => {
  dynamo = await startDynalite();
  identity = await testIdentity();
  cognito = await createTestService(dynamo, { env: COGNITO });
  standard = await createTestService(dynamo);
});
after(() => dynamo?.stop());

const cognitoToken = (overrides: JWTPayload = {}) =>
  signedLikeCognito(identity, cognitoAccessClaims(identity, sub, TEST_CLIENT_ID, overrides));

function me(service: TestService, token: string) {
  return request(service.app).get('/api/me').set('Authorization', `Bearer ${token}`);
}

/** 401 naming Authorization, saying why, and repeating nothing of the token. */
async function assertRefused(service: TestService, token: string, reason: RegExp, label: string) {
  const response = await me(service, token);
  assert.equal(response.status, 401, `${label}: ${response.text}`);
  assert.equal(response.body.details[0].field, 'Authorization', label);
  assert.match(response.body.details[0].message, reason, label);
  assert.ok(!response.text.includes(token.split('.')[1]!), `${label}: the token is echoed`);
}

describe('configured for Cognito (OIDC_AUDIENCE_CLAIM=client_id, OIDC_GROUPS_CLAIM=cognito:groups)', () => {
  test('an access token for the app client is accepted; cognito:groups makes an admin', async () => {
    const plain = await me(cognito, await cognitoToken({ username: 'carol' }));
    assert.deepEqual(plain.body, { userId: sub, name: 'carol', isAdmin: false });
    const admin = await cognitoToken({ 'cognito:groups': ['task-admins', 'staff'] });
    assert.equal((await me(cognito, admin)).body.isAdmin, true);
    await request(cognito.app)
      .get('/api/reports')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const created = await request(cognito.app)
      .post('/api/tasks')
      .set('Authorization', `Bearer ${admin}`)
      .send({ title: 'From a Cognito token', startAt: '2026-11-21T09:00:00+09:00' })
      .expect(201);
    assert.ok((await cognito.tasks.get(sub, created.body.taskId)) !== undefined);
  });

  test('refused: another client, an ID token, no token_use, no client_id, an aud, a wrong issuer, expired', async () => {
    const cases: Array<[string, JWTPayload, RegExp]> = [
      ['another app client', { client_id: 'some-other-client' }, /not meant for this API/],
      ['an ID token', { token_use: 'id', aud: TEST_CLIENT_ID }, /not an access token/],
      ['no token_use', { token_use: undefined }, /token_use/],
      ['no client_id', { client_id: undefined }, /client_id/],
      ['an aud besides the client_id', { aud: 'https://other-api.example' }, /not meant/],
      ['another issuer', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/x' }, /issued/],
      ['expired', { iat: 1, exp: 2 }, /expired/],
    ];
    for (const [label, overrides, reason] of cases) {
      await assertRefused(cognito, await cognitoToken(overrides), reason, label);
    }
    // A token of the development provider's shape (aud, no client_id) is not accepted either.
    await assertRefused(cognito, as('alice').Authorization!.slice(7), /token_use/, 'aud-style');
  });

  test('the groups claim is cognito:groups alone: a `groups` claim makes nobody an admin', async () => {
    const token = await cognitoToken({ groups: ['task-admins'], 'cognito:groups': ['staff'] });
    assert.equal((await me(cognito, token)).body.isAdmin, false);
    await request(cognito.app)
      .get('/api/reports')
      .set('Authorization', `Bearer ${token}`)
      .expect(403);
  });
});

describe('the default settings (aud, groups)', () => {
  test('refuse a Cognito access token, even for the same client', async () => {
    await assertRefused(standard, await cognitoToken(), /not meant for this API/, 'no aud');
  });

  test('ignore cognito:groups and accept the usual tokens as before', async () => {
    const claims = validClaims(identity, 'mallory', {
      groups: [],
      'cognito:groups': ['task-admins'],
      client_id: TEST_CLIENT_ID,
      token_use: 'access',
    });
    const response = await me(standard, await signedByProvider(identity, claims));
    assert.deepEqual(response.body, { userId: 'mallory', name: 'Mallory', isAdmin: false });
  });
});

describe('browser sign-in', () => {
  test('asks the provider for OIDC_SCOPES (default: openid profile groups)', async () => {
    const scopeOf = async (service: TestService) => {
      const response = await request(service.app).get('/auth/login').expect(303);
      return new URL(response.headers.location!).searchParams.get('scope');
    };
    assert.equal(await scopeOf(standard), 'openid profile groups');
    const service = await createTestService(dynamo, { env: { OIDC_SCOPES: 'openid  email' } });
    assert.equal(await scopeOf(service), 'openid email');
  });

  test('reads the groups from OIDC_GROUPS_CLAIM in the ID token as well', async () => {
    const service = await createTestService(dynamo, { env: { OIDC_GROUPS_CLAIM: 'roles' } });
    const cookie = await identity.signIn(await service.baseUrl(), 'admin');
    const response = await request(service.app)
      .get('/api/me')
      .set('Cookie', `tm_session=${cookie}`)
      .expect(200);
    // The provider puts admin in `groups`, which this service was told not to read.
    assert.deepEqual(response.body, { userId: 'admin', name: 'admin', isAdmin: false });
    const usual = await identity.signIn(await standard.baseUrl(), 'admin');
    const admin = await request(standard.app).get('/api/me').set('Cookie', `tm_session=${usual}`);
    assert.equal(admin.body.isAdmin, true);
  });
});
