import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { BUILDS, ensureBuilt, REPO_ROOT, staleBuilds, type Build } from '../src/builds.ts';
import { eventually } from '../src/eventually.ts';

// A miniature repository: a library, a program that inlines it, and one it only loads.
const builds: Build[] = [
  { workspace: 'lib', output: 'lib/dist/index.js', sources: ['lib/src'] },
  { workspace: 'tool', output: 'tool/dist/index.js', sources: ['tool/src'] },
  {
    workspace: 'app',
    output: 'app/dist/run.cjs',
    sources: ['app/src', 'bundle.ts'],
    inlines: ['lib'],
    loads: ['tool'],
  },
];

const root = mkdtempSync(path.join(tmpdir(), 'builds-'));
after(() => rmSync(root, { recursive: true, force: true }));
/** Writes files whose modification time is `minute` minutes into an arbitrary day. */
function file(minute: number, ...files: string[]): void {
  const time = new Date(Date.UTC(2026, 0, 1, 0, minute));
  for (const relative of files) {
    const location = path.join(root, relative);
    mkdirSync(path.dirname(location), { recursive: true });
    writeFileSync(location, relative);
    utimesSync(location, time, time);
  }
}
const stale = (...workspaces: string[]) =>
  staleBuilds(workspaces, builds, root).map((build) => build.workspace);

describe('staleBuilds', () => {
  test('missing outputs are stale, in building order, with what the build needs', () => {
    file(1, 'lib/src/index.ts', 'tool/src/index.ts', 'app/src/main.ts', 'bundle.ts');
    assert.deepEqual(stale('app'), ['lib', 'tool', 'app']);
    assert.deepEqual(stale('lib'), ['lib']);
  });

  test('outputs newer than every source are up to date', () => {
    file(2, 'lib/dist/index.js', 'tool/dist/index.js');
    file(3, 'app/dist/run.cjs');
    assert.deepEqual(stale('app'), []);
  });

  test('a source changed after the build, even a nested one or a build script, makes it stale', () => {
    file(4, 'app/src/routes/tasks.ts');
    assert.deepEqual(stale('app'), ['app']);
    file(5, 'app/dist/run.cjs');
    file(6, 'bundle.ts');
    assert.deepEqual(stale('app'), ['app']);
    file(7, 'app/dist/run.cjs');
    assert.deepEqual(stale('app'), []);
  });

  test('a stale inlined build makes the program stale; a stale loaded one does not', () => {
    file(8, 'lib/src/index.ts');
    assert.deepEqual(stale('app'), ['lib', 'app']);
    file(9, 'lib/dist/index.js');
    // lib is rebuilt now, and newer than the bundle that holds its old output.
    assert.deepEqual(stale('app'), ['app']);
    file(10, 'app/dist/run.cjs');
    file(11, 'tool/src/index.ts');
    assert.deepEqual(stale('app'), ['tool']);
  });

  test('an unknown workspace is an error, not silently fresh', () => {
    assert.throws(() => stale('nothing'), /no build is known for nothing/);
  });
});

describe('ensureBuilt', () => {
  // A workspace repository of its own, whose build writes its pid, then its output, or waits
  // for ever when told to (a build still running when its caller is stopped).
  const repo = mkdtempSync(path.join(tmpdir(), 'ensure-built-'));
  after(() => rmSync(repo, { recursive: true, force: true }));
  const site: Build = { workspace: 'site', output: 'site/dist/index.html', sources: ['site/src'] };
  const write = (relative: string, text: string) => {
    mkdirSync(path.dirname(path.join(repo, relative)), { recursive: true });
    writeFileSync(path.join(repo, relative), text);
  };
  write('package.json', JSON.stringify({ name: 'mini', private: true, workspaces: ['site'] }));
  write('site/package.json', JSON.stringify({ name: 'site', scripts: { build: 'node build.js' } }));
  write(
    'site/build.js',
    `const fs = require('node:fs');
    fs.writeFileSync('build.pid', String(process.pid));
    if (fs.existsSync('src/hang')) setInterval(() => {}, 1000);
    else fs.mkdirSync('dist', { recursive: true }), fs.writeFileSync('dist/index.html', 'built');`,
  );
  const buildPid = (): number => {
    const pid = Number(readFileSync(path.join(repo, 'site/build.pid'), 'utf8'));
    assert.ok(pid > 0, 'no pid written yet');
    return pid;
  };
  const running = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const quiet = { builds: [site], root: repo, log: () => {} };

  test('builds what is stale, and then nothing', async () => {
    write('site/src/index.ts', 'one');
    assert.deepEqual(await ensureBuilt(['site'], quiet), ['site']);
    assert.equal(readFileSync(path.join(repo, site.output), 'utf8'), 'built');
    assert.deepEqual(await ensureBuilt(['site'], quiet), []);
  });

  test('its signal stops a build in progress, with what the build started, and fails it', async () => {
    write('site/src/hang', 'wait');
    rmSync(path.join(repo, 'site/build.pid'), { force: true });
    const stopping = new AbortController();
    const building = ensureBuilt(['site'], { ...quiet, signal: stopping.signal });
    // The build's own process, under npm and its shell.
    const pid = await eventually(buildPid);
    assert.ok(running(pid));
    stopping.abort(new Error('stopped'));
    await assert.rejects(building, /stopped/);
    await eventually(() => assert.equal(running(pid), false, `the build (pid ${pid}) still runs`));
  });
});

test("the repository's table lists every build after the builds it inlines or loads", () => {
  const seen = new Set<string>();
  for (const build of BUILDS) {
    for (const other of [...(build.inlines ?? []), ...(build.loads ?? [])]) {
      assert.ok(seen.has(other), `${build.workspace} needs ${other}, listed after it`);
    }
    seen.add(build.workspace);
  }
});

test('each build lists the workspaces it depends on that are built, so they are built before it', () => {
  const built = new Set(BUILDS.map((build) => build.workspace));
  let checked = 0;
  for (const build of BUILDS) {
    // The workspace's directory is where its dist/ is.
    const dir = build.output.slice(0, build.output.indexOf('/dist/'));
    const manifest = JSON.parse(
      readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8'),
    ) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    assert.equal(manifest.name, build.workspace, dir);
    const needs = new Set([...(build.inlines ?? []), ...(build.loads ?? [])]);
    const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    for (const dependency of names.filter((name) => built.has(name))) {
      assert.ok(needs.has(dependency), `${manifest.name} depends on ${dependency}, not listed`);
      checked += 1;
    }
  }
  assert.ok(checked >= 8, `only ${checked} dependencies checked`);
});
