import {
  CONTENTS_MAX,
  characterCount,
  instantProblem,
  textProblem,
  TITLE_MAX,
  type TextKind,
  type TextProblem,
} from '@task-manager/contract';
import type { MessageKey } from '@/i18n';
import { fromDateTimeLocalValue, toIsoWithOffset } from './datetime';

/**
 * The form applies the API's own rules (from @task-manager/contract, the one definition both
 * use) as the person types, so what the form accepts the API accepts.
 */
export { CONTENTS_MAX, characterCount, TITLE_MAX };

export type TaskField = 'title' | 'contents' | 'startAt';
export const TASK_FIELDS: readonly TaskField[] = ['title', 'contents', 'startAt'];

export interface TaskFormValues {
  title: string;
  contents: string;
  /** The datetime-local value, in the browser's time zone. */
  startAt: string;
}

export interface LocalizedMessage {
  key: MessageKey;
  params?: Record<string, string | number>;
}

export type TaskFormErrors = Partial<Record<TaskField, LocalizedMessage>>;

/** The title as the API counts it: after trimming, because the API stores it trimmed. */
export function titleLength(title: string): number {
  return characterCount(title.trim());
}

const TEXT_PROBLEM_KEYS: Record<TextKind, Record<TextProblem, MessageKey>> = {
  title: {
    malformed: 'validation.textMalformed',
    control: 'validation.titleControl',
    invisible: 'validation.titleInvisible',
  },
  contents: {
    malformed: 'validation.textMalformed',
    control: 'validation.contentsControl',
    invisible: 'validation.contentsInvisible',
  },
};

export function validateTaskForm(values: TaskFormValues): TaskFormErrors {
  const errors: TaskFormErrors = {};
  const title = values.title.trim();
  const titleProblem = textProblem(title, 'title');
  if (title === '') errors.title = { key: 'validation.titleRequired' };
  else if (titleProblem) errors.title = { key: TEXT_PROBLEM_KEYS.title[titleProblem] };
  else if (characterCount(title) > TITLE_MAX) {
    errors.title = { key: 'validation.titleTooLong', params: { max: TITLE_MAX } };
  }
  const contentsProblem = textProblem(values.contents, 'contents');
  if (contentsProblem) errors.contents = { key: TEXT_PROBLEM_KEYS.contents[contentsProblem] };
  else if (characterCount(values.contents) > CONTENTS_MAX) {
    errors.contents = { key: 'validation.contentsTooLong', params: { max: CONTENTS_MAX } };
  }
  const startAt = fromDateTimeLocalValue(values.startAt);
  if (values.startAt.trim() === '') errors.startAt = { key: 'validation.startAtRequired' };
  else if (!startAt) errors.startAt = { key: 'validation.startAtInvalid' };
  else if (instantProblem(toIsoWithOffset(startAt)) !== undefined) {
    errors.startAt = { key: 'validation.startAtOutOfRange' };
  }
  return errors;
}

export function isTaskField(field: string): field is TaskField {
  return (TASK_FIELDS as readonly string[]).includes(field);
}
