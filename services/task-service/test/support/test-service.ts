/**
 * The app under test, wired to a real dynalite server through fresh, uniquely named
 * tables, with its log lines captured for assertions.
 */
import { Writable } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import { createDynamoClients, IdempotentCreates, TaskRepository } from '@task-manager/task-store';
import { createTestTables, type DynaliteServer, type TestTables } from '@task-manager/testing';
import { createApp } from '../../src/app.ts';
import { HealthState } from '../../src/health.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { dynamoReportSource } from '../../src/report-source.ts';

export type LogLine = Record<string, unknown> & { level: string; msg: string };

export class LogCapture extends Writable {
  readonly lines: LogLine[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const text of chunk.toString('utf8').split('\n')) {
      if (text !== '') this.lines.push(JSON.parse(text) as LogLine);
    }
    callback();
  }
}

export interface TestService {
  app: Express;
  tables: TestTables;
  tasks: TaskRepository;
  health: HealthState;
  logs: LogCapture;
}

export async function createTestService(
  dynamo: DynaliteServer,
  options: {
    adminUsers?: string[];
    started?: boolean;
    /** Where the app reaches DynamoDB, when not directly (a proxy in front of `dynamo`). */
    dynamoEndpoint?: string;
  } = {},
): Promise<TestService> {
  const tables = await createTestTables(dynamo.endpoint);
  const { doc } =
    options.dynamoEndpoint === undefined
      ? tables.clients
      : createDynamoClients({ ...tables.config, endpoint: options.dynamoEndpoint });
  const logs = new LogCapture();
  const health = new HealthState();
  // As if the readiness monitor's first check had passed, unless the test says otherwise.
  if (options.started ?? true) health.recordTableCheck({ ok: true });
  const tasks = new TaskRepository(doc, tables.config.tasksTable);
  const app = createApp({
    tasks,
    creates: new IdempotentCreates(doc, tables.config.idempotencyTable, tasks),
    reports: dynamoReportSource(doc, tables.config.reportsTable),
    health,
    metrics: createMetrics(),
    logger: createLogger('debug', logs),
    adminUsers: new Set(options.adminUsers ?? []),
  });
  return { app, tables, tasks, health, logs };
}

export const ALICE = 'alice';
export const BOB = 'bob@example.com';

/** A valid new task, with overrides. */
export function newTask(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: 'Buy milk', startAt: '2026-11-21T09:00:00+09:00', ...overrides };
}

/** Creates a task through the API and returns its body and ETag. */
export async function createTask(
  app: Express,
  user: string,
  body: Record<string, unknown> = newTask(),
): Promise<{ task: Record<string, unknown> & { taskId: string }; etag: string }> {
  const response = await request(app)
    .post('/api/tasks')
    .set('X-Forwarded-User', user)
    .send(body)
    .expect(201);
  return { task: response.body, etag: response.headers.etag as string };
}
