import { randomUUID } from 'node:crypto';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  createDynamoClients,
  ensureTables,
  loadDynamoConfig,
  type DynamoClients,
  type DynamoConfig,
  type StoredItem,
} from '@task-manager/task-store';

export interface TestTables {
  config: DynamoConfig;
  clients: DynamoClients;
  /** The environment an app under test needs to use these tables. */
  env: Record<string, string>;
}

/** Creates uniquely named tables, so test files that share one server never see each other's data. */
export async function createTestTables(endpoint: string): Promise<TestTables> {
  const suffix = randomUUID().slice(0, 8);
  const env = {
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    TASKS_TABLE: `tasks-${suffix}`,
    REPORTS_TABLE: `reports-${suffix}`,
    IDEMPOTENCY_TABLE: `idempotency-${suffix}`,
    // Short timeouts keep outage tests fast; the defaults are for production.
    DYNAMODB_TIMEOUT_MS: '500',
    DYNAMODB_MAX_ATTEMPTS: '2',
  };
  const config = loadDynamoConfig(env);
  const clients = createDynamoClients(config);
  await ensureTables(clients.client, config);
  return { config, clients, env };
}

/**
 * The tables' environment with the programs' production DynamoDB timeouts instead of the short
 * ones above: for runs that measure or load the built programs (verify, the benchmarks), where a
 * 500 ms timeout would only measure how slow the embedded DynamoDB gets on a busy machine.
 */
export function withProductionTimeouts(tables: TestTables): Record<string, string> {
  const env: Record<string, string> = { ...tables.env };
  delete env.DYNAMODB_TIMEOUT_MS;
  delete env.DYNAMODB_MAX_ATTEMPTS;
  return env;
}

/**
 * Every item of a table, all pages, read consistently: what tests and verify compare the API's
 * answers with, and what npm start copies when it rebuilds a local table. The app never scans.
 */
export async function scanTable(
  clients: Pick<DynamoClients, 'doc'>,
  tableName: string,
): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  const pages = paginateScan(
    { client: clients.doc },
    { TableName: tableName, ConsistentRead: true },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}
