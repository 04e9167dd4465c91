import { readonly, ref } from 'vue';
import { readStored, writeStored } from '@/utils/storage';
import en, { type Messages } from './messages/en';
import ja from './messages/ja';

/**
 * A small typed message catalogue instead of vue-i18n: two languages and plain {name}
 * placeholders need ~60 lines, not 40 kB of library, and `MessageKey` makes a misspelt or
 * missing key a type error.
 */

export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language's name in itself, as a language switch shows it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ja: '日本語' };

const catalogues: Record<Locale, Messages> = { en, ja };

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

const locale = ref<Locale>(initialLocale());

function initialLocale(): Locale {
  const stored = readStored(LOCALE_STORAGE_KEY);
  return isLocale(stored) ? stored : detectLocale(browserLanguages());
}

function applyToDocument(value: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = value;
}
applyToDocument(locale.value);

/** Switches the UI language and remembers the choice for the next visit. */
export function setLocale(value: Locale): void {
  locale.value = value;
  writeStored(LOCALE_STORAGE_KEY, value);
  applyToDocument(value);
}

/**
 * The locale dates and numbers are formatted in: the browser's own preference when it is the
 * UI's language (so en-GB keeps day-month order), otherwise the UI's language.
 */
export function formattingLocale(ui: Locale, languages = browserLanguages()): string {
  return languages.find((tag) => primaryTag(tag) === ui) ?? ui;
}

export function translate(ui: Locale, key: MessageKey, params: MessageParams = {}): string {
  let node: unknown = catalogues[ui];
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  const text = typeof node === 'string' ? node : key;
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder,
  );
}

export function useI18n() {
  const t = (key: MessageKey, params?: MessageParams) => translate(locale.value, key, params);

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

  return {
    locale: readonly(locale),
    setLocale,
    t,
    formatDateTime,
    formatCalendarDate,
    formatNumber,
  };
}
