import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

describe('ListMore', () => {
  it('offers the next page while there is one, and asks for it once per press', async () => {
    const { wrapper, load } = listEnd({ hasMore: true });
    await buttonNamed(wrapper, 'Load more').trigger('click');
    expect(load).toHaveBeenCalledTimes(1);
    expect(wrapper.find('[role="status"]').exists()).toBe(false);
  });

  it('once the page is in, focus goes to its first item (the pressed button is gone)', async () => {
    const { wrapper, items } = listEnd({ hasMore: true }, 2);
    await buttonNamed(wrapper, 'Load more').trigger('click');
    await flushPromises();
    expect(document.activeElement).toBe(items[2]);
  });

  it('says the page is loading, and offers nothing to press meanwhile', () => {
    const { wrapper } = listEnd({ loading: true, hasMore: true });
    expect(wrapper.get('[role="status"]').text()).toBe('Loading more…');
    expect(wrapper.findAll('button')).toHaveLength(0);
  });

  it('a page that failed says why, and Try again asks for it again', async () => {
    const { wrapper, load } = listEnd({ error: new ApiError(503, 'down'), hasMore: true });
    expect(wrapper.get('[role="alert"]').text()).toContain('The service is unavailable');
    expect(wrapper.findAll('button').map((button) => button.text())).toEqual(['Try again']);
    await buttonNamed(wrapper, 'Try again').trigger('click');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('at the end of the list: nothing at all', () => {
    expect(listEnd({}).wrapper.text()).toBe('');
  });
});
