import { readonly } from 'vue';
import { createI18n } from 'vue-i18n';
import { readStored, writeStored } from '@/utils/storage';
import en, { type Messages } from './messages/en';
import ja from './messages/ja';

/**
 * The UI's messages, through vue-i18n. What this module adds for the components: `MessageKey`,
 * so a misspelt or missing key is a type error; the language choice, remembered and set on
 * <html lang>; and dates and numbers in the browser's own regional variant of the UI's language.
 *
 * Plurals use vue-i18n's default rule, which is English's: a message with two forms,
 * "{count} task | {count} tasks", takes the first for exactly 1. Japanese does not inflect, so
 * its messages have one form. A language with more forms (Russian's one/few/many) would need
 * its rule in createI18n's `pluralRules`.
 */

export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language's name in itself, as a language switch shows it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ja: '日本語' };

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = Leaves<Messages>;
export type MessageParams = Record<string, string | number>;

export const LOCALE_STORAGE_KEY = 'task-manager.locale';

function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

const primaryTag = (tag: string) => tag.toLowerCase().split('-')[0];

/** The first of the browser's preferred languages that the UI has, else English. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const language = primaryTag(tag);
    if (isLocale(language)) return language;
  }
  return 'en';
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function initialLocale(): Locale {
  const stored = readStored(LOCALE_STORAGE_KEY);
  return isLocale(stored) ? stored : detectLocale(browserLanguages());
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { en, ja },
  // Both languages have every key: `Messages` types the Japanese catalogue, and a unit test
  // compares them.
  missingWarn: false,
  fallbackWarn: false,
});

function applyToDocument(value: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = value;
}
applyToDocument(i18n.global.locale.value);

/** Switches the UI language and remembers the choice for the next visit. */
export function setLocale(value: Locale): void {
  i18n.global.locale.value = value;
  writeStored(LOCALE_STORAGE_KEY, value);
  applyToDocument(value);
}

/**
 * The locale dates and numbers are formatted in: the browser's own preference when it is the
 * UI's language (so en-GB keeps day-month order), otherwise the UI's language. (vue-i18n's `d`
 * and `n` format in the UI's language itself: "en", in US order.)
 */
export function formattingLocale(ui: Locale, languages = browserLanguages()): string {
  return languages.find((tag) => primaryTag(tag) === ui) ?? ui;
}

/**
 * A message in the given language. With `count`, a plural message takes the form for that
 * number; `params.count` can then be the number as formatted for display.
 */
export function translate(
  locale: Locale,
  key: MessageKey,
  params: MessageParams = {},
  count?: number,
): string {
  return i18n.global.t(key, params, { locale, plural: count });
}

export function useI18n() {
  const { locale } = i18n.global;
  const t = (key: MessageKey, params?: MessageParams, count?: number) =>
    translate(locale.value, key, params, count);

  const formatDateTime = (iso: string) =>
    new Intl.DateTimeFormat(formattingLocale(locale.value), {
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date(iso));

  /** A calendar date (YYYY-MM-DD, no time zone) in the UI's style. */
  const formatCalendarDate = (date: string, style: 'medium' | 'short' = 'medium') =>
    new Intl.DateTimeFormat(formattingLocale(locale.value), {
      ...(style === 'medium' ? { dateStyle: 'medium' } : { month: 'numeric', day: 'numeric' }),
      timeZone: 'UTC',
    }).format(new Date(`${date}T00:00:00Z`));

  const formatNumber = (value: number) =>
    new Intl.NumberFormat(formattingLocale(locale.value)).format(value);

  /** Items side by side, as the language lists them ("a, b, c"; 「a、b、c」). */
  const formatList = (items: string[]) =>
    new Intl.ListFormat(formattingLocale(locale.value), {
      type: 'conjunction',
      style: 'narrow',
    }).format(items);

  return {
    locale: readonly(locale),
    setLocale,
    t,
    formatDateTime,
    formatCalendarDate,
    formatNumber,
    formatList,
  };
}
