/**
 * The report job's configuration, read from the environment and validated at start. The
 * DynamoDB settings are task-service's (same variables, same meaning, same validation).
 */
import {
  ConfigError,
  DYNAMO_ENV_VARS,
  loadDynamoConfig,
  readInteger,
  readString,
  type DynamoConfig,
  type Env,
} from '@task-manager/task-store';
import { TRACING_ENV_VARS, tracingSettingsProblems } from '@task-manager/telemetry';
import { canonicalTimeZone } from './report-day.ts';

/** Every environment variable the job reads, for manifests and their tests. */
export const REPORTER_ENV_VARS = [
  ...DYNAMO_ENV_VARS,
  'LOG_LEVEL',
  'REPORT_TIMEZONE',
  'REPORT_PROGRESS_EVERY',
  // Read by the tracing set-up before the rest (main.ts); validated here with everything else.
  ...TRACING_ENV_VARS,
] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ReporterConfig {
  dynamo: DynamoConfig;
  logLevel: LogLevel;
  /** Canonical IANA name of the zone whose calendar days are reported. */
  timeZone: string;
  /** A progress line is logged after every this many tasks. */
  progressEvery: number;
}

export function readLogLevel(env: Env): LogLevel {
  const level = readString(env, 'LOG_LEVEL', 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  return level as LogLevel;
}

export function loadConfig(env: Env): ReporterConfig {
  const [tracingProblem] = tracingSettingsProblems(env);
  if (tracingProblem !== undefined) throw new ConfigError(tracingProblem);
  const timeZone = readString(env, 'REPORT_TIMEZONE', 'Asia/Tokyo');
  let canonical: string;
  try {
    canonical = canonicalTimeZone(timeZone);
  } catch (error) {
    throw new ConfigError(`REPORT_TIMEZONE: ${(error as Error).message}`);
  }
  return {
    dynamo: loadDynamoConfig(env),
    logLevel: readLogLevel(env),
    timeZone: canonical,
    progressEvery: readInteger(env, 'REPORT_PROGRESS_EVERY', 1000, { min: 1, max: 1_000_000_000 }),
  };
}
