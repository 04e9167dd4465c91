import {
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type StoredItem = Record<string, unknown>;

/**
 * Runs a Query to the end, one page at a time. Pages are yielded as they arrive and the
 * next one is only requested when the consumer asks for it, so a caller that processes
 * each page before pulling the next keeps at most one page in memory.
 */
export async function* queryPages(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  signal?: AbortSignal,
): AsyncGenerator<StoredItem[]> {
  let exclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await doc.send(
      new QueryCommand({ ...input, ExclusiveStartKey: exclusiveStartKey }),
      { abortSignal: signal },
    );
    yield page.Items ?? [];
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
}
