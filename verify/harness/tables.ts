/** Direct reads of the tables, bypassing the API: the evidence its answers are compared with. */
import { deepStrictEqual } from 'node:assert/strict';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { StoredItem } from '@task-manager/task-store';
import type { TestTables } from '@task-manager/testing';

/** Every item of a table (consistent reads, all pages). */
export async function scanTable(tables: TestTables, tableName: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  const pages = paginateScan(
    { client: tables.clients.doc },
    { TableName: tableName, ConsistentRead: true },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

/** Every item of the tasks and reports tables, in scan order (the same while nothing changes). */
export function snapshotTables(tables: TestTables): Promise<StoredItem[][]> {
  const { tasksTable, reportsTable } = tables.config;
  return Promise.all([tasksTable, reportsTable].map((name) => scanTable(tables, name)));
}

/** How the tables differ from an earlier snapshot; undefined when nothing was written. */
export async function changesSince(
  tables: TestTables,
  before: StoredItem[][],
): Promise<string | undefined> {
  try {
    deepStrictEqual(await snapshotTables(tables), before);
    return undefined;
  } catch (error) {
    return `the tables changed: ${(error as Error).message.slice(0, 400)}`;
  }
}
