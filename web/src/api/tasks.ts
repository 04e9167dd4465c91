import { send, sendJson } from './http';
import type {
  NewTask,
  Page,
  RestoredTask,
  Task,
  TaskChanges,
  TaskQuery as ApiTaskQuery,
  TaskStatus,
} from './types';

export type { SortOrder, TaskSort } from './types';

/** The list query as the app sends it: always with a status, which the API defaults to all. */
export type TaskQuery = ApiTaskQuery & { status: TaskStatus };

/** A task with the ETag of the version that was read, for a later conditional change. */
export interface VersionedTask {
  task: Task;
  etag: string | null;
}

const path = (taskId: string) => `/tasks/${encodeURIComponent(taskId)}`;

export async function listTasks(query: TaskQuery, signal?: AbortSignal): Promise<Page<Task>> {
  const { data } = await sendJson<Page<Task>>('/tasks', { query: { ...query }, signal });
  return data;
}

export async function getTask(taskId: string, signal?: AbortSignal): Promise<VersionedTask> {
  const { data, etag } = await sendJson<Task>(path(taskId), { signal });
  return { task: data, etag };
}

/** Creates a task; with the same idempotencyKey, a retry answers the same task. */
export async function createTask(input: NewTask, idempotencyKey?: string): Promise<VersionedTask> {
  const { data, etag } = await sendJson<Task>('/tasks', {
    method: 'POST',
    body: input,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  return { task: data, etag };
}

export async function updateTask(
  taskId: string,
  changes: TaskChanges,
  ifMatch?: string | null,
): Promise<VersionedTask> {
  const { data, etag } = await sendJson<Task>(path(taskId), {
    method: 'PATCH',
    body: changes,
    ifMatch,
  });
  return { task: data, etag };
}

export async function deleteTask(taskId: string, ifMatch?: string | null): Promise<void> {
  await send(path(taskId), { method: 'DELETE', ifMatch });
}

/** Puts a deleted task back under its id, as it was (undo); 412 when it exists. */
export async function restoreTask(task: Task): Promise<VersionedTask> {
  const body: RestoredTask = {
    title: task.title,
    contents: task.contents,
    startAt: task.startAt,
    done: task.done,
    completedAt: task.completedAt,
    createdAt: task.createdAt,
  };
  const { data, etag } = await sendJson<Task>(path(task.taskId), {
    method: 'PUT',
    ifNoneMatch: '*',
    body,
  });
  return { task: data, etag };
}
