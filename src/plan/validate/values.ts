/** Value tests the structural and semantic passes share: real dates, durations, ids. */
import { daysInMonth } from '../calendar';
import { parseDuration } from '../duration';
import type { DurationUnitKey } from '../model';
import { durationSchema, slugSchema } from '../schema';
import type { Plain, ValidateTranslate } from './types';

/** The schema's default timezone, repeated here because the raw document may leave it out. */
export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

export const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})(?:T|$)/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;

const TIME_PART = /T(\d{2}):(\d{2})(?::(\d{2}))?/;

/** Why a date is not real, in words of the catalogue's `date` section. */
export type DateFault =
  | { kind: 'noMonth'; month: number }
  | { kind: 'noDayZero' }
  | { kind: 'monthDays'; month: number; year: number; days: number }
  | { kind: 'noHour'; hour: number }
  | { kind: 'minutes' };

/** Why a YYYY-MM-DD (or YYYY-MM-DDTHH:MM) value is not a real date or time, or undefined when it is one. */
export function dateFault(value: string): DateFault | undefined {
  const match = DATE_SHAPE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return { kind: 'noMonth', month };
  const days = daysInMonth(year, month);
  if (day < 1) return { kind: 'noDayZero' };
  if (day > days) return { kind: 'monthDays', month, year, days };
  const time = TIME_PART.exec(value);
  if (time) {
    if (Number(time[1]) > 23) return { kind: 'noHour', hour: Number(time[1]) };
    if (Number(time[2]) > 59 || Number(time[3] ?? 0) > 59) return { kind: 'minutes' };
  }
  return undefined;
}

export function isRealDate(value: string): boolean {
  return dateFault(value) === undefined;
}

function faultText(fault: DateFault, t: ValidateTranslate): string {
  switch (fault.kind) {
    case 'noMonth':
      return t('validate:date.noMonth', { month: fault.month });
    case 'noDayZero':
      return t('validate:date.noDayZero');
    case 'monthDays':
      return t('validate:date.monthDays', { month: t(`validate:month.${MONTHS[fault.month - 1]!}`), year: fault.year, days: fault.days });
    case 'noHour':
      return t('validate:date.noHour', { hour: fault.hour });
    case 'minutes':
      return t('validate:date.minutes');
  }
}

export function impossibleDateMessage(t: ValidateTranslate, field: string, value: string, fault: DateFault): string {
  const reason = faultText(fault, t);
  return value.includes('T')
    ? t('validate:structure.impossibleDateTime', { field, value, reason })
    : t('validate:structure.impossibleDate', { field, value, reason });
}

export const UNIT_SECONDS: Record<DurationUnitKey, number> = { working_day: 86_400, day: 86_400, hour: 3_600, minute: 60, second: 1 };

/** "3 working days" as seconds, for ordering only: a working day counts as one day. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || !durationSchema.safeParse(value).success) return undefined;
  const duration = parseDuration(value);
  return duration.amount * UNIT_SECONDS[duration.unit];
}

export function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSlug(value: unknown): value is string {
  return slugSchema.safeParse(value).success;
}
