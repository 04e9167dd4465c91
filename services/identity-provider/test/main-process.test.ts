/**
 * The provider as its container runs it: `main.ts` with its settings in the environment, JSON
 * logs on stdout, probes, a clean exit on SIGTERM, and exit 1 with one message on bad settings.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=development', MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  // The port it says it listens on (started with PORT=0: the kernel chooses, nothing to race).
  const lines = createInterface({ input: child.stdout });
  const listening = async (): Promise<number> => {
    let port: number | undefined;
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'identity provider listening') {
        port = entry.port;
        break;
      }
    }
    // Leaving the loop closed the reader, which paused stdout: the rest is still wanted.
    child.stdout.resume();
    if (port === undefined) throw new Error(`exited (${await exited}) before listening: ${stderr}`);
    return port;
  };
  return { child, exited, listening, stdout: () => stdout, stderr: () => stderr };
}

test('serves discovery and probes from its environment, logs JSON, stops cleanly on SIGTERM', async (t) => {
  // The issuer is the public address (in the cluster, the Ingress's /idp), not the port it
  // listens on, so the provider can take any port.
  const issuer = 'http://identity.test:9000';
  const provider = run({
    PORT: '0',
    HOST: '127.0.0.1',
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: 'task-manager',
    OIDC_CLIENT_SECRET: 'secret-value-never-logged',
    OIDC_AUDIENCE: 'http://localhost:8080/api',
    PUBLIC_URL: 'http://localhost:8080',
  });
  t.after(() => provider.child.kill('SIGKILL'));
  const port = await provider.listening();
  // Poll until it answers (a busy machine may take a while to start it).
  let ready = false;
  for (let attempt = 0; attempt < 300 && !ready; attempt += 1) {
    ready = await fetch(`http://127.0.0.1:${port}/health/readiness`).then(
      (response) => response.ok,
      () => false,
    );
    if (!ready) await sleep(100);
  }
  assert.ok(ready, provider.stderr());
  const metadata = (await (
    await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)
  ).json()) as { issuer: string };
  assert.equal(metadata.issuer, issuer);

  provider.child.kill('SIGTERM');
  assert.equal(await provider.exited, 0);
  const lines = provider
    .stdout()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; service: string; path?: string });
  assert.ok(lines.every((line) => line.service === 'identity-provider'));
  assert.ok(lines.some((line) => line.msg === 'identity provider listening'));
  // Requests are logged at info, the probes (polled above) at debug only.
  const logged = lines.filter((line) => line.msg === 'request').map((line) => line.path);
  assert.deepEqual(logged, ['/.well-known/openid-configuration']);
  assert.equal(lines.at(-1)?.msg, 'identity provider stopped');
  assert.ok(!provider.stdout().includes('secret-value-never-logged'));
});

test('bad settings: exit 1 with one JSON line naming them', async () => {
  const provider = run({ OIDC_ISSUER: 'nope' });
  assert.equal(await provider.exited, 1);
  const { level, msg } = JSON.parse(provider.stderr().trim()) as { level: string; msg: string };
  assert.equal(level, 'fatal');
  assert.match(msg, /OIDC_ISSUER/);
  assert.match(msg, /OIDC_CLIENT_SECRET is required/);
});
