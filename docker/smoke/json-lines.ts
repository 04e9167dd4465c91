/**
 * Log collectors parse stdout line by line: every line the apps write there must be one JSON
 * object.
 */
export interface JsonLinesReport {
  lines: number;
  invalid: string[];
}

export function auditJsonLines(stdout: string): JsonLinesReport {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  const invalid = lines.filter((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value !== 'object' || value === null || Array.isArray(value);
    } catch {
      return true;
    }
  });
  return { lines: lines.length, invalid };
}

/** The log entries of stdout, one JSON object a line (blank lines skipped; throws on others). */
export function parseJsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Throws unless stdout has at least one line and all of them are JSON objects. */
export function expectJsonLines(stdout: string): string {
  const { lines, invalid } = auditJsonLines(stdout);
  if (lines === 0) throw new Error('nothing on stdout');
  if (invalid.length > 0) {
    throw new Error(`${invalid.length} of ${lines} stdout lines are not JSON, e.g. ${invalid[0]}`);
  }
  return `${lines} lines, all JSON`;
}
