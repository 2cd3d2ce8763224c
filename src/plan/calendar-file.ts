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
import * as z from 'zod';
import { languageFromEnv, translator, type Language, type Translate } from '../i18n';
import { addDays } from './calendar';
import { lunarNewYear } from './lunar';
import type { CalendarData } from './model';
import { VN_LABOUR_CODE_2019, statutoryHolidays } from './statutory-holidays';

export const DEFAULT_CALENDAR_DIR = resolve(__dirname, '..', '..', 'calendars');

// Messages come from the catalogue (calendarIssue), in the reader's language.
const calendarNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);

const calendarDate = z.iso.date();

const holidaySchema = z.union([
  z.strictObject({ date: calendarDate, name: z.string().min(1) }),
  z.strictObject({ from: calendarDate, to: calendarDate, name: z.string().min(1) }),
]);

const workingWeekendSchema = z.strictObject({ date: calendarDate, name: z.string().min(1) });

const yearSchema = z.strictObject({
  year: z.number().int().min(1900).max(2200),
  holidays: z.array(holidaySchema).default([]),
  workingWeekends: z.array(workingWeekendSchema).default([]),
});

const calendarFileSchema = z.strictObject({
  name: calendarNameSchema,
  weekend: z.array(z.number().int().min(1).max(7)).max(6),
  statutoryHolidays: z.literal(VN_LABOUR_CODE_2019).optional(),
  years: z.array(yearSchema).min(1),
});

// Where an announcement's Tết days fall around mùng 1: a period starts at most a few days before
// it and ends within a week after it.
const TET_WINDOW = { before: 3, after: 8 } as const;

