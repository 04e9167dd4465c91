/**
 * Creates that a client may safely retry: the Idempotency-Key of POST /api/tasks.
 *
 * After a 503 or a lost response the client cannot know whether its task was created. With a
 * key, a retry within IDEMPOTENCY_KEY_LIFETIME_SECONDS gets the first answer and creates
 * nothing; the same key with another body is refused.
 *
 * How, without transactions (dynalite has none):
 * 1. Claim the key: a conditional put of { fingerprint, taskId } that succeeds only if the key
 *    is unknown or expired. The taskId is chosen here, once.
 * 2. Whoever holds the claim — the first request or any retry, even concurrent ones — creates
 *    the task under that taskId if it does not exist yet (TaskRepository.createIfAbsent), so at
 *    most one task is ever created for a key, whichever attempt gets there.
 * 3. The first answer is saved on the claim; later retries replay it exactly.
 *
 * A crash between 1 and 3 leaves a claim without an answer: the next retry carries on at step 2.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { IDEMPOTENCY_KEY_LIFETIME_SECONDS, toUtcIso } from './schema.ts';
import type { NewTask, TaskRecord } from './task-item.ts';
import type { TaskRepository } from './task-repository.ts';

/** The key was used before, within its lifetime, for a create with another body. */
export class IdempotencyKeyReusedError extends Error {
  override name = 'IdempotencyKeyReusedError';
}

export interface IdempotentCreateResult {
  record: TaskRecord;
  /** True when this is the answer of an earlier request with the same key. */
  replayed: boolean;
}

interface Claim {
  userId: string;
  idempotencyKey: string;
  fingerprint: string;
  taskId: string;
  expiresAt: number;
  /** The first answer: the task as created, with its version. */
  response?: TaskRecord;
}

/**
 * What makes two creates "the same request": the task they describe, normalised as it is
 * stored (contents defaulting to "", startAt in UTC; the API has trimmed the title), so a
 * retry that writes the same instant with another offset is still the same request.
 */
export function createFingerprint(input: NewTask): string {
  const normalised = [input.title, input.contents ?? '', toUtcIso(input.startAt)];
  return createHash('sha256').update(JSON.stringify(normalised)).digest('base64url');
}

function isConditionalCheckFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export interface IdempotentCreatesOptions {
  now?: () => Date;
  newTaskId?: () => string;
}

export class IdempotentCreates {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #tasks: TaskRepository;
  readonly #now: () => Date;
  readonly #newTaskId: () => string;

  constructor(
    doc: DynamoDBDocumentClient,
    tableName: string,
    tasks: TaskRepository,
    options: IdempotentCreatesOptions = {},
  ) {
    this.#doc = doc;
    this.#tableName = tableName;
    this.#tasks = tasks;
    this.#now = options.now ?? (() => new Date());
    this.#newTaskId = options.newTaskId ?? randomUUID;
  }

  async create(userId: string, key: string, input: NewTask): Promise<IdempotentCreateResult> {
    const nowSeconds = Math.floor(this.#now().getTime() / 1000);
    const fingerprint = createFingerprint(input);
    const { claim, ours } = await this.#claim(
      {
        userId,
        idempotencyKey: key,
        fingerprint,
        taskId: this.#newTaskId(),
        expiresAt: nowSeconds + IDEMPOTENCY_KEY_LIFETIME_SECONDS,
      },
      nowSeconds,
    );
    if (claim.fingerprint !== fingerprint) {
      throw new IdempotencyKeyReusedError(
        'this Idempotency-Key was already used with a different request body',
      );
    }
    if (claim.response !== undefined) return { record: claim.response, replayed: true };
    const { record, created } = await this.#tasks.createIfAbsent(userId, claim.taskId, input);
    await this.#saveAnswer(claim, record);
    return { record, replayed: !(ours && created) };
  }

  /** Claims the key, or returns the live claim someone else (an earlier attempt) holds. */
  async #claim(claim: Claim, nowSeconds: number): Promise<{ claim: Claim; ours: boolean }> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: claim,
          // Unknown, or known but expired (TTL deletes expired items late, if at all).
          ConditionExpression: 'attribute_not_exists(#key) OR #expiresAt <= :now',
          ExpressionAttributeNames: { '#key': 'idempotencyKey', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':now': nowSeconds },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claim, ours: true };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const current = error.Item !== undefined ? unmarshall(error.Item) : await this.#read(claim);
      if (current === undefined) throw error;
      const existing = current as Claim;
      // Our own put, retried by the SDK after its response was lost, finds itself.
      return { claim: existing, ours: existing.taskId === claim.taskId };
    }
  }

  async #read(claim: Claim): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { userId: claim.userId, idempotencyKey: claim.idempotencyKey },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  /** Saves the first answer, unless another attempt saved it first (then theirs stands). */
  async #saveAnswer(claim: Claim, record: TaskRecord): Promise<void> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { userId: claim.userId, idempotencyKey: claim.idempotencyKey },
          UpdateExpression: 'SET #response = :response',
          ConditionExpression: 'attribute_not_exists(#response) AND #taskId = :taskId',
          ExpressionAttributeNames: { '#response': 'response', '#taskId': 'taskId' },
          ExpressionAttributeValues: {
            ':response': { task: record.task, version: record.version },
            ':taskId': claim.taskId,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
}
