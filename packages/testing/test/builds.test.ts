import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUILDS, REPO_ROOT, staleBuilds, type Build } from '../src/builds.ts';

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

let root: string;
/** Writes a file whose modification time is `minute` minutes into an arbitrary day. */
function file(relative: string, minute: number): void {
  const location = path.join(root, relative);
  mkdirSync(path.dirname(location), { recursive: true });
  writeFileSync(location, relative);
  const time = new Date(Date.UTC(2026, 0, 1, 0, minute));
  utimesSync(location, time, time);
}
const stale = (...workspaces: string[]) =>
  staleBuilds(workspaces, builds, root).map((build) => build.workspace);

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'builds-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('staleBuilds', () => {
  test('missing outputs are stale, in building order, with what the build needs', () => {
    file('lib/src/index.ts', 1);
    file('tool/src/index.ts', 1);
    file('app/src/main.ts', 1);
    file('bundle.ts', 1);
    assert.deepEqual(stale('app'), ['lib', 'tool', 'app']);
    assert.deepEqual(stale('lib'), ['lib']);
  });

  test('outputs newer than every source are up to date', () => {
    file('lib/dist/index.js', 2);
    file('tool/dist/index.js', 2);
    file('app/dist/run.cjs', 3);
    assert.deepEqual(stale('app'), []);
  });

  test('a source changed after the build, even a nested one or a build script, makes it stale', () => {
    file('app/src/routes/tasks.ts', 4);
    assert.deepEqual(stale('app'), ['app']);
    file('app/dist/run.cjs', 5);
    file('bundle.ts', 6);
    assert.deepEqual(stale('app'), ['app']);
    file('app/dist/run.cjs', 7);
    assert.deepEqual(stale('app'), []);
  });

  test('a stale inlined build makes the program stale; a stale loaded one does not', () => {
    file('lib/src/index.ts', 8);
    assert.deepEqual(stale('app'), ['lib', 'app']);
    file('lib/dist/index.js', 9);
    // lib is rebuilt now, and newer than the bundle that holds its old output.
    assert.deepEqual(stale('app'), ['app']);
    file('app/dist/run.cjs', 10);
    file('tool/src/index.ts', 11);
    assert.deepEqual(stale('app'), ['tool']);
  });

  test('an unknown workspace is an error, not silently fresh', () => {
    assert.throws(() => stale('nothing'), /no build is known for nothing/);
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
