import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router';
import { defaultOptions, type ListOptions, type TaskView } from './useTaskList';

/**
 * What a person chose to see in a task view: the status, the order and words to search for. They
 * live in the address, so Back, reload and a shared link keep them. The address names only what
 * differs from the view's default, and a value a view cannot show is read as its default.
 * Each view's route is named after it (src/router/index.ts).
 */

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** The options an address asks for in a view. */
export function optionsFromQuery(
  view: TaskView,
  query: Readonly<Record<string, unknown>>,
): ListOptions {
  const base = defaultOptions(view);
  const q = typeof query.q === 'string' ? query.q.trim() : '';
  return {
    status: view === 'done' ? 'done' : pick(query.status, ['open', 'done', 'all'], base.status),
    sort: view === 'done' ? pick(query.sort, ['startAt', 'completedAt'], base.sort) : 'startAt',
    order: pick(query.order, ['asc', 'desc'], base.order),
    ...(q ? { q } : {}),
  };
}

/** The address for these options in a view, leaving out what is the view's default. */
export function queryFor(view: TaskView, options: ListOptions): LocationQueryRaw {
  const base = defaultOptions(view);
  return {
    ...(options.status !== base.status && view !== 'done' ? { status: options.status } : {}),
    ...(options.sort !== base.sort && view === 'done' ? { sort: options.sort } : {}),
    ...(options.order !== base.order ? { order: options.order } : {}),
    ...(options.q ? { q: options.q } : {}),
  };
}

/** The orders a person can choose, as "<sort>-<order>"; by completion only among done tasks. */
const SORT_CHOICES = [
  'startAt-asc',
  'startAt-desc',
  'completedAt-desc',
  'completedAt-asc',
] as const;
export type SortChoice = (typeof SORT_CHOICES)[number];

export function sortChoicesFor(view: TaskView): SortChoice[] {
  return SORT_CHOICES.filter((choice) => view === 'done' || choice.startsWith('startAt'));
}

export function useListOptions(view: MaybeRefOrGetter<TaskView>) {
  const route = useRoute();
  const router = useRouter();
  const options = computed(() => optionsFromQuery(toValue(view), route.query));
  const sortChoice = computed(() => `${options.value.sort}-${options.value.order}` as SortChoice);

  function choose(next: Partial<ListOptions>): void {
    void router.replace({ query: queryFor(toValue(view), { ...options.value, ...next }) });
  }

  /** The Done view is the done tasks: another status is shown by All, with that filter. */
  function chooseStatus(status: ListOptions['status']): void {
    if (toValue(view) === 'done' && status !== 'done') {
      const next: ListOptions = { ...options.value, status, sort: 'startAt', order: 'asc' };
      void router.push({ name: 'all', query: queryFor('all', next) });
    } else {
      choose({ status });
    }
  }

  function chooseSort(choice: SortChoice): void {
    const [sort, order] = choice.split('-') as [ListOptions['sort'], ListOptions['order']];
    choose({ sort, order });
  }

  return { options, sortChoice, choose, chooseStatus, chooseSort };
}
