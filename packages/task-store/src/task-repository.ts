/**
 * Data access for tasks: every read and write of the tasks table goes through here, so the
 * index attributes (startKey, and the sparse completion attributes) can never drift from
 * the task they describe.
 *
 * Writes are single-item and conditional: existence and the caller's expected version are
 * ConditionExpressions, so two concurrent edits cannot silently overwrite each other, and no
 * transaction is needed (dynalite, used locally and in tests, has none).
 *
 * The SDK retries a request whose response was lost (a timeout, a reset connection), so a
 * conditional write can meet the result of its own first attempt. Creates and updates store a
 * fresh writeToken and recognise it; a delete that finds the item gone after more than one
 * attempt made it go. Those count as the success they were, not as a conflict or a 404.
 */
import { randomUUID } from 'node:crypto';
import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  boundKey,
  completionBucket,
  completionKey,
  startKey,
  TASK_INDEX,
  toUtcIso,
} from './schema.ts';
import { decodeTaskCursor, encodeTaskCursor } from './task-cursor.ts';
import {
  InvalidTaskCursorError,
  TaskNotFoundError,
  TaskVersionMismatchError,
} from './task-errors.ts';
import {
  newTaskItem,
  taskRecordFromItem,
  type NewTask,
  type TaskChanges,
  type TaskItem,
  type TaskRecord,
} from './task-item.ts';

export type TaskStatusFilter = 'open' | 'done' | 'all';

export interface TaskListQuery {
  /** Inclusive lower bound on startAt (RFC 3339 date-time, any precision, compared exactly). */
  from?: string;
  /** Exclusive upper bound on startAt (RFC 3339 date-time, any precision, compared exactly). */
  to?: string;
  status?: TaskStatusFilter;
  /** Page size, at least 1. */
  limit: number;
  /** A nextCursor from a previous page of the same user's list. */
  cursor?: string;
}

export interface TaskPage {
  items: TaskRecord[];
  /** Present exactly when at least one more matching task follows. */
  nextCursor: string | null;
}

export interface WriteCondition {
  /** Apply the write only if the stored version is one of these (an If-Match list). */
  expectedVersions?: readonly number[];
}

export interface TaskRepositoryOptions {
  now?: () => Date;
  newTaskId?: () => string;
}

/**
 * With a status filter DynamoDB reads items and then drops the ones that do not match, so
 * a page may need several Query calls. The first reads just enough for a page of matches;
 * each further one reads twice as many, up to this, so a list of mostly non-matching tasks
 * costs a few calls rather than one per page-size of items.
 */
const MAX_EVALUATED_PER_QUERY = 1000;

function isConditionalCheckFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** How many times the SDK sent the request that ended in this error (1 without retries). */
function attemptsOf(error: ConditionalCheckFailedException): number {
  return error.$metadata.attempts ?? 1;
}

export class TaskRepository {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;
  readonly #newTaskId: () => string;

  constructor(doc: DynamoDBDocumentClient, tableName: string, options: TaskRepositoryOptions = {}) {
    this.#doc = doc;
    this.#tableName = tableName;
    this.#now = options.now ?? (() => new Date());
    this.#newTaskId = options.newTaskId ?? randomUUID;
  }

  get tableName(): string {
    return this.#tableName;
  }

