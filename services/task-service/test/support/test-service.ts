/**
 * The app under test, wired to a real dynalite server through fresh, uniquely named
 * tables and to a real OpenID Provider (the development one, on an ephemeral port), with its
 * log lines captured for assertions. Requests authenticate as people and scripts do: with an
 * access token from the provider (as(user)) or a session cookie from signing in.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import { createDynamoClients, IdempotentCreates, TaskRepository } from '@task-manager/task-store';
import {
  createTestTables,
  forFile,
  startDynalite,
  startTestIdentity,
  type DynaliteServer,
  type TestIdentity,
  type TestTables,
} from '@task-manager/testing';
import { createApp } from '../../src/app.ts';
import { createAuthentication, type Authentication } from '../../src/auth/authentication.ts';
import { dynamoUserProfiles, type UserProfiles } from '../../src/auth/user-profiles.ts';
import { loadConfig } from '../../src/config.ts';
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
  /** The dynalite server its tables are on (a second service can share it). */
  dynamo: DynaliteServer;
  tables: TestTables;
  tasks: TaskRepository;
  health: HealthState;
  logs: LogCapture;
  auth: Authentication;
  /** The app listening on loopback (started on first use), for flows that follow redirects. */
  baseUrl(): Promise<string>;
}

/** The users the tests act as; their tokens are fetched once, before the first test. */
export const KNOWN_USERS = ['alice', 'bob', 'bob@example.com', 'admin', 'carol', 'nobody'];

let identity: Promise<TestIdentity> | undefined;

/** The provider every service of this test file trusts, started once per test process. */
export async function testIdentity(): Promise<TestIdentity> {
  identity ??= startTestIdentity().then(async (started) => {
    await Promise.all(KNOWN_USERS.map((user) => started.token(user)));
    currentIdentity = started;
    return started;
  });
  return identity;
}

let currentIdentity: TestIdentity | undefined;

/** The Authorization header of `user` (one of KNOWN_USERS, or one fetched with token()). */
export function as(user: string): Record<string, string> {
  if (!currentIdentity) throw new Error('await testIdentity() (or createTestService) first');
  return { Authorization: `Bearer ${currentIdentity.cachedToken(user)}` };
}

/** Listens on loopback without keeping the test process alive. */
async function listen(app: Express): Promise<Server> {
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  server.unref();
  server.on('connection', (socket) => socket.unref());
  return server;
}

export interface TestServiceOptions {
  adminUsers?: string[];
  /** Extra task-service settings (SESSION_IDLE_TIMEOUT_SECONDS...). */
  env?: Record<string, string>;
  /** The clock sessions and tokens are checked against, in epoch seconds. */
  now?: () => number;
  /** Where display names go (default: the reports table, as in production). */
  profiles?: UserProfiles;
  started?: boolean;
  /** Where the app reaches DynamoDB, when not directly (a proxy in front of `dynamo`). */
  dynamoEndpoint?: string;
}

export async function createTestService(
  dynamo: DynaliteServer,
  options: TestServiceOptions = {},
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
  const idp = await testIdentity();
  const config = loadConfig({
    ...tables.env,
    ...idp.env,
    ...(options.adminUsers ? { ADMIN_USERS: options.adminUsers.join(',') } : {}),
    ...options.env,
  });
  const logger = createLogger('debug', logs);
  const auth = createAuthentication(
    config.auth,
    logger,
    options.profiles ?? dynamoUserProfiles(doc, tables.config.reportsTable, logger),
    options.now,
  );
  const app = createApp({
    tasks,
    creates: new IdempotentCreates(doc, tables.config.idempotencyTable, tasks),
    reports: dynamoReportSource(doc, tables.config.reportsTable),
    health,
    metrics: createMetrics(),
    logger,
    auth,
  });
  let server: Promise<Server> | undefined;
  const baseUrl = async () => {
    server ??= listen(app);
    return `http://127.0.0.1:${((await server).address() as AddressInfo).port}`;
  };
  return { app, dynamo, tables, tasks, health, logs, auth, baseUrl };
}

/** For a test file: a service on a dynalite of its own, given its data by `prepare` (see forFile). */
export function serviceForFile(
  options: TestServiceOptions = {},
  prepare?: () => Promise<void>,
): TestService {
  return forFile(async (stopLater) => {
    const dynamo = await startDynalite();
    stopLater(() => dynamo.stop());
    return createTestService(dynamo, options);
  }, prepare);
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
  const response = await request(app).post('/api/tasks').set(as(user)).send(body).expect(201);
  return { task: response.body, etag: response.headers.etag as string };
}
