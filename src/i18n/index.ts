/**
 * One message catalogue for everything a user reads (CLI output and errors, the banner, API
 * problems, notifications, pages): Vietnamese by default, English with KEHOACH_LANG=en. Plan files,
 * operators' logs and code stay English. The catalogue is i18next's: `{{name}}` interpolates,
 * `_one`/`_other` suffixes plural.
 *
 *   const t = translator();            // the language of KEHOACH_LANG
 *   t('cli:validate.ok', { count: 3 }) // keys are checked by the type-checker
 */
import i18next, { type TFunction } from 'i18next';
import { en } from './en';
import { vi } from './vi';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'vi';

export const catalogues = { vi, en } as const;
export type Namespace = keyof typeof vi;

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
/** Every key of the API's namespace, dotted ("problem.forbidden", "field.missing"). */
export type ApiKey = Leaves<typeof vi.api>;
/** Every key of the CLI's namespace, dotted ("report.usage", "up.running"). */
export type CliKey = Leaves<typeof vi.cli>;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: typeof vi;
    // Values may be interpolated into HTML by its own escaping (pages) or not at all (CLI, JSON).
    returnNull: false;
  }
}

const instance = i18next.createInstance();
void instance.init({
  resources: catalogues,
  lng: DEFAULT_LANGUAGE,
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  ns: Object.keys(vi),
  defaultNS: 'common',
  nsSeparator: ':',
  // Synchronous: the resources are in memory, and callers translate at once.
  initAsync: false,
  // Each output escapes for its own medium (HTML templates escape, the CLI and JSON need none).
  interpolation: { escapeValue: false },
});

/** The language named by KEHOACH_LANG (default Vietnamese); anything else is refused with a message in both languages. */
export function languageFromEnv(env: NodeJS.ProcessEnv = process.env): Language {
  const value = env.KEHOACH_LANG?.trim().toLowerCase();
  if (!value) return DEFAULT_LANGUAGE;
  const language = value.split(/[-_.]/)[0] ?? value;
  if ((LANGUAGES as readonly string[]).includes(language)) return language as Language;
  throw new Error(`${translator('vi')('unknownLanguage', { value })}\n${translator('en')('unknownLanguage', { value })}`);
}

export type Translate = TFunction<Namespace[]>;

const NAMESPACES = Object.keys(vi) as Namespace[];

/** A translation function fixed to one language (by default the language of KEHOACH_LANG). */
export function translator(language: Language = languageFromEnv()): Translate {
  return instance.getFixedT(language, NAMESPACES);
}

/**
 * The words of a refusal from src/domain/permissions.ts (key and values, as a task workflow reports
 * it), or undefined when the key is not in the catalogue (a workflow started by an older version
 * reports its sentence itself).
 */
export function rejectionText(key: string, values: unknown, language: Language = languageFromEnv()): string | undefined {
  if (!Object.hasOwn(vi.rejection, key)) return undefined;
  const interpolated = values && typeof values === 'object' ? (values as Record<string, unknown>) : {};
  return translator(language)(`rejection:${key as keyof typeof vi.rejection}`, interpolated);
}

/** A sentence of the API's catalogue in the language of KEHOACH_LANG (problem details, field messages). */
export function apiText(key: ApiKey, values: Record<string, unknown> = {}): string {
  return translator()(`api:${key}`, values);
}

/** The words for where a task stands (QĐ 42 categories, progress, deadline state, report headings) in one language. */
export function labelsFor(language: Language = languageFromEnv()): (typeof catalogues)[Language]['labels'] {
  return catalogues[language].labels;
}

/** A sentence of the CLI's catalogue in the language of KEHOACH_LANG. */
export function cliText(key: CliKey, values: Record<string, unknown> = {}): string {
  return translator()(`cli:${key}`, values);
}

/** A duration in words: "3 ngày làm việc", "3 working days". */
export function durationText(
  duration: { amount: number; unit: 'working_day' | 'day' | 'hour' | 'minute' | 'second' },
  t: Translate = translator(),
): string {
  return t(`timeline:duration.${duration.unit}`, { count: duration.amount });
}

/**
 * Why the dates of some years may still move (their holidays are not announced in the calendar),
 * or undefined when there are no such years.
 */
export function unannouncedYearsText(
  calendar: { name: string; statutoryHolidays?: unknown },
  years: readonly number[],
  t: Translate = translator(),
): string | undefined {
  if (years.length === 0) return undefined;
  const values = { calendar: calendar.name, years: years.join(', ') };
  return calendar.statutoryHolidays ? t('timeline:unannounced.withStatutory', values) : t('timeline:unannounced.weekendsOnly', values);
}
