/**
 * The one table of `npm run bench`: each benchmark appends its headline ratios (of two figures
 * of the same run) as JSON lines to BENCH_SUMMARY_FILE; scripts/bench.ts prints them together.
 */
import { appendFileSync, readFileSync } from 'node:fs';

export interface BenchRatio {
  benchmark: string;
  /** What is divided by what, e.g. "GET /api/tasks?limit=100 / lib-dynamodb Query". */
  measure: string;
  ratio: number;
  goal?: { atLeast: number } | { atMost: number };
  /** The figures behind the ratio. */
  detail?: string;
}

export const BENCH_SUMMARY_FILE = 'BENCH_SUMMARY_FILE';

/** The median of the benchmarks' samples (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Appends `row` to the summary file, when the benchmark runs under `npm run bench`. */
export function recordRatio(row: BenchRatio, env: NodeJS.ProcessEnv = process.env): void {
  const file = env[BENCH_SUMMARY_FILE];
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export function readRatios(file: string): BenchRatio[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as BenchRatio);
}

/** The rows as an aligned text table: benchmark, measure, ratio, goal, met, detail. */
export function ratioTable(rows: readonly BenchRatio[]): string {
  const header = ['benchmark', 'measure', 'ratio', 'goal', 'met', 'figures'];
  const cells = rows.map((row) => {
    const { goal } = row;
    const met = goal && ('atLeast' in goal ? row.ratio >= goal.atLeast : row.ratio <= goal.atMost);
    return [
      row.benchmark,
      row.measure,
      `${row.ratio.toFixed(2)}x`,
      goal === undefined ? '' : 'atLeast' in goal ? `≥ ${goal.atLeast}x` : `≤ ${goal.atMost}x`,
      met === undefined ? '' : met ? 'yes' : 'no',
      row.detail ?? '',
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column]!.length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join(
    '\n',
  );
}
