/**
 * `npm run bench`: every benchmark, one after the other (they would skew one another side by
 * side), each printing its own figures, then one table of their headline ratios against the
 * goals they are held to (packages/testing/src/bench-summary.ts). Every ratio compares two
 * things measured in the same run, so the table means something on a busy machine too; the
 * absolute figures do not. Benchmarks never fail on a missed goal: the table says it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH_SUMMARY_FILE, ratioTable, readRatios } from '@task-manager/testing';

const BENCHMARKS = ['bench:startup', 'bench:api', 'bench:memory', 'bench:report'];

const dir = mkdtempSync(path.join(tmpdir(), 'task-manager-bench-'));
const summary = path.join(dir, 'ratios.jsonl');
const failed: string[] = [];
try {
  for (const script of BENCHMARKS) {
    console.log(`\n=== npm run ${script}\n`);
    const run = spawnSync('npm', ['run', '--silent', script], {
      stdio: 'inherit',
      env: { ...process.env, [BENCH_SUMMARY_FILE]: summary },
    });
    if (run.status !== 0) failed.push(`${script} (exit ${run.status ?? run.signal})`);
  }
  console.log(`\n=== ratios (each of two figures measured in the same run)\n`);
  console.log(ratioTable(readRatios(summary)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed.length > 0) {
  console.error(`\nbenchmarks that did not finish: ${failed.join(', ')}`);
  process.exitCode = 1;
}
