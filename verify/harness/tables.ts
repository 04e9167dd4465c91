/** Direct reads of the tables, bypassing the API: the evidence its answers are compared with. */
import { deepStrictEqual } from 'node:assert/strict';
import type { StoredItem } from '@task-manager/task-store';
import { scanTable, type TestTables } from '@task-manager/testing';

/** Every item of the tasks and reports tables, in scan order (the same while nothing changes). */
export function snapshotTables(tables: TestTables): Promise<StoredItem[][]> {
  const { tasksTable, reportsTable } = tables.config;
  return Promise.all([tasksTable, reportsTable].map((name) => scanTable(tables.clients, name)));
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
