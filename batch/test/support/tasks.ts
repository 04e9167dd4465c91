/**
 * Seeding the tasks table for the report job's tests and benchmark, with items in the
 * shape the task repository writes (packages/task-store/src/task-item.ts).
 */
import {
  batchWrite,
  completionBucket,
  completionKey,
  startKey,
  toUtcIso,
  type DynamoClients,
} from '@task-manager/task-store';

export interface SeedTask {
  taskId: string;
  userId: string;
  title?: string;
  /** Absent for an open task. */
  completedAt?: string;
}

export function taskItem(task: SeedTask): Record<string, unknown> {
  const createdAt = '2026-11-01T00:00:00.000Z';
  const done = task.completedAt !== undefined;
  return {
    userId: task.userId,
    taskId: task.taskId,
    title: task.title ?? `Task ${task.taskId}`,
    contents: '',
    startAt: createdAt,
    startKey: startKey(createdAt, task.taskId),
    done,
    ...(done
      ? {
          completedAt: toUtcIso(task.completedAt!),
          completionBucket: completionBucket(task.completedAt!),
          completionKey: completionKey(task.completedAt!, task.taskId),
        }
      : {}),
    createdAt,
    updatedAt: task.completedAt === undefined ? createdAt : toUtcIso(task.completedAt),
    version: done ? 2 : 1,
  };
}

export async function seedTasks(
  doc: DynamoClients['doc'],
  tasksTable: string,
  tasks: Iterable<SeedTask>,
): Promise<number> {
  let count = 0;
  let batch: SeedTask[] = [];
  const flush = async (): Promise<void> => {
    await batchWrite(
      doc,
      tasksTable,
      batch.map((task) => ({ PutRequest: { Item: taskItem(task) } })),
    );
    count += batch.length;
    batch = [];
  };
  for (const task of tasks) {
    batch.push(task);
    if (batch.length === 500) await flush();
  }
  await flush();
  return count;
}

/**
 * `count` tasks completed during [start, end), spread evenly, across `users` users.
 * Generated lazily so seeding a large day never holds every task in memory.
 */
export function* completedTasksSpread(
  count: number,
  window: { start: Date; end: Date },
  users = 50,
  prefix = 'task',
): Generator<SeedTask> {
  const span = window.end.getTime() - window.start.getTime();
  for (let n = 0; n < count; n += 1) {
    yield {
      taskId: `${prefix}-${String(n).padStart(7, '0')}`,
      userId: `user-${String(n % users).padStart(3, '0')}`,
      title: `Completed task number ${n}`,
      completedAt: new Date(window.start.getTime() + Math.floor((n * span) / count)).toISOString(),
    };
  }
}
