/**
 * Bringing the tables of `npm start`'s on-disk dynalite up to the schema. ensureTables adds a
 * new index to an existing table with UpdateTable, which DynamoDB and LocalStack do; dynalite
 * cannot (IndexNotAddedError). Its data is one person's local tasks, so the table is rebuilt
 * instead: every item is copied to a backup file, the table is created again from the schema,
 * and the items are written back, carrying the attributes the new index needs already. The
 * backup is removed only once the items are back; should the process stop halfway, the next
 * start finds it and finishes the job. (A one-off Scan of a local table: the app itself never
 * scans.)
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DeleteTableCommand, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb';
import {
  batchWrite,
  ensureTables,
  IndexNotAddedError,
  type DynamoClients,
  type EnsureTablesResult,
  type StoredItem,
  type TableNames,
} from '@task-manager/task-store';
import { scanTable } from '@task-manager/testing';

export interface UpgradeLog {
  (message: string): void;
}

const backupPath = (dir: string, table: string) => path.join(dir, `${table}.rebuild-backup.json`);

async function putBack(clients: DynamoClients, tableName: string, file: string): Promise<number> {
  const items = JSON.parse(await readFile(file, 'utf8')) as StoredItem[];
  await batchWrite(
    clients.doc,
    tableName,
    items.map((item) => ({ PutRequest: { Item: item } })),
  );
  await rm(file);
  return items.length;
}

/**
 * ensureTables, rebuilding a table whose new index the server cannot add. `backupDir` holds
 * the items while a table is rebuilt (outside dynalite's own directory).
 */
export async function upgradeLocalTables(
  clients: DynamoClients,
  names: TableNames,
  backupDir: string,
  log: UpgradeLog,
): Promise<EnsureTablesResult> {
  for (;;) {
    let result: EnsureTablesResult;
    try {
      result = await ensureTables(clients.client, names);
    } catch (error) {
      if (!(error instanceof IndexNotAddedError)) throw error;
      const table = error.tableName;
      const file = backupPath(backupDir, table);
      const items = await scanTable(clients, table);
      await writeFile(file, JSON.stringify(items), { mode: 0o600 });
      log(`rebuilding table ${table} to add index ${error.indexName} (${items.length} items)`);
      await clients.client.send(new DeleteTableCommand({ TableName: table }));
      await waitUntilTableNotExists(
        { client: clients.client, maxWaitTime: 60, minDelay: 1 },
        { TableName: table },
      );
      continue;
    }
    // Items of a rebuild (this one, or one a stopped start left unfinished) go back in.
    for (const table of Object.keys(result.tables)) {
      const file = backupPath(backupDir, table);
      if (!existsSync(file)) continue;
      const count = await putBack(clients, table, file);
      log(`restored ${count} items into the rebuilt table ${table}`);
    }
    return result;
  }
}
