/**
 * Working days and local dates. Pure and deterministic: no zod, no Node built-ins, never the
 * clock, so that task workflows can compute the same instants as the CLI and the tests.
 *
 * Dates are local calendar dates written "YYYY-MM-DD"; arithmetic on them is done on UTC
 * midnights, where every day has 24 hours. Instants are ISO strings in UTC or epoch
 * milliseconds. Converting between the two goes through Intl.DateTimeFormat, which gives the
 * same answer for the same instant and timezone everywhere, except in a zone whose offset has
 * not changed since a known instant (Vietnam's UTC+7 since 1975: FIXED_OFFSET_ZONES), where it
 * is arithmetic and the tests hold it to Intl's answer.
 */
import type { CalendarData } from './model';
import { statutoryHolidays } from './statutory-holidays';

const DAY_MS = 86_400_000;

// Task workflows run this module in a node:vm context, where each read of a global (Date,
// Number, Object) goes through the context's interceptor, about 0.15 µs against nothing for a
// local; a timetable steps through dozens of days, each a few conversions. So the day arithmetic
// below reads its globals once, when the module is evaluated, and converts with unary plus.
const DateOfMs = Date;
const utcMsOf = Date.UTC;

function dateToUtcMs(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`"${date}" is not a date; write it as YYYY-MM-DD`);
  return utcMsOf(+match[1]!, +match[2]! - 1, +match[3]!);
}

function utcMsToDate(ms: number): string {
  return new DateOfMs(ms).toISOString().slice(0, 10);
}

/** The date `days` calendar days after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  return utcMsToDate(dateToUtcMs(date) + days * DAY_MS);
}

/** Calendar days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateToUtcMs(b) - dateToUtcMs(a)) / DAY_MS);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  // Day 0, 01/01/1970, was a Thursday (4).
  const day = dateToUtcMs(date) / DAY_MS;
  return (((day % 7) + 10) % 7) + 1;
}

/** Number of days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 week of a date: the year that owns the week (may differ at year ends) and its number. */
export function isoWeek(date: string): { year: number; week: number } {
  // The ISO week belongs to the year of its Thursday.
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return { year, week };
}

// ---------------------------------------------------------------------------------------------
// Local time in a timezone

