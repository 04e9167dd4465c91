import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

/**
 * JSON lines on stdout. Writes are synchronous: a batch job logs a few lines and then
 * exits, and its last line (the summary or the error) must not be lost on exit.
 */
export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      name: 'task-reporter',
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
