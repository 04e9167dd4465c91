import { describe, expect, it } from 'vitest';
import en from '../messages/en';
import ja from '../messages/ja';
import {
  LOCALES,
  LOCALE_STORAGE_KEY,
  detectLocale,
  formattingLocale,
  setLocale,
  translate,
  useI18n,
  type MessageKey,
} from '..';

function keys(node: object, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`),
  );
}

const catalogues = { en, ja };

function raw(locale: 'en' | 'ja', key: string): string {
  let node: unknown = catalogues[locale];
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  return node as string;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}

describe('i18n', () => {
  it('has the same keys and placeholders in English and Japanese', () => {
    expect(keys(ja)).toEqual(keys(en));
    for (const key of keys(en)) {
      expect(placeholders(translate('ja', key as never)), key).toEqual(
        placeholders(translate('en', key as never)),
      );
    }
  });

  it('picks the first browser language the UI has', () => {
    expect(detectLocale(['ja-JP', 'en-US'])).toBe('ja');
    expect(detectLocale(['fr-FR', 'en-GB', 'ja'])).toBe('en');
    expect(detectLocale(['de-DE'])).toBe('en');
    expect(detectLocale([])).toBe('en');
  });

  it('fills placeholders', () => {
    expect(translate('en', 'notice.created', { title: 'Buy milk' })).toBe(
      'Task “Buy milk” created.',
    );
    expect(translate('ja', 'notice.created', { title: '牛乳' })).toBe(
      'タスク「牛乳」を作成しました。',
    );
  });

  it('formats dates in the browser regional style when it matches the UI language', () => {
    expect(formattingLocale('en', ['en-GB', 'ja'])).toBe('en-GB');
    expect(formattingLocale('ja', ['en-GB', 'ja-JP'])).toBe('ja-JP');
    expect(formattingLocale('ja', ['en-US'])).toBe('ja');
  });

  it('shows a calendar date as that very day, whatever the browser’s time zone', () => {
    const zone = process.env.TZ;
    // West of UTC, midnight UTC is still the day before.
    process.env.TZ = 'America/Los_Angeles';
    try {
      setLocale('en');
      expect(useI18n().formatCalendarDate('2026-11-21')).toBe('Nov 21, 2026');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('switches language, remembers it and sets the document language', () => {
    const { t, locale } = useI18n();
    setLocale('ja');
    expect(locale.value).toBe('ja');
    expect(t('nav.signOut')).toBe('サインアウト');
    expect(document.documentElement.lang).toBe('ja');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('ja');
    setLocale('en');
    expect(t('nav.signOut')).toBe('Sign out');
  });

  it('shows every message as written, its placeholders filled (no accidental message syntax)', () => {
    for (const locale of LOCALES) {
      for (const key of keys(en)) {
        const text = raw(locale, key);
        if (text.includes('|')) continue;
        const params = Object.fromEntries(placeholders(text).map((name) => [name, `<${name}>`]));
        expect(translate(locale, key as MessageKey, params), `${locale} ${key}`).toBe(
          text.replace(/\{(\w+)\}/g, '<$1>'),
        );
      }
    }
  });

  it('writes plurals with two forms in English and one in Japanese', () => {
    const plurals = keys(en).filter((key) => raw('en', key).includes('|'));
    expect(plurals).toContain('tasks.count');
    for (const key of plurals) {
      expect(raw('en', key).split('|'), key).toHaveLength(2);
      expect(raw('ja', key), key).not.toContain('|');
    }
  });

  it('picks the plural form by the count, showing the count as formatted', () => {
    expect(translate('en', 'tasks.count', { count: 0 }, 0)).toBe('0 tasks');
    expect(translate('en', 'tasks.count', { count: 1 }, 1)).toBe('1 task');
    expect(translate('en', 'tasks.count', { count: 2 }, 2)).toBe('2 tasks');
    expect(translate('en', 'tasks.count', { count: '1,001' }, 1001)).toBe('1,001 tasks');
    expect(translate('ja', 'tasks.count', { count: 1 }, 1)).toBe('1 件');
    expect(translate('ja', 'tasks.count', { count: '1,001' }, 1001)).toBe('1,001 件');
  });
});
