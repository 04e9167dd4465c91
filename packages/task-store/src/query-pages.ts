import {
  paginateQuery,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { inSpan, type Attributes } from '@task-manager/telemetry';

export type StoredItem = Record<string, unknown>;

/**
 * Runs a Query to the end with lib-dynamodb's paginator, one page at a time. Pages are yielded
 * as they arrive and the next one is only requested when the consumer asks for it, so a caller
 * that processes each page before pulling the next keeps at most one page in memory. Once `signal`
 * is aborted, no further page is requested, and a request under way is abandoned.
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
  // The paginator writes each page's start key into the input it is given: it gets a copy.
  const pages = paginateQuery({ client: doc }, { ...input }, { abortSignal: signal });
  try {
    for (let pageNumber = 1; ; pageNumber += 1) {
      // Checked here as well as by the SDK: an aborted run sends no further Query at all.
      signal?.throwIfAborted();
      const attributes = {
        'db.collection.name': input.TableName,
        'aws.dynamodb.index_name': input.IndexName,
        'app.page.number': pageNumber,
        ...spanAttributes,
      };
      const page = await inSpan(
        'query page',
        attributes,
        async (span): Promise<QueryCommandOutput | undefined> => {
          const next = await pages.next();
          if (next.done) return undefined;
          span.setAttribute('app.page.items', next.value.Items?.length ?? 0);
          span.setAttribute('app.page.last', next.value.LastEvaluatedKey === undefined);
          return next.value;
        },
      );
      if (page === undefined) return;
      yield page.Items ?? [];
      // The paginator would end here too, but only once asked for a page more: asking inside a
      // span would record a page that was never read.
      if (page.LastEvaluatedKey === undefined) return;
    }
  } finally {
    // Ends the paginator as well when the consumer stops early.
    await pages.return(undefined);
  }
}
