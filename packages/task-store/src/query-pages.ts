import {
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { inSpan, type Attributes } from '@task-manager/telemetry';

export type StoredItem = Record<string, unknown>;

/**
 * Runs a Query to the end, one page at a time. Pages are yielded as they arrive and the
 * next one is only requested when the consumer asks for it, so a caller that processes
 * each page before pulling the next keeps at most one page in memory.
 *
 * Each page is read in a "query page" span (with its table, index, number and size, plus
 * `spanAttributes`), so a traced run shows where its reads went.
 */
export async function* queryPages(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  signal?: AbortSignal,
  spanAttributes: Attributes = {},
): AsyncGenerator<StoredItem[]> {
  let exclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  let pageNumber = 0;
  do {
    pageNumber += 1;
    const attributes = {
      'db.collection.name': input.TableName,
      'aws.dynamodb.index_name': input.IndexName,
      'app.page.number': pageNumber,
      ...spanAttributes,
    };
    const page = await inSpan('query page', attributes, async (span) => {
      const result = await doc.send(
        new QueryCommand({ ...input, ExclusiveStartKey: exclusiveStartKey }),
        { abortSignal: signal },
      );
      span.setAttribute('app.page.items', result.Items?.length ?? 0);
      span.setAttribute('app.page.last', result.LastEvaluatedKey === undefined);
      return result;
    });
    yield page.Items ?? [];
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
}
