/**
 * `npm start` and `npm run dev` own what they start: however they end — kill -9 of the start
 * script, or of npm itself — the processes they started end too, and `npm start` comes up
 * again on the same ports right after; a port that is taken, or a task-service that dies,
 * ends the start with a message saying so; and no start prints a warning the README does not
 * explain. Real processes, real signals, real ports.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { Level } from 'level';
import { listeningPortIn } from '@task-manager/task-service/launch';
import {
  eventually,
  exitSignal,
  exitWithin,
  REPO_ROOT,
  spawnChild,
  type ManagedChild,
} from '@task-manager/testing';
import { appAddressesIn, type AppAddresses } from '../app-addresses.ts';
import { lifelineFor } from '../children.ts';
import { DATA_DIR_LOCK } from '../data-dir-lock.ts';

const DEADLINE_MS = 180_000;

/** Every part on a port the system picks; npm start says which. */
const ANY_PORTS = { WEB_PORT: '0', API_PORT: '0', DYNAMODB_PORT: '0', IDP_PORT: '0' };

/** The ports a run got, to start the next one on exactly those. */
function portsOf(addresses: AppAddresses): Record<string, string> {
  const port = (url: string) => new URL(url).port;
  return {
    WEB_PORT: port(addresses.origin),
    API_PORT: port(addresses.taskService),
    DYNAMODB_PORT: port(addresses.dynamoEndpoint),
    IDP_PORT: port(addresses.issuer),
  };
}

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'task-manager-lifecycle-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

