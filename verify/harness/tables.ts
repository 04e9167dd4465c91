/**
 * Direct reads and writes of the tables through the SDK, bypassing the API: what is really
 * stored is the evidence the checks compare the API's answers against.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  batchWrite,
  completionAttributes,
  newTaskItem,
  queryPages,
  taskRecordFromItem,
  type StoredItem,
} from '@task-manager/task-store';
import type { TestTables } from '@task-manager/testing';
import type { StoredTask } from './write-journal.ts';

/** Every task stored for a user (a Query on the table's partition key, all pages). */
export async function readUserTasks(tables: TestTables, userId: string): Promise<StoredTask[]> {
  const tasks: StoredTask[] = [];
  const pages = queryPages(tables.clients.doc, {
    TableName: tables.config.tasksTable,
    KeyConditionExpression: 'userId = :user',
    ExpressionAttributeValues: { ':user': userId },
    ConsistentRead: true,
  });
  for await (const items of pages) {
    for (const item of items) {
      const { task } = taskRecordFromItem(item);
      tasks.push({ ...task });
    }
  }
  return tasks;
}

/**
 * Every item of both tables, serialised in key order: two snapshots are equal exactly when
 * nothing was written in between. Only for the small tables of the functional checks.
 */
export async function snapshotTables(tables: TestTables): Promise<string> {
  const doc = tables.clients.doc;
  const parts: string[] = [];
  for (const tableName of [tables.config.tasksTable, tables.config.reportsTable]) {
    const items = await scanAll(doc, tableName);
    parts.push(...items.map((item) => `${tableName} ${stableJson(item)}`).sort());
  }
  return parts.join('\n');
}

async function scanAll(doc: DynamoDBDocumentClient, tableName: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export interface CompletedSeed {
  userId: string;
  taskId: string;
  title: string;
  completedAt: string;
}

/** Stores done tasks exactly as task-service stores them, in batches of 25. */
export async function seedCompletedTasks(
  tables: TestTables,
  tasks: readonly CompletedSeed[],
): Promise<void> {
  const requests = tasks.map((task) => {
    const completedAt = new Date(task.completedAt);
    const item = {
      ...newTaskItem(
        task.userId,
        task.taskId,
        { title: task.title, startAt: task.completedAt },
        completedAt,
      ),
      done: true,
      ...completionAttributes(task.completedAt, task.taskId),
    };
    return { PutRequest: { Item: item } };
  });
  await batchWrite(tables.clients.doc, tables.config.tasksTable, requests);
}
