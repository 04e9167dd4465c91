import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

const REQUIRED = {
  OIDC_ISSUER: 'http://localhost:8080/idp',
  OIDC_CLIENT_ID: 'task-manager',
  OIDC_CLIENT_SECRET: 'secret',
  OIDC_AUDIENCE: 'http://localhost:8080/api',
  PUBLIC_URL: 'http://localhost:8080/',
};

test('the web client is registered from the settings task-service shares', () => {
  const config = loadConfig(REQUIRED);
  assert.equal(config.issuer, 'http://localhost:8080/idp');
  assert.deepEqual(config.webClient, {
    clientId: 'task-manager',
    clientSecret: 'secret',
    redirectUris: ['http://localhost:8080/auth/callback'],
    postLogoutRedirectUris: ['http://localhost:8080/signin'],
  });
  assert.equal(config.port, 9000);
  assert.equal(config.host, '0.0.0.0');
  assert.deepEqual(config.adminUsers, ['admin']);
  assert.equal(config.adminGroup, 'task-admins');
  assert.equal(config.keys, undefined);
  assert.equal(config.cookieKeys, undefined);
  assert.equal(config.accessTokenTtlSeconds, 600);
});

test('lists are comma-separated, trimmed, empty items ignored', () => {
  const config = loadConfig({
    ...REQUIRED,
    IDP_ADMIN_USERS: ' alice , bob,',
    IDP_COOKIE_KEYS: ',new-key, old-key,,',
  });
  assert.deepEqual(config.adminUsers, ['alice', 'bob']);
  // An empty cookie key would sign cookies with nothing: never one of the keys.
  assert.deepEqual(config.cookieKeys, ['new-key', 'old-key']);
  assert.throws(
    () => loadConfig({ ...REQUIRED, IDP_COOKIE_KEYS: ' , ' }),
    (error) => error instanceof ConfigError && /IDP_COOKIE_KEYS names no key/.test(error.message),
  );
});

test('PORT and IDP_ACCESS_TOKEN_TTL_SECONDS are held to their ranges, bounds included', () => {
  const load = (env: Record<string, string>) => loadConfig({ ...REQUIRED, ...env });
  assert.equal(load({ PORT: '65535', IDP_ACCESS_TOKEN_TTL_SECONDS: '30' }).port, 65_535);
  assert.equal(load({ IDP_ACCESS_TOKEN_TTL_SECONDS: '86400' }).accessTokenTtlSeconds, 86_400);
  for (const [name, value] of [
    ['PORT', '65536'],
    ['IDP_ACCESS_TOKEN_TTL_SECONDS', '29'],
    ['IDP_ACCESS_TOKEN_TTL_SECONDS', '86401'],
  ] as const) {
    assert.throws(
      () => load({ [name]: value }),
      (error) => error instanceof ConfigError && error.message.includes(name),
      `${name}=${value}`,
    );
  }
});

test('every missing or bad value is named in one error, secrets never echoed', () => {
  assert.throws(
    () =>
      loadConfig({
        OIDC_ISSUER: 'not a url',
        PORT: 'ninety',
        IDP_ADMIN_USERS: 'admin, not valid',
        IDP_SIGNING_KEYS_FILE: '/nonexistent/keys.json',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of [
        'OIDC_ISSUER',
        'OIDC_CLIENT_ID',
        'OIDC_CLIENT_SECRET',
        'OIDC_AUDIENCE',
        'PUBLIC_URL',
        'PORT',
        'IDP_ADMIN_USERS',
        'IDP_SIGNING_KEYS_FILE',
      ]) {
        assert.match(error.message, new RegExp(name), name);
      }
      return true;
    },
  );
});
