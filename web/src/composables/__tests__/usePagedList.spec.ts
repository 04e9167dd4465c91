import { effectScope } from 'vue';
import { describe, expect, it } from 'vitest';
import type { Page } from '@/api/types';
import { usePagedList } from '@/composables/usePagedList';

interface Item {
  id: string;
}

/**
 * A source whose pages the test answers one by one; like fetch, a request rejects with an
 * AbortError once its signal is aborted.
 */
function manualSource() {
  const calls: {
    cursor: string | undefined;
    signal: AbortSignal;
    answer(page: Page<Item>): void;
    fail(error: unknown): void;
  }[] = [];
  const list = usePagedList<Item>({
    fetchPage: (cursor, signal) =>
      new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        calls.push({ cursor, signal, answer: resolve, fail: reject });
      }),
    keyOf: (item) => item.id,
  });
  return { list, calls };
}

const page = (ids: string[], nextCursor: string | null = null): Page<Item> => ({
  items: ids.map((id) => ({ id })),
  nextCursor,
});
const ids = (items: readonly Item[]) => items.map((item) => item.id);

/** A list showing its first page (`shown`), with more to load after cursor c1. */
async function withFirstPage(shown: string[]) {
  const source = manualSource();
  const loaded = source.list.reload();
  source.calls[0]!.answer(page(shown, 'c1'));
  await loaded;
  return source;
}

describe('usePagedList', () => {
  it('a newer load cancels the older one, whose answer never shows', async () => {
    const { list, calls } = manualSource();
    const older = list.reload();
    const newer = list.reload();
    expect(calls[0]!.signal.aborted).toBe(true);
    calls[1]!.answer(page(['b']));
    calls[0]!.answer(page(['a']));
    await Promise.all([older, newer]);
    expect(ids(list.items.value)).toEqual(['b']);
    expect(list.loading.value).toBe(false);
    expect(list.loadError.value).toBeNull();
  });

  it('its owner going away (the view unmounted) cancels the request in flight', async () => {
    const scope = effectScope();
    const { list, calls } = scope.run(manualSource)!;
    const loading = list.reload();
    scope.stop();
    expect(calls[0]!.signal.aborted).toBe(true);
    await loading;
    expect(list.items.value).toEqual([]);
  });

  it('asks for one page at a time: “load more” while one is loading does nothing', async () => {
    const { list, calls } = await withFirstPage(['a']);
    const more = list.loadMore();
    const again = list.loadMore();
    expect(calls.map((call) => call.cursor)).toEqual([undefined, 'c1']);
    calls[1]!.answer(page(['b']));
    expect(await more).toBe(1);
    expect(await again).toBe(-1);
    expect(ids(list.items.value)).toEqual(['a', 'b']);
  });

  it('a page of items already shown adds nothing, and says so', async () => {
    const { list, calls } = await withFirstPage(['a', 'b']);
    const more = list.loadMore();
    calls[1]!.answer(page(['b']));
    expect(await more).toBe(-1);
    expect(ids(list.items.value)).toEqual(['a', 'b']);
  });

  it('starting again forgets a failed “load more”', async () => {
    const { list, calls } = await withFirstPage(['a']);
    const more = list.loadMore();
    calls[1]!.fail(new Error('offline'));
    await more;
    expect(list.loadMoreError.value).toBeInstanceOf(Error);
    const again = list.reload();
    expect(list.loadMoreError.value).toBeNull();
    calls[2]!.answer(page(['a']));
    await again;
    expect(list.loadMoreError.value).toBeNull();
  });
});
