import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type TableDescription,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type UpdateTimeToLiveCommandInput,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tableDefinitions, type TableNames } from './schema.ts';

/** 'indexes added': the table existed without an index the schema has, which was added. */
export type TableStatus = 'created' | 'exists' | 'indexes added';

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

/**
 * The server did not add an index to an existing table. dynalite (npm start, the tests) cannot:
 * it refuses UpdateTable's GlobalSecondaryIndexUpdates on on-demand tables and builds no index
 * it was not created with. DynamoDB and LocalStack can.
 */
export class IndexNotAddedError extends Error {
  override name = 'IndexNotAddedError';
  readonly tableName: string;
  readonly indexName: string;
  constructor(tableName: string, indexName: string, options?: ErrorOptions) {
    super(
      `could not add index ${indexName} to the existing table ${tableName}: this DynamoDB server ` +
        'does not add indexes to existing tables; recreate the table (its items carry the ' +
        'attributes the index needs)',
      options,
    );
    this.tableName = tableName;
    this.indexName = indexName;
  }
}

async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

export interface AddIndexOptions {
  /** How long to wait for DynamoDB to build (backfill) a new index. */
  maxWaitSeconds?: number;
  /** Between two looks at the index's status. */
  pollMs?: number;
}

/**
 * Adds the schema's indexes that an existing table lacks, one UpdateTable each (DynamoDB builds
 * one new index at a time per table), and waits until each is ACTIVE: until then, DynamoDB
 * refuses Queries of it. Returns the names it added.
 */
export async function addMissingIndexes(
  client: DynamoDBClient,
  definition: CreateTableCommandInput,
  options: AddIndexOptions = {},
): Promise<string[]> {
  const { maxWaitSeconds = 600, pollMs = 1000 } = options;
  const tableName = definition.TableName!;
  const added: string[] = [];
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    const indexName = index.IndexName!;
    const present = (await describeTable(client, tableName))?.GlobalSecondaryIndexes ?? [];
    if (present.some((existing) => existing.IndexName === indexName)) continue;
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: definition.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    } catch (error) {
      // Another create-tables (a second init container) may have just added it.
      const now = (await describeTable(client, tableName))?.GlobalSecondaryIndexes ?? [];
      if (!now.some((existing) => existing.IndexName === indexName)) {
        if (error instanceof Error && error.name === 'ValidationException') {
          throw new IndexNotAddedError(tableName, indexName, { cause: error });
        }
        throw error;
      }
    }
    const deadline = Date.now() + maxWaitSeconds * 1000;
    for (;;) {
      const table = await describeTable(client, tableName);
      const status = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName);
      // Accepted, yet not there at all: the server ignored it.
      if (status === undefined) throw new IndexNotAddedError(tableName, indexName);
      if (status.IndexStatus === 'ACTIVE') break;
      if (Date.now() > deadline) {
        throw new Error(
          `index ${indexName} of ${tableName} is still ${status.IndexStatus} after ${maxWaitSeconds} s`,
        );
      }
      await sleep(pollMs);
    }
    added.push(indexName);
  }
  return added;
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
 * Creates the project's tables if they are missing, adds the indexes an existing table lacks
 * (a table made by an older version of the schema), waits until they are ACTIVE, and turns on
 * TTL where the schema asks for it. Safe to run again and concurrently (two replicas of an
 * init container, say). Throws IndexNotAddedError where the server cannot add an index.
 */
export async function ensureTables(
  client: DynamoDBClient,
  names: TableNames,
  options: AddIndexOptions = {},
): Promise<EnsureTablesResult> {
  const definitions = tableDefinitions(names);
  const result: EnsureTablesResult = { tables: {}, timeToLive: {} };
  for (const definition of definitions.tables) {
    const name = definition.TableName!;
    let status: TableStatus = 'exists';
    if ((await describeTable(client, name)) === undefined) {
      try {
        await client.send(new CreateTableCommand(definition));
        status = 'created';
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
    await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1 }, { TableName: name });
    if (status === 'exists' && (await addMissingIndexes(client, definition, options)).length > 0) {
      status = 'indexes added';
    }
    result.tables[name] = status;
  }
  for (const input of definitions.timeToLive) {
    result.timeToLive[input.TableName!] = await ensureTimeToLive(client, input);
  }
  return result;
}
