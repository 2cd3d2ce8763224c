/**
 * The public holidays the law fixes, for any year. Pure and workflow-safe: no zod, no Node
 * built-ins, never the clock.
 *
 * Bộ luật Lao động 2019 (Luật 45/2019/QH14):
 * - Điều 112 khoản 1: Tết Dương lịch 1/1; Tết Âm lịch 5 days; Ngày Chiến thắng 30/4; Ngày Quốc tế
 *   lao động 1/5; Quốc khánh 2 days, 2/9 "và 01 ngày liền kề trước hoặc sau" (1/9 or 3/9); Giỗ Tổ
 *   Hùng Vương 10/3 âm lịch.
 * - Điều 112 khoản 3: each year the Prime Minister fixes which 5 days of Tết and which day next to
 *   2/9 are taken. Those come from the year's announcement (calendars/<name>.yaml); until it is
 *   recorded, defaults stand in (see below) and a warning says the year is not announced.
 * - Điều 111 khoản 3: a holiday falling on a weekly rest day is made up on the next working day.
 */
import { addDays, isoWeekday } from './calendar';
import { lunarNewYear, lunarToSolar } from './lunar';

/** The rule set of Bộ luật Lao động 2019, as named in calendar files. */
export const VN_LABOUR_CODE_2019 = 'vn-labour-code-2019';
export type StatutoryRuleSet = typeof VN_LABOUR_CODE_2019;

export interface StatutoryHoliday {
  /** YYYY-MM-DD */
  date: string;
  name: string;
  /** A default standing in for what the year's announcement will fix (Tết, the day next to 2/9). */
  provisional?: true;
}

export interface StatutoryHolidayOptions {
  /** ISO weekdays of the weekly rest (6, 7). */
  weekend: readonly number[];
  /**
   * Whether the year's announcement is recorded: then Tết and the day next to 2/9 come from it,
   * and only what the law itself fixes is derived here.
   */
  announced: boolean;
}

// Mùng 1 to mùng 4, after the last day of the old year: five days.
const TET_DAYS_FROM_NEW_YEAR = 4;

/**
 * Every rest day the law gives in `year`, weekly rest days included, followed by the make-up
 * days (nghỉ bù) of those falling on the weekend, in date order.
 *
 * Unannounced years use defaults for what the Prime Minister decides: Tết is the last day of the
 * old lunar year and mùng 1 to mùng 4 (the shape of the 2022 and 2026 announcements); the day next
 * to 2/9 is 1/9, or 3/9 when 1/9 is a weekly rest day (as announced for 2024).
 */
export function statutoryHolidays(year: number, options: StatutoryHolidayOptions): StatutoryHoliday[] {
  const weekend = new Set(options.weekend);
  const isRestDay = (date: string): boolean => weekend.has(isoWeekday(date));
  const pad = (n: number): string => String(n).padStart(2, '0');
  const solar = (month: number, day: number): string => `${year}-${pad(month)}-${pad(day)}`;

  const days: StatutoryHoliday[] = [
    { date: solar(1, 1), name: 'Tết Dương lịch' },
    { date: lunarToSolar(year, 3, 10)!, name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
    { date: solar(4, 30), name: 'Ngày Chiến thắng' },
    { date: solar(5, 1), name: 'Ngày Quốc tế Lao động' },
    { date: solar(9, 2), name: 'Quốc khánh' },
  ];
  if (!options.announced) {
    const newYear = lunarNewYear(year);
    days.push({ date: addDays(newYear, -1), name: 'Tết Nguyên đán, ngày cuối năm âm lịch', provisional: true });
    for (let day = 0; day < TET_DAYS_FROM_NEW_YEAR; day++) {
      days.push({ date: addDays(newYear, day), name: `Tết Nguyên đán, mùng ${day + 1}`, provisional: true });
    }
    const adjacent = isRestDay(solar(9, 1)) ? solar(9, 3) : solar(9, 1);
    days.push({ date: adjacent, name: 'Quốc khánh, ngày liền kề', provisional: true });
  }
  days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  const taken = new Set(days.map((day) => day.date));
  const makeUps: StatutoryHoliday[] = [];
  for (const day of days) {
    if (!isRestDay(day.date)) continue;
    let date = addDays(day.date, 1);
    while (isRestDay(date) || taken.has(date)) date = addDays(date, 1);
    taken.add(date);
    makeUps.push({
      date,
      name: `Nghỉ bù ${day.name} (${day.date.slice(8, 10)}/${day.date.slice(5, 7)} là ngày nghỉ hằng tuần)`,
      ...(day.provisional ? { provisional: true as const } : {}),
    });
  }
  return [...days, ...makeUps].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
