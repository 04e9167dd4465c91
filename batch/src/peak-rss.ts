import { readFileSync } from 'node:fs';

/**
 * This process's peak resident memory, in bytes.
 *
 * On Linux this is VmHWM from /proc/self/status: the high-water mark of the program's own
 * memory. getrusage's maxRSS (process.resourceUsage()) is not used there because Linux
 * carries it over fork and exec: a job started by a large process (a test runner, a
 * benchmark holding a database) would report its parent's peak instead of its own.
 */
export function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS * 1024;
}
