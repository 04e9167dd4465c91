/**
 * Reading the published daily reports, as task-service serves them. A reader only ever reads
 * the lines of the run its date's summary names (report-writer.ts explains the publishing).
 */
import {
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor-codec.ts';
import { queryPages } from './query-pages.ts';
import {
  isReportDate,
  parseLine,
  parseSummary,
  summaryKey,
  type Report,
  type ReportLine,
  type ReportPage,
  type ReportSummary,
} from './report-item.ts';
import { REPORT_INDEX, REPORT_KIND, reportLinePrefix, reportPartitionKey } from './schema.ts';

/**
 * The report was replaced while its lines were being read (a re-run deleted them), so what
 * was read is not the complete report. Reading it again gives the new one.
 */
export class ReportChangedError extends Error {
  override name = 'ReportChangedError';
}

export interface ReadOptions {
  /** Items per Query page (DynamoDB's 1 MB pages when omitted). */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * The published report of a date, or undefined when there is none (or `date` is not a
 * YYYY-MM-DD calendar date). The lines are those of the run the summary names.
 */
export async function getReport(
  doc: DynamoDBDocumentClient,
  tableName: string,
  date: string,
  options: ReadOptions = {},
): Promise<Report | undefined> {
  if (!isReportDate(date)) return undefined;
  const { Item } = await doc.send(
    new GetCommand({ TableName: tableName, Key: summaryKey(date), ConsistentRead: true }),
    { abortSignal: options.signal },
  );
  if (!Item) return undefined;
  const { summary, runId } = parseSummary(Item);
  return {
    summary,
    lines: { [Symbol.asyncIterator]: () => readLines(doc, tableName, summary, runId, options) },
  };
}

async function* readLines(
  doc: DynamoDBDocumentClient,
  tableName: string,
  summary: ReportSummary,
  runId: string,
  options: ReadOptions,
): AsyncGenerator<ReportLine> {
  let read = 0;
  const pages = queryPages(
    doc,
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
      ExpressionAttributeValues: {
        ':pk': reportPartitionKey(summary.date),
        ':run': reportLinePrefix(runId),
      },
      ConsistentRead: true,
      ...(options.pageSize === undefined ? {} : { Limit: options.pageSize }),
    },
    options.signal,
  );
  for await (const items of pages) {
    for (const item of items) {
      read += 1;
      yield parseLine(item);
    }
  }
  if (read !== summary.count) {
    throw new ReportChangedError(
      `the report for ${summary.date} changed while it was read (${read} of ${summary.count} lines)`,
    );
  }
}

// The cursor names the last date of the page; the index key is derived from it, so a
// client can neither forge arbitrary keys nor depend on the key layout.
function encodeReportCursor(date: string): string {
  return encodeCursor({ date });
}

function decodeReportCursor(cursor: string): string {
  const { date, ...rest } = decodeCursor(cursor);
  if (date === undefined || Object.keys(rest).length > 0 || !isReportDate(date)) {
    throw new InvalidCursorError('cursor is not one this API issued');
  }
  return date;
}

/**
 * Report summaries, newest date first, `limit` per page. `nextCursor` is null exactly when
 * there is nothing after this page. Throws InvalidCursorError on a malformed cursor.
 */
export async function listReportSummaries(
  doc: DynamoDBDocumentClient,
  tableName: string,
  { limit, cursor }: { limit: number; cursor?: string | undefined },
): Promise<ReportPage> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  let exclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  if (cursor !== undefined) {
    const date = decodeReportCursor(cursor);
    exclusiveStartKey = { kind: REPORT_KIND, date, ...summaryKey(date) };
  }
  // One item more than asked tells whether another page exists, so the last page never
  // carries a cursor that leads to an empty page.
  const items: ReportSummary[] = [];
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: REPORT_INDEX.byDate,
        KeyConditionExpression: '#kind = :kind',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':kind': REPORT_KIND },
        ScanIndexForward: false,
        Limit: limit + 1 - items.length,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) items.push(parseSummary(item).summary);
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (items.length <= limit && exclusiveStartKey !== undefined);

  const pageItems = items.slice(0, limit);
  const last = pageItems.at(-1);
  return {
    items: pageItems,
    nextCursor: items.length > limit && last ? encodeReportCursor(last.date) : null,
  };
}
