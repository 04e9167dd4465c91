/**
 * The embedded DynamoDB of `npm start`: dynalite on loopback, keeping its data on disk so
 * tasks survive a restart, with the project's tables created if they are missing.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createDynamoClients, loadDynamoConfig, type DynamoConfig } from '@task-manager/task-store';
import { startDynalite, type DynaliteServer } from '@task-manager/testing';
import { assertStoreFree } from './data-dir-lock.ts';
import { portInUse } from './local-config.ts';
import { upgradeLocalTables } from './local-table-upgrade.ts';

export interface LocalDynamo {
  server: DynaliteServer;
  config: DynamoConfig;
  /** The variables that point a process at this DynamoDB and its tables. */
  env: Record<string, string>;
}

export async function startLocalDynamo(options: {
  port: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}): Promise<LocalDynamo> {
  await mkdir(options.dataDir, { recursive: true });
  await assertStoreFree(options.dataDir);
  let server: DynaliteServer;
  try {
    server = await startDynalite({ port: options.port, path: options.dataDir });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw portInUse('DYNAMODB_PORT', options.port, error);
    }
    throw error;
  }
  const env = {
    AWS_REGION: options.env.AWS_REGION ?? 'us-east-1',
    DYNAMODB_ENDPOINT: server.endpoint,
    TASKS_TABLE: options.env.TASKS_TABLE ?? 'tasks',
    REPORTS_TABLE: options.env.REPORTS_TABLE ?? 'task-reports',
    IDEMPOTENCY_TABLE: options.env.IDEMPOTENCY_TABLE ?? 'task-idempotency-keys',
  };
  const config = loadDynamoConfig(env);
  const clients = createDynamoClients(config);
  try {
    // Tables made by an older schema get its new indexes (see local-table-upgrade.ts).
    await upgradeLocalTables(clients, config, path.dirname(options.dataDir), (message) =>
      console.log(`dynamodb: ${message}`),
    );
  } finally {
    clients.client.destroy();
  }
  return { server, config, env };
}
