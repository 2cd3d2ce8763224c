/** Dates and numbers as the pages show them: dd/mm/yyyy in the plan's timezone, vi-VN numbers. */
import { formatDateVi, formatDeadlineVi, toLocal } from '../plan/calendar';

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

/** A deadline as documents write it: dd/mm/yyyy for a date deadline, "HH:mm ngày dd/mm/yyyy" otherwise. */
export const deadlineText = (instant: string, timezone = DEFAULT_TIMEZONE): string => formatDeadlineVi(instant, timezone);

/** A calendar date (YYYY-MM-DD) as dd/mm/yyyy. */
export const dateText = (date: string): string => formatDateVi(date);

/** An instant as "dd/mm/yyyy HH:mm" in the timezone. */
export function instantText(instant: string | Date, timezone = DEFAULT_TIMEZONE): string {
  const local = toLocal(typeof instant === 'string' ? instant : instant.toISOString(), timezone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatDateVi(local.date)} ${pad(local.hour)}:${pad(local.minute)}`;
}

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
export const numberText = (value: number): string => numberFormat.format(value);
