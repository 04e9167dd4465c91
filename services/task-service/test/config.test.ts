import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DYNAMO_ENV_VARS } from '@task-manager/task-store';
import { ConfigError, loadConfig, TASK_SERVICE_ENV_VARS } from '../src/config.ts';
import { AUTH_ENV_VARS, SECRET_ENV_VARS, sessionKeyId } from '../src/auth/auth-config.ts';

const KEY_1 = Buffer.alloc(32, 1).toString('base64url');
const KEY_2 = Buffer.alloc(32, 2).toString('base64url');

/** The settings without defaults: the provider, the client, the app's address, a session key. */
const AUTH = {
  OIDC_ISSUER: 'https://id.example.com/realms/tasks',
  OIDC_CLIENT_ID: 'task-manager',
  OIDC_CLIENT_SECRET: 'client-secret',
  OIDC_AUDIENCE: 'https://tasks.example.com/api',
  PUBLIC_URL: 'https://tasks.example.com',
  SESSION_KEYS: KEY_1,
};

test('defaults apply when nothing else is set', () => {
  const config = loadConfig(AUTH);
  assert.equal(config.port, 3000);
  assert.equal(config.host, undefined);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.shutdownTimeoutMs, 10_000);
  assert.equal(config.readinessIntervalMs, 5000);
  assert.deepEqual([...config.auth.adminUsers], []);
  assert.equal(config.auth.adminGroup, 'task-admins');
  assert.equal(config.auth.sessionIdleSeconds, 3600);
  assert.equal(config.auth.sessionMaxAgeSeconds, 43_200);
  assert.equal(config.auth.backchannelUrl, undefined);
  assert.equal(config.auth.audienceClaim, 'aud');
  assert.equal(config.auth.groupsClaim, 'groups');
  assert.equal(config.auth.scopes, 'openid profile groups');
  assert.equal(config.dynamo.tasksTable, 'tasks');
  assert.equal(config.dynamo.reportsTable, 'task-reports');
  assert.equal(config.dynamo.timeoutMs, 2000);
  assert.equal(config.dynamo.maxAttempts, 3);
  assert.equal(config.dynamo.endpoint, undefined);
});

test('every variable is read', () => {
  const config = loadConfig({
    ...AUTH,
    SESSION_KEYS: ` ${KEY_2}, ${KEY_1} `,
    OIDC_BACKCHANNEL_URL: 'https://identity-provider:9443',
    OIDC_AUDIENCE_CLAIM: 'client_id',
    OIDC_GROUPS_CLAIM: 'cognito:groups',
    OIDC_SCOPES: ' openid profile  email ',
    SESSION_IDLE_TIMEOUT_SECONDS: '900',
    SESSION_MAX_AGE_SECONDS: '28800',
    ADMIN_GROUP: 'ops',
    PORT: '8080',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'DEBUG',
    SHUTDOWN_TIMEOUT_MS: '25000',
    READINESS_INTERVAL_MS: '1000',
    ADMIN_USERS: ' admin , ops@example.com,,',
    AWS_REGION: 'ap-northeast-1',
    DYNAMODB_ENDPOINT: 'http://localstack:4566',
    TASKS_TABLE: 'my-tasks',
    REPORTS_TABLE: 'my-reports',
    IDEMPOTENCY_TABLE: 'my-keys',
    DYNAMODB_TIMEOUT_MS: '800',
    DYNAMODB_MAX_ATTEMPTS: '5',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.shutdownTimeoutMs, 25_000);
  assert.equal(config.readinessIntervalMs, 1000);
  assert.deepEqual([...config.auth.adminUsers], ['admin', 'ops@example.com']);
  assert.equal(config.auth.issuer, AUTH.OIDC_ISSUER);
  assert.equal(config.auth.clientId, 'task-manager');
  assert.equal(config.auth.clientSecret, 'client-secret');
  assert.equal(config.auth.audience, AUTH.OIDC_AUDIENCE);
  assert.equal(config.auth.publicUrl, 'https://tasks.example.com');
  assert.equal(config.auth.backchannelUrl, 'https://identity-provider:9443');
  assert.equal(config.auth.audienceClaim, 'client_id');
  assert.equal(config.auth.groupsClaim, 'cognito:groups');
  assert.equal(config.auth.scopes, 'openid profile email');
  assert.equal(config.auth.adminGroup, 'ops');
  assert.equal(config.auth.sessionIdleSeconds, 900);
  assert.equal(config.auth.sessionMaxAgeSeconds, 28_800);
  // The first key encrypts; both decrypt. Each is named by a digest, never by itself.
  assert.deepEqual(
    config.auth.sessionKeys.map((key) => key.kid),
    [sessionKeyId(Buffer.from(KEY_2, 'base64url')), sessionKeyId(Buffer.from(KEY_1, 'base64url'))],
  );
  assert.ok(!config.auth.sessionKeys[0]!.kid.includes(KEY_2.slice(0, 8)));
  assert.deepEqual(config.dynamo, {
    region: 'ap-northeast-1',
    endpoint: 'http://localstack:4566',
    tasksTable: 'my-tasks',
    reportsTable: 'my-reports',
    idempotencyTable: 'my-keys',
    timeoutMs: 800,
    maxAttempts: 5,
  });
});

test('each range includes its bounds', () => {
  for (const bounds of [
    [0, 0, 100],
    [65_535, 600_000, 300_000],
  ]) {
    const [port, shutdownTimeoutMs, readinessIntervalMs] = bounds.map(String);
    const config = loadConfig({
      ...AUTH,
      PORT: port,
      SHUTDOWN_TIMEOUT_MS: shutdownTimeoutMs,
      READINESS_INTERVAL_MS: readinessIntervalMs,
    });
    assert.deepEqual([config.port, config.shutdownTimeoutMs, config.readinessIntervalMs], bounds);
  }
});

test('TASK_SERVICE_ENV_VARS lists the shared DynamoDB variables and the service ones', () => {
  for (const name of DYNAMO_ENV_VARS) assert.ok(TASK_SERVICE_ENV_VARS.includes(name));
  for (const name of [
    'PORT',
    'LOG_LEVEL',
    'SHUTDOWN_TIMEOUT_MS',
    'READINESS_INTERVAL_MS',
    'ADMIN_USERS',
    ...AUTH_ENV_VARS,
  ]) {
    assert.ok((TASK_SERVICE_ENV_VARS as readonly string[]).includes(name), name);
  }
  for (const name of SECRET_ENV_VARS)
    assert.ok((AUTH_ENV_VARS as readonly string[]).includes(name));
});

test('the OpenID settings are required, and named when missing', () => {
  assert.throws(
    () => loadConfig({}),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of [
        'OIDC_ISSUER',
        'OIDC_CLIENT_ID',
        'OIDC_CLIENT_SECRET',
        'OIDC_AUDIENCE',
        'PUBLIC_URL',
        'SESSION_KEYS',
      ]) {
        assert.match(error.message, new RegExp(`${name} is required`), name);
      }
      return true;
    },
  );
});

