import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { buttonNamed } from '@/__tests__/dom';
import { ApiError } from '@/api/http';
import { setLocale } from '@/i18n';
import ListMore from '../ListMore.vue';

beforeEach(() => setLocale('en'));

const state: { loading: boolean; error: unknown; hasMore: boolean } = {
  loading: false,
  error: null,
  hasMore: false,
};
const labels = { label: 'Load more', loadingLabel: 'Loading more…' };
const listEnd = (props: Partial<typeof state>) =>
  mount(ListMore, { props: { ...state, ...labels, ...props } });

describe('ListMore', () => {
  it('offers the next page while there is one, and asks for it once per press', async () => {
    const wrapper = listEnd({ hasMore: true });
    await buttonNamed(wrapper, 'Load more').trigger('click');
    expect(wrapper.emitted('more')).toEqual([[]]);
    expect(wrapper.find('[role="status"]').exists()).toBe(false);
  });

  it('says the page is loading, and offers nothing to press meanwhile', () => {
    const wrapper = listEnd({ loading: true, hasMore: true });
    expect(wrapper.get('[role="status"]').text()).toBe('Loading more…');
    expect(wrapper.findAll('button')).toHaveLength(0);
  });

  it('a page that failed says why, and Try again asks for it again', async () => {
    const wrapper = listEnd({ error: new ApiError(503, 'down'), hasMore: true });
    expect(wrapper.get('[role="alert"]').text()).toContain('The service is unavailable');
    expect(wrapper.findAll('button').map((button) => button.text())).toEqual(['Try again']);
    await buttonNamed(wrapper, 'Try again').trigger('click');
    expect(wrapper.emitted('more')).toEqual([[]]);
  });

  it('at the end of the list: nothing at all', () => {
    expect(listEnd({}).text()).toBe('');
  });
});
