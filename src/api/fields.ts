/**
 * Input fields the API accepts, checked at the edge so that nothing the read model cannot store or
 * a screen cannot show gets as far as a workflow: text without control characters (a NUL cannot
 * be stored in Postgres text; ANSI escapes rewrite an operator's terminal), bounded lengths, and
 * dates in the years kehoach handles.
 */
import * as z from 'zod';
import { apiText } from '../i18n';

/** The years kehoach handles: plans, reports, completions and deadlines all fall in 1900–2200. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

/** Longest title or name; longest note, reason or evidence. */
export const MAX_TITLE_LENGTH = 500;
export const MAX_NOTE_LENGTH = 2_000;

// C0 controls, DEL and C1 controls; multi-line text may keep tab, line feed and carriage return.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textField(max: number, forbidden: RegExp, refusal: 'field.controlCharacters' | 'field.controlCharactersMultiLine') {
  return z
    .string()
    .trim()
    .min(1, { error: () => apiText('field.empty') })
    .max(max, { error: () => apiText('field.tooLong', { max }) })
    .refine((value) => !forbidden.test(value), { error: () => apiText(refusal) })
    .refine((value) => !UNPAIRED_SURROGATE.test(value), { error: () => apiText('field.brokenUnicode') });
}

/** One line: titles, names. */
export const singleLineText = (max = MAX_TITLE_LENGTH) => textField(max, SINGLE_LINE_FORBIDDEN, 'field.controlCharacters');
/** Several lines: notes, reasons, evidence (tab and line breaks allowed). */
export const multiLineText = (max = MAX_NOTE_LENGTH) => textField(max, MULTI_LINE_FORBIDDEN, 'field.controlCharactersMultiLine');

function yearInRange(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}
const yearMessage = { error: () => apiText('field.yearRange', { min: MIN_YEAR, max: MAX_YEAR }) };

export const isoDate = z.iso.date({ error: () => apiText('field.isoDate') }).refine(yearInRange, yearMessage);
export const isoInstant = z.iso.datetime({ offset: true, error: () => apiText('field.isoInstant') }).refine((value) => {
  const at = Date.parse(value);
  return Number.isFinite(at) && yearInRange(new Date(at).toISOString());
}, yearMessage);

/** X-Request-Id values kept from the caller; anything else is replaced by a fresh id. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
