/**
 * Writing a date's daily report, as the report job does. report-item.ts describes the items.
 *
 * Publishing is a pointer switch, because DynamoDB Local servers such as dynalite have no
 * transactions:
 *   1. a run writes its line items under its own runId; no summary names that runId yet,
 *      so readers cannot see them;
 *   2. it puts the date's summary item naming its runId: one PutItem, the atomic commit;
 *   3. it deletes the lines of the older runs of that date (the run published before, and
 *      whatever failed runs left behind).
 * A run that fails or is stopped before step 2 changes nothing readers see, and readers
 * only ever read the lines of the run their summary names.
 *
 * Run ids sort by start time. A run only deletes lines of runs older than itself, and its
 * summary only replaces an older run's summary, so two runs for the same date at once (a
 * backfill during the nightly run) cannot leave a summary pointing at deleted lines.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BATCH_WRITE_LIMIT,
  batchWrite,
  type BatchWriteOptions,
  type WriteRequest,
} from './batch-write.ts';
import { itemAfterFailure } from './item-after-failure.ts';
import { queryPages } from './query-pages.ts';
import {
  REPORT_PER_USER_LIMIT,
  isPartialReport,
  isReportDate,
  summaryKey,
  type ReportLine,
  type ReportSummary,
} from './report-item.ts';
import {
  completionKey,
  REPORT_KIND,
  reportLinePrefix,
  reportPartitionKey,
  toUtcIso,
} from './schema.ts';
import { readUserNames } from './user-names.ts';

/** A newer run published the date's report first; this run's result was not published. */
export class SupersededRunError extends Error {
  override name = 'SupersededRunError';
}

/** BatchWriteItem calls a run keeps in flight unless told otherwise (ReportRunOptions.maxInFlight). */
export const REPORT_WRITES_IN_FLIGHT = 4;

const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A new run id: the start time (so ids sort by start) and a random suffix (so two runs
 * started in the same millisecond differ), e.g. "20261121T010000123Z-9f86d081".
 */
export function newRunId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
}

export interface ReportRunOptions {
  /** The reported day, YYYY-MM-DD. */
  date: string;
  timeZone: string;
  /** The instants the day covers, [start, end); stored with the summary for operators. */
  window: { start: Date; end: Date };
  /** Defaults to newRunId(). Must sort after the ids of runs started earlier. */
  runId?: string;
  /**
   * Stops the run: add() and publish() throw once it is aborted. Writes already sent are
   * left to finish (each is bounded by the client's timeouts), so that discard() then
   * deletes everything the run stored instead of racing a write that lands after it.
   */
  signal?: AbortSignal;
  /** Clock for generatedAt (read once, when the run is created); tests pass a fixed one. */
  now?: () => Date;
  /**
   * BatchWriteItem calls kept in flight while more lines are added. Against a
   * real DynamoDB each call is a network round trip, so a run is bound by latency unless
   * some overlap; memory stays bounded by maxInFlight * 25 lines. Default
   * REPORT_WRITES_IN_FLIGHT.
   */
  maxInFlight?: number;
  batchWrite?: Omit<BatchWriteOptions, 'signal'>;
}

export interface PublishedReport {
  summary: ReportSummary;
  runId: string;
}

type RunState = 'writing' | 'publishing' | 'published' | 'superseded' | 'discarded';

/**
 * One run of a date's report, created before the day's tasks are read: add() its lines in any
 * order, then publish(), then removeOlderRuns(). If anything goes wrong before publish()
 * succeeds, discard() removes what the run wrote (best effort: leftovers are invisible and the
 * next run deletes them).
 *
 * Lines are buffered 25 at a time and written by BatchWriteItem, a few calls at once; add()
 * waits while that many are in flight, so memory stays flat however many lines a run has.
 * Per-user counts are kept in memory: one entry per user who completed something that day.
 */
