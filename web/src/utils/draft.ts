/**
 * What a person typed in an open task dialog, kept across a sign-in. When the session has ended,
 * the next save answers 401 and the app leaves for the identity provider; the draft waits in
 * sessionStorage (this tab only, gone when it closes) and the dialog takes it back on return.
 */
import type { Task } from '@/api/types';
import type { TaskFormValues } from './task-validation';

export const DRAFT_STORAGE_KEY = 'task-manager.draft';

export interface TaskDraft {
  /** The task being edited, or null for a new one. */
  taskId: string | null;
  values: TaskFormValues;
  /** The version the edit started from, so a change made meanwhile is still caught (412). */
  etag: string | null;
  /** That version itself: what the person changed is measured from it, not from a newer one. */
  original: Task | null;
}

const isTaskLike = (value: unknown): value is Task => {
  const task = value as Partial<Task> | null;
  return (
    typeof task?.taskId === 'string' &&
    typeof task.title === 'string' &&
    typeof task.contents === 'string' &&
    typeof task.startAt === 'string'
  );
};

function isDraft(value: unknown): value is TaskDraft {
  if (typeof value !== 'object' || value === null) return false;
  const draft = value as Partial<TaskDraft>;
  const values = draft.values as Partial<TaskFormValues> | undefined;
  return (
    (draft.taskId === null || typeof draft.taskId === 'string') &&
    (draft.etag === null || typeof draft.etag === 'string') &&
    (draft.original === null || isTaskLike(draft.original)) &&
    typeof values?.title === 'string' &&
    typeof values.contents === 'string' &&
    typeof values.startAt === 'string'
  );
}

export function saveDraft(draft: TaskDraft): void {
  try {
    sessionStorage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(draft));
  } catch {
    // Storage unavailable or full: the draft is lost, as it would have been before.
  }
}

/** The waiting draft, left in place (to decide which dialog to open). */
export function peekDraft(): TaskDraft | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(DRAFT_STORAGE_KEY) ?? 'null');
    return isDraft(value) ? value : null;
  } catch {
    return null;
  }
}

/** The waiting draft for this task (or new task), removed from storage. */
export function takeDraft(taskId: string | null): TaskDraft | null {
  const draft = peekDraft();
  if (!draft || draft.taskId !== taskId) return null;
  try {
    sessionStorage.removeItem(DRAFT_STORAGE_KEY);
  } catch {
    // Nothing to clean up.
  }
  return draft;
}
