import { flushPromises, mount } from '@vue/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiError, fakeApi, json, makeTask } from '@/__tests__/fake-api';
import { buttonNamed, control, description } from '@/__tests__/dom';
import { configureApi } from '@/api/http';
import type { Task } from '@/api/types';
import { setLocale } from '@/i18n';
import TaskDialog from '../TaskDialog.vue';

const originalTz = process.env.TZ;
beforeAll(() => (process.env.TZ = 'Asia/Tokyo'));
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

beforeEach(() => {
  setLocale('en');
  configureApi({ user: () => 'alice', onUnauthorized: () => {} });
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
  });

  it('shows the title limit as the person types', async () => {
    const wrapper = open();
    const title = control(wrapper, 'Title');
    await title.setValue('a'.repeat(100));
    expect(description(wrapper, title)).toBe('100 of 100 characters');
    expect(title.attributes('aria-invalid')).toBe('false');

    await title.setValue('a'.repeat(101));
    expect(description(wrapper, title)).toBe('Use at most 100 characters. | 101 of 100 characters');
    expect(title.attributes('aria-invalid')).toBe('true');

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
    await fill(wrapper, { Title: 'Pay rent' });
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

    // A new dialog is a new attempt, even for the same task.
    wrapper.unmount();
    const again = open();
    await fill(again, { Title: 'Pay the rent' });
    await again.find('form').trigger('submit');
    await flushPromises();
    expect(requests.at(-1)!.headers.get('Idempotency-Key')).not.toBe(keys[2]);
  });

  it('closes on Escape (the dialog cancel event)', async () => {
    const wrapper = open();
    await wrapper.find('dialog').trigger('cancel');
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

  it('on 412 tells the person, shows the latest version and saves against its ETag', async () => {
    const mine = makeTask({ title: 'Mine' });
    const theirs = { ...mine, title: 'Changed elsewhere', updatedAt: '2026-11-21T00:00:00.000Z' };
    const getVersion = versions(mine, theirs);
    let patches = 0;
    const { requests } = fakeApi((request) => {
      if (request.method === 'GET') return getVersion();
      patches += 1;
      return patches === 1
        ? apiError(412, 'The task has changed', [{ field: 'If-Match', message: 'stale version' }])
        : json(200, { ...theirs, title: 'Final' }, { ETag: '"3"' });
    });
    const wrapper = open(mine.taskId);
    await flushPromises();
    await control(wrapper, 'Title').setValue('My edit');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(wrapper.text()).toContain('Someone changed this task after you opened it');
    expect(control(wrapper, 'Title').element.value).toBe('Changed elsewhere');
    expect(wrapper.emitted('saved')).toBeUndefined();
    expect(requests.map((request) => request.method)).toEqual(['GET', 'PATCH', 'GET']);

    await control(wrapper, 'Title').setValue('Final');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(requests[3]!.headers.get('If-Match')).toBe('"2"');
    expect(wrapper.emitted('saved')).toHaveLength(1);
  });

  it('reports a task that was deleted elsewhere', async () => {
    fakeApi(() => apiError(404, 'Task not found'));
    const wrapper = open('gone-task');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('This task no longer exists');
    expect(wrapper.emitted('gone')).toEqual([['gone-task']]);
    expect(buttonNamed(wrapper, 'Save changes').attributes('aria-disabled')).toBe('true');
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
