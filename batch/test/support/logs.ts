import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface LogLine {
  /** A label ("info") from the program's logger, a number from pino's default one. */
  level: string | number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines are kept for the test to inspect. */
export function capturingLogger(onLine?: (line: LogLine) => void): {
  logger: Logger;
  lines: LogLine[];
} {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        const parsed = JSON.parse(line) as LogLine;
        lines.push(parsed);
        onLine?.(parsed);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Parses a program's stdout: every line must be a JSON object. */
export function parseLogLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogLine);
}
