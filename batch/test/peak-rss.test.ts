import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { peakRssBytes } from '../src/peak-rss.ts';

const MODULE = fileURLToPath(new URL('../src/peak-rss.ts', import.meta.url));

function childPeakRss(): number {
  const probe = `import { peakRssBytes } from ${JSON.stringify(MODULE)}; console.log(peakRssBytes());`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', probe]));
}

test('is at least the current RSS', () => {
  assert.ok(peakRssBytes() >= process.memoryUsage().rss * 0.99);
});

test(
  "counts a child process's own memory, not its parent's",
  { skip: process.platform !== 'linux' },
  () => {
    const before = childPeakRss();
    // Grow this process well beyond the child's size, then start the child again.
    const ballast = Array.from({ length: 200 }, () => Buffer.alloc(1 << 20, 1));
    assert.ok(process.memoryUsage().rss > before + 150 * 2 ** 20);
    const after = childPeakRss();
    assert.ok(after < before + 50 * 2 ** 20, `child peak ${after} vs ${before} before`);
    assert.equal(ballast.length, 200);
  },
);
