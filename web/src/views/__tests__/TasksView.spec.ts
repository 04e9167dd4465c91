import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiError, deferred, fakeApi, json, makeTask } from '@/__tests__/fake-api';
import { buttonNamed, control } from '@/__tests__/dom';
import { testRouter } from '@/__tests__/router';
import { configureApi } from '@/api/http';
import type { Task } from '@/api/types';
import { PAGE_SIZE, type TaskView } from '@/composables/useTaskList';
import { setLocale } from '@/i18n';
import { DRAFT_STORAGE_KEY } from '@/utils/draft';
import TasksView from '../TasksView.vue';

beforeEach(() => {
  setLocale('en');
  configureApi({ onUnauthorized: () => {} });
});

async function mountView(view: TaskView = 'upcoming') {
  const router = await testRouter();
  const wrapper = mount(TasksView, {
    props: { view },
    global: { plugins: [router] },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

const titles = (wrapper: Awaited<ReturnType<typeof mountView>>) =>
  wrapper.findAll('.task-title').map((title) => title.text());

const patchBody = async (request: Request) => (await request.json()) as Partial<Task>;

describe('TasksView: loading', () => {
  it('shows progress, then the tasks with state, local start time and line breaks kept', async () => {
    const page = deferred<Response>();
    const task = makeTask({ title: 'Write report', contents: 'Line 1\nLine 2' });
    const { requests } = fakeApi(() => page.promise);
    const router = await testRouter();
    const wrapper = mount(TasksView, {
      props: { view: 'upcoming' },
      global: { plugins: [router] },
    });
    await flushPromises();
    expect(wrapper.find('[role="status"]').text()).toBe('Loading tasks…');

    page.resolve(json(200, { items: [task], nextCursor: null }));
    await flushPromises();
    expect(titles(wrapper)).toEqual(['Write report']);
    expect(wrapper.find('.task-contents').text()).toBe('Line 1\nLine 2');
    expect(wrapper.find('.state').text()).toBe('Open');
    expect(wrapper.find('time').attributes('datetime')).toBe(task.startAt);

    // Upcoming: from the start of today, in the browser's time zone, with its offset.
    const url = new URL(requests[0]!.url);
    expect(url.searchParams.get('status')).toBe('all');
    expect(url.searchParams.get('limit')).toBe(String(PAGE_SIZE));
    const from = url.searchParams.get('from')!;
    expect(from).toMatch(/^\d{4}-\d\d-\d\dT00:00:00[+-]\d\d:\d\d$/);
    expect(new Date(from).getTime()).toBe(new Date(new Date().setHours(0, 0, 0, 0)).getTime());
  });

  it('asks for done tasks in the Done view and for everything in All', async () => {
    const { requests } = fakeApi(() => json(200, { items: [], nextCursor: null }));
    const wrapper = await mountView('done');
    await wrapper.setProps({ view: 'all' });
    await flushPromises();
    const queries = requests.map((request) => new URL(request.url).searchParams);
    expect(queries[0]!.get('status')).toBe('done');
    expect(queries[1]!.get('status')).toBe('all');
    expect(queries[1]!.has('from')).toBe(false);
  });

  it('says the list is empty and offers to create a task', async () => {
    fakeApi(() => json(200, { items: [], nextCursor: null }));
    const wrapper = await mountView('upcoming');
    expect(wrapper.find('.empty').text()).toContain('Nothing planned from today on.');
    await buttonNamed(wrapper, 'Create a task').trigger('click');
    expect(wrapper.find('dialog').attributes('open')).toBeDefined();
    expect(wrapper.find('dialog h2').text()).toBe('New task');
  });

  it('pages through the API cursor with Load more', async () => {
    const first = Array.from({ length: 2 }, () => makeTask());
    const second = [makeTask()];
    const { requests } = fakeApi((request) =>
      new URL(request.url).searchParams.get('cursor') === 'next-1'
        ? json(200, { items: second, nextCursor: null })
        : json(200, { items: first, nextCursor: 'next-1' }),
    );
    const wrapper = await mountView('all');
    expect(titles(wrapper)).toEqual(first.map((task) => task.title));
    await buttonNamed(wrapper, 'Load more').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual([...first, ...second].map((task) => task.title));
    expect(wrapper.findAll('button').some((button) => button.text() === 'Load more')).toBe(false);
    expect(requests).toHaveLength(2);
  });

  it('explains a failed load and retries', async () => {
    let calls = 0;
    fakeApi(() =>
      ++calls === 1
        ? Promise.reject(new TypeError('Failed to fetch'))
        : json(200, { items: [makeTask({ title: 'Back' })], nextCursor: null }),
    );
    const wrapper = await mountView();
    expect(wrapper.find('[role="alert"]').text()).toContain(
      'Cannot reach the server. Check your connection, then try again.',
    );
    await buttonNamed(wrapper, 'Try again').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual(['Back']);
  });
});

describe('TasksView: done and reopen', () => {
  it('marks a task done at once and keeps it when the API agrees', async () => {
    const task = makeTask({ title: 'Pay rent' });
    const answer = deferred<Response>();
    const { requests } = fakeApi((request) =>
      request.method === 'GET' ? json(200, { items: [task], nextCursor: null }) : answer.promise,
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Mark done “Pay rent”').trigger('click');

    // Before the API answers, the list already shows the task as done.
    expect(wrapper.find('.state').text()).toBe('Done');
    expect(buttonNamed(wrapper, 'Reopen “Pay rent”').attributes('aria-disabled')).toBe('true');
    expect(requests[1]!.method).toBe('PATCH');
    expect(await patchBody(requests[1]!)).toEqual({ done: true });

    const completedAt = '2026-11-22T10:00:00.000Z';
    answer.resolve(json(200, { ...task, done: true, completedAt, updatedAt: completedAt }));
    await flushPromises();
    expect(wrapper.find('.state').text()).toBe('Done');
    expect(buttonNamed(wrapper, 'Reopen “Pay rent”').attributes('aria-disabled')).toBe('false');
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('puts the task back and says so when the API refuses', async () => {
    const task = makeTask({ title: 'Pay rent' });
    const answer = deferred<Response>();
    fakeApi((request) =>
      request.method === 'GET' ? json(200, { items: [task], nextCursor: null }) : answer.promise,
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Mark done “Pay rent”').trigger('click');
    expect(wrapper.find('.state').text()).toBe('Done');

    answer.resolve(apiError(503, 'DynamoDB is unavailable'));
    await flushPromises();
    expect(wrapper.find('.state').text()).toBe('Open');
    expect(wrapper.find('[role="alert"]').text()).toContain(
      'Could not update “Pay rent”, so it was put back. The service is unavailable',
    );
  });

  it('reopens a done task and rolls back on a network failure', async () => {
    const task = makeTask({ title: 'Old chore', done: true, completedAt: '2026-11-20T01:00:00Z' });
    const { requests } = fakeApi((request) =>
      request.method === 'GET'
        ? json(200, { items: [task], nextCursor: null })
        : Promise.reject(new TypeError('Failed to fetch')),
    );
    const wrapper = await mountView('done');
    await buttonNamed(wrapper, 'Reopen “Old chore”').trigger('click');
    expect(await patchBody(requests[1]!)).toEqual({ done: false });
    await flushPromises();
    expect(wrapper.find('.state').text()).toBe('Done');
    expect(wrapper.find('[role="alert"]').text()).toContain('Cannot reach the server');
  });

  it('ignores a second click while the first is in flight', async () => {
    const task = makeTask({ title: 'Once' });
    const answer = deferred<Response>();
    const { requests } = fakeApi((request) =>
      request.method === 'GET' ? json(200, { items: [task], nextCursor: null }) : answer.promise,
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Mark done “Once”').trigger('click');
    await buttonNamed(wrapper, 'Reopen “Once”').trigger('click');
    expect(requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
    answer.resolve(json(200, { ...task, done: true }));
    await flushPromises();
  });
});

describe('TasksView: delete', () => {
  it('deletes only after confirmation', async () => {
    const keep = makeTask({ title: 'Keep' });
    const drop = makeTask({ title: 'Drop' });
    const { requests } = fakeApi((request) =>
      request.method === 'GET'
        ? json(200, { items: [keep, drop], nextCursor: null })
        : new Response(null, { status: 204 }),
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Delete “Drop”').trigger('click');
    const confirm = wrapper
      .findAll('dialog')
      .find((dialog) => dialog.text().includes('Delete task?'))!;
    expect(confirm.text()).toContain('“Drop” will be deleted. This cannot be undone.');
    expect(requests).toHaveLength(1);

    await buttonNamed(wrapper, 'Cancel').trigger('click');
    expect(titles(wrapper)).toEqual(['Keep', 'Drop']);

    await buttonNamed(wrapper, 'Delete “Drop”').trigger('click');
    await buttonNamed(wrapper, 'Delete').trigger('click');
    await flushPromises();
    expect(requests[1]!.method).toBe('DELETE');
    expect(new URL(requests[1]!.url).pathname).toBe(`/api/tasks/${drop.taskId}`);
    expect(titles(wrapper)).toEqual(['Keep']);
  });

  it('keeps the task and explains when the delete fails', async () => {
    const task = makeTask({ title: 'Stays' });
    fakeApi((request) =>
      request.method === 'GET'
        ? json(200, { items: [task], nextCursor: null })
        : apiError(500, 'boom'),
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Delete “Stays”').trigger('click');
    await buttonNamed(wrapper, 'Delete').trigger('click');
    await flushPromises();
    expect(wrapper.find('dialog[open] [role="alert"]').text()).toContain('(request req-1)');
    expect(titles(wrapper)).toEqual(['Stays']);
  });
});

describe('TasksView: created and edited tasks', () => {
  it('places a created task in start order without reloading', async () => {
    const early = makeTask({ title: 'Early', startAt: '2099-01-01T00:00:00Z' });
    const late = makeTask({ title: 'Late', startAt: '2099-03-01T00:00:00Z' });
    const middle = makeTask({ title: 'Middle', startAt: '2099-02-01T00:00:00Z' });
    fakeApi((request) =>
      request.method === 'GET'
        ? json(200, { items: [early, late], nextCursor: null })
        : json(201, middle, { ETag: '"1"' }),
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'New task').trigger('click');
    await wrapper.find('dialog input[type="text"]').setValue('Middle');
    await wrapper.find('dialog form').trigger('submit');
    await flushPromises();
    expect(titles(wrapper)).toEqual(['Early', 'Middle', 'Late']);
    expect(wrapper.find('dialog').attributes('open')).toBeUndefined();
  });
});

describe('TasksView: back from signing in again', () => {
  it('reopens the dialog whose draft was kept, with what was typed', async () => {
    sessionStorage.setItem(
      DRAFT_STORAGE_KEY,
      JSON.stringify({
        taskId: null,
        values: { title: 'Drafted before', contents: '', startAt: '2026-11-22T09:00' },
        etag: null,
      }),
    );
    fakeApi(() => json(200, { items: [], nextCursor: null }));
    const wrapper = await mountView();
    expect(wrapper.find('dialog[open]').exists()).toBe(true);
    expect(control(wrapper, 'Title').element.value).toBe('Drafted before');
    sessionStorage.clear();
  });
});
