import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  apiError,
  deferred,
  fakeApi,
  json,
  listAnswer,
  makeTask,
  taskServer,
} from '@/__tests__/fake-api';
import { buttonNamed, control } from '@/__tests__/dom';
import { testRouter } from '@/__tests__/router';
import { configureApi } from '@/api/http';
import type { Task } from '@/api/types';
import { useAnnouncer } from '@/composables/useAnnouncer';
import { PAGE_SIZE, type TaskView } from '@/composables/useTaskList';
import { setLocale } from '@/i18n';
import { DRAFT_STORAGE_KEY } from '@/utils/draft';
import TasksView from '../TasksView.vue';

beforeEach(() => {
  setLocale('en');
  configureApi({ onUnauthorized: () => {} });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function mountView(view: TaskView = 'upcoming', path = '/') {
  const router = await testRouter(path);
  const wrapper = mount(TasksView, {
    props: { view },
    global: { plugins: [router] },
    attachTo: document.body,
  });
  await flushPromises();
  return Object.assign(wrapper, { router });
}

const titles = (wrapper: Pick<Awaited<ReturnType<typeof mountView>>, 'findAll'>) =>
  wrapper.findAll('.task-title').map((title) => title.text());

const patchBody = async (request: Request) => (await request.json()) as Partial<Task>;

/** Creates a task through the view's New task dialog, with a title and the default start. */
async function createInDialog(wrapper: Awaited<ReturnType<typeof mountView>>, title: string) {
  await buttonNamed(wrapper, 'New task').trigger('click');
  await wrapper.find('dialog input[type="text"]').setValue(title);
  await wrapper.find('dialog form').trigger('submit');
  await flushPromises();
}

describe('TasksView: loading', () => {
  it('shows progress, then the tasks with state, local start time and line breaks kept', async () => {
    // A fixed instant and zone make the expected bounds literal. 08:30 in Tokyo is still the day
    // before in UTC, so a start of day taken in UTC would show.
    vi.stubEnv('TZ', 'Asia/Tokyo');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T23:30:00Z'));
    const page = deferred<Response>();
    const task = makeTask({ title: 'Write report', contents: 'Line 1\nLine 2' });
    const { requests } = fakeApi((request) =>
      new URL(request.url).searchParams.has('to')
        ? json(200, { items: [], nextCursor: null })
        : page.promise,
    );
    const router = await testRouter();
    const wrapper = mount(TasksView, {
      props: { view: 'upcoming' },
      global: { plugins: [router] },
    });
    await flushPromises();
    expect(wrapper.find('.loading').text()).toBe('Loading tasks…');

    page.resolve(json(200, { items: [task], nextCursor: null }));
    await flushPromises();
    expect(titles(wrapper)).toEqual(['Write report']);
    expect(wrapper.find('.task-contents').text()).toBe('Line 1\nLine 2');
    expect(wrapper.find('.state').text()).toBe('Open');
    expect(wrapper.find('time').attributes('datetime')).toBe(task.startAt);

    // Upcoming: the overdue tasks (open, started before now), then from the start of today,
    // in the browser's time zone, with its offset.
    const overdue = new URL(requests[0]!.url).searchParams;
    expect(overdue.get('status')).toBe('open');
    expect(overdue.get('to')).toBe('2026-11-22T08:30:00+09:00');
    const rest = new URL(requests[1]!.url).searchParams;
    expect(rest.get('status')).toBe('all');
    expect(rest.get('limit')).toBe(String(PAGE_SIZE));
    expect(rest.get('from')).toBe('2026-11-22T00:00:00+09:00');
  });

  it('asks for done tasks in the Done view and for everything in All', async () => {
    const { requests } = fakeApi(() => json(200, { items: [], nextCursor: null }));
    const wrapper = await mountView('done');
    await wrapper.setProps({ view: 'all' });
    await flushPromises();
    const queries = requests.map((request) => new URL(request.url).searchParams);
    expect(queries[0]!.get('status')).toBe('done');
    // Done lists the latest completion first.
    expect(queries[0]!.get('sort')).toBe('completedAt');
    expect(queries[0]!.get('order')).toBe('desc');
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

  it('pages that come back empty with a cursor (a filter that examined all it may) are not “no tasks”', async () => {
    const later = makeTask({ title: 'Far down the list' });
    const { requests } = fakeApi((request) => {
      const cursor = Number(new URL(request.url).searchParams.get('cursor') ?? 0);
      return cursor < 5
        ? json(200, { items: [], nextCursor: String(cursor + 1) })
        : json(200, { items: [later], nextCursor: null });
    });
    const wrapper = await mountView('all', '/all?q=far');
    expect(wrapper.find('.empty').exists()).toBe(false);
    expect(wrapper.find('.count').text()).toBe('0 found so far for “far”; more to search');
    await buttonNamed(wrapper, 'Search further').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual(['Far down the list']);
    expect(requests).toHaveLength(6);
  });

  it('pages through the API cursor with Load more, and focus goes to the first new task', async () => {
    const all = Array.from({ length: PAGE_SIZE + 3 }, (_, index) =>
      makeTask({
        title: `Task ${index}`,
        startAt: new Date(Date.now() + (index + 1) * 3_600_000).toISOString(),
      }),
    );
    const { requests } = fakeApi((request) => listAnswer(all, request));
    const wrapper = await mountView('all');
    expect(titles(wrapper)).toHaveLength(PAGE_SIZE);
    expect(wrapper.find('.count').text()).toBe(`${PAGE_SIZE} shown; more to load`);
    await buttonNamed(wrapper, 'Load more').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual(all.map((task) => task.title));
    expect(wrapper.findAll('button').some((button) => button.text() === 'Load more')).toBe(false);
    expect(requests).toHaveLength(2);
    expect(document.activeElement?.getAttribute('data-task-id')).toBe(all[PAGE_SIZE]!.taskId);
    expect(wrapper.find('.count').text()).toBe(`${PAGE_SIZE + 3} tasks`);
  });

  it('explains a failed load and retries', async () => {
    let calls = 0;
    const back = [makeTask({ title: 'Back' })];
    fakeApi((request) =>
      ++calls === 1 ? Promise.reject(new TypeError('Failed to fetch')) : listAnswer(back, request),
    );
    const wrapper = await mountView();
    expect(wrapper.find('[role="alert"]').text()).toContain(
      'Cannot reach the server. Check your connection, then try again.',
    );
    buttonNamed(wrapper, 'Try again').element.focus();
    await buttonNamed(wrapper, 'Try again').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual(['Back']);
    // The button went with its alert: the keyboard goes on from the heading, not the page's top.
    expect(document.activeElement).toBe(wrapper.find('h1').element);
  });
});

describe('TasksView: done and reopen', () => {
  it('marks a task done at once and keeps it when the API agrees', async () => {
    const task = makeTask({ title: 'Pay rent' });
    const answer = deferred<Response>();
    const { requests } = fakeApi((request) =>
      request.method === 'GET' ? listAnswer([task], request) : answer.promise,
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Mark done “Pay rent”').trigger('click');

    // Before the API answers, the list already shows the task as done.
    expect(wrapper.find('.state').text()).toBe('Done');
    expect(buttonNamed(wrapper, 'Reopen “Pay rent”').attributes('aria-disabled')).toBe('true');
    const patch = requests.find((request) => request.method === 'PATCH')!;
    expect(await patchBody(patch)).toEqual({ done: true });

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
    fakeApi((request) => (request.method === 'GET' ? listAnswer([task], request) : answer.promise));
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Mark done “Pay rent”').trigger('click');
    expect(wrapper.find('.state').text()).toBe('Done');

    answer.resolve(apiError(503, 'DynamoDB is unavailable'));
    await flushPromises();
    expect(wrapper.find('.state').text()).toBe('Open');
    expect(wrapper.find('[role="alert"]').text()).toContain(
      'Could not update “Pay rent”, so it was put back. The service is unavailable',
    );
    // It was about that list: another view (the same component) does not keep it.
    await wrapper.setProps({ view: 'all' });
    await flushPromises();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('reopens a done task and rolls back on a network failure', async () => {
    const task = makeTask({ title: 'Old chore', done: true, completedAt: '2026-11-20T01:00:00Z' });
    const { requests } = fakeApi((request) =>
      request.method === 'GET'
        ? listAnswer([task], request)
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
      request.method === 'GET' ? listAnswer([task], request) : answer.promise,
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
  it('deletes only after confirmation, the very version it read', async () => {
    const keep = makeTask({ title: 'Keep' });
    const drop = makeTask({ title: 'Drop' });
    const { requests } = taskServer([keep, drop]);
    const wrapper = await mountView();
    const listed = requests.length;
    await buttonNamed(wrapper, 'Delete “Drop”').trigger('click');
    const confirm = wrapper
      .findAll('dialog')
      .find((dialog) => dialog.text().includes('Delete task?'))!;
    expect(confirm.text()).toContain('“Drop” will be deleted. You can undo this');
    expect(requests).toHaveLength(listed);

    await buttonNamed(wrapper, 'Cancel').trigger('click');
    expect(titles(wrapper)).toEqual(['Keep', 'Drop']);

    await buttonNamed(wrapper, 'Delete “Drop”').trigger('click');
    await buttonNamed(wrapper, 'Delete').trigger('click');
    await flushPromises();
    const [read, remove] = requests.slice(listed);
    expect(read!.method).toBe('GET');
    expect(remove!.method).toBe('DELETE');
    expect(new URL(remove!.url).pathname).toBe(`/api/tasks/${drop.taskId}`);
    expect(remove!.headers.get('If-Match')).toBe('"1"');
    expect(titles(wrapper)).toEqual(['Keep']);
  });

  it('Undo puts the same task back (PUT If-None-Match: *) with all its fields', async () => {
    const drop = makeTask({
      title: 'Drop',
      contents: 'Notes',
      done: true,
      completedAt: '2026-11-20T05:00:00.000Z',
      startAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const { requests, tasks } = taskServer([drop]);
    const wrapper = await mountView('all');
    await buttonNamed(wrapper, 'Delete “Drop”').trigger('click');
    await buttonNamed(wrapper, 'Delete').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual([]);
    const { message, action, runAction } = useAnnouncer();
    expect(message.value).toBe('Task “Drop” deleted.');
    expect(action.value?.label).toBe('Undo');

    runAction();
    await flushPromises();
    const put = requests.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.headers.get('If-None-Match')).toBe('*');
    expect(await put.json()).toEqual({
      title: drop.title,
      contents: drop.contents,
      startAt: drop.startAt,
      done: drop.done,
      completedAt: drop.completedAt,
      createdAt: drop.createdAt,
    });
    expect(tasks.get(drop.taskId)?.task.title).toBe('Drop');
    expect(titles(wrapper)).toEqual(['Drop']);
    expect(message.value).toBe('Task “Drop” restored.');
    expect(document.activeElement?.getAttribute('data-task-id')).toBe(drop.taskId);
  });

  it('keeps the task and explains when the delete fails', async () => {
    const task = makeTask({ title: 'Stays' });
    taskServer([task], (request) =>
      request.method === 'DELETE' ? apiError(500, 'boom') : undefined,
    );
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Delete “Stays”').trigger('click');
    await buttonNamed(wrapper, 'Delete').trigger('click');
    await flushPromises();
    expect(wrapper.find('dialog[open] [role="alert"]').text()).toContain('(request req-1)');
    expect(titles(wrapper)).toEqual(['Stays']);
  });

  it('a change between reading and deleting: reads the task again and deletes that version', async () => {
    const task = makeTask({ title: 'Busy' });
    let deletes = 0;
    const { requests, tasks } = taskServer([task], (request) => {
      if (request.method !== 'DELETE' || ++deletes > 1) return undefined;
      tasks.get(task.taskId)!.version += 1;
      return apiError(412, 'the task has changed');
    });
    const wrapper = await mountView();
    await buttonNamed(wrapper, 'Delete “Busy”').trigger('click');
    await buttonNamed(wrapper, 'Delete').trigger('click');
    await flushPromises();
    const removals = requests.filter((request) => request.method === 'DELETE');
    expect(removals.map((request) => request.headers.get('If-Match'))).toEqual(['"1"', '"2"']);
    expect(titles(wrapper)).toEqual([]);
    expect(useAnnouncer().message.value).toBe('Task “Busy” deleted.');
  });

  it('a task already deleted elsewhere is simply gone, with nothing to undo', async () => {
    const task = makeTask({ title: 'Ghost' });
    const { tasks } = taskServer([task]);
    const wrapper = await mountView();
    tasks.delete(task.taskId);
    await buttonNamed(wrapper, 'Delete “Ghost”').trigger('click');
    await buttonNamed(wrapper, 'Delete').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual([]);
    const { message, action } = useAnnouncer();
    expect(message.value).toBe('Task “Ghost” deleted.');
    expect(action.value).toBeNull();
  });
});

describe('TasksView: Undo of done and reopen, and tasks deleted elsewhere', () => {
  it('Undo of "mark done" reopens it, with the ETag the change answered', async () => {
    const task = makeTask({ title: 'Pay rent' });
    const { requests, tasks } = taskServer([task]);
    const wrapper = await mountView('all');
    await buttonNamed(wrapper, 'Mark done “Pay rent”').trigger('click');
    await flushPromises();
    const { message, runAction } = useAnnouncer();
    expect(message.value).toBe('“Pay rent” marked done.');
    runAction();
    await flushPromises();
    const undo = requests.at(-1)!;
    expect(undo.headers.get('If-Match')).toBe('"2"');
    expect(await patchBody(undo)).toEqual({ done: false });
    expect(tasks.get(task.taskId)?.task.done).toBe(false);
    expect(wrapper.find('.state').text()).toBe('Open');
    expect(message.value).toBe('Undone: “Pay rent” is as it was.');
  });

  it('Undo of "reopen" marks it done again with its old completion time', async () => {
    const completedAt = '2026-11-20T01:00:00.000Z';
    const task = makeTask({ title: 'Old chore', done: true, completedAt });
    const { requests, tasks } = taskServer([task]);
    const wrapper = await mountView('all');
    await buttonNamed(wrapper, 'Reopen “Old chore”').trigger('click');
    await flushPromises();
    useAnnouncer().runAction();
    await flushPromises();
    expect(await patchBody(requests.at(-1)!)).toEqual({ done: true, completedAt });
    expect(tasks.get(task.taskId)?.task.completedAt).toBe(completedAt);
  });

  it('an Undo after a change elsewhere is refused (412) and says so', async () => {
    const task = makeTask({ title: 'Busy' });
    const { tasks } = taskServer([task]);
    const wrapper = await mountView('all');
    await buttonNamed(wrapper, 'Mark done “Busy”').trigger('click');
    await flushPromises();
    tasks.get(task.taskId)!.version += 1;
    useAnnouncer().runAction();
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain(
      '“Busy” was changed elsewhere in the meantime, so it was not undone.',
    );
  });

  it('marking done a task deleted elsewhere removes it and says why', async () => {
    const task = makeTask({ title: 'Ghost' });
    const { tasks } = taskServer([task]);
    const wrapper = await mountView('all');
    tasks.delete(task.taskId);
    buttonNamed(wrapper, 'Mark done “Ghost”').element.focus();
    await buttonNamed(wrapper, 'Mark done “Ghost”').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toEqual([]);
    expect(wrapper.find('[role="alert"]').text()).toContain(
      '“Ghost” no longer exists: it was deleted elsewhere, so it was removed from the list.',
    );
    // The pressed button went with the task; then Dismiss goes with the alert: the heading.
    expect(document.activeElement).toBe(wrapper.find('h1').element);
    buttonNamed(wrapper, 'Dismiss').element.focus();
    await buttonNamed(wrapper, 'Dismiss').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(document.activeElement).toBe(wrapper.find('h1').element);
  });
});

describe('TasksView: Upcoming in groups, overdue first', () => {
  it('groups by day in the person’s time zone, overdue first and marked in words', async () => {
    // Noon in Tokyo, fixed: no midnight can fall between the days built here and the view's.
    vi.stubEnv('TZ', 'Asia/Tokyo');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T03:00:00Z'));
    const hour = 3_600_000;
    const now = Date.now();
    const day = (offset: number, hours: number) => {
      const date = new Date(now);
      date.setHours(0, 0, 0, 0);
      date.setDate(date.getDate() + offset);
      return new Date(date.getTime() + hours * hour).toISOString();
    };
    const tasks = [
      makeTask({ title: 'Long overdue', startAt: day(-40, 9) }),
      makeTask({ title: 'Overdue today', startAt: new Date(now - hour).toISOString() }),
      makeTask({
        title: 'Done earlier today',
        startAt: day(0, 0.5),
        done: true,
        completedAt: new Date(now).toISOString(),
      }),
      makeTask({ title: 'Tomorrow morning', startAt: day(1, 9) }),
      makeTask({ title: 'Next month', startAt: day(30, 9) }),
      makeTask({
        title: 'Done long ago',
        startAt: day(-10, 9),
        done: true,
        completedAt: day(-10, 10),
      }),
    ];
    fakeApi((request) => listAnswer(tasks, request));
    const wrapper = await mountView('upcoming');
    const headings = wrapper.findAll('section h2').map((heading) => heading.text());
    expect(headings[0]).toBe('Overdue (2)');
    expect(headings).toContain('Tomorrow (1)');
    expect(headings.at(-1)).toBe('Later (1)');
    const overdue = wrapper.find('.group-overdue');
    expect(overdue.findAll('.task-title').map((title) => title.text())).toEqual(
      expect.arrayContaining(['Long overdue', 'Overdue today']),
    );
    expect(overdue.findAll('.state-overdue').map((badge) => badge.text())).toEqual([
      'Overdue',
      'Overdue',
    ]);
    expect(titles(wrapper)).not.toContain('Done long ago');
    expect(wrapper.find('.count').text()).toBe(`${titles(wrapper).length} tasks`);
  });

  it('an overdue task marked done stays in view, under Earlier', async () => {
    const task = makeTask({
      title: 'Late bill',
      startAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });
    taskServer([task]);
    const wrapper = await mountView('upcoming');
    await buttonNamed(wrapper, 'Mark done “Late bill”').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('section h2').map((heading) => heading.text())).toEqual(['Earlier (1)']);
  });

  it('counts a group exactly once a later one began; the last may have more to load', async () => {
    const overdue = makeTask({ startAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
    const later = Array.from({ length: PAGE_SIZE }, (_, index) =>
      makeTask({ startAt: new Date(Date.now() + (3 + index) * 86_400_000).toISOString() }),
    );
    fakeApi((request) => listAnswer([overdue, ...later], request));
    const wrapper = await mountView('upcoming');
    expect(wrapper.findAll('section h2').map((heading) => heading.text())).toEqual([
      'Overdue (1)',
      `Later (${PAGE_SIZE - 1} shown, more to load)`,
    ]);
  });

  it('a task created with a past time shows among the overdue ones', async () => {
    const created = makeTask({
      title: 'Forgot this',
      startAt: new Date(Date.now() - 86_400_000 * 3).toISOString(),
    });
    taskServer([], (request) =>
      request.method === 'POST' ? json(201, created, { ETag: '"1"' }) : undefined,
    );
    const wrapper = await mountView('upcoming');
    await createInDialog(wrapper, 'Forgot this');
    expect(wrapper.find('.group-overdue').text()).toContain('Forgot this');
    expect(useAnnouncer().message.value).toBe('Task “Forgot this” created.');
  });

  it('a created task the view does not show: the message says where it went', async () => {
    const created = makeTask({ title: 'Elsewhere', startAt: '2099-01-01T00:00:00Z' });
    taskServer([], (request) =>
      request.method === 'POST' ? json(201, created, { ETag: '"1"' }) : undefined,
    );
    const wrapper = await mountView('done');
    await createInDialog(wrapper, 'Elsewhere');
    expect(useAnnouncer().message.value).toBe(
      'Task “Elsewhere” created. It is listed under Upcoming.',
    );
  });

  it('a created task this view’s filter hides: the message says so', async () => {
    const created = makeTask({ title: 'Hidden', startAt: '2099-01-01T00:00:00Z' });
    taskServer([], (request) =>
      request.method === 'POST' ? json(201, created, { ETag: '"1"' }) : undefined,
    );
    const wrapper = await mountView('upcoming', '/?status=done');
    await createInDialog(wrapper, 'Hidden');
    expect(useAnnouncer().message.value).toBe(
      'Task “Hidden” created. The current status filter or search hides it.',
    );
  });
});

describe('TasksView: search, status and order', () => {
  it('searches with q, says how many were found, and clears', async () => {
    const tasks = [
      makeTask({ title: 'Quarterly report' }),
      makeTask({ title: 'Lunch', contents: '報告書' }),
      makeTask({ title: 'Groceries' }),
    ];
    const { requests } = fakeApi((request) => listAnswer(tasks, request));
    const wrapper = await mountView('all', '/all');
    await wrapper.find('input[type="search"]').setValue('REPORT');
    await wrapper.find('form[role="search"]').trigger('submit');
    await flushPromises();
    expect(new URL(requests.at(-1)!.url).searchParams.get('q')).toBe('REPORT');
    expect(wrapper.router.currentRoute.value.query.q).toBe('REPORT');
    expect(titles(wrapper)).toEqual(['Quarterly report']);
    expect(wrapper.find('.count').text()).toBe('1 found for “REPORT”');

    await wrapper.find('input[type="search"]').setValue('報告');
    await wrapper.find('form[role="search"]').trigger('submit');
    await flushPromises();
    expect(titles(wrapper)).toEqual(['Lunch']);

    await buttonNamed(wrapper, 'Clear search').trigger('click');
    await flushPromises();
    expect(titles(wrapper)).toHaveLength(3);
    expect(wrapper.router.currentRoute.value.query.q).toBeUndefined();
  });

  it('the status filter and the order go into the query and the address', async () => {
    const { requests } = fakeApi((request) => listAnswer([], request));
    const wrapper = await mountView('all', '/all');
    await wrapper.find('#task-status').setValue('open');
    await flushPromises();
    await wrapper.find('#task-sort').setValue('startAt-desc');
    await flushPromises();
    const last = new URL(requests.at(-1)!.url).searchParams;
    expect(last.get('status')).toBe('open');
    expect(last.get('order')).toBe('desc');
    expect(wrapper.router.currentRoute.value.query).toEqual({ status: 'open', order: 'desc' });
    expect(wrapper.find('.empty').text()).toContain(
      'No task in this view matches the status chosen.',
    );
  });

  it('the Done view sorts by completion (newest first) or by start time', async () => {
    const { requests } = fakeApi((request) => listAnswer([], request));
    const wrapper = await mountView('done', '/done');
    const options = wrapper.findAll('#task-sort option').map((option) => option.text());
    expect(options).toContain('Completed, newest first');
    await wrapper.find('#task-sort').setValue('startAt-asc');
    await flushPromises();
    const last = new URL(requests.at(-1)!.url).searchParams;
    expect(last.get('sort')).toBe('startAt');
    expect(last.get('order')).toBe('asc');
    expect(last.get('status')).toBe('done');
  });
});

describe('TasksView: keyboard shortcuts', () => {
  it('n opens a new task, / goes to search; neither while typing in a field', async () => {
    fakeApi((request) => listAnswer([], request));
    const wrapper = await mountView('all', '/all');
    const search = wrapper.find<HTMLInputElement>('input[type="search"]');
    search.element.focus();
    search.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', bubbles: true }));
    await flushPromises();
    expect(wrapper.find('dialog[open]').exists()).toBe(false);

    search.element.blur();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }));
    expect(document.activeElement).toBe(search.element);
    search.element.blur();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', bubbles: true }));
    await flushPromises();
    expect(wrapper.find('dialog[open] h2').text()).toBe('New task');
    // With the dialog open, no shortcut fires.
    const shortcut = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    document.body.dispatchEvent(shortcut);
    expect(shortcut.defaultPrevented).toBe(false);
  });
});

describe('TasksView: created and edited tasks', () => {
  it('places a created task in start order without reloading', async () => {
    const early = makeTask({ title: 'Early', startAt: '2099-01-01T00:00:00Z' });
    const late = makeTask({ title: 'Late', startAt: '2099-03-01T00:00:00Z' });
    const middle = makeTask({ title: 'Middle', startAt: '2099-02-01T00:00:00Z' });
    taskServer([early, late], (request) =>
      request.method === 'POST' ? json(201, middle, { ETag: '"1"' }) : undefined,
    );
    const wrapper = await mountView();
    await createInDialog(wrapper, 'Middle');
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
        original: null,
      }),
    );
    fakeApi(() => json(200, { items: [], nextCursor: null }));
    const wrapper = await mountView();
    expect(wrapper.find('dialog[open]').exists()).toBe(true);
    expect(control(wrapper, 'Title').element.value).toBe('Drafted before');
    sessionStorage.clear();
  });
});
