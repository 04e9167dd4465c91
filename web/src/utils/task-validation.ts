import type { MessageKey } from '@/i18n';
import { fromDateTimeLocalValue } from './datetime';

/** The API's limits (task-service validation); the form applies them as the person types. */
export const TITLE_MAX_LENGTH = 100;
export const CONTENTS_MAX_LENGTH = 2000;

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

/**
 * Lengths count characters as people do (Unicode code points, so an emoji is one), which is
 * how the API counts them; the title is counted after trimming because the API trims it.
 */
export function characterCount(value: string): number {
  return Array.from(value).length;
}

export function titleLength(title: string): number {
  return characterCount(title.trim());
}

export function validateTaskForm(values: TaskFormValues): TaskFormErrors {
  const errors: TaskFormErrors = {};
  const title = titleLength(values.title);
  if (title === 0) errors.title = { key: 'validation.titleRequired' };
  else if (title > TITLE_MAX_LENGTH) {
    errors.title = { key: 'validation.titleTooLong', params: { max: TITLE_MAX_LENGTH } };
  }
  if (characterCount(values.contents) > CONTENTS_MAX_LENGTH) {
    errors.contents = { key: 'validation.contentsTooLong', params: { max: CONTENTS_MAX_LENGTH } };
  }
  if (values.startAt.trim() === '') errors.startAt = { key: 'validation.startAtRequired' };
  else if (!fromDateTimeLocalValue(values.startAt)) {
    errors.startAt = { key: 'validation.startAtInvalid' };
  }
  return errors;
}

export function isTaskField(field: string): field is TaskField {
  return (TASK_FIELDS as readonly string[]).includes(field);
}
