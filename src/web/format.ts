/** Dates and numbers as the pages show them: dd/mm/yyyy in the plan's timezone, vi-VN numbers. */
import { formatDateVi, formatDeadlineVi, parseDateVi, toLocal } from '../plan/calendar';
import { isRealDate } from '../plan/validate/values';

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

/** A deadline as documents write it: dd/mm/yyyy for a date deadline, "HH:mm ngày dd/mm/yyyy" otherwise. */
export const deadlineText = (instant: string, timezone = DEFAULT_TIMEZONE): string => formatDeadlineVi(instant, timezone);

/** A calendar date (YYYY-MM-DD) as dd/mm/yyyy. */
export const dateText = (date: string): string => formatDateVi(date);

/**
 * A day as typed into the pages' date fields: dd/mm/yyyy (or YYYY-MM-DD) → YYYY-MM-DD, when it is
 * a real day. The fields are text, not the browser's date picker, which shows dates in the
 * browser's own locale order (mm/dd/yyyy in many) rather than as Vietnamese documents write them.
 */
export function dateFromInput(text: string): string | undefined {
  const trimmed = text.trim();
  const date = parseDateVi(trimmed) ?? (/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? trimmed : undefined);
  return date !== undefined && isRealDate(date) ? date : undefined;
}

/** An instant as "dd/mm/yyyy HH:mm" in the timezone. */
export function instantText(instant: string | Date, timezone = DEFAULT_TIMEZONE): string {
  const local = toLocal(typeof instant === 'string' ? instant : instant.toISOString(), timezone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatDateVi(local.date)} ${pad(local.hour)}:${pad(local.minute)}`;
}

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
export const numberText = (value: number): string => numberFormat.format(value);
