/** Value tests the structural and semantic passes share: real dates, durations, ids. */
import { daysInMonth } from '../calendar';
import { parseDuration } from '../duration';
import type { DurationUnitKey } from '../model';
import { durationSchema, slugSchema } from '../schema';
import type { Plain } from './types';

/** The schema's default timezone, repeated here because the raw document may leave it out. */
export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

export const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})(?:T|$)/;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const TIME_PART = /T(\d{2}):(\d{2})(?::(\d{2}))?/;

/** Why a YYYY-MM-DD (or YYYY-MM-DDTHH:MM) value is not a real date or time, or undefined when it is one. */
export function impossibleDateReason(value: string): string | undefined {
  const match = DATE_SHAPE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const days = daysInMonth(year, month);
  if (day < 1) return 'there is no day 0';
  if (day > days) return `${MONTH_NAMES[month - 1]} ${year} has ${days} days`;
  const time = TIME_PART.exec(value);
  if (time) {
    if (Number(time[1]) > 23) return `there is no hour ${Number(time[1])}; for the end of the day write the date alone`;
    if (Number(time[2]) > 59 || Number(time[3] ?? 0) > 59) return 'minutes and seconds go up to 59';
  }
  return undefined;
}

export function impossibleDateMessage(field: string, value: string, reason: string): string {
  const form = value.includes('T') ? 'a date and time that exist, YYYY-MM-DDTHH:MM' : 'a date that exists, YYYY-MM-DD';
  return `${field} is '${value}', which is not a real date (${reason}); write ${form}`;
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
