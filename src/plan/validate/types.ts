/** What the validator's parts share: diagnostics, the calendar source, paths into the document and the translator of its messages. */
import { translator, type Language, type Translate } from '../../i18n';
import type { CalendarData } from '../model';

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  severity: 'error' | 'warning';
  /** Stable machine-readable kind, e.g. "unknown-key", "dependency-cycle". */
  code: string;
  message: string;
}

/** Where the validator finds calendars; the loader backs it with calendars/*.yaml. */
export interface CalendarSource {
  /** The calendar, or undefined when there is none by that name; throws when the file is malformed. */
  load(name: string): CalendarData | undefined;
  /** Every calendar name that exists, for the "write one of these" hint. */
  names(): string[];
}

export interface ValidateOptions {
  /** Without it, calendar names and calendar years are not checked. */
  calendars?: CalendarSource;
  /** The language of the messages; by default KEHOACH_LANG's (Vietnamese unless it says en). */
  language?: Language;
}

/** A path into the document: mapping keys and list indexes. */
export type Path = (string | number)[];
export type Plain = Record<string, unknown>;

/** A translation function whose keys the type-checker knows: `t('validate:place.plan')`. */
export type ValidateTranslate = Translate;

/** The validator's messages in `language` (by default KEHOACH_LANG's). */
export function validateTranslator(language?: Language): ValidateTranslate {
  return translator(language);
}
