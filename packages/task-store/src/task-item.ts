/**
 * The task as the API sees it, and how it maps to and from an item in the tasks table.
 * The item carries, besides the task's own fields, the owner, a version for optimistic
 * concurrency and the index attributes described in schema.ts (startKey always; the sparse
 * completionBucket/completionKey only while the task is done).
 */
import { completionBucket, completionKey, startKey, toUtcIso } from './schema.ts';

export interface Task {
  taskId: string;
  title: string;
  /** "" when not given. */
  contents: string;
  /** UTC ISO 8601 with milliseconds, whatever offset it was given with. */
  startAt: string;
  done: boolean;
  /** When the task was last marked done; null while it is open. */
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A task with the version its ETag is made of; every write increments it. */
export interface TaskRecord {
  task: Task;
  version: number;
}

export interface NewTask {
  title: string;
  contents?: string;
  startAt: string;
}

/** The fields a PATCH may change; absent fields stay as they are. */
export interface TaskChanges {
  title?: string;
  contents?: string;
  startAt?: string;
  done?: boolean;
  /** With done: true, the completion time to record (default: now, or the one it has). */
  completedAt?: string;
}

/** A task put back under its old id (undoing a delete), as it was. */
export interface RestoredTask extends NewTask {
  done: boolean;
  /** With done: when it was completed (default: now). */
  completedAt?: string | null;
  /** Default: now. */
  createdAt?: string;
}

export interface TaskItem {
  userId: string;
  taskId: string;
  title: string;
  contents: string;
  startAt: string;
  startKey: string;
  done: boolean;
  completedAt?: string;
  completionBucket?: string;
  completionKey?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  /**
   * A random token of the write that last stored the item, never part of the task: a write
   * retried after its response was lost recognises its own first attempt by it.
   */
  writeToken?: string;
}

/** The attributes that keep a done task in index byCompletion; absent on open tasks. */
export function completionAttributes(
  completedAt: string,
  taskId: string,
): Pick<TaskItem, 'completedAt' | 'completionBucket' | 'completionKey'> {
  return {
    completedAt: toUtcIso(completedAt),
    completionBucket: completionBucket(completedAt),
    completionKey: completionKey(completedAt, taskId),
  };
}

export function newTaskItem(userId: string, taskId: string, input: NewTask, now: Date): TaskItem {
  const timestamp = now.toISOString();
  return {
    userId,
    taskId,
    title: input.title,
    contents: input.contents ?? '',
    startAt: toUtcIso(input.startAt),
    startKey: startKey(input.startAt, taskId),
    done: false,
    createdAt: timestamp,
    updatedAt: timestamp,
    version: 1,
  };
}

export class TaskItemError extends Error {
  override name = 'TaskItemError';
}

function stringAttribute(item: Record<string, unknown>, name: string): string {
  const value = item[name];
  if (typeof value !== 'string') throw new TaskItemError(`task item has no string ${name}`);
  return value;
}

/**
 * Reads a stored item back into a task. Items are only ever written by this package, so a
 * malformed one is a bug or foreign data: it fails loudly instead of leaking into responses.
 */
export function taskRecordFromItem(item: Record<string, unknown>): TaskRecord {
  const { done, version, completedAt } = item;
  if (typeof done !== 'boolean') throw new TaskItemError('task item has no boolean done');
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new TaskItemError('task item has no integer version');
  }
  if (completedAt !== undefined && typeof completedAt !== 'string') {
    throw new TaskItemError('task item has a non-string completedAt');
  }
  return {
    version,
    task: {
      taskId: stringAttribute(item, 'taskId'),
      title: stringAttribute(item, 'title'),
      contents: stringAttribute(item, 'contents'),
      startAt: stringAttribute(item, 'startAt'),
      done,
      completedAt: done ? (completedAt ?? null) : null,
      createdAt: stringAttribute(item, 'createdAt'),
      updatedAt: stringAttribute(item, 'updatedAt'),
    },
  };
}
