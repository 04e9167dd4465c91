import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  BENCH_SUMMARY_FILE,
  median,
  ratioTable,
  readRatios,
  recordRatio,
  type BenchRatio,
} from '../src/bench-summary.ts';

test('ratios recorded by the benchmarks come back in order, each judged against its goal', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-summary-'));
  try {
    const file = path.join(dir, 'summary.jsonl');
    const env = { [BENCH_SUMMARY_FILE]: file };
    const rows: BenchRatio[] = [
      { benchmark: 'api', measure: 'list / Query', ratio: 0.7, goal: { atLeast: 0.8 } },
      { benchmark: 'startup', measure: 'service / bare', ratio: 2.5, goal: { atMost: 3 } },
      { benchmark: 'api', measure: 'create / PutItem', ratio: 0.9, detail: '700 vs 780 req/s' },
    ];
    for (const row of rows) recordRatio(row, env);
    assert.deepEqual(readRatios(file), rows);
    const table = ratioTable(readRatios(file)).split('\n');
    assert.equal(table.length, 2 + rows.length, 'a header, a rule and one line per ratio');
    assert.match(table[2]!, /^api\s+list \/ Query\s+0\.70x\s+≥ 0\.8x\s+no$/);
    assert.match(table[3]!, /^startup\s+service \/ bare\s+2\.50x\s+≤ 3x\s+yes$/);
    assert.match(table[4]!, /^api\s+create \/ PutItem\s+0\.90x\s+700 vs 780 req\/s$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('outside npm run bench nothing is written', () => {
  assert.doesNotThrow(() => recordRatio({ benchmark: 'x', measure: 'y', ratio: 1 }, {}));
});

test('the median of samples: the middle one, or the mean of the middle two; the input untouched', () => {
  const samples = [9, 1, 5];
  assert.equal(median(samples), 5);
  assert.deepEqual(samples, [9, 1, 5]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