export class CalendarFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
    t: Translate,
  ) {
    super(`${file}: ${t('validate:calendarFile.invalid')}\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'CalendarFileError';
  }
}

/** What is wrong with one value of the file, in the reader's language. */
function calendarIssue(issue: z.core.$ZodRawIssue, t: Translate): string {
  const field = issue.path?.at(-1);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? t('validate:calendarFile.issue.missing')
        : t('validate:calendarFile.issue.wrongType', { expected: issue.expected });
    case 'unrecognized_keys':
      return t('validate:calendarFile.issue.unknownKeys', { keys: issue.keys.map((key) => `"${key}"`).join(', ') });
    case 'too_small':
      if (issue.origin === 'array') return t('validate:calendarFile.issue.minItems', { min: String(issue.minimum) });
      if (issue.origin === 'string') return t('validate:calendarFile.issue.notEmpty');
      return typeof field === 'number'
        ? t('validate:calendarFile.issue.weekday')
        : t('validate:calendarFile.issue.atLeast', { min: String(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'array') return t('validate:calendarFile.issue.maxItems', { max: String(issue.maximum) });
      return typeof field === 'number'
        ? t('validate:calendarFile.issue.weekday')
        : t('validate:calendarFile.issue.atMost', { max: String(issue.maximum) });
    case 'invalid_value':
      return t('validate:calendarFile.issue.statutory', { value: VN_LABOUR_CODE_2019 });
    case 'invalid_format':
      return field === 'name' ? t('validate:calendarFile.issue.name') : t('validate:calendarFile.issue.date');
    case 'invalid_union':
      return t('validate:calendarFile.issue.shape');
    default:
      return t('validate:calendarFile.issue.invalid');
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
function missingAnnouncedDays(year: number, listed: Set<string>, where: string, t: Translate): string[] {
  const problems: string[] = [];
  const newYear = lunarNewYear(year);
  const tetWindow = datesFrom(addDays(newYear, -TET_WINDOW.before), addDays(newYear, TET_WINDOW.after));
  if (!tetWindow.some((date) => listed.has(date))) {
    problems.push(t('validate:calendarFile.noTet', { where: `${where}.holidays`, newYear }));
  }
  if (!listed.has(`${year}-09-01`) && !listed.has(`${year}-09-03`)) {
    problems.push(t('validate:calendarFile.noNationalDay', { where: `${where}.holidays`, year }));
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
 * the file is missing or malformed, so a plan author sees what to fix in the calendar itself
 * (in `language`, by default KEHOACH_LANG's).
 */
export function loadCalendar(name: string, dir: string = DEFAULT_CALENDAR_DIR, language: Language = languageFromEnv()): CalendarData {
  const t = translator(language);
  const file = join(dir, `${name}.yaml`);
  const fail = (problems: string[]) => new CalendarFileError(file, problems, t);
  const available = () => listCalendars(dir).join(', ') || t('validate:calendarFile.none');
  if (!calendarNameSchema.safeParse(name).success) {
    throw fail([t('validate:calendarFile.badName', { name, names: available() })]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw fail([t('validate:calendarFile.notFound', { name, dir, names: available() })]);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw fail([t('validate:calendarFile.notYaml', { reason: (error as Error).message })]);
  }
  const parsed = calendarFileSchema.safeParse(raw, { error: (issue) => calendarIssue(issue, t) });
  if (!parsed.success) {
    throw fail(parsed.error.issues.map((issue) => `${issue.path.join('.') || t('validate:calendarFile.topLevel')}: ${issue.message}`));
  }
  const data = parsed.data;
  const problems: string[] = [];
  if (data.name !== name) problems.push(t('validate:calendarFile.nameMismatch', { name: data.name, file: name }));

  const weekend = new Set(data.weekend);
  const holidays = new Set<string>();
  const workingWeekends = new Set<string>();
  const years = new Set<number>();
  data.years.forEach((entry, yearIndex) => {
    const where = `years.${yearIndex}`;
    if (years.has(entry.year)) problems.push(t('validate:calendarFile.yearTwice', { where, year: entry.year }));
    years.add(entry.year);
    const listed = new Set<string>();
    // Days the law already gives need not travel with the calendar: keep only what the announcement adds.
    const derived = new Set(
      data.statutoryHolidays ? statutoryHolidays(entry.year, { weekend: data.weekend, announced: true }).map((day) => day.date) : [],
    );
    entry.holidays.forEach((holiday, index) => {
      const [from, to] = 'date' in holiday ? [holiday.date, holiday.date] : [holiday.from, holiday.to];
      if (from > to) {
        problems.push(t('validate:calendarFile.fromAfterTo', { where: `${where}.holidays.${index}`, from, to }));
        return;
      }
      for (const date of datesFrom(from, to)) {
        if (Number(date.slice(0, 4)) !== entry.year) {
          problems.push(
            t('validate:calendarFile.holidayNotInYear', { where: `${where}.holidays.${index}`, date, year: entry.year, dateYear: date.slice(0, 4) }),
          );
          break;
        }
        listed.add(date);
        // Rest days already off by the weekend rule add nothing; a range like Tết spans them.
        if (!weekend.has(weekdayOf(date)) && !derived.has(date)) holidays.add(date);
      }
    });
    if (data.statutoryHolidays) problems.push(...missingAnnouncedDays(entry.year, listed, where, t));
    entry.workingWeekends.forEach((working, index) => {
      if (Number(working.date.slice(0, 4)) !== entry.year) {
        problems.push(
          t('validate:calendarFile.workingNotInYear', { where: `${where}.workingWeekends.${index}`, date: working.date, year: entry.year }),
        );
      }
      if (!weekend.has(weekdayOf(working.date))) {
        problems.push(t('validate:calendarFile.notWeekend', { where: `${where}.workingWeekends.${index}`, date: working.date }));
      }
      workingWeekends.add(working.date);
    });
  });
  for (const date of workingWeekends) {
    if (holidays.has(date)) problems.push(t('validate:calendarFile.holidayAndWorking', { date }));
  }
  if (problems.length > 0) throw fail(problems);

  return {
    name: data.name,
    weekend: [...weekend].sort((a, b) => a - b),
    ...(data.statutoryHolidays ? { statutoryHolidays: data.statutoryHolidays } : {}),
    holidays: [...holidays].sort(),
    workingWeekends: [...workingWeekends].sort(),
    years: [...years].sort((a, b) => a - b),
  };
}
