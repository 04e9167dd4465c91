/**
 * Every way the job is started runs it with the heap flags of src/launch.ts. (The CronJob's
 * command is checked against the same constant in k8s/test, and the heap the flags allow against
 * its memory limit in k8s/test/heap-limits.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { REPORTER_COMMAND, REPORTER_HEAP_FLAGS } from '../src/launch.ts';

const fromRoot = (path: string): URL => new URL(`../../${path}`, import.meta.url);

test("the task-reporter image's CMD is the job's command", () => {
  const dockerfile = readFileSync(fromRoot('docker/task-reporter.Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(runtime, / AS runtime\n/, 'the last stage is the runtime target');
  const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
  assert.ok(cmd, 'the runtime stage has an exec-form CMD');
  assert.deepEqual(JSON.parse(cmd), REPORTER_COMMAND);
});

test('npm run report and the workspace start script pass the heap flags to node', () => {
  const scripts = {
    report: (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as PackageJson).scripts
      .report,
    start: (JSON.parse(readFileSync(fromRoot('batch/package.json'), 'utf8')) as PackageJson).scripts
      .start,
  };
  for (const [name, script] of Object.entries(scripts)) {
    const node = /\bnode ((?:--\S+ )+)\S*main\.ts\b/.exec(script ?? '');
    assert.ok(node, `${name}: ${script}`);
    const flags = node[1]!.trim().split(' ');
    assert.deepEqual(
      flags.filter((flag) => flag !== '--conditions=development'),
      REPORTER_HEAP_FLAGS,
      name,
    );
  }
});

interface PackageJson {
  scripts: Record<string, string>;
}
