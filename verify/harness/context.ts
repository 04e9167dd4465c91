/**
 * What every check gets: the DynamoDB server, fresh tables on demand, a way to start
 * task-service instances and report jobs with the project's configuration, and the log audit
 * that reads all their output.
 */
import { randomBytes } from 'node:crypto';
import { REPORTER_HEAP_FLAGS } from '@task-manager/batch/launch';
import { TASK_SERVICE_LAUNCH } from '@task-manager/task-service/launch';
import {
  createTestTables,
  type ManagedChild,
  spawnChild,
  spawnTaskService,
  startTestIdentity,
  type TaskServiceInstance,
  type TestIdentity,
  type TestTables,
  waitUntilReady,
} from '@task-manager/testing';
import type { DynamoServer } from './dynamodb.ts';
import { LogAudit } from './log-audit.ts';
import { REPORT_JOB_ENTRY } from './paths.ts';

export const ADMIN_USER = 'verify-admin';

/**
 * Secrets planted where a careless log line would pick them up: the AWS credentials in the
 * environment (dynalite accepts any) and a cookie in request headers. The real credentials the
 * checks use (access tokens, the client secret, the session key) are watched for too.
 */
export interface Canaries {
  awsSecretAccessKey: string;
  cookie: string;
}

export interface ReportJobOptions {
  env?: Record<string, string>;
  onLine?: (line: string) => void;
}

export interface VerifyContext {
  dynamo: DynamoServer;
  logs: LogAudit;
  canaries: Canaries;
  /** The development identity provider every task-service here trusts. */
  identity: TestIdentity;
  /** `Authorization: Bearer <token>` of a user, as a header object (tokens are fetched once). */
  credentials(user: string): Promise<Record<string, string>>;
  /** New, uniquely named tables on the shared DynamoDB server. */
  newTables(): Promise<TestTables>;
  /** Starts task-service on the given tables and waits until it is ready. */
  startService(
    name: string,
    tables: TestTables,
    extraEnv?: Record<string, string>,
  ): Promise<TaskServiceInstance>;
  /** Spawns task-service without waiting for readiness (startup timing). */
  spawnService(name: string, tables: TestTables): Promise<TaskServiceInstance>;
  /** Spawns the built report job for a date. */
  spawnReportJob(tables: TestTables, date: string, options?: ReportJobOptions): ManagedChild;
}

/**
 * The tables' environment without the test tables' short DynamoDB timeouts: verify runs the
 * service and the job with their production defaults (2000 ms per attempt, 3 attempts), since a
 * 500 ms timeout only measures how slow the embedded DynamoDB gets on a busy machine.
 */
export function dynamoEnv(tables: TestTables): Record<string, string> {
  const env = { ...tables.env };
  delete env.DYNAMODB_TIMEOUT_MS;
  delete env.DYNAMODB_MAX_ATTEMPTS;
  return env;
}

/** task-service settings for verify: probes every second, as the Kubernetes manifests do. */
export function taskServiceEnv(
  tables: TestTables,
  canaries: Canaries,
  identity: TestIdentity,
): Record<string, string> {
  return {
    ...dynamoEnv(tables),
    ...identity.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    READINESS_INTERVAL_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ADMIN_USERS: ADMIN_USER,
    AWS_ACCESS_KEY_ID: 'AKIAVERIFYCANARY0000',
    AWS_SECRET_ACCESS_KEY: canaries.awsSecretAccessKey,
  };
}

export async function createContext(dynamo: DynamoServer): Promise<VerifyContext> {
  const canaries: Canaries = {
    awsSecretAccessKey: `verifySecretKey${randomBytes(12).toString('hex')}`,
    cookie: `verifyCookie${randomBytes(12).toString('hex')}`,
  };
  // Tokens outlive the longest run of verify (8 minutes at most).
  const identity = await startTestIdentity({ accessTokenTtlSeconds: 900 });
  const logs = new LogAudit([
    ...Object.values(canaries),
    identity.clientSecret,
    identity.env.SESSION_KEYS!,
  ]);

  const spawnService = (name: string, tables: TestTables): Promise<TaskServiceInstance> =>
    spawnTaskService({
      name,
      launch: TASK_SERVICE_LAUNCH,
      env: taskServiceEnv(tables, canaries, identity),
      onLine: logs.scan,
    });

  return {
    dynamo,
    logs,
    canaries,
    identity,
    async credentials(user) {
      const token = await identity.token(user);
      logs.watchFor(token);
      return { authorization: `Bearer ${token}` };
    },
    newTables: () => createTestTables(dynamo.endpoint),
    spawnService,
    async startService(name, tables, extraEnv = {}) {
      const instance = await spawnTaskService({
        name,
        launch: TASK_SERVICE_LAUNCH,
        env: { ...taskServiceEnv(tables, canaries, identity), ...extraEnv },
        onLine: logs.scan,
      });
      await waitUntilReady(instance, { timeoutMs: 20_000, intervalMs: 50 });
      return instance;
    },
    spawnReportJob(tables, date, options = {}) {
      return spawnChild({
        name: `report-job ${date}`,
        command: process.execPath,
        // As the image and the CronJob start it.
        args: [...REPORTER_HEAP_FLAGS, REPORT_JOB_ENTRY, '--date', date],
        env: {
          ...dynamoEnv(tables),
          NODE_ENV: 'production',
          LOG_LEVEL: 'info',
          REPORT_TIMEZONE: 'Asia/Tokyo',
          AWS_ACCESS_KEY_ID: 'AKIAVERIFYCANARY0000',
          AWS_SECRET_ACCESS_KEY: canaries.awsSecretAccessKey,
          ...options.env,
        },
        onLine: (line, stream) => {
          logs.scan(line, stream);
          if (stream === 'stdout') options.onLine?.(line);
        },
      });
    },
  };
}