export class ReportWriter {
  readonly date: string;
  readonly timeZone: string;
  readonly runId: string;
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #options: ReportRunOptions;
  readonly #maxInFlight: number;
  readonly #perUser = new Map<string, number>();
  readonly #inFlight = new Set<Promise<void>>();
  #buffer: WriteRequest[] = [];
  #count = 0;
  #written = 0;
  /** The first failed write; the run cannot be published after it. */
  #writeError: { error: unknown } | undefined;
  #state: RunState = 'writing';
  /**
   * The instant the report is as of: the run is created before the day's tasks are read, so a
   * task completed after it may be missing. Judging `partial` by the time of publishing instead
   * would call a report complete that read the day's last minutes before they had passed.
   */
  readonly #generatedAt: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string, options: ReportRunOptions) {
    if (!isReportDate(options.date)) {
      throw new RangeError(`date must be a YYYY-MM-DD calendar date, got "${options.date}"`);
    }
    const createdAt = options.now?.() ?? new Date();
    const runId = options.runId ?? newRunId(createdAt);
    if (!RUN_ID_PATTERN.test(runId)) {
      throw new RangeError(`runId must match ${RUN_ID_PATTERN}, got "${runId}"`);
    }
    const maxInFlight = options.maxInFlight ?? REPORT_WRITES_IN_FLIGHT;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
    }
    this.#doc = doc;
    this.#tableName = tableName;
    this.#options = options;
    this.#maxInFlight = maxInFlight;
    this.date = options.date;
    this.timeZone = options.timeZone;
    this.runId = runId;
    this.#generatedAt = createdAt.toISOString();
  }

  /**
   * Whether readers may be seeing this run: publish() sent the summary, and whether it was stored
   * is known only if its answer came (a lost answer leaves it unknown, and the lines are kept).
   */
  get mayBePublished(): boolean {
    return this.#state === 'publishing' || this.#state === 'published';
  }

  /** Lines added so far. */
  get count(): number {
    return this.#count;
  }

  /** Lines known to be stored. */
  get written(): number {
    return this.#written;
  }

  async add(line: ReportLine): Promise<void> {
    this.#expect('writing', 'add lines to');
    this.#options.signal?.throwIfAborted();
    this.#throwIfWriteFailed();
    const completedAt = toUtcIso(line.completedAt);
    this.#buffer.push({
      PutRequest: {
        Item: {
          pk: reportPartitionKey(this.date),
          // completionKey ends with the task id: unique per task, and in completion order.
          sk: reportLinePrefix(this.runId) + completionKey(completedAt, line.taskId),
          taskId: line.taskId,
          userId: line.userId,
          title: line.title,
          completedAt,
        },
      },
    });
    this.#count += 1;
    this.#perUser.set(line.userId, (this.#perUser.get(line.userId) ?? 0) + 1);
    if (this.#buffer.length >= BATCH_WRITE_LIMIT) await this.#flush();
  }

  /**
   * Writes the remaining lines, then the summary naming this run: from then on readers
   * see this run's report. Throws SupersededRunError if a newer run published first.
   */
  async publish(): Promise<PublishedReport> {
    this.#expect('writing', 'publish');
    await this.#flush();
    await Promise.all(this.#inFlight);
    this.#throwIfWriteFailed();
    this.#options.signal?.throwIfAborted();
    const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const named = [...this.#perUser]
      .sort(([idA, countA], [idB, countB]) => countB - countA || byId(idA, idB))
      .slice(0, REPORT_PER_USER_LIMIT);
    const names = await readUserNames(
      this.#doc,
      this.#tableName,
      named.map(([userId]) => userId),
    );
    const generatedAt = this.#generatedAt;
    const summary: ReportSummary = {
      date: this.date,
      timeZone: this.timeZone,
      count: this.#count,
      users: this.#perUser.size,
      perUser: named
        .map(([userId, count]) => ({ userId, name: names.get(userId) ?? userId, count }))
        .sort((a, b) => byId(a.userId, b.userId)),
      generatedAt,
      partial: isPartialReport(generatedAt, this.#options.window.end.toISOString()),
    };
    this.#state = 'publishing';
    try {
      // Deliberately not abortable: an aborted request may still have been applied, and
      // then discard() must not treat this run as unpublished.
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...summaryKey(this.date),
            kind: REPORT_KIND,
            // partial is not stored: readers derive it from generatedAt and windowEnd.
            date: summary.date,
            timeZone: summary.timeZone,
            count: summary.count,
            users: summary.users,
            perUser: summary.perUser,
            generatedAt: summary.generatedAt,
            runId: this.runId,
            windowStart: this.#options.window.start.toISOString(),
            windowEnd: this.#options.window.end.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR runId < :runId',
          ExpressionAttributeValues: { ':runId': this.runId },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The SDK retries a put whose answer was lost; the retry then finds this run's own
      // summary, which is success, not a newer run.
      const standing = await itemAfterFailure(
        this.#doc,
        error,
        this.#tableName,
        summaryKey(this.date),
      );
      if (standing?.runId !== this.runId) {
        this.#state = 'superseded';
        throw new SupersededRunError(
          `a newer run has already published the report for ${this.date}; run ${this.runId} was not published`,
        );
      }
    }
    this.#state = 'published';
    return { summary, runId: this.runId };
  }

  /**
   * After publish(): deletes the lines of every older run of this date. Returns how many
   * lines were deleted. Lines of newer runs are theirs to publish or discard.
   */
  async removeOlderRuns(): Promise<number> {
    this.#expect('published', 'remove older runs after');
    // Run ids contain no '#' and sort above it, so sort keys of older runs' lines sort
    // below "RUN#<this runId>" and those of this and newer runs above it.
    return this.#deleteLines(
      'sk BETWEEN :from AND :to',
      {
        ':from': reportLinePrefix(''),
        ':to': reportLinePrefix(this.runId).slice(0, -1),
      },
      this.#options.signal,
    );
  }

  /**
   * Deletes the lines this run wrote, unless its summary may have been published.
   * Returns the number of lines deleted. Uses `signal` (e.g. a short timeout), not the
   * run's own signal, which is usually the reason for discarding.
   */
  async discard(signal?: AbortSignal): Promise<number> {
    if (this.mayBePublished) {
      throw new Error(`run ${this.runId} may have been published; its lines are not discarded`);
    }
    this.#state = 'discarded';
    this.#buffer = [];
    // Let writes still in flight land (or fail) first, so none lands after the clean-up.
    await Promise.all(this.#inFlight);
    return this.#deleteLines(
      'begins_with(sk, :run)',
      { ':run': reportLinePrefix(this.runId) },
      signal,
    );
  }

  #expect(state: RunState, action: string): void {
    if (this.#state !== state) {
      throw new Error(`cannot ${action} run ${this.runId}: it is ${this.#state}`);
    }
  }

  #throwIfWriteFailed(): void {
    if (this.#writeError) throw this.#writeError.error;
  }

  /** Starts writing the buffer, then waits while the most calls allowed are in flight. */
  async #flush(): Promise<void> {
    const requests = this.#buffer;
    this.#buffer = [];
    if (requests.length > 0) {
      const write = batchWrite(this.#doc, this.#tableName, requests, this.#options.batchWrite).then(
        () => {
          this.#written += requests.length;
        },
        (error: unknown) => {
          // Kept, not thrown here: the next add() or publish() reports it.
          this.#writeError ??= { error };
        },
      );
      this.#inFlight.add(write);
      void write.finally(() => this.#inFlight.delete(write));
    }
    while (this.#inFlight.size >= this.#maxInFlight) {
      await Promise.race(this.#inFlight);
    }
    this.#options.signal?.throwIfAborted();
    this.#throwIfWriteFailed();
  }

  async #deleteLines(
    skCondition: string,
    values: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    let deleted = 0;
    // Deleting page by page: the next page starts after the last key read, which stays a
    // valid position even though that item is gone.
    const pages = queryPages(
      this.#doc,
      {
        TableName: this.#tableName,
        KeyConditionExpression: `pk = :pk AND ${skCondition}`,
        ExpressionAttributeValues: { ':pk': reportPartitionKey(this.date), ...values },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      },
      signal,
    );
    for await (const items of pages) {
      const requests = items.map((item) => ({
        DeleteRequest: { Key: { pk: item.pk, sk: item.sk } },
      }));
      await batchWrite(this.#doc, this.#tableName, requests, {
        ...this.#options.batchWrite,
        signal,
      });
      deleted += requests.length;
    }
    return deleted;
  }
}
