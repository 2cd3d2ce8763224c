/**
 * Deadlines and task timetables: pure functions shared by the task workflows, the CLI and the
 * tests. No zod, no Node built-ins, never the clock: every input is an argument.
 *
 * Conventions
 * - A deadline is an instant (ISO string, UTC). A deadline written as a date means the end of
 *   that day in the plan's timezone and is stored as the local midnight that ends it:
 *   2022-11-30 in Asia/Ho_Chi_Minh → 2022-11-30T17:00:00.000Z.
 * - The "deadline date" of a deadline is its local date, except that a deadline falling exactly
 *   on local midnight belongs to the day it ends (2022-11-30T17:00:00.000Z → 2022-11-30, time
 *   of day 24:00). Working-day shifts of the ladder move this date and keep the time of day.
 * - Counting after a date: N working days = the end of the Nth working day after it (the date
 *   itself never counts); N calendar days = the end of the day N days later, moved to the end of
 *   the next working day when that day is a rest day (Bộ luật Dân sự, Điều 148). Hours, minutes
 *   and seconds are plain offsets: from the start of the issue date, or from the anchor instant.
 * - Reminders in working or calendar days go out at 08:00 local on the day N (working) days
 *   before the deadline date, and never at or after the deadline; "due soon" starts at the
 *   beginning of that day. Smaller units are plain offsets before the deadline.
 * - A reminder or ladder step counted in calendar days that lands on a rest day goes out at
 *   08:00 on the next working day instead (nobody reads it at 08:00 on mùng 1 Tết), unless the
 *   policy says `onRestDay: keep`. Ladder steps land on the day they are counted to (a step at
 *   the deadline's 24:00 belongs to the day it ends).
 */
import { addDays, addWorkingDays, isWorkingDay, localToInstantMs, toLocal, workingDayOnOrAfter } from './calendar';
import { fixedMilliseconds } from './duration';
import type { CalendarData, DeadlineRule, Duration, RestDayRule, ResolvedEscalationPolicy, TimetableEntry } from './model';

const DAY_MS = 86_400_000;
const REMINDER_TIME_OF_DAY_MS = 8 * 3_600_000;

/** A task deadline as the plan wrote it, with the anchor it counts from when relative. */
export type DeadlineForm =
  | { kind: 'none' }
  /** YYYY-MM-DD: the end of that day, local time. */
  | { kind: 'date'; date: string }
  /** YYYY-MM-DDTHH:MM[:SS], local time unless it carries Z or an offset. */
  | { kind: 'date_time'; dateTime: string }
  /** Counted from the plan's issue date. */
  | { kind: 'after_date'; date: string; within: Duration }
  /** Counted from an instant: the first apply of the plan, or a prerequisite's completion. */
  | { kind: 'after_instant'; at: string; within: Duration };

