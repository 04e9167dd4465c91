import { computed, onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { isAbortError } from '@/api/http';
import type { Page } from '@/api/types';

export interface PagedListSource<T> {
  /** One page after `cursor` (undefined: the first page). */
  fetchPage(cursor: string | undefined, signal: AbortSignal): Promise<Page<T>>;
  /** What tells two items apart, so an item moved between pages never shows twice. */
  keyOf(item: T): string;
}

/**
 * A list read page by page with the API's cursor, written once for the tasks and the reports:
 * the first load and "load more", each with its own progress and error, a newer load
 * cancelling an older one, and its owner going away cancelling both. The list may also be
 * changed in place (`items`) by its owner.
 */
export function usePagedList<T>(source: PagedListSource<T>) {
  const items = ref([]) as Ref<T[]>;
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loadError = shallowRef<unknown>(null);
  const loadMoreError = shallowRef<unknown>(null);
  let request: AbortController | null = null;

  /** Fetches and appends one page; false when a newer load cancelled it. */
  async function fetchPage(cursor?: string): Promise<boolean> {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    try {
      const page = await source.fetchPage(cursor, controller.signal);
      const known = new Set(items.value.map(source.keyOf));
      const added = page.items.filter((item) => {
        const key = source.keyOf(item);
        if (known.has(key)) return false;
        known.add(key);
        return true;
      });
      items.value = [...items.value, ...added];
      nextCursor.value = page.nextCursor;
      return true;
    } catch (error) {
      if (isAbortError(error)) return false;
      throw error;
    } finally {
      if (request === controller) request = null;
    }
  }

  /** Starts again from the first page. */
  async function reload(): Promise<void> {
    items.value = [];
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

  /** Appends the next page; resolves to the index of its first item (-1: nothing added). */
  async function loadMore(): Promise<number> {
    if (!nextCursor.value || loading.value || loadingMore.value) return -1;
    const before = items.value.length;
    loadingMore.value = true;
    loadMoreError.value = null;
    try {
      await fetchPage(nextCursor.value);
    } catch (error) {
      loadMoreError.value = error;
    } finally {
      loadingMore.value = false;
    }
    return items.value.length > before ? before : -1;
  }

  /** Stops whatever is in flight (the view is going away). */
  function cancel(): void {
    request?.abort();
  }
  // Owned by a view (or any effect scope): when it goes, so does the request it no longer needs.
  onScopeDispose(cancel, true);

  return {
    items,
    nextCursor,
    hasMore: computed(() => nextCursor.value !== null),
    loading,
    loadingMore,
    loadError,
    loadMoreError,
    reload,
    loadMore,
    cancel,
  };
}
