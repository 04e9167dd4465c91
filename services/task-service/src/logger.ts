import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

/**
 * JSON lines on stdout (or `destination`, for tests), with the level as a word and an ISO
 * timestamp, which is what log collectors in a cluster index best.
 *
 * Writes are synchronous. pino's default stdout stream writes asynchronously, and on exit
 * it writes what is still buffered synchronously while the last asynchronous write may be
 * unfinished: the final lines of a shutdown came out of order (or could be lost).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'task-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
