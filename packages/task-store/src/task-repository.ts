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
import { matchesSearch, searchTerms } from '@task-manager/contract';
import {
  boundKey,
  completionBucket,
  completionKey,
  startKey,
  TASK_INDEX,
  toUtcIso,
} from './schema.ts';
import { InvalidCursorError } from './cursor-codec.ts';
import { itemAfterFailure } from './item-after-failure.ts';
import { decodeTaskCursor, encodeTaskCursor, type TaskSortKey } from './task-cursor.ts';
import { TaskNotFoundError, TaskVersionMismatchError } from './task-errors.ts';
import {
  completionAttributes,
  newTaskItem,
  taskRecordFromItem,
  type NewTask,
  type RestoredTask,
  type TaskChanges,
  type TaskItem,
  type TaskRecord,
} from './task-item.ts';

export type TaskStatusFilter = 'open' | 'done' | 'all';

/** What a list is ordered by: the start time (index byStart) or the completion time. */
export type TaskSortField = 'startAt' | 'completedAt';
export type SortOrder = 'asc' | 'desc';

export interface TaskListQuery {
  /** Inclusive lower bound on startAt (RFC 3339 date-time, any precision, compared exactly). */
  from?: string;
  /** Exclusive upper bound on startAt (RFC 3339 date-time, any precision, compared exactly). */
  to?: string;
  status?: TaskStatusFilter;
  /**
   * startAt (default), or completedAt: the done tasks by completion time, from index
   * byUserCompletion (only done tasks are in it, so status must not be 'open', and from/to,
   * which bound startAt, cannot be given).
   */
  sort?: TaskSortField;
  /** asc (default): earliest first; desc: latest first. Ties are ordered by task id. */
  order?: SortOrder;
  /** Words to search for in title and contents (see @task-manager/contract's search rules). */
  q?: string;
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
  /** Apply the write only if the stored version is none of these (an If-None-Match list). */
  excludedVersions?: readonly number[];
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

/**
 * A search reads the user's tasks in list order and keeps those whose text matches, in this
 * process (the folded comparison cannot be a DynamoDB filter, and tasks stored before search
 * existed carry nothing extra to filter on). One request examines at most this many tasks;
 * a page may therefore hold fewer matches than asked for, with a cursor to go on from.
 */
export const SEARCH_EVALUATED_PER_REQUEST = 500;

/**
 * A status filter is DynamoDB's: it reads the user's tasks and drops those of the other status,
 * so a page of open tasks behind thousands of done ones would cost a Query per thousand of them,
 * all in one request. One request examines at most this many; a page may then hold fewer tasks
 * than asked for (even none), with a cursor to go on from.
 */
export const STATUS_FILTER_EVALUATED_PER_REQUEST = 2000;

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
    return this.#putIfAbsent(newTaskItem(userId, taskId, input, this.#now()));
  }

  async #putIfAbsent(stored: TaskItem): Promise<{ record: TaskRecord; created: boolean }> {
    const { userId, taskId } = stored;
    const writeToken = randomUUID();
    const item: TaskItem = { ...stored, writeToken };
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
      const current = await itemAfterFailure(this.#doc, error, this.#tableName, { userId, taskId });
      if (current === undefined) throw error;
      // Our first attempt stored it and only its response was lost: created all the same.
      if (current.writeToken !== writeToken) {
        return { record: taskRecordFromItem(current), created: false };
      }
    }
    return { record: taskRecordFromItem({ ...item }), created: true };
  }

  /**
   * Puts back a task under the id it had (undoing a delete), with the fields it had, unless a
   * task with that id exists: then that one is the answer (`created: false`). The owner is
   * always `userId`, the caller's: nothing here can write into another user's tasks.
   */
  async restore(
    userId: string,
    taskId: string,
    task: RestoredTask,
  ): Promise<{ record: TaskRecord; created: boolean }> {
    const now = this.#now();
    const item: TaskItem = {
      ...newTaskItem(userId, taskId, task, now),
      createdAt: new Date(task.createdAt ?? now).toISOString(),
      done: task.done,
      ...(task.done ? completionAttributes(task.completedAt ?? now.toISOString(), taskId) : {}),
    };
    return this.#putIfAbsent(item);
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
      const completedAt = changes.completedAt ?? now;
      const completion = {
        completedAt: toUtcIso(completedAt),
        completionBucket: completionBucket(completedAt),
        completionKey: completionKey(completedAt, taskId),
      };
      for (const [attribute, value] of Object.entries(completion)) {
        names[`#${attribute}`] = attribute;
        if (changes.done && changes.completedAt !== undefined) {
          // An explicit completion time (undoing a reopen puts the old one back).
          values[`:${attribute}`] = value;
          set.push(`#${attribute} = :${attribute}`);
        } else if (changes.done) {
          // Marking an already done task done again keeps its original completion.
          values[`:${attribute}`] = value;
          set.push(`#${attribute} = if_not_exists(#${attribute}, :${attribute})`);
        } else {
          remove.push(`#${attribute}`);
        }
      }
    } else if (changes.completedAt !== undefined) {
      throw new RangeError('completedAt can only be given with done: true');
    }

    const conditions = [
      'attribute_exists(#taskId)',
      // Without it, a retry of an update with no expected version would apply it again.
      '(attribute_not_exists(#writeToken) OR #writeToken <> :writeToken)',
      ...this.#versionCondition(condition, names, values),
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
      const current = await itemAfterFailure(this.#doc, error, this.#tableName, { userId, taskId });
      // Our first attempt applied it; only its response was lost.
      if (current !== undefined && current.writeToken === writeToken) {
        return taskRecordFromItem(current);
      }
      throw conditionFailure(taskId, current);
    }
  }

  async delete(userId: string, taskId: string, condition: WriteCondition = {}): Promise<void> {
    const names: Record<string, string> = { '#taskId': 'taskId' };
    const values: Record<string, unknown> = {};
    const conditions = [
      'attribute_exists(#taskId)',
      ...this.#versionCondition(condition, names, values),
    ];
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { userId, taskId },
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const current = await itemAfterFailure(this.#doc, error, this.#tableName, { userId, taskId });
      // Gone, and the SDK sent the request more than once: an earlier attempt deleted it and
      // its response was lost. (Had someone else deleted it meanwhile, it is gone all the same.)
      if (current === undefined && attemptsOf(error) > 1) return;
      throw conditionFailure(taskId, current);
    }
  }

  /**
   * One page of a user's tasks in startAt order (or by completion time), from index byStart
   * (or byUserCompletion): a Query on the user's partition, never a Scan. A page holds `limit`
   * tasks whenever that many match within what one request may examine: all of them unfiltered,
   * STATUS_FILTER_EVALUATED_PER_REQUEST with a status filter, SEARCH_EVALUATED_PER_REQUEST with
   * `q`. Past that, a page may hold fewer (even none) and still have a nextCursor to go on from;
   * nextCursor is null exactly when no further task matches.
   */
  async list(userId: string, query: TaskListQuery): Promise<TaskPage> {
    const { limit, status = 'all', sort = 'startAt', order = 'asc' } = query;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be at least 1');
    const byCompletion = sort === 'completedAt';
    if (byCompletion && (status === 'open' || query.from !== undefined || query.to !== undefined)) {
      throw new RangeError('the list by completion time has done tasks only, and no from/to');
    }
    const sortKey: TaskSortKey = byCompletion ? 'completionKey' : 'startKey';
    const terms = query.q === undefined ? undefined : searchTerms(query.q);
    if (terms !== undefined && terms.length === 0) throw new RangeError('q has no words');
    const fromKey = query.from === undefined ? undefined : boundKey(query.from);
    const toKey = query.to === undefined ? undefined : boundKey(query.to);
    let exclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    if (query.cursor !== undefined) {
      const position = decodeTaskCursor(query.cursor, userId, sortKey);
      if (
        (fromKey !== undefined && position.key < fromKey) ||
        (toKey !== undefined && position.key >= toKey)
      ) {
        throw new InvalidCursorError('cursor lies outside the from/to window of this query');
      }
      exclusiveStartKey = {
        userId: position.userId,
        taskId: position.taskId,
        [sortKey]: position.key,
      };
    }
    if (fromKey !== undefined && toKey !== undefined && fromKey >= toKey) {
      return { items: [], nextCursor: null };
    }

    // Every startKey is "<startAt>#<taskId>", so comparing with the bare instant makes
    // `from` inclusive and `to` exclusive, and BETWEEN needs no adjustment either.
    const values: Record<string, unknown> = { ':userId': userId };
    let keyCondition = '#userId = :userId';
    if (fromKey !== undefined && toKey !== undefined) {
      keyCondition += ' AND #sortKey BETWEEN :from AND :to';
      Object.assign(values, { ':from': fromKey, ':to': toKey });
    } else if (fromKey !== undefined) {
      keyCondition += ' AND #sortKey >= :from';
      values[':from'] = fromKey;
    } else if (toKey !== undefined) {
      keyCondition += ' AND #sortKey < :to';
      values[':to'] = toKey;
    }
    const names: Record<string, string> = { '#userId': 'userId' };
    if (fromKey !== undefined || toKey !== undefined) names['#sortKey'] = sortKey;
    // Every task in byUserCompletion is done: no filter needed there.
    const statusFiltered = status !== 'all' && !byCompletion;
    if (statusFiltered) {
      names['#done'] = 'done';
      values[':done'] = status === 'done';
    }
    const filtered = statusFiltered || terms !== undefined;
    const matches = (item: Record<string, unknown>) =>
      terms === undefined || matchesSearch(terms, String(item.title), String(item.contents));
    const cursorAt = (key: Record<string, unknown>) =>
      encodeTaskCursor({ userId, taskId: String(key.taskId), key: String(key[sortKey]) }, sortKey);

    // Reading one match beyond the page tells whether another page exists, so the last
    // page never ends with a cursor to an empty one.
    const matched: Record<string, unknown>[] = [];
    let evaluate = limit + 1;
    let budget =
      terms !== undefined
        ? SEARCH_EVALUATED_PER_REQUEST
        : statusFiltered
          ? STATUS_FILTER_EVALUATED_PER_REQUEST
          : Infinity;
    for (;;) {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: byCompletion ? TASK_INDEX.byUserCompletion : TASK_INDEX.byStart,
          KeyConditionExpression: keyCondition,
          ...(statusFiltered ? { FilterExpression: '#done = :done' } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: order === 'asc',
          Limit: Math.min(evaluate, budget),
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      matched.push(...(page.Items ?? []).filter(matches));
      budget -= page.ScannedCount ?? 0;
      if (matched.length > limit) {
        const items = matched.slice(0, limit);
        return { items: items.map(taskRecordFromItem), nextCursor: cursorAt(items.at(-1)!) };
      }
      if (page.LastEvaluatedKey === undefined) {
        return { items: matched.map(taskRecordFromItem), nextCursor: null };
      }
      exclusiveStartKey = page.LastEvaluatedKey;
      if (budget <= 0) {
        // The filter or search examined all it may in one request: the next one goes on here.
        return {
          items: matched.map(taskRecordFromItem),
          nextCursor: cursorAt(page.LastEvaluatedKey),
        };
      }
      evaluate = filtered
        ? Math.min(MAX_EVALUATED_PER_QUERY, evaluate * 2)
        : limit + 1 - matched.length;
    }
  }

  #versionCondition(
    { expectedVersions, excludedVersions = [] }: WriteCondition,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): string[] {
    if (expectedVersions?.length === 0) {
      throw new RangeError('expectedVersions must not be empty');
    }
    const list = (versions: readonly number[], prefix: string) =>
      versions
        .map((version, index) => {
          values[`:${prefix}${index}`] = version;
          return `:${prefix}${index}`;
        })
        .join(', ');
    const conditions = [
      ...(expectedVersions ? [`#version IN (${list(expectedVersions, 'expected')})`] : []),
      // No version is excluded by an empty list: it adds no condition.
      ...(excludedVersions.length > 0
        ? [`NOT (#version IN (${list(excludedVersions, 'excluded')}))`]
        : []),
    ];
    if (conditions.length > 0) names['#version'] = 'version';
    return conditions;
  }
}

/** A conditional write failed: tell "no such task" from "someone changed it first". */
function conditionFailure(taskId: string, current: Record<string, unknown> | undefined): Error {
  return current === undefined
    ? new TaskNotFoundError(taskId)
    : new TaskVersionMismatchError(taskId, taskRecordFromItem(current).version);
}