test('plain http only on this machine; keys must be 256-bit; values never echoed for secrets', () => {
  for (const url of [
    'http://localhost:8080',
    'http://127.0.0.1:8080',
    'https://tasks.example.com',
  ]) {
    assert.equal(loadConfig({ ...AUTH, PUBLIC_URL: url }).auth.publicUrl, url);
  }
  assert.equal(
    loadConfig({ ...AUTH, OIDC_ISSUER: 'http://localhost:9000' }).auth.issuer,
    'http://localhost:9000',
  );
  const bad = {
    PUBLIC_URL: ['http://tasks.example.com', 'https://tasks.example.com/app', 'ftp://x'],
    OIDC_ISSUER: ['http://id.example.com', 'not a url'],
    OIDC_BACKCHANNEL_URL: ['identity-provider:9000'],
    SESSION_KEYS: ['short-secret-value', `${KEY_1},AAAA`, Buffer.alloc(16).toString('base64url')],
    OIDC_AUDIENCE_CLAIM: ['azp', 'AUD'],
    OIDC_SCOPES: ['profile email', 'openid "groups"', 'openid pro\\file'],
    SESSION_IDLE_TIMEOUT_SECONDS: ['0', 'soon'],
    SESSION_MAX_AGE_SECONDS: ['-1'],
  };
  for (const [name, values] of Object.entries(bad)) {
    for (const value of values) {
      assert.throws(
        () => loadConfig({ ...AUTH, [name]: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, new RegExp(name), `${name}=${value}`);
          if (name === 'SESSION_KEYS')
            assert.ok(!error.message.includes(value), 'no key in the message');
          return true;
        },
        `${name}=${value}`,
      );
    }
  }
});

test('an access-token audience that is the client id is refused, unless it is read from client_id', () => {
  const clientAudience = { ...AUTH, OIDC_AUDIENCE: AUTH.OIDC_CLIENT_ID };
  // An ID token names the client id in aud: it would pass as an access token.
  assert.throws(() => loadConfig(clientAudience), /OIDC_AUDIENCE must name the API/);
  // Cognito: access tokens name the client in client_id, and ID tokens are refused by token_use.
  const cognito = loadConfig({ ...clientAudience, OIDC_AUDIENCE_CLAIM: 'client_id' }).auth;
  assert.equal(cognito.audience, AUTH.OIDC_CLIENT_ID);
});

test('an https issuer is never reached over a plain-http back channel', () => {
  const backchannel = (url: string) => ({ ...AUTH, OIDC_BACKCHANNEL_URL: url });
  assert.throws(() => loadConfig(backchannel('http://idp.internal:9000')), /must be https/);
  assert.equal(
    loadConfig(backchannel('https://idp.internal:9443')).auth.backchannelUrl,
    'https://idp.internal:9443',
  );
  // A local cluster: a plain-http issuer on localhost, its provider at a Service.
  const local = { OIDC_ISSUER: 'http://localhost:8080/idp', PUBLIC_URL: 'http://localhost:8080' };
  assert.equal(
    loadConfig({ ...backchannel('http://identity-provider:9000'), ...local }).auth.backchannelUrl,
    'http://identity-provider:9000',
  );
});

test('a session key may carry the = padding that `basenc --base64url` writes', () => {
  const padded = `${KEY_1}=`;
  const [key] = loadConfig({ ...AUTH, SESSION_KEYS: padded }).auth.sessionKeys;
  assert.equal(key!.kid, sessionKeyId(Buffer.from(KEY_1, 'base64url')));
});

test('bad values are all reported in one ConfigError', () => {
  assert.throws(
    () =>
      loadConfig({
        ...AUTH,
        PORT: '65536',
        LOG_LEVEL: 'verbose',
        SHUTDOWN_TIMEOUT_MS: '10s',
        READINESS_INTERVAL_MS: '0',
        ADMIN_USERS: 'ok,not ok',
        DYNAMODB_ENDPOINT: 'localhost:8000',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^invalid configuration: /);
      for (const name of [
        'PORT',
        'LOG_LEVEL',
        'SHUTDOWN_TIMEOUT_MS',
        'READINESS_INTERVAL_MS',
        'ADMIN_USERS',
        'DYNAMODB_ENDPOINT',
        'OTEL_EXPORTER_OTLP_PROTOCOL',
      ]) {
        assert.match(error.message, new RegExp(`${name} must`), name);
      }
      return true;
    },
  );
});