/** Polls `check` until it returns true; fails with `what` after the deadline. */
function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  signal?: AbortSignal,
): Promise<void> {
  return eventually(async () => assert.ok(await check(), `timed out waiting until ${what}`), {
    timeoutMs: DEADLINE_MS,
    intervalMs: 100,
    signal,
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A column of the process table for `pid` (its parent, its command line); empty once it is gone. */
function psColumn(pid: number, column: 'ppid' | 'args'): string {
  try {
    return execFileSync('ps', ['-o', `${column}=`, '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    // ps exits 1 when no such process is left.
    return '';
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

/**
 * Runs `args` under node from the repository root, in a group of its own so that the test can
 * kill the program alone (`process.kill(pid)`, never `signal()`, which would reach the group).
 */
function run(args: string[], ports: Record<string, string>): ManagedChild {
  return spawnChild({
    name: args.join(' '),
    command: process.execPath,
    args,
    cwd: REPO_ROOT,
    env: { ...(process.env as Record<string, string>), ...ports, DATA_DIR: dataDir },
    group: true,
    keepOutput: true,
  });
}

const outputOf = (started: ManagedChild): string => started.output().join('\n');

async function uiAnswers(origin: string): Promise<boolean> {
  return fetch(`${origin}/`, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.ok,
    () => false,
  );
}

/**
 * The one warning a start prints on purpose, explained in the README: the development provider
 * keeps its sign-ins in memory.
 */
const EXPLAINED_WARNINGS = [/^oidc-provider WARNING: a quick start development-only in-memory/];

/**
 * Node's, Vite's ("(!) …") or a library's warnings, and log records of warn and above, that the
 * README does not explain: a user would wonder about each.
 */
function unexplainedWarnings(started: ManagedChild): string[] {
  return started
    .output()
    .filter((line) => /warn|\(!\)|deprecat|error|fatal/i.test(line))
    .filter((line) => !EXPLAINED_WARNINGS.some((explained) => explained.test(line)));
}

/**
 * Waits until the app has said where it is and answers there, having printed no warning nobody
 * explained; returns those addresses and the pids of everything it started.
 */
async function ready(
  started: ManagedChild,
  root = started.pid,
): Promise<{ addresses: AppAddresses; pids: number[] }> {
  let addresses: AppAddresses | undefined;
  const exited = exitSignal(started, () => new Error(`it exited:\n${outputOf(started)}`));
  await until(
    `the app answers (output so far:\n${outputOf(started)})`,
    async () => {
      addresses = appAddressesIn(outputOf(started));
      return addresses !== undefined && uiAnswers(addresses.origin);
    },
    exited,
  );
  const warnings = unexplainedWarnings(started);
  if (warnings.length > 0) {
    // Stopped first: a start left running would keep the test file from ending.
    await started.kill();
    assert.deepEqual(warnings, [], 'a start prints no unexplained warning');
  }
  const pids = descendants(root);
  // task-service at least (node --watch and the task-service it runs under npm run dev).
  assert.ok(pids.length >= 1, `no process below ${root}`);
  return { addresses: addresses!, pids };
}

async function stopCleanly(started: ManagedChild): Promise<void> {
  const pids = descendants(started.pid);
  started.process.kill('SIGINT');
  await until('the app stopped', () => !started.alive);
  await until('its processes ended', () => pids.every((pid) => !alive(pid)));
}

describe('what npm start starts ends with it', () => {
  for (const script of ['scripts/start.ts', 'scripts/dev.ts']) {
    test(`kill -9 of ${script}: its processes end, and it starts again on the same ports`, async () => {
      const first = run(['--conditions=development', script], ANY_PORTS);
      const { addresses, pids } = await ready(first);
      process.kill(first.pid, 'SIGKILL');
      await until(`${pids.join(', ')} ended`, () => pids.every((pid) => !alive(pid)));
      assert.equal(
        await uiAnswers(addresses.origin),
        false,
        'nothing answers on the UI port any more',
      );

      // Every port the first run had is free again. Taking them again is the very point (a user
      // restarts on the ports they configured); were one taken meanwhile by another process,
      // the run would fail loudly (EADDRINUSE), never pass wrongly.
      const second = run(['--conditions=development', script], portsOf(addresses));
      try {
        assert.deepEqual((await ready(second)).addresses, addresses);
      } finally {
        await stopCleanly(second);
      }
    });
  }

  test('npm run dev: task-service restarted on another port still gets what goes to /api', async () => {
    const started = run(['--conditions=development', 'scripts/dev.ts'], ANY_PORTS);
    try {
      const { addresses } = await ready(started);
      const listeningPorts = () => started.output().flatMap((line) => listeningPortIn(line) ?? []);
      assert.deepEqual(listeningPorts(), [Number(new URL(addresses.taskService).port)]);

      // A change node --watch sees; the file's content and times stay as they were.
      const watched = join(REPO_ROOT, 'services/task-service/src/main.ts');
      const { atime, mtime } = await stat(watched);
      await utimes(watched, atime, mtime);
      await until('task-service restarted', () => listeningPorts().length === 2);
      // No token: 401 from task-service, wherever it listens now (502 if the UI lost it).
      await until('/api reaches the restarted task-service', async () => {
        const response = await fetch(`${addresses.origin}/api/me`);
        return response.status === 401;
      });
    } finally {
      await stopCleanly(started);
    }
  });

  test('kill -9 of npm running npm start: the app and everything it started end', async () => {
    const npm = process.env.npm_execpath;
    assert.ok(npm, 'run through npm, which names itself in npm_execpath');
    const started = run([npm, 'start'], ANY_PORTS);
    const { addresses, pids } = await ready(started);
    process.kill(started.pid, 'SIGKILL');
    await until(`${pids.join(', ')} ended`, () => pids.every((pid) => !alive(pid)));
    assert.equal(await uiAnswers(addresses.origin), false);
  });
});

/** How a run that must fail ended, and all it wrote; a failure if it still runs at the deadline. */
async function failureOf(started: ManagedChild): Promise<{ code: number | null; output: string }> {
  const exit = await exitWithin(started, DEADLINE_MS);
  if (exit === undefined) {
    await started.kill();
    assert.fail(`it is still running:\n${outputOf(started)}`);
  }
  await started.finished;
  return { code: exit.code, output: outputOf(started) };
}

/** A start that must stop at once, with exit code 1, naming `dir` as the one in use. */
async function assertRefusedFor(started: ManagedChild, dir: string): Promise<void> {
  const { code, output } = await failureOf(started);
  assert.equal(code, 1, output);
  assert.ok(output.includes(`${dir} is in use: `), output);
  assert.match(output, / is in use: .*Set DATA_DIR /);
}

/** `script` started with `variable` on a port something else holds: it stops, naming it. */
async function assertStopsOnTakenPort(script: string, variable: string): Promise<void> {
  const holder = createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const taken = (holder.address() as AddressInfo).port;
  try {
    const started = run(['--conditions=development', script], {
      ...ANY_PORTS,
      [variable]: String(taken),
    });
    const { code, output } = await failureOf(started);
    assert.equal(code, 1, output);
    assert.match(output, new RegExp(`port ${taken} is in use: .*Set ${variable} `));
  } finally {
    holder.close();
  }
}

describe('npm start says what went wrong, and stops', () => {
  for (const variable of Object.keys(ANY_PORTS)) {
    test(`a port that is taken names the setting that moves it: ${variable}`, () =>
      assertStopsOnTakenPort('scripts/start.ts', variable));
  }

  test('npm run dev too: its watcher outlives the failed first start, and still it stops', () =>
    assertStopsOnTakenPort('scripts/dev.ts', 'API_PORT'));

  test('a data directory another npm start has open names the setting that moves it', async () => {
    const first = run(['--conditions=development', 'scripts/start.ts'], ANY_PORTS);
    try {
      await ready(first);
      const second = run(['--conditions=development', 'scripts/start.ts'], ANY_PORTS);
      await assertRefusedFor(second, dataDir);
      // The first one is unharmed.
      assert.equal(first.alive, true);
    } finally {
      await stopCleanly(first);
    }
  });

  test('two starts launched together on one data directory: one runs, the other says why', async () => {
    const starts = [0, 1].map(() =>
      run(['--conditions=development', 'scripts/start.ts'], ANY_PORTS),
    );
    try {
      // Which one gets DATA_DIR is up to the machine; that exactly one does is not.
      await until('one of them stopped', () => starts.some((started) => !started.alive));
      const loser = starts.find((started) => !started.alive)!;
      await assertRefusedFor(loser, dataDir);
      await ready(starts.find((started) => started !== loser)!);
    } finally {
      await Promise.all(starts.filter((started) => started.alive).map(stopCleanly));
    }
  });

  // The moment two starts launched together would race in: one has taken DATA_DIR, its store
  // is not open yet. Held here by this test, in its own process, for as long as it likes.
  test('a data directory is taken before its store opens: a start never races another', async () => {
    const lock = new Level(join(dataDir, DATA_DIR_LOCK));
    await lock.open();
    try {
      const started = run(['--conditions=development', 'scripts/start.ts'], ANY_PORTS);
      await assertRefusedFor(started, dataDir);
    } finally {
      await lock.close();
    }
  });

  test('a store some other program has open (no lock taken) is refused too, by name', async () => {
    const store = new Level(join(dataDir, 'dynamodb'));
    await store.open();
    try {
      const started = run(['--conditions=development', 'scripts/start.ts'], ANY_PORTS);
      await assertRefusedFor(started, join(dataDir, 'dynamodb'));
    } finally {
      await store.close();
    }
  });

  test('task-service killed: npm start says how it ended, and stops everything', async () => {
    const started = run(['--conditions=development', 'scripts/start.ts'], ANY_PORTS);
    const { pids } = await ready(started);
    const taskService = pids.find((pid) =>
      psColumn(pid, 'args').includes('task-service/src/main.ts'),
    );
    assert.ok(taskService, `no task-service among ${pids.join(', ')}`);
    process.kill(taskService, 'SIGKILL');
    const { code, output } = await failureOf(started);
    assert.equal(code, 1, output);
    assert.match(output, /task-service exited on SIGKILL; stopping/);
    await until(`${pids.join(', ')} ended`, () => pids.every((pid) => !alive(pid)));
  });
});

describe('the lifeline under node --watch', () => {
  test('a child whose watcher died first stops itself when the start script ends', async () => {
    // What npm run dev runs task-service as, with a program that says when it runs.
    const program = join(dataDir, 'watched.mjs');
    await writeFile(program, "console.log('running'); setInterval(() => {}, 1 << 30);\n");
    const lifeline = lifelineFor({ watch: true, env: process.env });
    const watcher = spawn(process.execPath, [...lifeline.nodeArgs, '--watch', program], {
      cwd: REPO_ROOT,
      env: lifeline.spawn.env,
      stdio: [lifeline.spawn.stdin, 'pipe', 'inherit'],
    });
    // --import runs first: once the program runs, the lifeline holds.
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: watcher.stdout }).on('line', (line) => {
        if (line === 'running') resolve();
      });
      watcher.once('exit', () => reject(new Error('node --watch exited')));
    });
    const [child] = descendants(watcher.pid!);
    assert.ok(child, 'node --watch runs the program in a child');
    try {
      process.kill(watcher.pid!, 'SIGKILL');
      // Adopted by init (or a subreaper), which its lifeline must leave alone. (A child already
      // gone passes here too; the wait below is what asks that it stopped.)
      await until('the child is adopted', () => psColumn(child, 'ppid') !== String(watcher.pid));
      // What the start script's death does: the lifeline's other end closes.
      watcher.stdin.end();
      await until('the child stopped', () => !alive(child));
    } finally {
      if (alive(child)) process.kill(child, 'SIGKILL');
    }
  });
});
