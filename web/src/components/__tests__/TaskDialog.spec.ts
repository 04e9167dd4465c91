import { flushPromises, mount } from '@vue/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, deferred, fakeApi, json, makeTask } from '@/__tests__/fake-api';
import { buttonNamed, control, description } from '@/__tests__/dom';
import { configureApi } from '@/api/http';
import type { Task } from '@/api/types';
import { resetSession, useSession } from '@/composables/useSession';
import { setLocale } from '@/i18n';
import { DRAFT_STORAGE_KEY } from '@/utils/draft';
import { browser } from '@/utils/navigation';
import TaskDialog from '../TaskDialog.vue';

const originalTz = process.env.TZ;
beforeAll(() => (process.env.TZ = 'Asia/Tokyo'));
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

beforeEach(() => {
  setLocale('en');
  configureApi({ onUnauthorized: () => {} });
});

function open(taskId: string | null = null) {
  return mount(TaskDialog, { props: { open: true, taskId }, attachTo: document.body });
}

async function fill(wrapper: ReturnType<typeof open>, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values))
    await control(wrapper, label).setValue(value);
}

describe('TaskDialog: creating', () => {
  it('opens without errors, focused on the title, with a start time filled in', async () => {
    const wrapper = open();
    await flushPromises();
    expect(wrapper.find('dialog').attributes('open')).toBeDefined();
    expect(wrapper.findAll('.field-error')).toHaveLength(0);
    expect(control(wrapper, 'Starts at').element.value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00$/);
    expect(control(wrapper, 'Title').attributes('autofocus')).toBeDefined();
    expect(control(wrapper, 'Title').attributes('aria-required')).toBe('true');
    expect(control(wrapper, 'Starts at').attributes('aria-required')).toBe('true');
  });

  it('shows the title limit as the person types', async () => {
    const wrapper = open();
    const title = control(wrapper, 'Title');
    await title.setValue('a'.repeat(100));
    expect(description(wrapper, title)).toBe('100 of 100 characters');
    expect(title.attributes('aria-invalid')).toBe('false');
    expect(wrapper.find('.counter').classes()).not.toContain('over');

    await title.setValue('a'.repeat(101));
    expect(description(wrapper, title)).toBe('Use at most 100 characters. | 101 of 100 characters');
    expect(title.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('.counter').classes()).toContain('over');

    // Surrounding spaces are trimmed away by the API, so they do not count.
    await title.setValue(`  ${'a'.repeat(100)}  `);
    expect(title.attributes('aria-invalid')).toBe('false');
  });

  it('shows the contents limit as the person types', async () => {
    const wrapper = open();
    const contents = control(wrapper, 'Details');
    await contents.setValue('x'.repeat(2001));
    expect(description(wrapper, contents)).toBe(
      'Use at most 2000 characters. | 2,001 of 2,000 characters',
    );
    await contents.setValue('x'.repeat(2000));
    expect(contents.attributes('aria-invalid')).toBe('false');
  });

  it('says what is missing when the person leaves a required field or saves', async () => {
    const { fetchMock } = fakeApi(() => json(500, {}));
    const wrapper = open();
    const title = control(wrapper, 'Title');
    await title.setValue('   ');
    expect(wrapper.findAll('.field-error')).toHaveLength(0);
    await title.trigger('blur');
    expect(description(wrapper, title)).toContain('Enter a title.');

    await control(wrapper, 'Starts at').setValue('');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(description(wrapper, control(wrapper, 'Starts at'))).toContain(
      'Choose the date and time the task starts.',
    );
    expect(wrapper.find('[role="alert"]').text()).toContain('Check the fields marked below');
    expect(document.activeElement).toBe(title.element);
    expect(fetchMock).not.toHaveBeenCalled();

    // Once every field is fixed, the summary goes too.
    await title.setValue('Fixed');
    await control(wrapper, 'Starts at').setValue('2026-11-22T09:30');
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('creates the task with a trimmed title and the start time with the browser offset', async () => {
    const created = makeTask({ title: 'Buy milk' });
    const { requests } = fakeApi(() => json(201, created, { ETag: '"1"' }));
    const wrapper = open();
    await fill(wrapper, {
      Title: '  Buy milk  ',
      Details: 'Two bottles\nLow fat',
      'Starts at': '2026-11-22T09:30',
    });
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('POST');
    expect(await requests[0]!.json()).toEqual({
      title: 'Buy milk',
      contents: 'Two bottles\nLow fat',
      startAt: '2026-11-22T09:30:00+09:00',
    });
    expect(wrapper.emitted('saved')).toEqual([[created, true]]);
  });

  it('shows the API field errors next to their fields', async () => {
    fakeApi(() =>
      apiError(400, 'Invalid task', [
        { field: 'title', message: 'Title contains a forbidden character' },
        { field: 'startAt', message: 'startAt must be after 1970' },
        { field: 'body', message: 'unexpected property "x"' },
      ]),
    );
    const wrapper = open();
    await fill(wrapper, { Title: 'Hello', 'Starts at': '2026-11-22T09:30' });
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    const title = control(wrapper, 'Title');
    expect(title.attributes('aria-invalid')).toBe('true');
    expect(description(wrapper, title)).toContain('Title contains a forbidden character');
    expect(description(wrapper, control(wrapper, 'Starts at'))).toContain(
      'startAt must be after 1970',
    );
    // A detail about no form field still reaches the person.
    expect(wrapper.find('[role="alert"]').text()).toContain('body: unexpected property "x"');
    expect(document.activeElement).toBe(title.element);

    // Changing the field clears the API's complaint about it.
    await title.setValue('Hello again');
    expect(description(wrapper, title)).not.toContain('forbidden');
  });

  it('explains other failures and keeps what was typed', async () => {
    fakeApi(() => apiError(503, 'Service unavailable'));
    const wrapper = open();
    await fill(wrapper, { Title: 'Keep me' });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('Wait a few seconds, then try again.');
    expect(control(wrapper, 'Title').element.value).toBe('Keep me');
    expect(wrapper.emitted('saved')).toBeUndefined();
  });

  it('saving again after a failure is the same attempt: same Idempotency-Key, until the task changes', async () => {
    const { requests } = fakeApi(() => apiError(503, 'Service unavailable'));
    const wrapper = open();
    await fill(wrapper, { Title: 'Pay rent', 'Starts at': '2026-11-22T09:30' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await wrapper.find('form').trigger('submit');
      await flushPromises();
    }
    await fill(wrapper, { Title: 'Pay the rent' });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    const keys = requests.map((request) => request.headers.get('Idempotency-Key'));
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[2]).toMatch(/^[0-9a-f]{32}$/);

    // Other details make another task too.
    await fill(wrapper, { Details: 'by Friday' });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    const detailsKey = requests.at(-1)!.headers.get('Idempotency-Key');
    expect(detailsKey).not.toBe(keys[2]);

    // Opening the dialog again is a new attempt, even for the same task.
    await wrapper.setProps({ open: false });
    await wrapper.setProps({ open: true });
    await flushPromises();
    await fill(wrapper, {
      Title: 'Pay the rent',
      Details: 'by Friday',
      'Starts at': '2026-11-22T09:30',
    });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(requests.at(-1)!.headers.get('Idempotency-Key')).not.toBe(detailsKey);
  });

  it('while saving, a second submit sends nothing and Escape neither closes nor asks', async () => {
    const answer = deferred<Response>();
    const { requests } = fakeApi(() => answer.promise);
    const wrapper = open();
    await fill(wrapper, { Title: 'Once' });
    await wrapper.find('form').trigger('submit');
    await wrapper.find('form').trigger('submit');
    expect(requests).toHaveLength(1);
    await wrapper.find('dialog').trigger('cancel');
    expect(wrapper.emitted('close')).toBeUndefined();
    expect(wrapper.findAll('dialog')[1]!.attributes('open')).toBeUndefined();
    answer.resolve(json(201, makeTask({ title: 'Once' })));
    await flushPromises();
    expect(wrapper.emitted('saved')).toHaveLength(1);
  });

  it('closes on Escape (the dialog cancel event)', async () => {
    const wrapper = open();
    await wrapper.find('dialog').trigger('cancel');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('with unsaved changes, Escape, Cancel and a click outside ask before closing', async () => {
    const wrapper = open();
    await flushPromises();
    await control(wrapper, 'Title').setValue('Half typed');
    const outer = wrapper.find('dialog');
    const discardDialog = () => wrapper.findAll('dialog')[1]!;
    const backdropClick = async () => {
      // The backdrop is the <dialog> element itself, outside its box (jsdom's box is 0×0).
      outer.element.dispatchEvent(new MouseEvent('mousedown', { clientX: -5, clientY: -5 }));
      outer.element.dispatchEvent(new MouseEvent('click', { clientX: -5, clientY: -5 }));
    };
    for (const attempt of [
      () => outer.trigger('cancel'),
      () => buttonNamed(wrapper, 'Cancel').trigger('click'),
      backdropClick,
    ]) {
      await attempt();
      await flushPromises();
      expect(wrapper.emitted('close')).toBeUndefined();
      expect(discardDialog().attributes('open')).toBeDefined();
      expect(discardDialog().text()).toContain('Discard your changes?');
      await buttonNamed(wrapper, 'Keep editing').trigger('click');
      await flushPromises();
      expect(discardDialog().attributes('open')).toBeUndefined();
      expect(control(wrapper, 'Title').element.value).toBe('Half typed');
    }
    await buttonNamed(wrapper, 'Cancel').trigger('click');
    await buttonNamed(wrapper, 'Discard').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('closed by the browser itself with unsaved changes, it comes back and asks first', async () => {
    const wrapper = open();
    await flushPromises();
    await control(wrapper, 'Title').setValue('Half typed');
    const outer = wrapper.find('dialog');
    // As Chromium does on an Esc it no longer lets the page refuse: close, then the close event.
    (outer.element as HTMLDialogElement).close();
    await flushPromises();
    expect(outer.attributes('open')).toBeDefined();
    expect(wrapper.emitted('close')).toBeUndefined();
    const discardDialog = wrapper.findAll('dialog')[1]!;
    expect(discardDialog.attributes('open')).toBeDefined();
    await buttonNamed(wrapper, 'Keep editing').trigger('click');
    await flushPromises();
    expect(outer.attributes('open')).toBeDefined();
    expect(control(wrapper, 'Title').element.value).toBe('Half typed');
  });

  it('an Esc the browser does not let it refuse: it closes, comes back, and only then asks', async () => {
    const wrapper = open();
    await flushPromises();
    await control(wrapper, 'Title').setValue('Half typed');
    const outer = wrapper.find('dialog').element as HTMLDialogElement;
    const shown: HTMLDialogElement[] = [];
    const showModal = HTMLDialogElement.prototype.showModal;
    vi.spyOn(HTMLDialogElement.prototype, 'showModal').mockImplementation(function (
      this: HTMLDialogElement,
    ) {
      shown.push(this);
      showModal.call(this);
    });
    // As Chromium does: a cancel event the page cannot refuse, the dialog closed in the same
    // task, and its close event in a later one. (jsdom's close() fires the event at once.)
    outer.dispatchEvent(new Event('cancel', { cancelable: false }));
    outer.removeAttribute('open');
    await new Promise((resolve) => setTimeout(resolve));
    outer.dispatchEvent(new Event('close'));
    await flushPromises();
    const discard = wrapper.findAll('dialog')[1]!.element as HTMLDialogElement;
    // Shown before its dialog was back, the question would lie under it on the top layer, inert.
    expect(shown).toEqual([outer, discard]);
    expect(outer.open).toBe(true);
    expect(discard.open).toBe(true);
    expect(wrapper.emitted('close')).toBeUndefined();
  });

  it('closed by the browser itself when unchanged, it stays closed', async () => {
    const wrapper = open();
    await flushPromises();
    (wrapper.find('dialog').element as HTMLDialogElement).close();
    await flushPromises();
    expect(wrapper.emitted('close')).toHaveLength(1);
    await wrapper.setProps({ open: false });
    expect(wrapper.find('dialog').attributes('open')).toBeUndefined();
  });

  it('a click outside an unchanged dialog closes it', async () => {
    const wrapper = open();
    await flushPromises();
    const outer = wrapper.find('dialog').element;
    outer.dispatchEvent(new MouseEvent('mousedown', { clientX: -5, clientY: -5 }));
    outer.dispatchEvent(new MouseEvent('click', { clientX: -5, clientY: -5 }));
    expect(wrapper.emitted('close')).toHaveLength(1);
  });
});

describe('TaskDialog: editing', () => {
  function versions(...tasks: Task[]) {
    let version = 0;
    const served = [...tasks];
    return () => {
      const task = served.length > 1 ? served.shift()! : served[0]!;
      version += 1;
      return json(200, task, { ETag: `"${version}"` });
    };
  }

  it('reads the task for its ETag and saves only the changes with If-Match', async () => {
    const task = makeTask({ title: 'Old', contents: 'Notes', startAt: '2026-11-22T00:00:30Z' });
    const getVersion = versions(task);
    const { requests } = fakeApi((request) =>
      request.method === 'GET'
        ? getVersion()
        : json(200, { ...task, title: 'New' }, { ETag: '"2"' }),
    );
    const wrapper = open(task.taskId);
    expect(wrapper.text()).toContain('Loading the task…');
    await flushPromises();

    expect(control(wrapper, 'Title').element.value).toBe('Old');
    expect(control(wrapper, 'Starts at').element.value).toBe('2026-11-22T09:00');
    expect(document.activeElement).toBe(control(wrapper, 'Title').element);

    await control(wrapper, 'Title').setValue('New');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    const patch = requests[1]!;
    expect(patch.method).toBe('PATCH');
    expect(patch.headers.get('If-Match')).toBe('"1"');
    // The untouched start keeps its stored seconds: it is not sent back rounded to the minute.
    expect(await patch.json()).toEqual({ title: 'New' });
    expect(wrapper.emitted('saved')?.[0]?.[1]).toBe(false);
  });

  it('an edit that changes nothing, or only adds spaces the API trims, saves nothing and closes', async () => {
    const task = makeTask({ title: 'Same' });
    const { requests } = fakeApi(() => json(200, task, { ETag: '"1"' }));
    const wrapper = open(task.taskId);
    await flushPromises();
    await control(wrapper, 'Title').setValue('Same  ');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(requests.map((request) => request.method)).toEqual(['GET']);
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('a task deleted while being edited leaves nothing to save: Cancel closes without asking', async () => {
    const task = makeTask({ title: 'Doomed' });
    fakeApi((request) =>
      request.method === 'GET' ? json(200, task, { ETag: '"1"' }) : apiError(404, 'Task not found'),
    );
    const wrapper = open(task.taskId);
    await flushPromises();
    await control(wrapper, 'Title').setValue('Edited');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.emitted('gone')).toEqual([[task.taskId]]);
    await buttonNamed(wrapper, 'Cancel').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  /** Alice edits "Mine" to "My edit" while someone else changes its details: a 412. */
  async function conflicted() {
    const mine = makeTask({ title: 'Mine', contents: 'Old notes' });
    const theirs = { ...mine, contents: 'Their notes', updatedAt: '2026-11-21T00:00:00.000Z' };
    const getVersion = versions(mine, theirs);
    let patches = 0;
    const { requests } = fakeApi((request) => {
      if (request.method === 'GET') return getVersion();
      patches += 1;
      return patches === 1
        ? apiError(412, 'The task has changed', [{ field: 'If-Match', message: 'stale version' }])
        : json(200, { ...theirs, title: 'My edit' }, { ETag: '"3"' });
    });
    const wrapper = open(mine.taskId);
    await flushPromises();
    await control(wrapper, 'Title').setValue('My edit');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    return { wrapper, requests, mine, theirs };
  }

  it('on 412 keeps what was typed and shows it beside the current version', async () => {
    const { wrapper, requests, theirs } = await conflicted();
    expect(requests.map((request) => request.method)).toEqual(['GET', 'PATCH', 'GET']);
    expect(wrapper.find('[role="alert"]').text()).toContain(
      'Someone changed this task while you were editing it',
    );
    const [yours, current] = wrapper.findAll('section');
    expect(yours!.find('h3').text()).toBe('Your version');
    // Mine is what "Keep mine" saves: my title, on top of their details.
    expect(yours!.text()).toContain('My edit');
    expect(yours!.text()).toContain('Their notes');
    expect(yours!.text()).not.toContain('Old notes');
    expect(current!.find('h3').text()).toBe('Current version');
    expect(current!.text()).toContain('Mine');
    expect(current!.text()).toContain('Their notes');
    expect(current!.text()).toContain('differs');
    // The form (and the field focus was in) gave way to this view: focus is on its safe choice.
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel');
    expect(document.activeElement?.closest('.conflict')).not.toBeNull();
    // The list behind the dialog gets the current version at once.
    expect(wrapper.emitted('refreshed')?.[0]?.[0]).toEqual(theirs);
    expect(wrapper.emitted('saved')).toBeUndefined();
  });

  it('"Keep mine" saves my change on top of the current version, with its ETag', async () => {
    const { wrapper, requests } = await conflicted();
    await buttonNamed(wrapper, 'Keep mine').trigger('click');
    await flushPromises();
    const patch = requests[3]!;
    expect(patch.headers.get('If-Match')).toBe('"2"');
    // Only what I changed: their new details stay.
    expect(await patch.json()).toEqual({ title: 'My edit' });
    expect((wrapper.emitted('saved')?.[0]?.[0] as Task).contents).toBe('Their notes');
  });

  it('"Take the current one" puts the current version in the form and saves nothing', async () => {
    const { wrapper, requests } = await conflicted();
    buttonNamed(wrapper, 'Take the current one').element.focus();
    await buttonNamed(wrapper, 'Take the current one').trigger('click');
    await flushPromises();
    expect(control(wrapper, 'Title').element.value).toBe('Mine');
    expect(document.activeElement).toBe(control(wrapper, 'Title').element);
    expect(control(wrapper, 'Details').element.value).toBe('Their notes');
    expect(wrapper.text()).toContain('The current version is shown now.');
    expect(requests).toHaveLength(3);
    // A fresh start: "required" waits again until the person leaves the field.
    await control(wrapper, 'Title').setValue('');
    expect(wrapper.findAll('.field-error')).toHaveLength(0);
    await control(wrapper, 'Title').setValue('Mine');
    // Nothing unsaved now: Cancel closes without asking.
    await buttonNamed(wrapper, 'Cancel').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('reports a task that was deleted elsewhere', async () => {
    fakeApi(() => apiError(404, 'Task not found'));
    const wrapper = open('gone-task');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('This task no longer exists');
    expect(wrapper.emitted('gone')).toEqual([['gone-task']]);
    expect(buttonNamed(wrapper, 'Save changes').attributes('aria-disabled')).toBe('true');
  });

  it('a read for an earlier opening that answers late changes nothing in the next one', async () => {
    const first = makeTask({ title: 'First' });
    const second = makeTask({ title: 'Second' });
    for (const late of [json(200, first, { ETag: '"1"' }), apiError(404, 'Task not found')]) {
      const firstAnswer = deferred<Response>();
      fakeApi((request) =>
        request.url.endsWith(first.taskId)
          ? firstAnswer.promise
          : json(200, second, { ETag: '"2"' }),
      );
      const wrapper = open(first.taskId);
      await flushPromises();
      await wrapper.setProps({ open: false });
      await wrapper.setProps({ open: true, taskId: second.taskId });
      await flushPromises();
      firstAnswer.resolve(late);
      await flushPromises();
      expect(control(wrapper, 'Title').element.value).toBe('Second');
      expect(wrapper.text()).not.toContain('no longer exists');
      expect(wrapper.emitted('gone')).toBeUndefined();
      wrapper.unmount();
    }
  });

  it('offers to try again when the task cannot be read', async () => {
    let calls = 0;
    fakeApi(() =>
      ++calls === 1
        ? apiError(503, 'Unavailable')
        : json(200, makeTask({ title: 'Back' }), { ETag: '"1"' }),
    );
    const wrapper = open('t');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('The service is unavailable');
    await buttonNamed(wrapper, 'Try again').trigger('click');
    await flushPromises();
    expect(control(wrapper, 'Title').element.value).toBe('Back');
  });
});

describe('TaskDialog: the session ends while typing', () => {
  let assign: ReturnType<typeof vi.spyOn>;
  beforeEach(async () => {
    resetSession();
    sessionStorage.clear();
    assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
    // As main.ts wires it: a 401 while signed in means signing in again.
    configureApi({ onUnauthorized: () => useSession().reauthenticate() });
    fakeApi(() => json(200, { userId: 'alice', name: 'alice', isAdmin: false }));
    await useSession().ensureSession();
  });
  afterEach(() => assign.mockRestore());

  it('a new task: the draft is kept across the sign-in and put back in the dialog', async () => {
    fakeApi(() => apiError(401, 'authentication required', [{ field: 'Cookie', message: 'x' }]));
    const wrapper = open();
    await flushPromises();
    await fill(wrapper, { Title: 'Half-typed plan', Details: 'line 1\nline 2' });
    const startAt = control(wrapper, 'Starts at').element.value;
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(assign).toHaveBeenCalledWith(expect.stringMatching(/^\/auth\/login\?returnTo=%2F/));
    expect(JSON.parse(sessionStorage.getItem(DRAFT_STORAGE_KEY)!).values.title).toBe(
      'Half-typed plan',
    );
    wrapper.unmount();

    // Back from the provider: a fresh page, the same tab.
    resetSession();
    const { requests } = fakeApi(() => json(201, makeTask({ title: 'Half-typed plan' })));
    const again = open();
    await flushPromises();
    expect(control(again, 'Title').element.value).toBe('Half-typed plan');
    expect(control(again, 'Details').element.value).toBe('line 1\nline 2');
    expect(control(again, 'Starts at').element.value).toBe(startAt);
    expect(again.text()).toContain('What you had typed is back');
    expect(sessionStorage.getItem(DRAFT_STORAGE_KEY)).toBeNull();
    await again.find('form').trigger('submit');
    await flushPromises();
    expect(requests.some((request) => request.method === 'POST')).toBe(true);
  });

  /** Edits `task` (version "4"): "After" in its title, and the save finds the session ended. */
  async function typeAfterThenLoseSession(task: Task): Promise<void> {
    fakeApi((request) =>
      request.method === 'GET'
        ? json(200, task, { ETag: '"4"' })
        : apiError(401, 'authentication required'),
    );
    const wrapper = open(task.taskId);
    await flushPromises();
    await fill(wrapper, { Title: 'After' });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    wrapper.unmount();
  }

  it('an edit keeps the version it started from, so a change made meanwhile is still caught', async () => {
    const task = makeTask({ title: 'Before' });
    await typeAfterThenLoseSession(task);

    resetSession();
    const { requests } = fakeApi((request) =>
      request.method === 'GET'
        ? json(200, { ...task, title: 'Changed elsewhere' }, { ETag: '"5"' })
        : json(200, { ...task, title: 'After' }, { ETag: '"5"' }),
    );
    const again = open(task.taskId);
    await flushPromises();
    expect(control(again, 'Title').element.value).toBe('After');
    await again.find('form').trigger('submit');
    await flushPromises();
    const patch = requests.find((request) => request.method === 'PATCH')!;
    expect(patch.headers.get('If-Match')).toBe('"4"');
  });

  it('“Keep mine” cut short by the sign-in goes on from the version it was saving over', async () => {
    const task = makeTask({ title: 'Mine' });
    let reads = 0;
    let patches = 0;
    fakeApi((request) => {
      if (request.method === 'GET') return json(200, task, { ETag: `"${++reads}"` });
      return ++patches === 1
        ? apiError(412, 'The task has changed')
        : apiError(401, 'authentication required');
    });
    const wrapper = open(task.taskId);
    await flushPromises();
    await fill(wrapper, { Title: 'My edit' });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    await buttonNamed(wrapper, 'Keep mine').trigger('click');
    await flushPromises();
    expect(JSON.parse(sessionStorage.getItem(DRAFT_STORAGE_KEY)!)).toMatchObject({
      etag: '"2"',
      values: { title: 'My edit' },
    });
  });

  /** A draft left for `task` by a session that ended while "After" was typed in its title. */
  function draftFor(task: Task, etag: string) {
    sessionStorage.setItem(
      DRAFT_STORAGE_KEY,
      JSON.stringify({
        taskId: task.taskId,
        values: { title: 'After', contents: task.contents, startAt: '2026-11-22T09:00' },
        etag,
        original: task,
      }),
    );
  }

  it('a draft is measured from the version it started on: “Keep mine” keeps only what was typed', async () => {
    const task = makeTask({ title: 'Before', contents: 'Old notes' });
    const theirs = { ...task, contents: 'Their notes' };
    await typeAfterThenLoseSession(task);

    // Meanwhile someone else changed the details: the save after signing in is a conflict.
    resetSession();
    let patches = 0;
    const { requests } = fakeApi((request) => {
      if (request.method === 'GET') return json(200, theirs, { ETag: '"5"' });
      return ++patches === 1
        ? apiError(412, 'The task has changed')
        : json(200, { ...theirs, title: 'After' }, { ETag: '"6"' });
    });
    const again = open(task.taskId);
    await flushPromises();
    await again.find('form').trigger('submit');
    await flushPromises();
    const [yours] = again.findAll('section');
    expect(yours!.text()).toContain('Their notes');
    expect(yours!.text()).not.toContain('Old notes');
    await buttonNamed(again, 'Keep mine').trigger('click');
    await flushPromises();
    const [first, second] = requests.filter((request) => request.method === 'PATCH');
    expect(first!.headers.get('If-Match')).toBe('"4"');
    expect(await first!.json()).toEqual({ title: 'After' });
    expect(second!.headers.get('If-Match')).toBe('"5"');
    expect(await second!.json()).toEqual({ title: 'After' });
  });

  it('a draft for a task deleted meanwhile goes with it, so no dialog reopens for it', async () => {
    const task = makeTask({ title: 'Before' });
    draftFor(task, '"4"');
    fakeApi(() => apiError(404, 'Task not found'));
    const wrapper = open(task.taskId);
    await flushPromises();
    expect(wrapper.text()).toContain('This task no longer exists');
    expect(sessionStorage.getItem(DRAFT_STORAGE_KEY)).toBeNull();
  });

  it('a draft waits through a failed read: Try again puts it back, with focus on the title', async () => {
    const task = makeTask({ title: 'Before' });
    draftFor(task, '"4"');
    let reads = 0;
    fakeApi(() =>
      ++reads === 1 ? apiError(503, 'Unavailable') : json(200, task, { ETag: '"4"' }),
    );
    const wrapper = open(task.taskId);
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('The service is unavailable');
    await buttonNamed(wrapper, 'Try again').trigger('click');
    await flushPromises();
    expect(control(wrapper, 'Title').element.value).toBe('After');
    expect(wrapper.text()).toContain('What you had typed is back');
    expect(document.activeElement).toBe(control(wrapper, 'Title').element);
  });

  it('a closed dialog keeps no draft', async () => {
    const wrapper = open();
    await flushPromises();
    await fill(wrapper, { Title: 'Abandoned' });
    await wrapper.setProps({ open: false });
    useSession().reauthenticate();
    expect(sessionStorage.getItem(DRAFT_STORAGE_KEY)).toBeNull();
  });

  it('a draft for another dialog is left alone', async () => {
    sessionStorage.setItem(
      DRAFT_STORAGE_KEY,
      JSON.stringify({
        taskId: 'other',
        values: { title: 'x', contents: '', startAt: '' },
        etag: null,
        original: null,
      }),
    );
    fakeApi(() => json(200, {}));
    const wrapper = open();
    await flushPromises();
    expect(control(wrapper, 'Title').element.value).toBe('');
    expect(sessionStorage.getItem(DRAFT_STORAGE_KEY)).not.toBeNull();
  });
});
