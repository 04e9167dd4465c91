import { flushPromises, mount } from '@vue/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { viewAndOptions } from '@/__tests__/arbitraries';
import { testRouter } from '@/__tests__/router';
import {
  optionsFromQuery,
  queryFor,
  sortChoicesFor,
  useListOptions,
} from '@/composables/useListOptions';
import { TASK_VIEWS, defaultOptions, type TaskView } from '@/composables/useTaskList';

/** Options a view can show, searching for anything (trimmed, as the address keeps it). */
const optionsInAddress = viewAndOptions(
  fc.string({ minLength: 1 }).filter((q) => q.trim() === q && q !== ''),
);

describe('the options in the address', () => {
  it('read back exactly what was written, for every view and every choice', () => {
    fc.assert(
      fc.property(optionsInAddress, ([view, options]) => {
        expect(optionsFromQuery(view, queryFor(view, options))).toEqual(options);
      }),
    );
  });

  it("name only what differs from the view's default", () => {
    for (const view of TASK_VIEWS) expect(queryFor(view, defaultOptions(view))).toEqual({});
    expect(queryFor('all', { status: 'open', sort: 'startAt', order: 'asc' })).toEqual({
      status: 'open',
    });
    expect(queryFor('done', { status: 'done', sort: 'completedAt', order: 'asc' })).toEqual({
      order: 'asc',
    });
  });

  it("read what a view cannot show, or nonsense, as the view's default", () => {
    expect(optionsFromQuery('done', { status: 'open', sort: 'title', order: 'up' })).toEqual(
      defaultOptions('done'),
    );
    expect(optionsFromQuery('all', { sort: 'completedAt', status: ['open', 'done'] })).toEqual(
      defaultOptions('all'),
    );
    expect(optionsFromQuery('upcoming', { q: '   ' })).toEqual(defaultOptions('upcoming'));
    expect(optionsFromQuery('upcoming', { q: '  report ' }).q).toBe('report');
  });

  it('offer the order by completion in the Done view only', () => {
    expect(sortChoicesFor('done')).toContain('completedAt-desc');
    for (const view of ['upcoming', 'all'] as const) {
      expect(sortChoicesFor(view).every((choice) => choice.startsWith('startAt'))).toBe(true);
    }
  });
});

async function withListOptions(view: TaskView, path: string) {
  const router = await testRouter(path);
  let listOptions!: ReturnType<typeof useListOptions>;
  mount(
    defineComponent({
      setup() {
        listOptions = useListOptions(view);
        return () => h('div');
      },
    }),
    { global: { plugins: [router] } },
  );
  return { router, ...listOptions };
}

describe('useListOptions', () => {
  it('a choice changes the address, and the options follow it', async () => {
    const { router, options, chooseSort, choose } = await withListOptions('all', '/all?q=tax');
    expect(options.value).toEqual({ status: 'all', sort: 'startAt', order: 'asc', q: 'tax' });
    chooseSort('startAt-desc');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/all?order=desc&q=tax');
    expect(options.value.order).toBe('desc');
    choose({ q: undefined });
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/all?order=desc');
  });

  it('another status than done, chosen in Done, goes to All with it (and the search)', async () => {
    const { router, chooseStatus } = await withListOptions('done', '/done?sort=startAt&q=tax');
    chooseStatus('open');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('all');
    expect(router.currentRoute.value.query).toEqual({ status: 'open', q: 'tax' });
  });
});
