/**
 * The DynamoDB settings every component that talks to DynamoDB shares. Reading environment
 * variables itself is @task-manager/runtime's (env.ts), re-exported here for the apps.
 */
import { ConfigError, readInteger, readString, readUrl, type Env } from '@task-manager/runtime';

export {
  ConfigError,
  ConfigProblems,
  readInteger,
  readOptionalString,
  readString,
  readUrl,
  type Env,
} from '@task-manager/runtime';

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
