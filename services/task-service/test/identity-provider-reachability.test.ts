/**
 * Reaching the identity provider. Browsers and tokens know it by its public issuer URL; inside a
 * cluster task-service reaches it by another address (OIDC_BACKCHANNEL_URL): every
 * server-to-server call goes there, while everything the browser sees and every check stays on
 * the issuer. And when the provider cannot be reached, sign-in answers 503 and Bearer requests
 * whose key is not known answer 503 (logged once), never a crash.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import {
  startDynalite,
  startFaultProxy,
  type DynaliteServer,
  type FaultProxy,
  type TestIdentity,
  eventually,
} from '@task-manager/testing';
import { backchannelUrlFor } from '../src/auth/backchannel.ts';
import { ALICE, as, createTestService, testIdentity } from './support/test-service.ts';

let dynamo: DynaliteServer;
let identity: TestIdentity;
// The cluster-internal address (a Service) task-service reaches the provider by, which can fail.
let relay: FaultProxy;
before(async () => {
  dynamo = await startDynalite();
  identity = await testIdentity();
  relay = await startFaultProxy(`http://127.0.0.1:${identity.provider.port}`);
});
after(async () => {
  await relay?.close();
  await dynamo?.stop();
});

const serviceViaRelay = () =>
  createTestService(dynamo, { env: { OIDC_BACKCHANNEL_URL: relay.endpoint } });

describe('the back channel', () => {
  test('only URLs on the issuer’s origin are mapped, path and query kept', () => {
    const issuer = 'http://localhost:8080/idp';
    const back = 'http://identity-provider:9000';
    assert.equal(
      backchannelUrlFor('http://localhost:8080/idp/jwks?x=1', issuer, back),
      'http://identity-provider:9000/idp/jwks?x=1',
    );
    assert.equal(
      backchannelUrlFor('https://elsewhere.example/jwks', issuer, back),
      'https://elsewhere.example/jwks',
    );
    assert.equal(
      backchannelUrlFor('http://localhost:8080/x', issuer, undefined),
      'http://localhost:8080/x',
    );
  });

  test('discovery, keys and the code exchange go through it; the browser is sent to the issuer', async () => {
    const service = await serviceViaRelay();
    const from = relay.requests.length;
    await request(service.app).get('/api/me').set(as(ALICE)).expect(200);
    const login = await request(service.app).get('/auth/login').expect(303);
    assert.ok(
      login.headers.location!.startsWith(`${identity.issuer}/auth?`),
      login.headers.location,
    );
    await identity.signIn(await service.baseUrl(), 'ivy');
    const seen = relay.requests.slice(from);
    assert.ok(seen.includes('GET /.well-known/openid-configuration'), seen.join());
    assert.ok(seen.includes('GET /jwks'), seen.join());
    assert.ok(seen.includes('POST /token'), seen.join());
    // The browser's part (authorization, sign-in page) never goes through the back channel.
    assert.ok(!seen.some((line) => /^(GET|POST) \/(auth|interaction)/.test(line)), seen.join());
  });
});

describe('the provider unreachable', () => {
  test('keys that cannot be fetched: 503 for Bearer requests, logged once; cached keys keep working', async () => {
    // One instance has checked alice's token (its keys are cached); the other has only
    // discovered the provider (a sign-in started) and has no keys yet.
    const warm = await serviceViaRelay();
    await request(warm.app).get('/api/me').set(as(ALICE)).expect(200);
    const cold = await serviceViaRelay();
    await request(cold.app).get('/auth/login').expect(303);
    relay.cut();
    try {
      await request(warm.app).get('/api/me').set(as(ALICE)).expect(200);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const response = await request(cold.app).get('/api/tasks').set(as(ALICE)).expect(503);
        assert.equal(response.headers['retry-after'], '5');
        assert.equal(
          response.body.error,
          'the identity provider is unavailable, try again shortly',
        );
      }
      const warnings = cold.logs.lines.filter(
        (line) => line.msg === 'the identity provider’s keys cannot be fetched',
      );
      assert.equal(warnings.length, 1, 'the outage is logged once, not per request');
      // Health is not the provider's business: the service stays ready.
      await request(cold.app).get('/health/readiness').expect(200);
    } finally {
      relay.restore();
    }
    await request(cold.app).get('/api/me').set(as(ALICE)).expect(200);
    assert.ok(
      cold.logs.lines.some(
        (line) => line.msg === 'the identity provider’s keys are reachable again',
      ),
    );
  });

  test('nothing discovered yet: sign-in answers 503 (JSON or a page), Bearer requests 503', async () => {
    const fresh = await serviceViaRelay();
    relay.cut();
    try {
      const json = await request(fresh.app)
        .get('/auth/login')
        .set('Accept', 'application/json')
        .expect(503);
      assert.equal(json.body.error, 'the identity provider is unavailable, try again shortly');
      const page = await request(fresh.app)
        .get('/auth/login')
        .set('Accept', 'text/html')
        .expect(503);
      assert.match(page.text, /Sign-in is unavailable/);
      await request(fresh.app).get('/api/me').set(as(ALICE)).expect(503);
      assert.equal(
        fresh.logs.lines.filter((line) => line.msg === 'OpenID Provider discovery failed').length,
        1,
        'a failed discovery is retried no more often than every 2 s',
      );
    } finally {
      relay.restore();
    }
  });

  test('with the provider back, everything works again without a restart', async () => {
    const service = await serviceViaRelay();
    relay.cut();
    await request(service.app).get('/api/me').set(as(ALICE)).expect(503);
    relay.restore();
    // Discovery failures are retried at most every 2 s: poll for the recovery.
    await eventually(async () => {
      await request(service.app).get('/api/me').set(as(ALICE)).expect(200);
    });
  });
});
