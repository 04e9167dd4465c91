import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoConfig } from './config.ts';
import { tableDefinitions } from './schema.ts';

export type TableStatus = 'created' | 'exists';

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/**
 * Creates the project's tables if they are missing and waits until they are ACTIVE.
 * Safe to run again and concurrently (two replicas of an init Job, say).
 */
export async function ensureTables(
  client: DynamoDBClient,
  config: Pick<DynamoConfig, 'tasksTable' | 'reportsTable'>,
): Promise<Record<string, TableStatus>> {
  const result: Record<string, TableStatus> = {};
  for (const definition of tableDefinitions(config)) {
    const name = definition.TableName!;
    let status: TableStatus = 'exists';
    if (!(await tableExists(client, name))) {
      try {
        await client.send(new CreateTableCommand(definition));
        status = 'created';
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
    await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1 }, { TableName: name });
    result[name] = status;
  }
  return result;
}
