import {
  computed,
  reactive,
  ref,
  shallowRef,
  toRaw,
  toValue,
  watch,
  type MaybeRefOrGetter,
} from 'vue';
import { isAbortError } from '@/api/http';
import { listTasks, updateTask, type TaskQuery } from '@/api/tasks';
import type { Task } from '@/api/types';
import { startOfDay, toIsoWithOffset } from '@/utils/datetime';

export const TASK_VIEWS = ['upcoming', 'all', 'done'] as const;
export type TaskView = (typeof TASK_VIEWS)[number];

export const PAGE_SIZE = 20;

/** The API query behind each view. "Upcoming" starts at the beginning of today, local time. */
export function queryFor(view: TaskView, now = new Date()): Omit<TaskQuery, 'cursor' | 'limit'> {
  switch (view) {
    case 'upcoming':
      return { status: 'all', from: toIsoWithOffset(startOfDay(now)) };
    case 'all':
      return { status: 'all' };
    case 'done':
      return { status: 'done' };
  }
}

/** Whether a task shows in a view, for placing a created or edited task without a reload. */
export function belongsTo(view: TaskView, task: Task, now = new Date()): boolean {
  if (view === 'done') return task.done;
  if (view === 'upcoming') return Date.parse(task.startAt) >= startOfDay(now).getTime();
  return true;
}

/** The API's order: startAt ascending, then task id. */
export function compareTasks(a: Task, b: Task): number {
  return Date.parse(a.startAt) - Date.parse(b.startAt) || a.taskId.localeCompare(b.taskId);
}

export type ToggleResult = { ok: true; task: Task } | { ok: false; error: unknown };

/**
 * One view of the signed-in user's tasks, paged with the API's cursor. Marking done and
 * reopening are optimistic: the list changes at once and is put back if the API refuses.
 */
export function useTaskList(view: MaybeRefOrGetter<TaskView>, pageSize = PAGE_SIZE) {
  const tasks = ref<Task[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loadError = shallowRef<unknown>(null);
  const loadMoreError = shallowRef<unknown>(null);
  /** Task ids whose done/reopen request is in flight. */
  const pending = reactive(new Set<string>());
  let request: AbortController | null = null;
  let query = queryFor(toValue(view));

  async function fetchPage(cursor?: string): Promise<boolean> {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    try {
      const page = await listTasks({ ...query, limit: pageSize, cursor }, controller.signal);
      const known = new Set(tasks.value.map((task) => task.taskId));
      tasks.value = [...tasks.value, ...page.items.filter((task) => !known.has(task.taskId))];
      nextCursor.value = page.nextCursor;
      return true;
    } catch (error) {
      if (isAbortError(error)) return false;
      throw error;
    } finally {
      if (request === controller) request = null;
    }
  }

  async function reload(): Promise<void> {
    query = queryFor(toValue(view));
    tasks.value = [];
    nextCursor.value = null;
    loadError.value = null;
    loadMoreError.value = null;
    loadingMore.value = false;
    loading.value = true;
    try {
      if (await fetchPage()) loading.value = false;
    } catch (error) {
      loadError.value = error;
      loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value || loading.value || loadingMore.value) return;
    loadingMore.value = true;
    loadMoreError.value = null;
    try {
      await fetchPage(nextCursor.value);
    } catch (error) {
      loadMoreError.value = error;
    } finally {
      loadingMore.value = false;
    }
  }

  function indexOf(taskId: string): number {
    return tasks.value.findIndex((task) => task.taskId === taskId);
  }

  /** Puts a created or changed task where it belongs in this view, or takes it out. */
  function upsert(task: Task): void {
    const index = indexOf(task.taskId);
    if (index !== -1) tasks.value.splice(index, 1);
    if (!belongsTo(toValue(view), task)) return;
    const last = tasks.value.at(-1);
    // Past the last loaded task it will arrive with "load more"; adding it now would show it twice.
    if (nextCursor.value && last && compareTasks(task, last) > 0) return;
    const at = tasks.value.findIndex((other) => compareTasks(task, other) < 0);
    tasks.value.splice(at === -1 ? tasks.value.length : at, 0, task);
  }

  function remove(taskId: string): void {
    const index = indexOf(taskId);
    if (index !== -1) tasks.value.splice(index, 1);
  }

  async function toggleDone(task: Task): Promise<ToggleResult | null> {
    if (pending.has(task.taskId)) return null;
    const done = !task.done;
    const optimistic: Task = { ...task, done, completedAt: done ? new Date().toISOString() : null };
    replace(optimistic);
    pending.add(task.taskId);
    try {
      const { task: saved } = await updateTask(task.taskId, { done });
      replace(saved, optimistic);
      return { ok: true, task: saved };
    } catch (error) {
      replace(task, optimistic);
      return { ok: false, error };
    } finally {
      pending.delete(task.taskId);
    }
  }

  /** Replaces a task in place; with `expected`, only if the list still holds that very object. */
  function replace(task: Task, expected?: Task): void {
    const index = indexOf(task.taskId);
    if (index === -1) return;
    if (expected && toRaw(tasks.value[index]) !== expected) return;
    tasks.value[index] = task;
  }

  watch(() => toValue(view), reload, { immediate: true });

  return {
    tasks,
    nextCursor,
    hasMore: computed(() => nextCursor.value !== null),
    loading,
    loadingMore,
    loadError,
    loadMoreError,
    pending,
    reload,
    loadMore,
    upsert,
    remove,
    toggleDone,
  };
}
