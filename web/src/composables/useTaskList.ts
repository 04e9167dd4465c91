import { reactive, toRaw, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { matchesSearch, searchTerms } from '@task-manager/contract';
import { ApiError } from '@/api/http';
import { listTasks, updateTask, type TaskQuery } from '@/api/tasks';
import type { Page, SortOrder, Task, TaskSort, TaskStatus } from '@/api/types';
import { startOfDay, toIsoWithOffset } from '@/utils/datetime';
import { usePagedList } from './usePagedList';

export const TASK_VIEWS = ['upcoming', 'all', 'done'] as const;
export type TaskView = (typeof TASK_VIEWS)[number];

export const PAGE_SIZE = 20;

/** What a person chose to see in a view: the status, the order, and words to search for. */
export interface ListOptions {
  status: TaskStatus;
  sort: TaskSort;
  order: SortOrder;
  q?: string;
}

/** Each view's own choice, before the person changes anything: Done shows the latest first. */
export function defaultOptions(view: TaskView): ListOptions {
  return view === 'done'
    ? { status: 'done', sort: 'completedAt', order: 'desc' }
    : { status: 'all', sort: 'startAt', order: 'asc' };
}

export function isOverdue(task: Task, now = new Date()): boolean {
  return !task.done && Date.parse(task.startAt) < now.getTime();
}

/**
 * The API queries behind a view, read one after the other. Upcoming is the open tasks whose
 * time has passed (overdue, wherever they are in the past) and then everything from the start
 * of today; the overdue ones of today come in both, and the list keeps the first.
 */
export function queriesFor(
  view: TaskView,
  options: ListOptions,
  now = new Date(),
): Omit<TaskQuery, 'cursor' | 'limit'>[] {
  const { status, order, q } = options;
  const search = q ? { q } : {};
  switch (view) {
    case 'upcoming':
      return [
        ...(status === 'done'
          ? []
          : [{ status: 'open' as const, to: toIsoWithOffset(now), order, ...search }]),
        { status, from: toIsoWithOffset(startOfDay(now)), order, ...search },
      ];
    case 'all':
      return [{ status, order, ...search }];
    case 'done':
      return [{ status: 'done', sort: options.sort, order, ...search }];
  }
}

/** Whether a task shows in a view, for placing a created or changed task without a reload. */
export function belongsTo(
  view: TaskView,
  options: ListOptions,
  task: Task,
  now = new Date(),
): boolean {
  if (options.status !== 'all' && options.status !== (task.done ? 'done' : 'open')) return false;
  if (options.q && !matchesSearch(searchTerms(options.q), task.title, task.contents)) return false;
  if (view === 'done') return task.done;
  if (view === 'upcoming') {
    return isOverdue(task, now) || Date.parse(task.startAt) >= startOfDay(now).getTime();
  }
  return true;
}

/** The order a view lists tasks in, as the API gives them (ties by task id). */
export function comparator(
  view: TaskView,
  options: ListOptions,
  now = new Date(),
): (a: Task, b: Task) => number {
  const direction = options.order === 'desc' ? -1 : 1;
  const time = (task: Task) =>
    Date.parse(
      view === 'done' && options.sort === 'completedAt' ? (task.completedAt ?? '') : task.startAt,
    );
  // Upcoming lists the overdue tasks first.
  const rank = (task: Task) => (view === 'upcoming' && isOverdue(task, now) ? 0 : 1);
  return (a, b) =>
    rank(a) - rank(b) || direction * (time(a) - time(b) || a.taskId.localeCompare(b.taskId));
}

/** How many API requests one "page" may take to fill (a search may come back short). */
const MAX_REQUESTS_PER_PAGE = 4;

/** A cursor over several queries: which one, and the API's cursor within it. */
function parseCursor(cursor: string | undefined): { index: number; api?: string } {
  if (cursor === undefined) return { index: 0 };
  const at = cursor.indexOf(':');
  const api = cursor.slice(at + 1);
  return { index: Number(cursor.slice(0, at)), ...(api ? { api } : {}) };
}

/** Reads the queries one after the other into pages of `pageSize` tasks. */
export async function readQueries(
  queries: Omit<TaskQuery, 'cursor' | 'limit'>[],
  cursor: string | undefined,
  pageSize: number,
  signal: AbortSignal,
): Promise<Page<Task>> {
  let { index, api } = parseCursor(cursor);
  const items: Task[] = [];
  for (let requests = 0; requests < MAX_REQUESTS_PER_PAGE; requests += 1) {
    if (index >= queries.length || items.length >= pageSize) break;
    const page = await listTasks(
      { ...queries[index]!, limit: pageSize - items.length, ...(api ? { cursor: api } : {}) },
      signal,
    );
    items.push(...page.items);
    if (page.nextCursor) {
      api = page.nextCursor;
    } else {
      index += 1;
      api = undefined;
    }
  }
  return { items, nextCursor: index < queries.length ? `${index}:${api ?? ''}` : null };
}

export type ToggleResult =
  | { ok: true; task: Task; previous: Task; etag: string | null }
  | { ok: false; error: unknown; gone: boolean };

/** Where a created or changed task went: in this view as loaded, further down, or elsewhere. */
export type Placement = 'shown' | 'further-down' | 'not-in-view';

export interface ListState {
  view: TaskView;
  options: ListOptions;
}

/**
 * One view of the signed-in user's tasks, paged with the API's cursor. Marking done and
 * reopening are optimistic: the list changes at once and is put back if the API refuses.
 */
export function useTaskList(state: MaybeRefOrGetter<ListState>, pageSize = PAGE_SIZE) {
  /** Task ids whose done/reopen request is in flight. */
  const pending = reactive(new Set<string>());
  let current = toValue(state);
  let queries = queriesFor(current.view, current.options);
  let loadedAt = new Date();

  const list = usePagedList<Task>({
    fetchPage: (cursor, signal) => readQueries(queries, cursor, pageSize, signal),
    keyOf: (task) => task.taskId,
  });
  const { items: tasks } = list;

  async function reload(): Promise<void> {
    current = toValue(state);
    loadedAt = new Date();
    queries = queriesFor(current.view, current.options, loadedAt);
    await list.reload();
  }

  function indexOf(taskId: string): number {
    return tasks.value.findIndex((task) => task.taskId === taskId);
  }

  /** Puts a created or changed task where it belongs in this view, or takes it out. */
  function upsert(task: Task): Placement {
    const index = indexOf(task.taskId);
    if (index !== -1) tasks.value.splice(index, 1);
    const { view, options } = current;
    if (!belongsTo(view, options, task, loadedAt)) return 'not-in-view';
    const compare = comparator(view, options, loadedAt);
    const last = tasks.value.at(-1);
    // Past the last loaded task it will arrive with "load more"; adding it now would show it twice.
    if (list.hasMore.value && last && compare(task, last) > 0) return 'further-down';
    const at = tasks.value.findIndex((other) => compare(task, other) < 0);
    tasks.value.splice(at === -1 ? tasks.value.length : at, 0, task);
    return 'shown';
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
      const { task: saved, etag } = await updateTask(task.taskId, { done });
      replace(saved, optimistic);
      return { ok: true, task: saved, previous: task, etag };
    } catch (error) {
      const gone = error instanceof ApiError && error.status === 404;
      if (gone) remove(task.taskId);
      else replace(task, optimistic);
      return { ok: false, error, gone };
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

  watch(() => JSON.stringify(toValue(state)), reload, { immediate: true });

  return {
    ...list,
    tasks,
    pending,
    reload,
    upsert,
    remove,
    replace,
    toggleDone,
    /** The moment the list was loaded: what "overdue" and "today" are measured against. */
    loadedAt: () => loadedAt,
  };
}
