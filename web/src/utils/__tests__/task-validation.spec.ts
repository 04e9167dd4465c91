import { describe, expect, it } from 'vitest';
import {
  CONTENTS_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  validateTaskForm,
  type TaskFormValues,
} from '../task-validation';

const valid: TaskFormValues = { title: 'Buy milk', contents: '', startAt: '2026-11-22T09:00' };

describe('validateTaskForm', () => {
  it('accepts a title, no contents and a start time', () => {
    expect(validateTaskForm(valid)).toEqual({});
  });

  it('requires a title that is not only spaces', () => {
    expect(validateTaskForm({ ...valid, title: '' }).title?.key).toBe('validation.titleRequired');
    expect(validateTaskForm({ ...valid, title: ' \t\n ' }).title?.key).toBe(
      'validation.titleRequired',
    );
  });

  it('limits the title to 100 characters after trimming', () => {
    expect(
      validateTaskForm({ ...valid, title: 'a'.repeat(TITLE_MAX_LENGTH) }).title,
    ).toBeUndefined();
    expect(
      validateTaskForm({ ...valid, title: `  ${'a'.repeat(TITLE_MAX_LENGTH)}  ` }).title,
    ).toBeUndefined();
    expect(validateTaskForm({ ...valid, title: 'a'.repeat(TITLE_MAX_LENGTH + 1) }).title).toEqual({
      key: 'validation.titleTooLong',
      params: { max: 100 },
    });
  });

  it('counts Japanese characters one each', () => {
    expect(validateTaskForm({ ...valid, title: '会'.repeat(100) }).title).toBeUndefined();
    expect(validateTaskForm({ ...valid, title: '会'.repeat(101) }).title?.key).toBe(
      'validation.titleTooLong',
    );
  });

  it('counts an emoji as one character, as the API does', () => {
    expect(validateTaskForm({ ...valid, title: '🍣'.repeat(100) }).title).toBeUndefined();
    expect(validateTaskForm({ ...valid, title: '🍣'.repeat(101) }).title?.key).toBe(
      'validation.titleTooLong',
    );
    expect(validateTaskForm({ ...valid, contents: '🍣'.repeat(2000) }).contents).toBeUndefined();
  });

  it('limits contents to 2000 characters, line breaks included', () => {
    const atLimit = `${'x'.repeat(CONTENTS_MAX_LENGTH - 1)}\n`;
    expect(validateTaskForm({ ...valid, contents: atLimit }).contents).toBeUndefined();
    expect(validateTaskForm({ ...valid, contents: `${atLimit}y` }).contents).toEqual({
      key: 'validation.contentsTooLong',
      params: { max: 2000 },
    });
  });

  it('requires a complete, real start date-time', () => {
    expect(validateTaskForm({ ...valid, startAt: '' }).startAt?.key).toBe(
      'validation.startAtRequired',
    );
    expect(validateTaskForm({ ...valid, startAt: '2026-02-31T09:00' }).startAt?.key).toBe(
      'validation.startAtInvalid',
    );
    expect(validateTaskForm({ ...valid, startAt: '2026-11-22' }).startAt?.key).toBe(
      'validation.startAtInvalid',
    );
  });
});
