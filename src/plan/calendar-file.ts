/**
 * Reads working-day calendars from `calendars/<name>.yaml`. This is the only module that reads
 * calendar files: everything else receives the resulting CalendarData as plain data, so that
 * workflows and tests never touch the file system.
 *
 * File shape (see calendars/README.md):
 *   name: vn
 *   weekend: [6, 7]
 *   statutoryHolidays: vn-labour-code-2019   # 1/1, Giỗ Tổ, 30/4, 1/5, 2/9 and make-up days, any year
 *   years:                                   # what each year's announcement adds
 *     - year: 2024
 *       holidays:
 *         - { from: 2024-02-08, to: 2024-02-14, name: Tết Nguyên đán }
 *         - { date: 2024-04-29, name: Nghỉ hoán đổi với thứ Bảy 4/5 }
 *         - { date: 2024-09-03, name: Quốc khánh (ngày liền kề sau 2/9) }
 *       workingWeekends:
 *         - { date: 2024-05-04, name: Làm bù cho thứ Hai 29/4 }
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { addDays } from './calendar';
import { lunarNewYear } from './lunar';
import type { CalendarData } from './model';
import { dateSchema } from './schema';
import { VN_LABOUR_CODE_2019, statutoryHolidays } from './statutory-holidays';

export const DEFAULT_CALENDAR_DIR = resolve(__dirname, '..', '..', 'calendars');

const calendarNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  message: 'must be the file name without ".yaml", in lower-case letters, digits, "-" or "_" (for example "vn")',
});

const holidaySchema = z.union([
  z.strictObject({ date: dateSchema, name: z.string().min(1) }),
  z.strictObject({ from: dateSchema, to: dateSchema, name: z.string().min(1) }),
]);

const workingWeekendSchema = z.strictObject({ date: dateSchema, name: z.string().min(1) });

const yearSchema = z.strictObject({
  year: z.number().int().min(1900).max(2200),
  holidays: z.array(holidaySchema).default([]),
  workingWeekends: z.array(workingWeekendSchema).default([]),
});

const calendarFileSchema = z.strictObject({
  name: calendarNameSchema,
  weekend: z.array(z.number().int().min(1).max(7, { message: 'must be an ISO weekday: 1 = Monday … 7 = Sunday' })).max(6),
  statutoryHolidays: z.literal(VN_LABOUR_CODE_2019, { message: `must be "${VN_LABOUR_CODE_2019}" (Bộ luật Lao động 2019) or left out` }).optional(),
  years: z.array(yearSchema).min(1),
});

// Where an announcement's Tết days fall around mùng 1: a period starts at most a few days before
// it and ends within a week after it.
const TET_WINDOW = { before: 3, after: 8 } as const;

export class CalendarFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid calendar\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'CalendarFileError';
  }
}

/** ISO weekday of a YYYY-MM-DD date, 1 = Monday … 7 = Sunday. */
function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function datesFrom(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) {
    dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  return dates;
}

/**
 * With the law's rules, a recorded year stands for its announcement, which fixes the days the
 * law leaves to the Prime Minister: the Tết days and the day next to 2/9. A year that lists
 * neither would silently lose them.
 */
function missingAnnouncedDays(year: number, listed: Set<string>, where: string): string[] {
  const problems: string[] = [];
  const newYear = lunarNewYear(year);
  const tetWindow = datesFrom(addDays(newYear, -TET_WINDOW.before), addDays(newYear, TET_WINDOW.after));
  if (!tetWindow.some((date) => listed.has(date))) {
    problems.push(
      `${where}.holidays: no Tết Nguyên đán days around ${newYear} (mùng 1 Tết); add the announced rest period, e.g. { from: …, to: …, name: "Tết Nguyên đán" }`,
    );
  }
  if (!listed.has(`${year}-09-01`) && !listed.has(`${year}-09-03`)) {
    problems.push(`${where}.holidays: neither ${year}-09-01 nor ${year}-09-03 is listed; add the announced day next to Quốc khánh 2/9`);
  }
  return problems;
}

