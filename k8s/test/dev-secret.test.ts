/**
 * k8s/create-dev-secret.sh, run for real against a stand-in cluster (support/kubectl-standin.ts):
 * fresh random values only where the Secret is missing, where Skaffold deploys, never shown.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { loadConfig } from '../../services/task-service/src/config.ts';
import { SECRET_ENV_VARS } from '../../services/task-service/src/auth/auth-config.ts';
import { SIGN_IN_SECRET } from './support/env.ts';
import { readText } from './support/kube.ts';
import { runScript, standin, type ScriptRun } from './support/standin.ts';

/** The real kubectl's path, found before the stand-in goes first on PATH. */
const REAL_KUBECTL =
  process.env.KUBECTL ??
  execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();

interface Call {
  args: string[];
  secret?: { kind: string; metadata: { name: string }; data: Record<string, string> };
}

type Options = { existing?: string[]; env?: Record<string, string>; brokenOpenssl?: boolean };
type Run = ScriptRun<Call> & { existing: string[] };

/** A run of the script, and the Secrets that exist afterwards ("<context>/<namespace>/<name>"). */
async function run(options: Options = {}): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), 'create-dev-secret-'));
  const state = path.join(dir, 'state.json');
  writeFileSync(state, JSON.stringify({ existing: options.existing ?? [] }));
  const commands = {
    kubectl: standin('kubectl-standin.ts'),
    ...(options.brokenOpenssl && { openssl: 'exit 1' }),
  };
  const env = { STANDIN_STATE: state, REAL_KUBECTL, ...options.env };
  const result = await runScript<Call>('k8s/create-dev-secret.sh', commands, env);
  const { existing } = JSON.parse(readFileSync(state, 'utf8')) as { existing: string[] };
  rmSync(dir, { recursive: true });
  return { ...result, existing };
}

const created = (result: Run) => result.calls.flatMap((call) => (call.secret ? [call.secret] : []));
const decoded = (data: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  );
const valuesOf = (result: Run) => Object.values(decoded(created(result)[0]!.data));

describe('on a cluster without the Secret', () => {
  let first: Run;
  let second: Run;
  before(async () => {
    [first, second] = [await run(), await run()];
  });

  test('creates task-manager-oidc with the two keys the manifests read', () => {
    assert.equal(first.code, 0, first.stderr);
    const [secret, ...more] = created(first);
    assert.equal(more.length, 0);
    assert.partialDeepStrictEqual(secret, { kind: 'Secret', metadata: { name: SIGN_IN_SECRET } });
    assert.deepEqual(Object.keys(secret?.data ?? {}).sort(), [...SECRET_ENV_VARS].sort());
    assert.deepEqual(first.existing, [`//${SIGN_IN_SECRET}`]);
    assert.match(first.stdout, /created task-manager-oidc in the context's namespace/);
  });

  test('each value is 32 random bytes in base64url, which task-service accepts, fresh every time', () => {
    const values = [first, second].flatMap(valuesOf);
    for (const value of values) {
      assert.match(value, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(value, 'base64url').length, 32);
    }
    assert.equal(new Set(values).size, values.length, 'no value repeats');
    const secrets = decoded(created(first)[0]!.data);
    const config = loadConfig({
      ...secrets,
      OIDC_ISSUER: 'http://localhost:8080/idp',
      OIDC_CLIENT_ID: 'task-manager',
      OIDC_AUDIENCE: 'http://localhost:8080/api',
      PUBLIC_URL: 'http://localhost:8080',
    });
    assert.equal(config.auth.sessionKeys.length, 1);
    assert.equal(config.auth.clientSecret, secrets.OIDC_CLIENT_SECRET);
  });

  test('no value is ever on a command line or in the output', () => {
    const args = first.calls.flatMap((call) => call.args);
    const visible = [first.stdout, first.stderr, args.join(' ')];
    for (const value of valuesOf(first)) {
      for (const text of visible) assert.ok(!text.includes(value), 'a secret value shows');
    }
    assert.ok(!args.some((arg) => arg.startsWith('--from-literal')));
  });
});

test('an existing Secret is left as it is, so sessions survive a redeploy', async () => {
  const result = await run({ existing: [`//${SIGN_IN_SECRET}`] });
  assert.equal(result.code, 0, result.stderr);
  const get = ['get', 'secret', SIGN_IN_SECRET, '--ignore-not-found', '--output=name'];
  assert.deepEqual(result.calls, [{ args: get }]);
  assert.match(result.stdout, /exists in the context's namespace; left as it is/);
});

test("Skaffold's kube context and namespaces are where it looks and creates", async () => {
  const result = await run({
    existing: [`kind-task-manager/team-a/${SIGN_IN_SECRET}`],
    env: { SKAFFOLD_KUBE_CONTEXT: 'kind-task-manager', SKAFFOLD_NAMESPACES: 'team-a,team-b' },
  });
  assert.equal(result.code, 0, result.stderr);
  for (const { args } of result.calls) {
    assert.ok(args.includes('--context=kind-task-manager'), args.join(' '));
    assert.match(args.join('\n'), /^--namespace=team-[ab]$/m);
  }
  assert.deepEqual(result.existing, [
    `kind-task-manager/team-a/${SIGN_IN_SECRET}`,
    `kind-task-manager/team-b/${SIGN_IN_SECRET}`,
  ]);
  assert.equal(created(result).length, 1, 'only where it was missing');
});

test('another deploy creating it in between counts as done', async () => {
  const result = await run({ env: { STANDIN_RACE: '1' } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /left as it is/);
});

test('an unreachable cluster stops the deploy, before anything is made', async () => {
  const result = await run({ env: { STANDIN_UNREACHABLE: '1' } });
  assert.notEqual(result.code, 0);
  assert.equal(created(result).length, 0);
  assert.match(result.stderr, /connection to the server[\s\S]*cannot look for task-manager-oidc/);
});

test('a failing openssl never leaves an empty or weak Secret', async () => {
  const result = await run({ brokenOpenssl: true });
  assert.notEqual(result.code, 0);
  assert.equal(created(result).length, 0);
  assert.match(result.stderr, /openssl did not give 32 random bytes/);
});

test('k8s/README.md gives the same command for `kubectl apply -k`, and the Secret for aws', () => {
  const readme = readText('k8s/README.md');
  assert.match(readme, /^sh k8s\/create-dev-secret\.sh$/m);
  const aws = readme.indexOf('### Signing in on AWS');
  const commands = [
    ...readme.matchAll(/kubectl create secret generic task-manager-oidc[^`]*?(?=\n *```)/g),
  ];
  const at = commands.map((command) => command.index);
  assert.ok(Math.min(...at) < aws, 'the manual equivalent, locally');
  assert.ok(Math.max(...at) > aws, 'the Secret of the aws overlay');
  for (const [command] of commands) {
    for (const key of SECRET_ENV_VARS) assert.match(command, new RegExp(`--from-literal=${key}=`));
  }
});