  async create(userId: string, input: NewTask): Promise<TaskRecord> {
    const { record, created } = await this.createIfAbsent(userId, this.#newTaskId(), input);
    // A fresh UUID never collides; the condition makes sure that stays an assumption we would
    // hear about rather than an overwrite.
    if (!created) throw new Error(`task id ${record.task.taskId} is already taken`);
    return record;
  }

  /**
   * Creates the task under a taskId the caller chose, unless a task with that id exists: then
   * that task is the answer (`created: false`). An idempotent create picks the id once and
   * calls this on every retry, so however many times it runs, one task exists.
   */
  async createIfAbsent(
    userId: string,
    taskId: string,
    input: NewTask,
  ): Promise<{ record: TaskRecord; created: boolean }> {
    const writeToken = randomUUID();
    const item: TaskItem = { ...newTaskItem(userId, taskId, input, this.#now()), writeToken };
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#taskId)',
          ExpressionAttributeNames: { '#taskId': 'taskId' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const current = await this.#itemAfterFailure(error, userId, taskId);
      if (current === undefined) throw error;
      // Our first attempt stored it and only its response was lost: created all the same.
      if (current.writeToken !== writeToken) {
        return { record: taskRecordFromItem(current), created: false };
      }
    }
    return { record: taskRecordFromItem({ ...item }), created: true };
  }

  async get(userId: string, taskId: string): Promise<TaskRecord | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { userId, taskId },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : taskRecordFromItem(Item);
  }

  /**
   * Applies the changes in one conditional UpdateItem. Marking a task done records when
   * (and enters it in index byCompletion) unless it already was done; reopening removes
   * the completion attributes, which takes it out of that index.
   */
  async update(
    userId: string,
    taskId: string,
    changes: TaskChanges,
    condition: WriteCondition = {},
  ): Promise<TaskRecord> {
    const now = this.#now().toISOString();
    const writeToken = randomUUID();
    const names: Record<string, string> = {
      '#taskId': 'taskId',
      '#version': 'version',
      '#updatedAt': 'updatedAt',
      '#writeToken': 'writeToken',
    };
    const values: Record<string, unknown> = { ':one': 1, ':now': now, ':writeToken': writeToken };
    const set = ['#updatedAt = :now', '#version = #version + :one', '#writeToken = :writeToken'];
    const remove: string[] = [];
    const assign = (attribute: string, value: unknown): void => {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      set.push(`#${attribute} = :${attribute}`);
    };

    if (changes.title !== undefined) assign('title', changes.title);
    if (changes.contents !== undefined) assign('contents', changes.contents);
    if (changes.startAt !== undefined) {
      assign('startAt', toUtcIso(changes.startAt));
      assign('startKey', startKey(changes.startAt, taskId));
    }
    if (changes.done !== undefined) {
      assign('done', changes.done);
      const completion = {
        completedAt: now,
        completionBucket: completionBucket(now),
        completionKey: completionKey(now, taskId),
      };
      for (const [attribute, value] of Object.entries(completion)) {
        names[`#${attribute}`] = attribute;
        if (changes.done) {
          // Marking an already done task done again keeps its original completion.
          values[`:${attribute}`] = value;
          set.push(`#${attribute} = if_not_exists(#${attribute}, :${attribute})`);
        } else {
          remove.push(`#${attribute}`);
        }
      }
    }

    const conditions = [
      'attribute_exists(#taskId)',
      // Without it, a retry of an update with no expected version would apply it again.
      '(attribute_not_exists(#writeToken) OR #writeToken <> :writeToken)',
      ...this.#versionCondition(condition, values),
    ];
    try {
      const { Attributes } = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { userId, taskId },
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return taskRecordFromItem(Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const current = await this.#itemAfterFailure(error, userId, taskId);
      // Our first attempt applied it; only its response was lost.
      if (current !== undefined && current.writeToken === writeToken) {
        return taskRecordFromItem(current);
      }
      throw conditionFailure(taskId, current);
    }
  }

  async delete(userId: string, taskId: string, condition: WriteCondition = {}): Promise<void> {
    const values: Record<string, unknown> = {};
    const conditions = ['attribute_exists(#taskId)', ...this.#versionCondition(condition, values)];
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { userId, taskId },
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: {
            '#taskId': 'taskId',
            ...(condition.expectedVersions ? { '#version': 'version' } : {}),
          },
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const current = await this.#itemAfterFailure(error, userId, taskId);
      // Gone, and the SDK sent the request more than once: an earlier attempt deleted it and
      // its response was lost. (Had someone else deleted it meanwhile, it is gone all the same.)
      if (current === undefined && attemptsOf(error) > 1) return;
      throw conditionFailure(taskId, current);
    }
  }

  /**
   * One page of a user's tasks in startAt order, from index byStart (a Query on the user's
   * partition, never a Scan). A page holds `limit` tasks whenever that many match, even with
   * a status filter, and nextCursor is null exactly when no further task matches.
   */
  async list(userId: string, query: TaskListQuery): Promise<TaskPage> {
    const { limit, status = 'all' } = query;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be at least 1');
    const fromKey = query.from === undefined ? undefined : boundKey(query.from);
    const toKey = query.to === undefined ? undefined : boundKey(query.to);
    let exclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    if (query.cursor !== undefined) {
      const position = decodeTaskCursor(query.cursor, userId);
      if (
        (fromKey !== undefined && position.startKey < fromKey) ||
        (toKey !== undefined && position.startKey >= toKey)
      ) {
        throw new InvalidTaskCursorError('cursor lies outside the from/to window of this query');
      }
      exclusiveStartKey = { ...position };
    }
    if (fromKey !== undefined && toKey !== undefined && fromKey >= toKey) {
      return { items: [], nextCursor: null };
    }

    // Every startKey is "<startAt>#<taskId>", so comparing with the bare instant makes
    // `from` inclusive and `to` exclusive, and BETWEEN needs no adjustment either.
    const values: Record<string, unknown> = { ':userId': userId };
    let keyCondition = '#userId = :userId';
    if (fromKey !== undefined && toKey !== undefined) {
      keyCondition += ' AND #startKey BETWEEN :from AND :to';
      Object.assign(values, { ':from': fromKey, ':to': toKey });
    } else if (fromKey !== undefined) {
      keyCondition += ' AND #startKey >= :from';
      values[':from'] = fromKey;
    } else if (toKey !== undefined) {
      keyCondition += ' AND #startKey < :to';
      values[':to'] = toKey;
    }
    const names: Record<string, string> = { '#userId': 'userId' };
    if (fromKey !== undefined || toKey !== undefined) names['#startKey'] = 'startKey';
    const filtered = status !== 'all';
    if (filtered) {
      names['#done'] = 'done';
      values[':done'] = status === 'done';
    }

    // Reading one match beyond the page tells whether another page exists, so the last
    // page never ends with a cursor to an empty one.
    const matched: Record<string, unknown>[] = [];
    let evaluate = limit + 1;
    for (;;) {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: TASK_INDEX.byStart,
          KeyConditionExpression: keyCondition,
          ...(filtered ? { FilterExpression: '#done = :done' } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: true,
          Limit: evaluate,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      matched.push(...(page.Items ?? []));
      if (matched.length > limit) {
        const items = matched.slice(0, limit);
        const last = items[items.length - 1]!;
        return {
          items: items.map(taskRecordFromItem),
          nextCursor: encodeTaskCursor({
            userId,
            taskId: String(last.taskId),
            startKey: String(last.startKey),
          }),
        };
      }
      if (page.LastEvaluatedKey === undefined) {
        return { items: matched.map(taskRecordFromItem), nextCursor: null };
      }
      exclusiveStartKey = page.LastEvaluatedKey;
      evaluate = filtered
        ? Math.min(MAX_EVALUATED_PER_QUERY, evaluate * 2)
        : limit + 1 - matched.length;
    }
  }

  #versionCondition(condition: WriteCondition, values: Record<string, unknown>): string[] {
    const versions = condition.expectedVersions;
    if (versions === undefined) return [];
    if (versions.length === 0) throw new RangeError('expectedVersions must not be empty');
    const placeholders = versions.map((version, index) => {
      values[`:expected${index}`] = version;
      return `:expected${index}`;
    });
    return [`#version IN (${placeholders.join(', ')})`];
  }

  /**
   * The item as it stood when a conditional write failed: DynamoDB returns it with the error
   * (ReturnValuesOnConditionCheckFailure); servers that do not, such as dynalite, cost one
   * consistent read instead.
   */
  async #itemAfterFailure(
    error: ConditionalCheckFailedException,
    userId: string,
    taskId: string,
  ): Promise<Record<string, unknown> | undefined> {
    if (error.Item !== undefined) return unmarshall(error.Item);
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#tableName, Key: { userId, taskId }, ConsistentRead: true }),
    );
    return Item;
  }
}

/** A conditional write failed: tell "no such task" from "someone changed it first". */
function conditionFailure(taskId: string, current: Record<string, unknown> | undefined): Error {
  return current === undefined
    ? new TaskNotFoundError(taskId)
    : new TaskVersionMismatchError(taskId, taskRecordFromItem(current).version);
}
