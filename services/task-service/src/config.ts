/**
 * task-service configuration, from environment variables only. Everything is validated at
 * start and every problem is reported in one message, so a misconfigured Pod fails at once
 * with a clear reason instead of misbehaving later.
 */
import {
  ConfigError,
  ConfigProblems,
  DYNAMO_ENV_VARS,
  loadDynamoConfig,
  readInteger,
  readOptionalString,
  type DynamoConfig,
  type Env,
} from '@task-manager/task-store';
import { readLogLevel, type LogLevel } from '@task-manager/runtime';
import { TRACING_ENV_VARS, tracingSettingsProblems } from '@task-manager/telemetry';
import { AUTH_ENV_VARS, loadAuthConfig, type AuthConfig } from './auth/auth-config.ts';

export { ConfigError };

/** Every environment variable task-service reads, for manifests and their tests. */
export const TASK_SERVICE_ENV_VARS = [
  ...DYNAMO_ENV_VARS,
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
  'READINESS_INTERVAL_MS',
  ...AUTH_ENV_VARS,
  // Read by the tracing set-up before the rest (main.ts); validated here with everything else.
  ...TRACING_ENV_VARS,
] as const;

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
  /** Sign-in, tokens, sessions and admins. */
  auth: AuthConfig;
}

/** Reads and validates the whole configuration; throws one ConfigError naming every problem. */
export function loadConfig(env: Env): TaskServiceConfig {
  const problems = new ConfigProblems();
  const { attempt } = problems;

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
    auth: loadAuthConfig(env, attempt),
  };
  attempt(() => {
    const tracing = tracingSettingsProblems(env);
    if (tracing.length > 0) throw new ConfigError(tracing.join('; '));
  });
  problems.throwIfAny();
  return config as TaskServiceConfig;
}
