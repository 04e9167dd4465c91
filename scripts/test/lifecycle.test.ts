/**
 * `npm start` and `npm run dev` own what they start: however they end — kill -9 of the start
 * script, or of npm itself — the processes they started end too, and `npm start` comes up
 * again on the same ports right after. Real processes, real signals, real ports.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { freePort } from '@task-manager/testing';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEADLINE_MS = 180_000;

let env: NodeJS.ProcessEnv;
let webOrigin: string;
let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'task-manager-lifecycle-'));
  const [web, api, dynamo, idp] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  webOrigin = `http://127.0.0.1:${web}`;
  env = {
    ...process.env,
    WEB_PORT: String(web),
    API_PORT: String(api),
    DYNAMODB_PORT: String(dynamo),
    IDP_PORT: String(idp),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
});
after(() => rm(dataDir, { recursive: true, force: true }));

/** Polls `check` until it returns true; fails with `what` after the deadline. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await delay(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process below `pid`, from the process table. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Runs `args` under node from the repository root, detached so the test can kill it alone. */
function run(args: string[]): Started {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

async function uiAnswers(): Promise<boolean> {
  return fetch(`${webOrigin}/`, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.ok,
    () => false,
  );
}

/** Waits until the app answers, then returns the pids of everything it started. */
async function ready(started: Started, root = started.child.pid!): Promise<number[]> {
  await until(`the app answers (output so far:\n${started.output()})`, async () => {
    assert.equal(started.child.exitCode, null, `it exited:\n${started.output()}`);
    return uiAnswers();
  });
  const pids = descendants(root);
  // task-service and vite preview at least (the watcher too under npm run dev).
  assert.ok(pids.length >= 2, `only ${pids.length} processes below ${root}`);
  return pids;
}

async function stopCleanly(started: Started): Promise<void> {
  const pids = descendants(started.child.pid!);
  started.child.kill('SIGINT');
  await until('the app stopped', () => started.child.exitCode !== null);
  await until('its processes ended', () => pids.every((pid) => !alive(pid)));
}

describe('what npm start starts ends with it', () => {
  for (const script of ['scripts/start.ts', 'scripts/dev.ts']) {
    test(`kill -9 of ${script}: its processes end, and it starts again on the same ports`, async () => {
      const first = run(['--conditions=development', script]);
      const pids = await ready(first);
      process.kill(first.child.pid!, 'SIGKILL');
      await until(`${pids.join(', ')} ended`, () => pids.every((pid) => !alive(pid)));
      assert.equal(await uiAnswers(), false, 'nothing answers on the UI port any more');

      const second = run(['--conditions=development', script]);
      try {
        await ready(second);
      } finally {
        await stopCleanly(second);
      }
    });
  }

  test('kill -9 of npm running npm start: the app and everything it started end', async () => {
    const npm = process.env.npm_execpath;
    assert.ok(npm, 'run through npm, which names itself in npm_execpath');
    const started = run([npm, 'start']);
    const pids = await ready(started);
    process.kill(started.child.pid!, 'SIGKILL');
    await until(`${pids.join(', ')} ended`, () => pids.every((pid) => !alive(pid)));
    assert.equal(await uiAnswers(), false);
  });
});