// Building a formatter costs far more than using one (the first loads the timezone data): one per
// timezone for the life of the process, shared by every conversion and by the plan's timezone check.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock's parts in `timezone`, as toLocal reads them (and the tests read Intl). */
export function wallClockFormat(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = wallClockFormat(timezone);
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** Whether `timezone` is an IANA name this runtime knows ("Asia/Ho_Chi_Minh"). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalDateTime {
  /** YYYY-MM-DD */
  date: string;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function toMs(instant: string | number): number {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`"${String(instant)}" is not an instant; write it as an ISO date-time`);
  return ms;
}

// Zones whose offset from UTC has stayed the same since an instant: there, from that instant on,
// local time is arithmetic and no formatter is built. Each task workflow evaluates this module
// afresh (its own module state), so without this every workflow's first conversion built one:
// the costliest step of its rules on a completion. Vietnam has kept UTC+7 since 13/06/1975
// (tzdata, Asia/Ho_Chi_Minh; Asia/Saigon is its older name). test/plan/calendar.test.ts checks
// every entry against this runtime's Intl, so a change in the timezone database fails it.
const HOUR_MS = 3_600_000;
const VIETNAM = { offsetMs: 7 * HOUR_MS, sinceMs: Date.UTC(1975, 5, 12, 16) };
const UNCHANGED = { offsetMs: 0, sinceMs: Date.UTC(1900, 0, 1) };
export const FIXED_OFFSET_ZONES: ReadonlyMap<string, { offsetMs: number; sinceMs: number }> = new Map([
  ['Asia/Ho_Chi_Minh', VIETNAM],
  ['Asia/Saigon', VIETNAM],
  ['UTC', UNCHANGED],
  ['Etc/UTC', UNCHANGED],
]);
// Past this, toISOString writes six-digit years; Intl answers there.
const LAST_FOUR_DIGIT_YEAR_MS = Date.UTC(9999, 11, 31);

/** The local wall time of `ms` where the zone's offset is known to be fixed, else undefined. */
function fixedOffsetLocal(ms: number, timezone: string): LocalDateTime | undefined {
  const zone = FIXED_OFFSET_ZONES.get(timezone);
  if (!zone || ms < zone.sinceMs || ms >= LAST_FOUR_DIGIT_YEAR_MS) return undefined;
  const wall = new DateOfMs(ms + zone.offsetMs);
  return {
    date: wall.toISOString().slice(0, 10),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: wall.getUTCMilliseconds(),
  };
}

// Deadlines, reminders and ladder steps convert the same few hundred instants again and again
// (a plan's validation asks about 4 times per instant), and formatToParts is the costly step:
// remembered per timezone, forgotten wholesale past a bound so a long-lived worker stays small.
const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, Map<number, Readonly<LocalDateTime>>>();

/** The wall-clock date and time of an instant in a timezone. */
export function toLocal(instant: string | number, timezone: string): LocalDateTime {
  const ms = toMs(instant);
  const fixed = fixedOffsetLocal(ms, timezone);
  if (fixed) return fixed;
  let known = remembered.get(timezone);
  const hit = known?.get(ms);
  if (hit) return { ...hit };
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(ms)) parts[part.type] = part.value;
  const local: LocalDateTime = {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
  if (!known || known.size >= MAX_REMEMBERED) {
    known = new Map();
    remembered.set(timezone, known);
  }
  known.set(ms, local);
  return { ...local };
}

/** The local date of an instant in a timezone. */
export function localDate(instant: string | number, timezone: string): string {
  return toLocal(instant, timezone).date;
}

/** Offset of the timezone from UTC at an instant, in milliseconds (Asia/Ho_Chi_Minh: +7 h). */
export function timezoneOffsetMs(instant: string | number, timezone: string): number {
  const ms = toMs(instant);
  const local = toLocal(ms, timezone);
  const wallAsUtc = dateToUtcMs(local.date) + ((local.hour * 60 + local.minute) * 60 + local.second) * 1000;
  return wallAsUtc - (ms - local.millisecond);
}

/**
 * The instant at which the clocks in `timezone` show `date` at `millisOfDay` after midnight
 * (86_400_000 = the midnight that ends the day). Two passes settle offsets that change near the
 * wanted instant; in a gap the later offset wins.
 */
export function localToInstantMs(date: string, millisOfDay: number, timezone: string): number {
  const wall = dateToUtcMs(date) + millisOfDay;
  const first = wall - timezoneOffsetMs(wall, timezone);
  return wall - timezoneOffsetMs(first, timezone);
}

/** Like localToInstantMs, as an ISO string in UTC. */
export function localToInstant(date: string, millisOfDay: number, timezone: string): string {
  return new Date(localToInstantMs(date, millisOfDay, timezone)).toISOString();
}

/** The local midnight that starts `date`. */
export function startOfLocalDay(date: string, timezone: string): string {
  return localToInstant(date, 0, timezone);
}

/** The local midnight that ends `date` (= the start of the next day). */
export function endOfLocalDay(date: string, timezone: string): string {
  return localToInstant(addDays(date, 1), 0, timezone);
}

// ---------------------------------------------------------------------------------------------
// Working days

interface CalendarIndex {
  weekend: Set<number>;
  holidays: Set<string>;
  workingWeekends: Set<string>;
  years: Set<number>;
  /** The law's holidays and make-up days, computed once per year when first asked. */
  statutory: Map<number, Set<string>>;
  /** Working days of a year counted from 1/1 through each day (index: day of the year from 0), once per year when first asked. */
  workingThrough: Map<number, Uint16Array>;
}

// Calendars are plain data passed around by value: index each object once, and each calendar's
// content once, since every task's record carries its own copy (a deep copy of its state) and a
// year's holidays of the law take a lunar computation. The copies of one plan share one index.
const indexes = new WeakMap<CalendarData, CalendarIndex>();
const indexesByContent = new Map<string, CalendarIndex>();
/** Distinct calendars indexed by content at once (a process serves a few); the oldest makes room. */
const CONTENT_INDEXES_KEPT = 32;

function indexOf(calendar: CalendarData): CalendarIndex {
  let index = indexes.get(calendar);
  if (index) return index;
  const content = JSON.stringify(calendar);
  index = indexesByContent.get(content);
  if (!index) {
    index = {
      weekend: new Set(calendar.weekend),
      holidays: new Set(calendar.holidays),
      workingWeekends: new Set(calendar.workingWeekends),
      years: new Set(calendar.years),
      statutory: new Map(),
      workingThrough: new Map(),
    };
    if (indexesByContent.size >= CONTENT_INDEXES_KEPT) indexesByContent.delete(indexesByContent.keys().next().value!);
    indexesByContent.set(content, index);
  }
  indexes.set(calendar, index);
  return index;
}

function statutoryRestDays(calendar: CalendarData, index: CalendarIndex, year: number): Set<string> {
  let days = index.statutory.get(year);
  if (!days) {
    days = calendar.statutoryHolidays
      ? new Set(statutoryHolidays(year, { weekend: calendar.weekend, announced: index.years.has(year) }).map((day) => day.date))
      : new Set<string>();
    index.statutory.set(year, days);
  }
  return days;
}

/**
 * Whether state agencies work on this date: not a weekend day (unless a make-up Saturday), not a
 * holiday of the law (computed for any year) and not a rest day an announcement added.
 */
export function isWorkingDay(calendar: CalendarData, date: string): boolean {
  const index = indexOf(calendar);
  if (index.workingWeekends.has(date)) return true;
  if (index.holidays.has(date)) return false;
  if (index.weekend.has(isoWeekday(date))) return false;
  return !statutoryRestDays(calendar, index, +date.slice(0, 4)).has(date);
}

// A calendar whose every weekday is a rest day would loop forever; no real calendar has a
// rest period anywhere near this long.
const MAX_SEARCH_DAYS = 366;

function step(calendar: CalendarData, date: string, direction: 1 | -1): string {
  let current = date;
  for (let tries = 0; tries < MAX_SEARCH_DAYS; tries++) {
    current = addDays(current, direction);
    if (isWorkingDay(calendar, current)) return current;
  }
  throw new Error(`calendar "${calendar.name}" has no working day within a year of ${date}; check its weekend and holidays`);
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(calendar: CalendarData, date: string): string {
  return step(calendar, date, 1);
}

/** The last working day strictly before `date`. */
export function previousWorkingDay(calendar: CalendarData, date: string): string {
  return step(calendar, date, -1);
}

/** `date` itself when it is a working day, otherwise the next working day. */
export function workingDayOnOrAfter(calendar: CalendarData, date: string): string {
  return isWorkingDay(calendar, date) ? date : nextWorkingDay(calendar, date);
}

/**
 * The date that is the `n`th working day after `date` (n < 0: before it). The start date does
 * not count, whether or not it is a working day; n = 0 returns `date` unchanged.
 * Example (vn): 5 working days after 2023-01-18 is 2023-02-01, across Tết 20–26/01/2023.
 */
export function addWorkingDays(calendar: CalendarData, date: string, n: number): string {
  if (!Number.isInteger(n)) throw new Error(`working days must be a whole number, got ${n}`);
  let current = date;
  const direction = n < 0 ? -1 : 1;
  for (let counted = 0; counted < Math.abs(n); counted++) current = step(calendar, current, direction);
  return current;
}

/**
 * Working days in the interval (a, b]: how many working days after `a` it takes to reach `b`,
 * so addWorkingDays(cal, a, workingDaysBetween(cal, a, b)) === b when b is a working day.
 * Negative when b is before a (counting the working days in (b, a]).
 */
export function workingDaysBetween(calendar: CalendarData, a: string, b: string): number {
  if (a === b) return 0;
  const [from, to, sign] = a < b ? [a, b, 1] : [b, a, -1];
  // Counted by whole years from each year's running count: an escalation's overdue days span
  // years when a plan is applied long after its deadlines, one for each of its tasks.
  const fromYear = +from.slice(0, 4);
  const toYear = +to.slice(0, 4);
  let count = workingDaysThrough(calendar, to) - workingDaysThrough(calendar, from);
  for (let year = fromYear; year < toYear; year++) count += workingDaysThrough(calendar, `${String(year).padStart(4, '0')}-12-31`);
  return sign * count;
}

/** Working days from 1/1 of `date`'s year through `date` itself. */
function workingDaysThrough(calendar: CalendarData, date: string): number {
  const index = indexOf(calendar);
  const year = +date.slice(0, 4);
  let through = index.workingThrough.get(year);
  if (!through) {
    const firstDay = `${date.slice(0, 4)}-01-01`;
    through = new Uint16Array(daysBetween(firstDay, `${date.slice(0, 4)}-12-31`) + 1);
    let count = 0;
    for (let day = 0; day < through.length; day++) {
      if (isWorkingDay(calendar, addDays(firstDay, day))) count++;
      through[day] = count;
    }
    index.workingThrough.set(year, through);
  }
  return through[daysBetween(`${date.slice(0, 4)}-01-01`, date)]!;
}

/**
 * Whether the calendar records the announcement for `year`. Otherwise the law's holidays still
 * apply, but Tết and the day next to 2/9 are defaults and no swapped day is known.
 */
export function calendarCovers(calendar: CalendarData, year: number): boolean {
  return indexOf(calendar).years.has(year);
}

/**
 * The years whose announcement the calendar does not record, among the local dates of these
 * instants (a deadline, a reminder, a ladder step, an extension), sorted. An instant at local
 * midnight belongs to the day it ends, as deadlines do: the end of 31/12/2026 is in 2026.
 */
export function unannouncedYears(calendar: CalendarData, instants: readonly (string | number)[], timezone: string): number[] {
  const years = new Set<number>();
  for (const instant of instants) {
    const ms = toMs(instant);
    const local = toLocal(ms, timezone);
    const atMidnight = local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
    const year = Number((atMidnight ? addDays(local.date, -1) : local.date).slice(0, 4));
    if (!calendarCovers(calendar, year)) years.add(year);
  }
  return [...years].sort((a, b) => a - b);
}

// ---------- dates shown to people ----------

/**
 * dd/mm/yyyy (also d/m/yyyy, with . or - between), as Vietnamese documents write dates → the
 * YYYY-MM-DD it spells, whether or not that is a real day; undefined for any other shape.
 */
export function parseDateVi(text: string): string | undefined {
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  return match ? `${match[3]}-${match[2]!.padStart(2, '0')}-${match[1]!.padStart(2, '0')}` : undefined;
}

/** YYYY-MM-DD → dd/mm/yyyy, as Vietnamese documents write dates. */
export function formatDateVi(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

/**
 * A deadline as documents write it, in the plan's timezone: the day (dd/mm/yyyy) it ends when it
 * is the midnight that ends a day (how date deadlines are stored), else also its time (HH:mm).
 */
export function deadlineParts(instant: string, timezone: string): { date: string; time?: string } {
  const local = toLocal(instant, timezone);
  const endOfDay = local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
  if (endOfDay) return { date: formatDateVi(localDate(Date.parse(instant) - 1, timezone)) };
  return { date: formatDateVi(local.date), time: `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}` };
}

/** A deadline as Vietnamese documents write it: dd/mm/yyyy, or "HH:mm ngày dd/mm/yyyy". */
export function formatDeadlineVi(instant: string, timezone: string): string {
  const { date, time } = deadlineParts(instant, timezone);
  return time === undefined ? date : `${time} ngày ${date}`;
}
