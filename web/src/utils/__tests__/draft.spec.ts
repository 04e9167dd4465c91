import { describe, expect, it } from 'vitest';
import { makeTask } from '@/__tests__/fake-api';
import { DRAFT_STORAGE_KEY, peekDraft, saveDraft, takeDraft, type TaskDraft } from '../draft';

const draft: TaskDraft = {
  taskId: 'task-1',
  values: { title: 'Half typed', contents: '', startAt: '2026-11-22T09:00' },
  etag: '"3"',
  original: makeTask({ taskId: 'task-1', title: 'Half' }),
};

describe('the draft kept across a sign-in', () => {
  it('comes back as it was saved, once', () => {
    saveDraft(draft);
    expect(peekDraft()).toEqual(draft);
    expect(takeDraft('task-1')).toEqual(draft);
    expect(peekDraft()).toBeNull();
  });

  it('is ignored when what is stored under its key has another shape', () => {
    const others: unknown[] = [
      'text',
      null,
      { ...draft, taskId: 7 },
      { ...draft, etag: 3 },
      { ...draft, original: undefined },
      { ...draft, original: { title: 'Half' } },
      { ...draft, values: { ...draft.values, startAt: null } },
    ];
    for (const other of others) {
      sessionStorage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(other));
      expect(peekDraft(), JSON.stringify(other)).toBeNull();
    }
    sessionStorage.clear();
  });
});
