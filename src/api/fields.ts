/**
 * Input fields the API accepts, checked at the edge so that nothing the read model cannot store or
 * a screen cannot show gets as far as a workflow: text without control characters (a NUL cannot
 * be stored in Postgres text; ANSI escapes rewrite an operator's terminal), bounded lengths, and
 * dates in the years kehoach handles.
 */
import { z } from 'zod';

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

function textField(max: number, forbidden: RegExp, allowed: string) {
  return z
    .string()
    .trim()
    .min(1, { message: 'không được để trống' })
    .max(max, { message: `tối đa ${max} ký tự` })
    .refine((value) => !forbidden.test(value), { message: `chứa ký tự điều khiển (NUL, mã màu ANSI…); chỉ được dùng chữ, số, dấu câu${allowed}` })
    .refine((value) => !UNPAIRED_SURROGATE.test(value), { message: 'chứa ký tự Unicode hỏng (nửa cặp surrogate)' });
}

/** One line: titles, names. */
export const singleLineText = (max = MAX_TITLE_LENGTH) => textField(max, SINGLE_LINE_FORBIDDEN, '');
/** Several lines: notes, reasons, evidence (tab and line breaks allowed). */
export const multiLineText = (max = MAX_NOTE_LENGTH) => textField(max, MULTI_LINE_FORBIDDEN, ', tab và xuống dòng');

function yearInRange(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}
const yearMessage = { message: `năm phải trong khoảng ${MIN_YEAR}–${MAX_YEAR}` };

export const isoDate = z.iso.date({ message: 'phải là ngày dạng YYYY-MM-DD' }).refine(yearInRange, yearMessage);
export const isoInstant = z.iso.datetime({ offset: true, message: 'phải là thời điểm ISO 8601, ví dụ 2022-11-20T10:00:00+07:00' }).refine((value) => {
  const at = Date.parse(value);
  return Number.isFinite(at) && yearInRange(new Date(at).toISOString());
}, yearMessage);

/** X-Request-Id values kept from the caller; anything else is replaced by a fresh id. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
