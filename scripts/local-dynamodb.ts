/**
 * The embedded DynamoDB of `npm start`: dynalite on loopback, keeping its data on disk so
 * tasks survive a restart, with the project's tables created if they are missing.
 */
import { mkdir } from 'node:fs/promises';
import {
  createDynamoClients,
  ensureTables,
  loadDynamoConfig,
  type DynamoConfig,
} from '@task-manager/task-store';
import { startDynalite, type DynaliteServer } from '@task-manager/testing';

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
  let server: DynaliteServer;
  try {
    server = await startDynalite({ port: options.port, path: options.dataDir });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${options.port} is in use: is another npm start running? Set DYNAMODB_PORT to use another port.`,
        { cause: error },
      );
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
  const { client } = createDynamoClients(config);
  try {
    await ensureTables(client, config);
  } finally {
    client.destroy();
  }
  return { server, config, env };
}
