/**
 * task-service configuration, from environment variables only. Everything is validated at
 * start and every problem is reported in one message, so a misconfigured Pod fails at once
 * with a clear reason instead of misbehaving later.
 */
import {
  ConfigError,
  DYNAMO_ENV_VARS,
  loadDynamoConfig,
  readInteger,
  readOptionalString,
  readString,
  type DynamoConfig,
  type Env,
} from '@task-manager/task-store';
import { TRACING_ENV_VARS, tracingSettingsProblems } from '@task-manager/telemetry';
import { isUserId } from './user-id.ts';

export { ConfigError };

/** Every environment variable task-service reads, for manifests and their tests. */
export const TASK_SERVICE_ENV_VARS = [
  ...DYNAMO_ENV_VARS,
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
  'READINESS_INTERVAL_MS',
  'ADMIN_USERS',
  // Read by the tracing set-up before the rest (main.ts); validated here with everything else.
  ...TRACING_ENV_VARS,
] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TaskServiceConfig {
  dynamo: DynamoConfig;
  port: number;
  /** Interface to listen on; undefined listens on all of them (what a container needs). */
  host: string | undefined;
  logLevel: LogLevel;
  /** How long in-flight requests get to finish after SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  /** Pause between two DynamoDB reachability checks of the readiness probe. */
  readinessIntervalMs: number;
  /** Users who may read the daily reports. */
  adminUsers: ReadonlySet<string>;
}

function readLogLevel(env: Env): LogLevel {
  const value = readString(env, 'LOG_LEVEL', 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

function readAdminUsers(env: Env): ReadonlySet<string> {
  const raw = readOptionalString(env, 'ADMIN_USERS');
  if (raw === undefined) return new Set();
  const users = raw
    .split(',')
    .map((user) => user.trim())
    .filter((user) => user !== '');
  const invalid = users.filter((user) => !isUserId(user));
  if (invalid.length > 0) {
    throw new ConfigError(
      `ADMIN_USERS must be a comma-separated list of user ids, got invalid ${invalid.map((user) => `"${user}"`).join(', ')}`,
    );
  }
  return new Set(users);
}

/** Reads and validates the whole configuration; throws one ConfigError naming every problem. */
export function loadConfig(env: Env): TaskServiceConfig {
  const problems: string[] = [];
  function attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  }

  const config = {
    dynamo: attempt(() => loadDynamoConfig(env)),
    port: attempt(() => readInteger(env, 'PORT', 3000, { min: 0, max: 65_535 })),
    host: attempt(() => readOptionalString(env, 'HOST')),
    logLevel: attempt(() => readLogLevel(env)),
    shutdownTimeoutMs: attempt(() =>
      readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, { min: 0, max: 600_000 }),
    ),
    readinessIntervalMs: attempt(() =>
      readInteger(env, 'READINESS_INTERVAL_MS', 5000, { min: 100, max: 300_000 }),
    ),
    adminUsers: attempt(() => readAdminUsers(env)),
  };
  problems.push(...tracingSettingsProblems(env));
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return config as TaskServiceConfig;
}
