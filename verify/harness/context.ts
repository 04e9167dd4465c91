/**
 * What every check gets: DynamoDB in its own process (so it can be stopped and restarted), fresh
 * tables, task-service instances and report jobs, and the audit of all their output.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPORTER_HEAP_FLAGS } from '@task-manager/batch/launch';
import { TASK_SERVICE_LAUNCH } from '@task-manager/task-service/launch';
import {
  createTestTables,
  spawnChild,
  spawnTaskService,
  startDynaliteProcess,
  startTestIdentity,
  stopTaskService,
  waitUntilReady,
  type ManagedChild,
  type TaskServiceInstance,
  type TestTables,
  withProductionTimeouts,
} from '@task-manager/testing';
import { LogAudit } from '../checks/logs.ts';
import { createHttpClient, type HttpClient } from './http.ts';

export const ADMIN_USER = 'verify-admin';
/** task-service's SHUTDOWN_TIMEOUT_MS in verify: an instance must exit within it after SIGTERM. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
/** The report job's built entry point, as its image's CMD runs it. */
const REPORT_JOB_ENTRY = resolve(import.meta.dirname, '../../batch/dist/main.js');

/** A check's measured figures (always printed) and why it fails (empty when it passes). */
export interface Outcome {
  figures: string[];
  failures: string[];
}

export type VerifyContext = Awaited<ReturnType<typeof createContext>>;

export async function createContext() {
  const dataDir = await mkdtemp(join(tmpdir(), 'verify-dynamodb-'));
  const dynamo = await startDynaliteProcess({ path: dataDir });
  // Planted where a careless log line would pick them up (dynalite accepts any AWS key).
  const canaries = {
    awsSecretAccessKey: `verifySecretKey${randomBytes(12).toString('hex')}`,
    cookie: `verifyCookie${randomBytes(12).toString('hex')}`,
  };
  // Tokens outlive the longest run of verify (8 minutes at most).
  const identity = await startTestIdentity({ accessTokenTtlSeconds: 900 });
  const logs = new LogAudit();
  const planted = [...Object.values(canaries), identity.clientSecret, identity.env.SESSION_KEYS!];
  for (const secret of planted) logs.secrets.add(secret);

  /** What the service and the job both run with (the AWS key only dynalite sees). */
  const programEnv = (tables: TestTables): Record<string, string> => ({
    ...withProductionTimeouts(tables),
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    AWS_ACCESS_KEY_ID: 'AKIAVERIFYCANARY0000',
    AWS_SECRET_ACCESS_KEY: canaries.awsSecretAccessKey,
  });
  const newTables = (): Promise<TestTables> => createTestTables(dynamo.endpoint);
  /** Starts task-service on `tables`, ready (it probes DynamoDB every second). */
  const startService = async (name: string, tables: TestTables): Promise<TaskServiceInstance> => {
    const instance = await spawnTaskService({
      name,
      launch: TASK_SERVICE_LAUNCH,
      env: {
        ...programEnv(tables),
        ...identity.env,
        READINESS_INTERVAL_MS: '1000',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        ADMIN_USERS: ADMIN_USER,
      },
      onLine: logs.scan,
    });
    // One that never gets ready is stopped here, not left to load the machine under later checks.
    await waitUntilReady(instance, { timeoutMs: 20_000, intervalMs: 50 }).catch(
      async (error: unknown) => {
        await stopTaskService(instance);
        throw error;
      },
    );
    return instance;
  };

  return {
    dynamo,
    logs,
    canaries,
    identity,
    /** `Authorization: Bearer <token>` of a user (each token is fetched once, then watched for). */
    async credentials(user: string): Promise<Record<string, string>> {
      const token = await identity.token(user);
      logs.secrets.add(token);
      return { authorization: `Bearer ${token}` };
    },
    /** New, uniquely named tables on the shared DynamoDB. */
    newTables,
    startService,
    /**
     * Runs `check` against a task-service of its own, on new tables, with a client; stops both
     * afterwards, and fails the check if the service exited.
     */
    async withService(
      check: (use: {
        service: TaskServiceInstance;
        client: HttpClient;
        tables: TestTables;
      }) => Promise<Outcome>,
    ): Promise<Outcome> {
      const tables = await newTables();
      const service = await startService('task-service', tables);
      const client = createHttpClient(service.url);
      try {
        const outcome = await check({ service, client, tables });
        if (!service.child.alive) outcome.failures.push('task-service exited');
        return outcome;
      } finally {
        client.close();
        await stopTaskService(service);
      }
    },
    /** The built report job for a date, as the image and the CronJob start it. */
    spawnReportJob(tables: TestTables, date: string, onLine: (line: string) => void): ManagedChild {
      return spawnChild({
        name: `report-job ${date}`,
        command: process.execPath,
        args: [...REPORTER_HEAP_FLAGS, REPORT_JOB_ENTRY, '--date', date],
        env: { ...programEnv(tables), REPORT_TIMEZONE: 'Asia/Tokyo', REPORT_PROGRESS_EVERY: '500' },
        onLine: (line, stream) => {
          logs.scan(line, stream);
          if (stream === 'stdout') onLine(line);
        },
      });
    },
    async close(): Promise<void> {
      await identity.close();
      await dynamo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// Figures.

export const ms = (value: number): string =>
  Number.isNaN(value) ? '-' : value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;

export const seconds = (valueMs: number): string => `${(valueMs / 1000).toFixed(2)} s`;

/** Nearest-rank percentile of `values`, p in [0, 100]; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.max(Math.ceil((p / 100) * sorted.length), 1) - 1]!;
}

/** "503:12 200:40": how often each value occurs, most frequent first. */
export function distribution(values: Iterable<string | number>): string {
  const counts = new Map<string | number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${key}:${count}`)
    .join(' ');
}
