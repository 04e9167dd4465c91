/**
 * People's display names, kept in the reports table (see schema.ts) where the report job reads
 * them: task-service writes a person's name as they use the app, the job reads the names of the
 * people in a report when it publishes it. Reports published before names existed, and people
 * whose name was never recorded, show the user id instead.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { USER_PROFILE_SK, userProfilePartitionKey } from './schema.ts';

/** The most keys one BatchGetItem call accepts. */
export const BATCH_GET_LIMIT = 100;

export async function recordUserName(
  doc: DynamoDBDocumentClient,
  tableName: string,
  userId: string,
  name: string,
  now: Date = new Date(),
): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        pk: userProfilePartitionKey(userId),
        sk: USER_PROFILE_SK,
        userId,
        name,
        updatedAt: now.toISOString(),
      },
    }),
  );
}

/**
 * The recorded names of these users (absent from the map when unknown), read 100 at a time;
 * keys DynamoDB returns unprocessed are asked again with backoff, a bounded number of times.
 */
export async function readUserNames(
  doc: DynamoDBDocumentClient,
  tableName: string,
  userIds: Iterable<string>,
  { maxAttempts = 8, baseDelayMs = 50 } = {},
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const unique = [...new Set(userIds)];
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    let keys: Record<string, unknown>[] = unique
      .slice(start, start + BATCH_GET_LIMIT)
      .map((userId) => ({ pk: userProfilePartitionKey(userId), sk: USER_PROFILE_SK }));
    for (let attempt = 0; keys.length > 0; attempt += 1) {
      if (attempt >= maxAttempts) {
        throw new Error(`${keys.length} user names stayed unprocessed after ${maxAttempts} calls`);
      }
      if (attempt > 0) await sleep(Math.random() * baseDelayMs * 2 ** attempt);
      const result = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) {
        if (typeof item.userId === 'string' && typeof item.name === 'string') {
          names.set(item.userId, item.name);
        }
      }
      keys = (result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[]) ?? [];
    }
  }
  return names;
}
