/**
 * The one logger of every Node program of the project: JSON lines on stdout, each naming the
 * program in `service`, the level as a word and the time in ISO 8601 — the shape log
 * collectors in a cluster index best, and the same whichever program wrote the line, so one
 * query finds a request across task-service, the report job and the identity provider.
 *
 * Writes are synchronous. pino's default stdout stream writes asynchronously, and on exit it
 * writes what is still buffered synchronously while the last asynchronous write may be
 * unfinished: a program's final lines (a shutdown's, a job's summary) came out of order, or
 * were lost.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { ConfigError, readString, type Env } from './env.ts';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL, `info` when unset; any case is accepted ("DEBUG" as "debug"). */
export function readLogLevel(env: Env): LogLevel {
  const value = readString(env, 'LOG_LEVEL', 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

/** `service` names the program in every line; `destination` is for tests (stdout otherwise). */
export function createLogger(
  service: string,
  level: LogLevel,
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * The line a program writes when its configuration is bad, before it has a logger (LOG_LEVEL
 * itself may be the bad value): the same shape as the logger's, at level fatal.
 */
export function fatalLine(service: string, message: string): string {
  return `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service, msg: message })}\n`;
}
