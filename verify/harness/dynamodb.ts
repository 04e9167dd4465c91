/**
 * The DynamoDB that verify's task-service instances and report jobs talk to: dynalite in a child
 * process with its data on disk (@task-manager/testing's startDynaliteProcess) and the project's
 * tables, which can be stopped and started again on the same port with its data intact.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTables, startDynaliteProcess, type TestTables } from '@task-manager/testing';

export interface DynamoServer {
  readonly endpoint: string;
  readonly tables: TestTables;
  /** Environment for a process using these tables (endpoint, region, table names, timeouts). */
  readonly env: Record<string, string>;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startDynamoServer(): Promise<DynamoServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'verify-dynamodb-'));
  const dynamo = await startDynaliteProcess({ path: dataDir });
  const tables = await createTestTables(dynamo.endpoint);
  return {
    endpoint: dynamo.endpoint,
    tables,
    env: tables.env,
    get running() {
      return dynamo.running;
    },
    stop: () => dynamo.stop(),
    start: () => dynamo.start(),
    async close() {
      tables.clients.client.destroy();
      await dynamo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
