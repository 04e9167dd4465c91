import { computed, reactive, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { ApiError, isAbortError } from '@/api/http';
import { createAttemptKeys } from '@/api/idempotency';
import { createTask, getTask, updateTask } from '@/api/tasks';
import type { Task, TaskChanges } from '@/api/types';
import { useI18n } from '@/i18n';
import {
  fromDateTimeLocalValue,
  nextFullHour,
  toDateTimeLocalValue,
  toIsoWithOffset,
} from '@/utils/datetime';
import { describeError } from '@/utils/error-message';
import { takeDraft } from '@/utils/draft';
import {
  CONTENTS_MAX,
  TASK_FIELDS,
  TITLE_MAX,
  characterCount,
  isTaskField,
  titleLength,
  validateTaskForm,
  type LocalizedMessage,
  type TaskField,
  type TaskFormValues,
} from '@/utils/task-validation';

/** Someone else's version met ours (412): what the person typed, and the task as it is now. */
export interface Conflict {
  /** The task as it is now, and its ETag: "keep mine" saves on top of it. */
  theirs: Task;
  etag: string | null;
  /** The person's changes to the version they started from. */
  mine: TaskChanges;
}

export interface TaskFormEvents {
  saved(task: Task, created: boolean): void;
  /** The task no longer exists (404), so lists can drop it. */
  gone(taskId: string): void;
  /** A newer version was read (a conflict), so lists can show it. */
  refreshed(task: Task): void;
  /** Nothing to save: the edit changed nothing. */
  unchanged(): void;
  /** Put focus on a field (after a failed save). */
  focus(field: TaskField): void | Promise<void>;
}

function valuesOf(task: Task): TaskFormValues {
  return {
    title: task.title,
    contents: task.contents,
    startAt: toDateTimeLocalValue(new Date(task.startAt)),
  };
}

/**
 * The state machine of the task form: empty or loading, editing, saving, a conflict with a
 * newer version, gone. It creates a task, or edits one: editing first reads the task for its
 * ETag and saves with If-Match, so a change made elsewhere in the meantime is a conflict to
 * resolve (412) instead of a silent overwrite, and what the person typed is never lost.
 */
export function useTaskForm(taskId: MaybeRefOrGetter<string | null>, events: TaskFormEvents) {
  const { t, formatNumber } = useI18n();

  const values = reactive<TaskFormValues>({ title: '', contents: '', startAt: '' });
  /** The values the dialog opened with (or the version taken): what "unsaved" is measured from. */
  const baseline = ref<string>('');
  const touched = reactive<Record<TaskField, boolean>>({
    title: false,
    contents: false,
    startAt: false,
  });
  const submitted = ref(false);
  const serverErrors = reactive<Partial<Record<TaskField, string>>>({});
  const formError = ref<string | null>(null);
  /** Reopened after signing in again, with what was typed before. */
  const restoredNotice = ref(false);
  /** The current version was taken after a conflict. */
  const tookTheirs = ref(false);
  const loading = ref(false);
  const loadError = shallowRef<unknown>(null);
  const saving = ref(false);
  const gone = ref(false);
  const conflict = shallowRef<Conflict | null>(null);
  /** The version being edited, and its ETag for If-Match. */
  const original = shallowRef<Task | null>(null);
  const etag = ref<string | null>(null);

  const editing = computed(() => toValue(taskId) !== null);
  const clientErrors = computed(() => validateTaskForm(values));
  const dirty = computed(
    () => !gone.value && (conflict.value !== null || JSON.stringify(values) !== baseline.value),
  );

  /**
   * Limits are shown as the person types; "required" waits until they leave the field or try
   * to save, so an untouched form does not open full of errors. The API's own message wins.
   */
  function errorFor(field: TaskField): string | null {
    const server = serverErrors[field];
    if (server) return server;
    const client: LocalizedMessage | undefined = clientErrors.value[field];
    if (!client) return null;
    const tooLong = client.key.endsWith('TooLong');
    return tooLong || touched[field] || submitted.value ? t(client.key, client.params) : null;
  }

  const errors = computed(() => ({
    title: errorFor('title'),
    contents: errorFor('contents'),
    startAt: errorFor('startAt'),
  }));

  const counters = computed(() => ({
    title: {
      text: t('form.counter', {
        count: formatNumber(titleLength(values.title)),
        max: formatNumber(TITLE_MAX),
      }),
      over: titleLength(values.title) > TITLE_MAX,
    },
    contents: {
      text: t('form.counter', {
        count: formatNumber(characterCount(values.contents)),
        max: formatNumber(CONTENTS_MAX),
      }),
      over: characterCount(values.contents) > CONTENTS_MAX,
    },
  }));

  /** One message above the form: fix the marked fields (while any is marked), and the rest. */
  const alertMessage = computed(() => {
    const fieldsMarked = submitted.value && TASK_FIELDS.some((field) => errors.value[field]);
    return [fieldsMarked ? t('form.fixErrors') : null, formError.value].filter(Boolean).join(' ');
  });

  // A field's API error no longer applies once the person changes that field.
  for (const field of TASK_FIELDS) {
    watch(
      () => values[field],
      () => delete serverErrors[field],
    );
  }

  // Each opening of the dialog to create a task is a new series of attempts.
  let createKey = createAttemptKeys();
  /** The read of the task to edit in flight; the next opening cancels it (another task's, maybe). */
  let reading: AbortController | null = null;

  function markClean(): void {
    baseline.value = JSON.stringify(values);
  }

  function clearMessages(): void {
    for (const field of TASK_FIELDS) delete serverErrors[field];
    formError.value = null;
  }

  function reset(): void {
    reading?.abort();
    reading = null;
    loading.value = false;
    createKey = createAttemptKeys();
    Object.assign(values, { title: '', contents: '', startAt: '' });
    Object.assign(touched, { title: false, contents: false, startAt: false });
    clearMessages();
    submitted.value = false;
    restoredNotice.value = false;
    tookTheirs.value = false;
    loadError.value = null;
    gone.value = false;
    conflict.value = null;
    original.value = null;
    etag.value = null;
    markClean();
  }

  function fill(task: Task, version: string | null): void {
    original.value = task;
    etag.value = version;
    Object.assign(values, valuesOf(task));
    markClean();
  }

  function markGone(id: string): void {
    gone.value = true;
    conflict.value = null;
    formError.value = t('form.gone');
    // A draft waiting for it has nothing left to finish: it would reopen this dialog forever.
    takeDraft(id);
    events.gone(id);
  }

  /** Reads the task to edit; false when a newer opening cancelled the read. */
  async function load(id: string): Promise<boolean> {
    const controller = new AbortController();
    reading = controller;
    loading.value = true;
    loadError.value = null;
    try {
      const result = await getTask(id, controller.signal);
      if (controller.signal.aborted) return false;
      fill(result.task, result.etag);
      clearMessages();
    } catch (error) {
      if (controller.signal.aborted || isAbortError(error)) return false;
      if (error instanceof ApiError && error.status === 404) markGone(id);
      else loadError.value = error;
    } finally {
      if (reading === controller) {
        reading = null;
        loading.value = false;
      }
    }
    return true;
  }

  /** Puts back what was typed before the session ended (see utils/draft.ts). */
  function restoreDraft(): boolean {
    const draft = takeDraft(toValue(taskId));
    if (!draft) return false;
    Object.assign(values, draft.values);
    // The edit goes on from the version it started from: a change made meanwhile is a 412, and
    // only the fields the person changed from that version are theirs to keep.
    if (draft.etag) etag.value = draft.etag;
    if (draft.original) original.value = draft.original;
    for (const field of TASK_FIELDS) touched[field] = true;
    restoredNotice.value = true;
    return true;
  }

  /**
   * Called when the dialog opens (and on "Try again" after the task could not be read): a fresh
   * form, or the task to edit, with any draft waiting for it. False when there is no form to
   * fill: the read failed, found the task gone, or was cancelled by a newer opening.
   */
  async function start(): Promise<boolean> {
    reset();
    const id = toValue(taskId);
    if (id) {
      if (!(await load(id)) || loadError.value || gone.value) return false;
      restoreDraft();
      return true;
    }
    if (!restoreDraft()) {
      values.startAt = toDateTimeLocalValue(nextFullHour(new Date()));
      markClean();
    }
    return true;
  }

  /** What the person changed, relative to `before` (everything, for a new task). */
  function changesFrom(before: Task | null): TaskChanges {
    const title = values.title.trim();
    const startAt = toIsoWithOffset(fromDateTimeLocalValue(values.startAt)!);
    if (!before) return { title, contents: values.contents, startAt };
    const result: TaskChanges = {};
    if (title !== before.title) result.title = title;
    if (values.contents !== before.contents) result.contents = values.contents;
    // Untouched, the minute-precision input must not overwrite the stored instant's seconds.
    if (values.startAt !== toDateTimeLocalValue(new Date(before.startAt))) result.startAt = startAt;
    return result;
  }

  function firstInvalidField(): TaskField | undefined {
    return TASK_FIELDS.find((field) => errors.value[field]);
  }

  async function submit(): Promise<void> {
    if (saving.value || loading.value || gone.value) return;
    submitted.value = true;
    clearMessages();
    const invalid = firstInvalidField();
    if (invalid) {
      await events.focus(invalid);
      return;
    }
    const id = toValue(taskId);
    const patch = changesFrom(original.value);
    if (id && Object.keys(patch).length === 0) {
      events.unchanged();
      return;
    }
    await save(id, patch, etag.value);
  }

  async function save(id: string | null, patch: TaskChanges, version: string | null) {
    saving.value = true;
    let result;
    try {
      if (id) {
        result = await updateTask(id, patch, version);
      } else {
        const input = { title: patch.title!, contents: patch.contents!, startAt: patch.startAt! };
        result = await createTask(input, createKey(input));
      }
    } catch (error) {
      // What follows a failure (a conflict to show, errors to place) is not "saving" any more.
      saving.value = false;
      await handleSaveError(error, patch);
      return;
    }
    saving.value = false;
    conflict.value = null;
    markClean();
    events.saved(result.task, !id);
  }

  /** A 412: read the current version and set it beside what the person typed. */
  async function enterConflict(mine: TaskChanges): Promise<void> {
    const id = toValue(taskId)!;
    try {
      const current = await getTask(id);
      conflict.value = { theirs: current.task, etag: current.etag, mine };
      events.refreshed(current.task);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) markGone(id);
      else formError.value = describeError(error, t);
    }
  }

  async function handleSaveError(error: unknown, patch: TaskChanges): Promise<void> {
    if (!(error instanceof ApiError)) {
      formError.value = describeError(error, t);
      return;
    }
    const id = toValue(taskId);
    if (error.status === 412 && id) {
      submitted.value = false;
      await enterConflict(patch);
      return;
    }
    if (error.status === 404 && id) {
      markGone(id);
      return;
    }
    const unplaced: string[] = [];
    for (const detail of error.details) {
      if (isTaskField(detail.field)) serverErrors[detail.field] = detail.message;
      else unplaced.push(`${detail.field}: ${detail.message}`);
    }
    const invalid = firstInvalidField();
    if (invalid) {
      formError.value = unplaced.length > 0 ? unplaced.join('; ') : null;
      await events.focus(invalid);
    } else {
      formError.value = describeError(error, t);
    }
  }

  /** Keep mine: my changes, applied on top of the current version (its ETag). */
  async function keepMine(): Promise<void> {
    const current = conflict.value;
    if (!current || saving.value) return;
    original.value = current.theirs;
    etag.value = current.etag;
    await save(toValue(taskId), current.mine, current.etag);
  }

  /** Take theirs: the current version replaces what was typed; nothing is saved. */
  function takeTheirs(): void {
    const current = conflict.value;
    if (!current) return;
    fill(current.theirs, current.etag);
    conflict.value = null;
    tookTheirs.value = true;
    restoredNotice.value = false;
  }

  return {
    values,
    touched,
    errors,
    counters,
    alertMessage,
    restoredNotice,
    tookTheirs,
    loading,
    loadError,
    saving,
    gone,
    conflict,
    editing,
    dirty,
    etag,
    original,
    start,
    submit,
    keepMine,
    takeTheirs,
  };
}
