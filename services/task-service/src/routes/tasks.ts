import { Router, type Response } from 'express';
import type { IdempotentCreates, TaskRecord, TaskRepository } from '@task-manager/task-store';
import { authenticate, type Authentication } from '../auth/authentication.ts';
import {
  evaluatePreconditions,
  preconditionFailed,
  readPreconditions,
  taskETag,
  writeUnder,
  type Preconditions,
} from '../conditional-requests.ts';
import { badRequest, HttpError, taskNotFound } from '../http-errors.ts';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '../idempotency-key.ts';
import { jsonBody } from '../middleware/json-body.ts';
import { methodNotAllowed } from '../middleware/errors.ts';
import { noQueryParameters } from '../middleware/no-query.ts';
import { userOf } from '../request-context.ts';
import {
  createTaskBody,
  listTasksQuery,
  parseOrThrow,
  patchTaskBody,
  restoreTaskBody,
  singleValuedQuery,
} from '../validation.ts';

// Task ids are UUIDs this service generates; anything else cannot name a task, so it is
// answered like any unknown id without asking DynamoDB.
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function taskIdOf(value: string | string[] | undefined): string {
  if (typeof value !== 'string' || !TASK_ID.test(value)) throw taskNotFound();
  return value;
}

/**
 * PUT only puts back a task that does not exist (undoing a delete): the client says so with
 * If-None-Match: *, the HTTP way to ask "create it, unless it exists" (RFC 9110 §13.1.2).
 */
function requireCreateOnly({ ifNoneMatch }: Preconditions): void {
  if (ifNoneMatch === undefined) {
    throw new HttpError(428, 'PUT needs If-None-Match: *', [
      {
        field: 'If-None-Match',
        message: 'is required and must be "*": PUT only restores a task that does not exist',
      },
    ]);
  }
  if (ifNoneMatch !== '*') {
    throw badRequest('invalid If-None-Match header', [
      { field: 'If-None-Match', message: 'must be "*"' },
    ]);
  }
}

function sendTask(res: Response, record: TaskRecord, status = 200): void {
  res.status(status).set('ETag', taskETag(record.version)).json(record.task);
}

export function tasksRouter(
  tasks: TaskRepository,
  creates: IdempotentCreates,
  auth: Authentication,
): Router {
  const router = Router();
  const user = authenticate(auth);
  // Every route but the list takes no query parameters (authenticated first: 401, then 400).
  const userNoQuery = [user, noQueryParameters];
  const collection = '/api/tasks';
  const item = '/api/tasks/:taskId';

  router.get(collection, user, async (req, res) => {
    const query = parseOrThrow(
      listTasksQuery,
      singleValuedQuery(req.query),
      'invalid query parameters',
      'query',
    );
    const page = await tasks.list(userOf(res), query);
    res.json({ items: page.items.map((record) => record.task), nextCursor: page.nextCursor });
  });

  router.post(collection, ...userNoQuery, ...jsonBody(), async (req, res) => {
    const input = parseOrThrow(createTaskBody, req.body, 'invalid task', 'body');
    const key = parseIdempotencyKey(req.get(IDEMPOTENCY_KEY_HEADER));
    let record: TaskRecord;
    if (key === undefined) {
      record = await tasks.create(userOf(res), input);
    } else {
      const result = await creates.create(userOf(res), key, input);
      record = result.record;
      if (result.replayed) res.set('Idempotent-Replayed', 'true');
    }
    res.location(`${collection}/${record.task.taskId}`);
    sendTask(res, record, 201);
  });

  router.all(collection, methodNotAllowed(['GET', 'HEAD', 'POST']));

  router.get(item, ...userNoQuery, async (req, res) => {
    const taskId = taskIdOf(req.params.taskId);
    const preconditions = readPreconditions((name) => req.get(name));
    const record = await tasks.get(userOf(res), taskId);
    if (record === undefined) throw taskNotFound();
    if (evaluatePreconditions(preconditions, record.version, 'read') === 'not modified') {
      // The client's copy is current: no body, only the ETag it has.
      res.status(304).set('ETag', taskETag(record.version)).end();
      return;
    }
    sendTask(res, record);
  });

  router.patch(item, ...userNoQuery, ...jsonBody(), async (req, res) => {
    const taskId = taskIdOf(req.params.taskId);
    const changes = parseOrThrow(patchTaskBody, req.body, 'invalid task changes', 'body');
    const record = await writeUnder(
      readPreconditions((name) => req.get(name)),
      {
        read: () => tasks.get(userOf(res), taskId),
        write: (condition) => tasks.update(userOf(res), taskId, changes, condition),
      },
    );
    sendTask(res, record);
  });

  router.put(item, ...userNoQuery, ...jsonBody(), async (req, res) => {
    const taskId = req.params.taskId;
    if (typeof taskId !== 'string' || !TASK_ID.test(taskId)) {
      throw badRequest('invalid task id', [
        { field: 'taskId', message: 'must be a task id (a lowercase UUID)' },
      ]);
    }
    const preconditions = readPreconditions((name) => req.get(name));
    requireCreateOnly(preconditions);
    const body = parseOrThrow(restoreTaskBody, req.body, 'invalid task', 'body');
    if (body.taskId !== undefined && body.taskId !== taskId) {
      throw badRequest('invalid task', [
        { field: 'taskId', message: 'must be the id in the path' },
      ]);
    }
    // If-Match is false for a task that does not exist, and If-None-Match: * for one that does.
    if (preconditions.ifMatch !== undefined) {
      throw new HttpError(412, 'PUT only restores a task that does not exist', [
        { field: 'If-Match', message: 'can never hold beside If-None-Match: *' },
      ]);
    }
    const { record, created } = await tasks.restore(userOf(res), taskId, {
      title: body.title,
      contents: body.contents ?? '',
      startAt: body.startAt,
      done: body.done,
      completedAt: body.completedAt ?? null,
      ...(body.createdAt === undefined ? {} : { createdAt: body.createdAt }),
    });
    if (!created) throw preconditionFailed('If-None-Match', record.version);
    res.location(`${collection}/${taskId}`);
    sendTask(res, record, 201);
  });

  router.delete(item, ...userNoQuery, async (req, res) => {
    const taskId = taskIdOf(req.params.taskId);
    await writeUnder(
      readPreconditions((name) => req.get(name)),
      {
        read: () => tasks.get(userOf(res), taskId),
        write: (condition) => tasks.delete(userOf(res), taskId, condition),
      },
    );
    res.status(204).end();
  });

  router.all(item, methodNotAllowed(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']));
  return router;
}
