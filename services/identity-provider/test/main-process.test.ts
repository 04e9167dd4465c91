/**
 * The provider as its container runs it: `main.ts` with its settings in the environment, JSON
 * logs on stdout, probes, a clean exit on SIGTERM, and exit 1 with one message on bad settings.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import {
  eventually,
  spawnChild,
  spawnListening,
  statusOf,
  type SpawnOptions,
} from '@task-manager/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function provider(env: Record<string, string>): SpawnOptions {
  return {
    name: 'identity-provider',
    command: process.execPath,
    args: ['--conditions=development', MAIN],
    env,
    keepOutput: true,
  };
}

/** The port it says it listens on (started with PORT=0: the kernel chooses, nothing to race). */
function listeningPort(line: string): number | undefined {
  const entry = JSON.parse(line) as { msg?: string; port?: number };
  return entry.msg === 'identity provider listening' ? entry.port : undefined;
}

test('serves discovery and probes from its environment, logs JSON, stops cleanly on SIGTERM', async (t) => {
  // The issuer is the public address (in the cluster, the Ingress's /idp), not the port it
  // listens on, so the provider can take any port.
  const issuer = 'http://identity.test:9000';
  const { child, port } = await spawnListening(
    provider({
      PORT: '0',
      HOST: '127.0.0.1',
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: 'task-manager',
      OIDC_CLIENT_SECRET: 'secret-value-never-logged',
      OIDC_AUDIENCE: 'http://localhost:8080/api',
      PUBLIC_URL: 'http://localhost:8080',
    }),
    listeningPort,
  );
  t.after(() => child.kill());
  // Poll until it answers (a busy machine may take a while to start it).
  const readiness = `http://127.0.0.1:${port}/health/readiness`;
  await eventually(
    async () =>
      assert.equal(await statusOf(readiness, 2000), 200, child.output('stderr').join('\n')),
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  // Query strings carry codes and states: they must never reach the log.
  const metadata = (await (
    await fetch(
      `http://127.0.0.1:${port}/.well-known/openid-configuration?state=query-never-logged`,
    )
  ).json()) as { issuer: string };
  assert.equal(metadata.issuer, issuer);

  child.signal('SIGTERM');
  assert.equal((await child.finished).code, 0);
  const lines = child
    .output('stdout')
    .map((line) => JSON.parse(line) as { msg: string; service: string; path?: string });
  assert.ok(lines.every((line) => line.service === 'identity-provider'));
  assert.ok(lines.some((line) => line.msg === 'identity provider listening'));
  // Requests are logged at info, the probes (polled above) at debug only.
  const logged = lines.filter((line) => line.path !== undefined).map((line) => line.path);
  assert.deepEqual(logged, ['/.well-known/openid-configuration']);
  assert.equal(lines.at(-1)?.msg, 'identity provider stopped');
  assert.ok(!child.output('stdout').join('\n').includes('secret-value-never-logged'));
  assert.ok(!child.output('stdout').join('\n').includes('query-never-logged'));
});

test('bad settings: exit 1 with one JSON line naming them', async () => {
  const child = spawnChild(provider({ OIDC_ISSUER: 'nope' }));
  assert.equal((await child.finished).code, 1);
  const { level, msg } = JSON.parse(child.output('stderr').join('\n')) as {
    level: string;
    msg: string;
  };
  assert.equal(level, 'fatal');
  assert.match(msg, /OIDC_ISSUER/);
  assert.match(msg, /OIDC_CLIENT_SECRET is required/);
});
