/**
 * The npm scripts start the job with the heap flags of src/launch.ts. (The image's CMD and the
 * CronJob's command are checked against REPORTER_COMMAND, and the heap the flags allow against
 * its memory limit, in k8s/test/heap-limits.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { REPORTER_HEAP_FLAGS } from '../src/launch.ts';

const fromRoot = (path: string): URL => new URL(`../../${path}`, import.meta.url);

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
