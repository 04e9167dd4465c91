import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type UpdateTimeToLiveCommandInput,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tableDefinitions, type TableNames } from './schema.ts';

export type TableStatus = 'created' | 'exists';

/**
 * 'unsupported': the server has no TTL (dynalite, used by npm start and the tests). Expired items
 * then stay, and the code that reads them ignores them by their expiry time, as it must on
 * DynamoDB too (TTL deletes items some time after they expire, not at once).
 */
export type TimeToLiveStatus = 'enabled' | 'unsupported';

export interface EnsureTablesResult {
  tables: Record<string, TableStatus>;
  timeToLive: Record<string, TimeToLiveStatus>;
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function ensureTimeToLive(
  client: DynamoDBClient,
  input: UpdateTimeToLiveCommandInput,
): Promise<TimeToLiveStatus> {
  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: input.TableName }),
  );
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return 'enabled';
  try {
    await client.send(new UpdateTimeToLiveCommand(input));
    return 'enabled';
  } catch (error) {
    if (error instanceof Error && error.name === 'UnknownOperationException') return 'unsupported';
    throw error;
  }
}

/**
 * Creates the project's tables if they are missing, waits until they are ACTIVE, and turns on
 * TTL where the schema asks for it. Safe to run again and concurrently (two replicas of an
 * init container, say).
 */
export async function ensureTables(
  client: DynamoDBClient,
  names: TableNames,
): Promise<EnsureTablesResult> {
  const definitions = tableDefinitions(names);
  const result: EnsureTablesResult = { tables: {}, timeToLive: {} };
  for (const definition of definitions.tables) {
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
    result.tables[name] = status;
  }
  for (const input of definitions.timeToLive) {
    result.timeToLive[input.TableName!] = await ensureTimeToLive(client, input);
  }
  return result;
}
