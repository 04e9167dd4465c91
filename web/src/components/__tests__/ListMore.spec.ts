import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { buttonNamed } from '@/__tests__/dom';
import { ApiError } from '@/api/http';
import { setLocale } from '@/i18n';
import ListMore from '../ListMore.vue';

beforeEach(() => setLocale('en'));
enableAutoUnmount(afterEach);
afterEach(() => document.body.replaceChildren());

const state: { loading: boolean; error: unknown; hasMore: boolean } = {
  loading: false,
  error: null,
  hasMore: false,
};
const labels = { label: 'Load more', loadingLabel: 'Loading more…' };
/** The list's end, whose `load` brings a page starting at `first` (-1: nothing new). */
const listEnd = (props: Partial<typeof state>, first = -1) => {
  const load = vi.fn(async () => first);
  const items = [0, 1, 2].map((index) => {
    const item = document.createElement('article');
    item.tabIndex = -1;
    item.dataset.index = String(index);
    return document.body.appendChild(item);
  });
  const elementAt = (index: number) => items[index];
  const wrapper = mount(ListMore, {
    props: { ...state, ...labels, ...props, load, elementAt },
    attachTo: document.body,
  });
  return { wrapper, load, items };
};

/**
 * A list end whose page arrives when the test says, with the states usePagedList gives it
 * meanwhile (loading, then the page or its error).
 */
const pagedListEnd = () => {
  let arrive: (outcome: { first: number; error?: unknown }) => void = () => {};
  const end = listEnd({ hasMore: true });
  const wrapper: VueWrapper = end.wrapper;
  end.load.mockImplementation(async () => {
    await wrapper.setProps({ loading: true, error: null });
    const { first, error = null } = await new Promise<{ first: number; error?: unknown }>(
      (resolve) => (arrive = resolve),
    );
    await wrapper.setProps({ loading: false, error });
    return first;
  });
  return { ...end, arrive: (first: number, error?: unknown) => arrive({ first, error }) };
};

describe('ListMore', () => {
  it('offers the next page while there is one, and asks for it once per press', async () => {
    const { wrapper, load } = listEnd({ hasMore: true });
    await buttonNamed(wrapper, 'Load more').trigger('click');
    expect(load).toHaveBeenCalledTimes(1);
    expect(wrapper.find('[role="status"]').exists()).toBe(false);
  });

  it('once the page is in, focus goes to its first item', async () => {
    const { wrapper, items } = listEnd({ hasMore: true }, 2);
    await buttonNamed(wrapper, 'Load more').trigger('click');
    await flushPromises();
    expect(document.activeElement).toBe(items[2]);
  });

  it('while the page loads the button stays, busy, with the keyboard on it; pressing it asks nothing', async () => {
    const { wrapper, load, items, arrive } = pagedListEnd();
    const button = buttonNamed(wrapper, 'Load more');
    button.element.focus();
    await button.trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="status"]').text()).toBe('Loading more…');
    expect(button.attributes('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(button.element);
    await button.trigger('click');
    expect(load).toHaveBeenCalledTimes(1);

    arrive(1);
    await flushPromises();
    expect(button.attributes('aria-disabled')).toBe('false');
    expect(document.activeElement).toBe(items[1]);
  });

  it('a page that failed says why; focus goes to Try again, stays through the retry, then to the page', async () => {
    const { wrapper, load, items, arrive } = pagedListEnd();
    buttonNamed(wrapper, 'Load more').element.focus();
    await buttonNamed(wrapper, 'Load more').trigger('click');
    arrive(-1, new ApiError(503, 'down'));
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toContain('The service is unavailable');
    expect(wrapper.findAll('button').map((button) => button.text())).toEqual(['Try again']);
    expect(document.activeElement?.textContent?.trim()).toBe('Try again');

    await buttonNamed(wrapper, 'Try again').trigger('click');
    await flushPromises();
    expect(load).toHaveBeenCalledTimes(2);
    // The alert went with the retry: the busy button has the keyboard, not the page's top.
    expect(document.activeElement).toBe(buttonNamed(wrapper, 'Load more').element);
    arrive(0);
    await flushPromises();
    expect(document.activeElement).toBe(items[0]);
  });

  it('focus the user moved elsewhere while the page loaded stays there', async () => {
    const { wrapper, items, arrive } = pagedListEnd();
    await buttonNamed(wrapper, 'Load more').trigger('click');
    await flushPromises();
    items[0]!.focus();
    arrive(2);
    await flushPromises();
    expect(document.activeElement).toBe(items[0]);
  });

  it('at the end of the list: nothing at all', () => {
    expect(listEnd({}).wrapper.text()).toBe('');
  });
});
