import type { Task } from '@/api/types';
import { isOverdue, type TaskView } from '@/composables/useTaskList';
import { startOfDay } from './datetime';

/**
 * The groups of a list, by the day a task starts in the person's time zone: Overdue (open,
 * its time passed), Today, Tomorrow, Later; Earlier for a done task of a past day.
 */
export type TaskGroupKey = 'overdue' | 'earlier' | 'today' | 'tomorrow' | 'later' | 'all';

export interface TaskGroup {
  key: TaskGroupKey;
  tasks: Task[];
}

/** YYYY-MM-DD of an instant in a time zone. */
function dayKey(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

function groupOf(task: Task, now: Date, timeZone: string): TaskGroupKey {
  if (isOverdue(task, now)) return 'overdue';
  const day = dayKey(new Date(task.startAt), timeZone);
  const today = dayKey(now, timeZone);
  if (day < today) return 'earlier';
  if (day === today) return 'today';
  const start = startOfDay(now);
  const tomorrow = dayKey(
    new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1, 12),
    timeZone,
  );
  return day === tomorrow ? 'tomorrow' : 'later';
}

/**
 * Upcoming in groups, in the order the list brings them (overdue first); the other views as
 * one group. Each task keeps its place in the list within its group.
 */
export function groupTasks(
  tasks: readonly Task[],
  view: TaskView,
  now: Date,
  timeZone: string,
): TaskGroup[] {
  if (view !== 'upcoming') return tasks.length === 0 ? [] : [{ key: 'all', tasks: [...tasks] }];
  const groups = new Map<TaskGroupKey, Task[]>();
  for (const task of tasks) {
    const key = groupOf(task, now, timeZone);
    const group = groups.get(key);
    if (group) group.push(task);
    else groups.set(key, [task]);
  }
  return [...groups].map(([key, members]) => ({ key, tasks: members }));
}
