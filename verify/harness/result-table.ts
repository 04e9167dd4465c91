/**
 * The check results as a plain-text table of their figures. (node:test, which runs the checks,
 * reports the failures and the tally.)
 */
import type { CheckResult } from './check.ts';

const FIGURES_WIDTH = 72;

export function formatResults(results: readonly CheckResult[]): string {
  const nameWidth = Math.max(5, ...results.map((result) => result.name.length));
  const out: string[] = [];
  const row = (name: string, figures: string, verdict: string): void => {
    out.push(`${name.padEnd(nameWidth)}  ${figures.padEnd(FIGURES_WIDTH)}  ${verdict}`);
  };
  row('Check', 'Figures', 'Result');
  row('-'.repeat(nameWidth), '-'.repeat(FIGURES_WIDTH), '------');
  for (const result of results) {
    const lines = wrap(result.figures, FIGURES_WIDTH);
    lines.forEach((line, index) =>
      row(index === 0 ? result.name : '', line, index === 0 ? verdict(result) : ''),
    );
  }
  return out.join('\n');
}

function verdict(result: CheckResult): string {
  return result.passed ? 'PASS' : 'FAIL';
}

/** Packs figures into lines of at most `width` characters, splitting between figures. */
function wrap(figures: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const figure of figures.flatMap((f) => splitLong(f, width))) {
    const candidate = current ? `${current}, ${figure}` : figure;
    if (candidate.length <= width || !current) {
      current = candidate;
    } else {
      lines.push(`${current},`);
      current = figure;
    }
  }
  lines.push(current);
  return lines;
}

/** A figure longer than a line, cut between words. */
function splitLong(figure: string, width: number): string[] {
  const parts: string[] = [];
  let rest = figure;
  while (rest.length > width - 1) {
    const cut = rest.lastIndexOf(' ', width - 1);
    if (cut <= 0) break;
    parts.push(rest.slice(0, cut));
    rest = `  ${rest.slice(cut + 1)}`;
  }
  parts.push(rest);
  return parts;
}
