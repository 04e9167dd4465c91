/**
 * Reading and validating environment variables. Every app validates its whole
 * configuration at start and stops with one clear message on a bad value, so a
 * misconfigured Pod fails fast instead of misbehaving later.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads a whole configuration, collecting every ConfigError instead of stopping at the first,
 * so one message names every bad value: `attempt` each setting, then `throwIfAny()`.
 */
export class ConfigProblems {
  readonly #problems: string[] = [];

  readonly attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#problems.push(error.message);
      return undefined;
    }
  };

  throwIfAny(): void {
    if (this.#problems.length > 0) {
      throw new ConfigError(`invalid configuration: ${this.#problems.join('; ')}`);
    }
  }
}

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function readString(env: Env, name: string, fallback?: string): string {
  const value = present(env, name) ?? fallback;
  if (value === undefined) throw new ConfigError(`${name} is required`);
  return value;
}

export function readOptionalString(env: Env, name: string): string | undefined {
  return present(env, name);
}

export function readInteger(
  env: Env,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < range.min || value > range.max) {
    throw new ConfigError(`${name} must be between ${range.min} and ${range.max}, got ${value}`);
  }
  return value;
}

export function readUrl(env: Env, name: string): string | undefined {
  const raw = present(env, name);
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return raw;
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

function readTableName(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!TABLE_NAME.test(value)) {
    throw new ConfigError(
      `${name} must be a DynamoDB table name ([A-Za-z0-9_.-], 3-255), got "${value}"`,
    );
  }
  return value;
}

/** Settings every component that talks to DynamoDB shares (task-service, the report job, create-tables). */
export interface DynamoConfig {
  region: string;
  /** A DynamoDB-compatible endpoint (dynalite, LocalStack); undefined means AWS itself. */
  endpoint: string | undefined;
  tasksTable: string;
  reportsTable: string;
  idempotencyTable: string;
  /** Per-attempt timeout, so a hung DynamoDB turns into an error instead of a hung request. */
  timeoutMs: number;
  maxAttempts: number;
}

/** The environment variables read by loadDynamoConfig, for manifests and their tests. */
export const DYNAMO_ENV_VARS = [
  'AWS_REGION',
  'DYNAMODB_ENDPOINT',
  'TASKS_TABLE',
  'REPORTS_TABLE',
  'IDEMPOTENCY_TABLE',
  'DYNAMODB_TIMEOUT_MS',
  'DYNAMODB_MAX_ATTEMPTS',
] as const;

export function loadDynamoConfig(env: Env): DynamoConfig {
  return {
    region: readString(env, 'AWS_REGION', 'us-east-1'),
    endpoint: readUrl(env, 'DYNAMODB_ENDPOINT'),
    tasksTable: readTableName(env, 'TASKS_TABLE', 'tasks'),
    reportsTable: readTableName(env, 'REPORTS_TABLE', 'task-reports'),
    idempotencyTable: readTableName(env, 'IDEMPOTENCY_TABLE', 'task-idempotency-keys'),
    timeoutMs: readInteger(env, 'DYNAMODB_TIMEOUT_MS', 2000, { min: 50, max: 60_000 }),
    maxAttempts: readInteger(env, 'DYNAMODB_MAX_ATTEMPTS', 3, { min: 1, max: 10 }),
  };
}

/** How long create-tables waits for DynamoDB by default: see k8s/README.md, "Deadlines". */
export const DEFAULT_CREATE_TABLES_WAIT_SECONDS = 300;

/** create-tables: the shared DynamoDB settings plus how long to wait for DynamoDB to answer. */
export interface CreateTablesConfig extends DynamoConfig {
  /** No new attempt starts after this long; 0 makes a single attempt. */
  waitSeconds: number;
}

/** The environment variables read by loadCreateTablesConfig. */
export const CREATE_TABLES_ENV_VARS = [...DYNAMO_ENV_VARS, 'CREATE_TABLES_WAIT_SECONDS'] as const;

export function loadCreateTablesConfig(env: Env): CreateTablesConfig {
  return {
    ...loadDynamoConfig(env),
    waitSeconds: readInteger(
      env,
      'CREATE_TABLES_WAIT_SECONDS',
      DEFAULT_CREATE_TABLES_WAIT_SECONDS,
      {
        min: 0,
        max: 3600,
      },
    ),
  };
}