/** Names of the calendars available in `dir` (the file names without ".yaml"). */
export function listCalendars(dir: string = DEFAULT_CALENDAR_DIR): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.endsWith('.yaml'))
    .map((entry) => entry.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * Loads and checks `<dir>/<name>.yaml`. Throws CalendarFileError listing every problem when
 * the file is missing or malformed, so a plan author sees what to fix in the calendar itself.
 */
export function loadCalendar(name: string, dir: string = DEFAULT_CALENDAR_DIR): CalendarData {
  const file = join(dir, `${name}.yaml`);
  if (!calendarNameSchema.safeParse(name).success) {
    throw new CalendarFileError(file, [`"${name}" is not a calendar name; use one of: ${listCalendars(dir).join(', ') || '(none found)'}`]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CalendarFileError(file, [`no calendar named "${name}" in ${dir}; available: ${listCalendars(dir).join(', ') || '(none)'}`]);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new CalendarFileError(file, [`is not valid YAML: ${(error as Error).message}`]);
  }
  const parsed = calendarFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CalendarFileError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`),
    );
  }
  const data = parsed.data;
  const problems: string[] = [];
  if (data.name !== name) problems.push(`name: is "${data.name}" but the file is ${name}.yaml; make them equal`);

  const weekend = new Set(data.weekend);
  const holidays = new Set<string>();
  const workingWeekends = new Set<string>();
  const years = new Set<number>();
  data.years.forEach((entry, yearIndex) => {
    const where = `years.${yearIndex}`;
    if (years.has(entry.year)) problems.push(`${where}.year: ${entry.year} appears twice; merge the two entries`);
    years.add(entry.year);
    const listed = new Set<string>();
    // Days the law already gives need not travel with the calendar: keep only what the announcement adds.
    const derived = new Set(
      data.statutoryHolidays ? statutoryHolidays(entry.year, { weekend: data.weekend, announced: true }).map((day) => day.date) : [],
    );
    entry.holidays.forEach((holiday, index) => {
      const [from, to] = 'date' in holiday ? [holiday.date, holiday.date] : [holiday.from, holiday.to];
      if (from > to) {
        problems.push(`${where}.holidays.${index}: "from" ${from} is after "to" ${to}; swap them`);
        return;
      }
      for (const date of datesFrom(from, to)) {
        if (Number(date.slice(0, 4)) !== entry.year) {
          problems.push(`${where}.holidays.${index}: ${date} is not in ${entry.year}; list it under year ${date.slice(0, 4)}`);
          break;
        }
        listed.add(date);
        // Rest days already off by the weekend rule add nothing; a range like Tết spans them.
        if (!weekend.has(weekdayOf(date)) && !derived.has(date)) holidays.add(date);
      }
    });
    if (data.statutoryHolidays) problems.push(...missingAnnouncedDays(entry.year, listed, where));
    entry.workingWeekends.forEach((working, index) => {
      if (Number(working.date.slice(0, 4)) !== entry.year) {
        problems.push(`${where}.workingWeekends.${index}: ${working.date} is not in ${entry.year}`);
      }
      if (!weekend.has(weekdayOf(working.date))) {
        problems.push(`${where}.workingWeekends.${index}: ${working.date} is not a weekend day; only weekend days can be made working days`);
      }
      workingWeekends.add(working.date);
    });
  });
  for (const date of workingWeekends) {
    if (holidays.has(date)) problems.push(`${date} is listed both as a holiday and as a working weekend day; keep one`);
  }
  if (problems.length > 0) throw new CalendarFileError(file, problems);

  return {
    name: data.name,
    weekend: [...weekend].sort((a, b) => a - b),
    ...(data.statutoryHolidays ? { statutoryHolidays: data.statutoryHolidays } : {}),
    holidays: [...holidays].sort(),
    workingWeekends: [...workingWeekends].sort(),
    years: [...years].sort((a, b) => a - b),
  };
}
