import { describe, expect, it } from 'vitest';
import { CONTENTS_MAX, TITLE_MAX, validateTaskForm, type TaskFormValues } from '../task-validation';

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
    expect(validateTaskForm({ ...valid, title: 'a'.repeat(TITLE_MAX) }).title).toBeUndefined();
    expect(
      validateTaskForm({ ...valid, title: `  ${'a'.repeat(TITLE_MAX)}  ` }).title,
    ).toBeUndefined();
    expect(validateTaskForm({ ...valid, title: 'a'.repeat(TITLE_MAX + 1) }).title).toEqual({
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
    const atLimit = `${'x'.repeat(CONTENTS_MAX - 1)}\n`;
    expect(validateTaskForm({ ...valid, contents: atLimit }).contents).toBeUndefined();
    expect(validateTaskForm({ ...valid, contents: `${atLimit}y` }).contents).toEqual({
      key: 'validation.contentsTooLong',
      params: { max: 2000 },
    });
  });

  it('refuses what the API refuses as text: control characters, only invisible characters', () => {
    for (const title of ['nul \u0000', 'bell \u0007', 'tab\tinside', 'C1 \u0085']) {
      expect(validateTaskForm({ ...valid, title }).title?.key, JSON.stringify(title)).toBe(
        'validation.titleControl',
      );
    }
    for (const title of ['\u200b', ' \u200b\u2060 ', '\u3164']) {
      expect(validateTaskForm({ ...valid, title }).title?.key, JSON.stringify(title)).toBe(
        'validation.titleInvisible',
      );
    }
    expect(validateTaskForm({ ...valid, contents: 'a\u0000b' }).contents?.key).toBe(
      'validation.contentsControl',
    );
    expect(validateTaskForm({ ...valid, contents: '\u200b\n' }).contents?.key).toBe(
      'validation.contentsInvisible',
    );
    expect(validateTaskForm({ ...valid, title: '👩‍💻 報告', contents: 'a\r\n\tb' })).toEqual({});
  });

  it('refuses start times outside the range the API supports, in the browser’s time zone', () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Tokyo';
      // Tokyo was 9 h 18 min ahead of UTC then (local mean time): midnight is year -1 in UTC,
      // ten o'clock is within year 0.
      expect(validateTaskForm({ ...valid, startAt: '0000-01-01T00:00' }).startAt?.key).toBe(
        'validation.startAtOutOfRange',
      );
      expect(validateTaskForm({ ...valid, startAt: '0000-01-01T10:00' }).startAt).toBeUndefined();
      process.env.TZ = 'America/New_York';
      expect(validateTaskForm({ ...valid, startAt: '9999-12-31T23:00' }).startAt?.key).toBe(
        'validation.startAtOutOfRange',
      );
      expect(validateTaskForm({ ...valid, startAt: '9999-12-31T18:59' }).startAt).toBeUndefined();
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
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
