/**
 * The report job's configuration, read from the environment and validated at start. The
 * DynamoDB settings are task-service's (same variables, same meaning, same validation).
 */
import {
  ConfigError,
  ConfigProblems,
  DYNAMO_ENV_VARS,
  loadDynamoConfig,
  readInteger,
  readString,
  type DynamoConfig,
  type Env,
} from '@task-manager/task-store';
import { readLogLevel, type LogLevel } from '@task-manager/runtime';
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

export interface ReporterConfig {
  dynamo: DynamoConfig;
  logLevel: LogLevel;
  /** Canonical IANA name of the zone whose calendar days are reported. */
  timeZone: string;
  /** A progress line is logged after every this many tasks. */
  progressEvery: number;
}

/** Reads and validates the whole configuration; throws one ConfigError naming every problem. */
export function loadConfig(env: Env): ReporterConfig {
  const problems = new ConfigProblems();
  const { attempt } = problems;
  const config = {
    dynamo: attempt(() => loadDynamoConfig(env)),
    logLevel: attempt(() => readLogLevel(env)),
    timeZone: attempt(() => {
      const timeZone = readString(env, 'REPORT_TIMEZONE', 'Asia/Tokyo');
      try {
        return canonicalTimeZone(timeZone);
      } catch (error) {
        throw new ConfigError(`REPORT_TIMEZONE: ${(error as Error).message}`);
      }
    }),
    progressEvery: attempt(() =>
      readInteger(env, 'REPORT_PROGRESS_EVERY', 1000, { min: 1, max: 1_000_000_000 }),
    ),
  };
  attempt(() => {
    const tracing = tracingSettingsProblems(env);
    if (tracing.length > 0) throw new ConfigError(tracing.join('; '));
  });
  problems.throwIfAny();
  return config as ReporterConfig;
}