/** A deadline's local date and time of day in (0, 24 h]: see the conventions above. */
export interface DeadlineLocal {
  date: string;
  millisOfDay: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The deadline date and time of day of a deadline instant (midnight belongs to the day it ends). */
export function deadlineLocal(deadlineAt: string, timezone: string): DeadlineLocal {
  const local = toLocal(deadlineAt, timezone);
  const millisOfDay = ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
  if (millisOfDay === 0) return { date: addDays(local.date, -1), millisOfDay: DAY_MS };
  return { date: local.date, millisOfDay };
}

function endOfDayMs(date: string, timezone: string): number {
  return localToInstantMs(date, DAY_MS, timezone);
}

/** The end of the day a calendar-day period lands on, pushed past rest days. */
function endOfCalendarDayPeriod(calendar: CalendarData, date: string, timezone: string): number {
  return endOfDayMs(workingDayOnOrAfter(calendar, date), timezone);
}

/** Deadline of "within after <date>" (the plan's issue date). */
export function deadlineAfterDate(date: string, within: Duration, calendar: CalendarData, timezone: string): string {
  switch (within.unit) {
    case 'working_day':
      return iso(endOfDayMs(addWorkingDays(calendar, date, within.amount), timezone));
    case 'day':
      return iso(endOfCalendarDayPeriod(calendar, addDays(date, within.amount), timezone));
    default:
      return iso(localToInstantMs(date, 0, timezone) + fixedMilliseconds(within)!);
  }
}

/** Deadline of "within after <instant>" (first apply, or a prerequisite's completion). */
export function deadlineAfterInstant(at: string, within: Duration, calendar: CalendarData, timezone: string): string {
  const anchorDate = toLocal(at, timezone).date;
  switch (within.unit) {
    case 'working_day':
      return iso(endOfDayMs(addWorkingDays(calendar, anchorDate, within.amount), timezone));
    case 'day':
      return iso(endOfCalendarDayPeriod(calendar, addDays(anchorDate, within.amount), timezone));
    default:
      return iso(Date.parse(at) + fixedMilliseconds(within)!);
  }
}

/** The instant of a local or offset date-time "YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]". */
export function dateTimeInstant(dateTime: string, timezone: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/.exec(dateTime);
  if (!match) throw new Error(`"${dateTime}" is not a date-time; write it as YYYY-MM-DDTHH:MM`);
  const [, date, hours, minutes, seconds = '00', zone] = match;
  if (zone) {
    const ms = Date.parse(`${date}T${hours}:${minutes}:${seconds}${zone}`);
    if (Number.isNaN(ms)) throw new Error(`"${dateTime}" is not a real date-time`);
    return iso(ms);
  }
  const millisOfDay = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
  return iso(localToInstantMs(date!, millisOfDay, timezone));
}

export interface DeadlineInstantInput {
  /** A written deadline form, or a compiled DeadlineRule from a TaskSpec. */
  rule: DeadlineForm | DeadlineRule;
  /** For an `after_task` rule: the prerequisite's completion instant. */
  anchorAt?: string;
  calendar: CalendarData;
  timezone: string;
}

/**
 * The deadline instant of any deadline form, or undefined when there is none: "none"
 * (thường xuyên), or an `after_task` rule whose prerequisite is not done yet (no anchorAt).
 */
export function deadlineInstant(input: DeadlineInstantInput): string | undefined {
  const { rule, calendar, timezone } = input;
  switch (rule.kind) {
    case 'none':
      return undefined;
    case 'instant':
      return iso(Date.parse(rule.at));
    case 'after_task':
      return input.anchorAt === undefined ? undefined : deadlineAfterInstant(input.anchorAt, rule.within, calendar, timezone);
    case 'date':
      return iso(endOfDayMs(rule.date, timezone));
    case 'date_time':
      return dateTimeInstant(rule.dateTime, timezone);
    case 'after_date':
      return deadlineAfterDate(rule.date, rule.within, calendar, timezone);
    case 'after_instant':
      return deadlineAfterInstant(rule.at, rule.within, calendar, timezone);
  }
}

export interface TimetableInput {
  /** The deadline instant (ISO). */
  deadlineAt: string;
  policy: ResolvedEscalationPolicy;
  calendar: CalendarData;
  timezone: string;
  /** Time the task spent paused (tạm hoãn); every entry moves later by this much. */
  pausedMs?: number;
}

/** The day N working or calendar days before the deadline date. */
function dayBefore(duration: Duration, deadline: DeadlineLocal, calendar: CalendarData): string {
  return duration.unit === 'working_day' ? addWorkingDays(calendar, deadline.date, -duration.amount) : addDays(deadline.date, -duration.amount);
}

function isDayBased(duration: Duration): boolean {
  return duration.unit === 'working_day' || duration.unit === 'day';
}

/** Whether a message counted in calendar days to `date` moves to the next working morning. */
function movesOffRestDay(duration: Duration, date: string, calendar: CalendarData, onRestDay: RestDayRule): boolean {
  return duration.unit === 'day' && onRestDay === 'move' && !isWorkingDay(calendar, date);
}

function workingMorningMs(calendar: CalendarData, date: string, timezone: string): number {
  return localToInstantMs(workingDayOnOrAfter(calendar, date), REMINDER_TIME_OF_DAY_MS, timezone);
}

/** The instant `after` the deadline for a ladder level (0 = the deadline itself). */
export function afterDeadline(
  deadlineAt: string,
  after: Duration,
  calendar: CalendarData,
  timezone: string,
  onRestDay: RestDayRule = 'move',
): string {
  const deadlineMs = Date.parse(deadlineAt);
  if (!isDayBased(after)) return iso(deadlineMs + fixedMilliseconds(after)!);
  if (after.amount === 0) return iso(deadlineMs);
  const deadline = deadlineLocal(deadlineAt, timezone);
  const date = after.unit === 'working_day' ? addWorkingDays(calendar, deadline.date, after.amount) : addDays(deadline.date, after.amount);
  if (movesOffRestDay(after, date, calendar, onRestDay)) return iso(workingMorningMs(calendar, date, timezone));
  return iso(localToInstantMs(date, deadline.millisOfDay, timezone));
}

/** The instant a task becomes "sắp đến hạn" (due soon); never later than the deadline. */
export function dueSoonAt(deadlineAt: string, dueSoon: Duration, calendar: CalendarData, timezone: string): string {
  const deadlineMs = Date.parse(deadlineAt);
  if (!isDayBased(dueSoon)) return iso(deadlineMs - fixedMilliseconds(dueSoon)!);
  const day = dayBefore(dueSoon, deadlineLocal(deadlineAt, timezone), calendar);
  return iso(Math.min(localToInstantMs(day, 0, timezone), deadlineMs));
}

/** The instant of a reminder `before` the deadline, or null when it would not fall before it. */
export function reminderAt(
  deadlineAt: string,
  before: Duration,
  calendar: CalendarData,
  timezone: string,
  onRestDay: RestDayRule = 'move',
): string | null {
  const deadlineMs = Date.parse(deadlineAt);
  let ms: number;
  if (isDayBased(before)) {
    const day = dayBefore(before, deadlineLocal(deadlineAt, timezone), calendar);
    ms = movesOffRestDay(before, day, calendar, onRestDay)
      ? workingMorningMs(calendar, day, timezone)
      : localToInstantMs(day, REMINDER_TIME_OF_DAY_MS, timezone);
  } else {
    ms = deadlineMs - fixedMilliseconds(before)!;
  }
  return ms < deadlineMs ? iso(ms) : null;
}

/**
 * Every instant of a task's timetable, sorted by time (ties keep the order due soon, reminders,
 * deadline, ladder): what the task workflow sleeps until, and what `kehoach timeline` prints.
 */
export function taskTimetable(input: TimetableInput): TimetableEntry[] {
  const { deadlineAt, policy, calendar, timezone } = input;
  const shift = (at: string): string => (input.pausedMs ? iso(Date.parse(at) + input.pausedMs) : at);
  const onRestDay = policy.onRestDay ?? 'move';
  const entries: TimetableEntry[] = [];
  entries.push({ kind: 'due_soon', at: shift(dueSoonAt(deadlineAt, policy.dueSoon, calendar, timezone)) });
  policy.reminders.forEach((before, index) => {
    const at = reminderAt(deadlineAt, before, calendar, timezone, onRestDay);
    if (at !== null) entries.push({ kind: 'reminder', index, before, at: shift(at) });
  });
  entries.push({ kind: 'deadline', at: shift(deadlineAt) });
  for (const level of policy.ladder) {
    entries.push({
      kind: 'escalation',
      level: level.level,
      to: level.to,
      action: level.action,
      at: shift(afterDeadline(deadlineAt, level.after, calendar, timezone, onRestDay)),
    });
  }
  return entries
    .map((entry, order) => ({ entry, order, ms: Date.parse(entry.at) }))
    .sort((a, b) => a.ms - b.ms || a.order - b.order)
    .map(({ entry }) => entry);
}
