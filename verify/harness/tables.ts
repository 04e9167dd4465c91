/** Direct reads of the tables, bypassing the API: the evidence its answers are compared with. */
import { deepStrictEqual } from 'node:assert/strict';
import { readUserNames, type StoredItem } from '@task-manager/task-store';
import { eventually, scanTable, type TestTables } from '@task-manager/testing';

/**
 * Waits until task-service has stored `userId`'s display name, which it records once, in the
 * background, after their first change: snapshots of the tables taken after this can only see
 * the check's own writes.
 */
export async function untilNameStored(tables: TestTables, userId: string): Promise<void> {
  await eventually(async () => {
    const names = await readUserNames(tables.clients.doc, tables.config.reportsTable, [userId]);
    if (!names.has(userId)) throw new Error(`${userId}'s display name is not stored yet`);
  });
}

/**
 * Every item of the tasks and reports tables, read directly, bypassing the API; the function it
 * returns says how they have changed since (undefined when nothing was written).
 */
export async function watchTables(tables: TestTables) {
  const { tasksTable, reportsTable } = tables.config;
  const snapshot = (): Promise<StoredItem[][]> =>
    Promise.all([tasksTable, reportsTable].map((name) => scanTable(tables.clients, name)));
  const before = await snapshot();
  return async (): Promise<string | undefined> => {
    try {
      // In scan order, which is the same while nothing changes.
      deepStrictEqual(await snapshot(), before);
      return undefined;
    } catch (error) {
      return `the tables changed: ${(error as Error).message.slice(0, 400)}`;
    }
  };
}
