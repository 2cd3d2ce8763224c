import t from 'tap';
import { translator, unannouncedYearsText } from '../../src/i18n';
import {
  addDays,
  addWorkingDays,
  formatDateVi,
  formatDeadlineVi,
  calendarCovers,
  endOfLocalDay,
  FIXED_OFFSET_ZONES,
  isoWeek,
  isoWeekday,
  isWorkingDay,
  localDate,
  localToInstant,
  nextWorkingDay,
  previousWorkingDay,
  startOfLocalDay,
  timezoneOffsetMs,
  toLocal,
  unannouncedYears,
  wallClockFormat,
  workingDayOnOrAfter,
  workingDaysBetween,
} from '../../src/plan/calendar';
import { loadCalendar } from '../../src/plan/calendar-file';
import type { CalendarData } from '../../src/plan/model';

const vn = loadCalendar('vn');
const TZ = 'Asia/Ho_Chi_Minh';

t.test('announced holidays and make-up days (vn)', async (t) => {
  // 1/1/2023 fell on a Sunday: made up on Monday 2/1.
  t.equal(isWorkingDay(vn, '2023-01-02'), false, '2023-01-02 is a holiday');
  // Tết Quý Mão: 20–26/01/2023.
  for (const date of ['2023-01-20', '2023-01-23', '2023-01-24', '2023-01-25', '2023-01-26']) {
    t.equal(isWorkingDay(vn, date), false, `${date} is Tết`);
  }
  t.equal(isWorkingDay(vn, '2023-01-19'), true, 'the Thursday before Tết is worked');
  t.equal(isWorkingDay(vn, '2023-01-27'), true, 'Friday 27/01/2023 is worked');
  // 2024: Saturday 4/5 worked in exchange for Monday 29/4.
  t.equal(isoWeekday('2024-05-04'), 6);
  t.equal(isWorkingDay(vn, '2024-05-04'), true, '2024-05-04 (Saturday) is a working day');
  t.equal(isWorkingDay(vn, '2024-04-29'), false, '2024-04-29 (Monday) is a rest day');
  t.equal(isWorkingDay(vn, '2024-02-08'), false, 'Tết Giáp Thìn starts 08/02/2024');
  t.equal(isWorkingDay(vn, '2024-02-15'), true, 'and work resumes 15/02/2024');
  t.equal(isWorkingDay(vn, '2024-09-03'), false, 'Quốc khánh 2024 includes 03/09');
  // 2022
  t.equal(isWorkingDay(vn, '2022-01-03'), false, '1/1/2022 (Saturday) made up on 03/01');
  t.equal(isWorkingDay(vn, '2022-04-11'), false, 'Giỗ Tổ 2022 (Sunday) made up on 11/04');
  t.equal(isWorkingDay(vn, '2022-05-03'), false);
  t.equal(isWorkingDay(vn, '2022-09-01'), false);
  // 2025
  t.equal(isWorkingDay(vn, '2025-01-27'), false, 'Tết Ất Tỵ');
  t.equal(isWorkingDay(vn, '2025-02-03'), true);
  t.equal(isWorkingDay(vn, '2025-04-26'), true, 'Saturday 26/04/2025 worked for Friday 02/05');
  t.equal(isWorkingDay(vn, '2025-05-02'), false);
  // 2026
  t.equal(isWorkingDay(vn, '2026-01-02'), false);
  t.equal(isWorkingDay(vn, '2026-01-10'), true, 'Saturday 10/01/2026 worked for Friday 02/01');
  t.equal(isWorkingDay(vn, '2026-02-16'), false, 'Tết Bính Ngọ');
  t.equal(isWorkingDay(vn, '2026-02-23'), true);
  t.equal(isWorkingDay(vn, '2026-04-27'), false, 'Giỗ Tổ 2026 (Sunday) made up on 27/04');
  // Ordinary days
  t.equal(isWorkingDay(vn, '2022-11-07'), true, 'a Monday');
  t.equal(isWorkingDay(vn, '2022-11-12'), false, 'a Saturday');
  t.equal(isWorkingDay(vn, '2022-11-13'), false, 'a Sunday');
});

t.test('adding working days across Tết', async (t) => {
  t.equal(addWorkingDays(vn, '2023-01-18', 5), '2023-02-01');
  t.equal(addWorkingDays(vn, '2023-01-18', 1), '2023-01-19');
  t.equal(addWorkingDays(vn, '2023-01-18', 2), '2023-01-27');
  t.equal(addWorkingDays(vn, '2023-01-18', 0), '2023-01-18');
  t.equal(addWorkingDays(vn, '2023-02-01', -5), '2023-01-18', 'negative counts go back');
  t.equal(addWorkingDays(vn, '2023-01-22', 1), '2023-01-27', 'from inside Tết');
  t.equal(addWorkingDays(vn, '2024-04-26', 1), '2024-05-02', 'over the 2024 swap');
  t.equal(addWorkingDays(vn, '2024-05-03', 1), '2024-05-04', 'onto the make-up Saturday');
  t.throws(() => addWorkingDays(vn, '2023-01-18', 1.5), /whole number/);
});

t.test('working days between two dates', async (t) => {
  t.equal(workingDaysBetween(vn, '2023-01-18', '2023-02-01'), 5);
  t.equal(workingDaysBetween(vn, '2023-02-01', '2023-01-18'), -5);
  t.equal(workingDaysBetween(vn, '2023-01-18', '2023-01-18'), 0);
  t.equal(workingDaysBetween(vn, '2022-11-07', '2022-11-14'), 5, 'one ordinary week');
  for (const [date, n] of [
    ['2022-11-07', 42],
    ['2023-01-10', 17],
    ['2024-04-20', 9],
  ] as const) {
    t.equal(workingDaysBetween(vn, date, addWorkingDays(vn, date, n)), n, `round trip from ${date}`);
  }
  // Counted by years, checked against counting day by day: over year ends, a leap year's 29/2,
  // Tết, and spans of several years (a plan applied long after its deadlines).
  const dayByDay = (a: string, b: string) => {
    let count = 0;
    for (let day = addDays(a, 1); day <= b; day = addDays(day, 1)) if (isWorkingDay(vn, day)) count++;
    return count;
  };
  for (const [a, b] of [
    ['2022-11-07', '2026-12-05'],
    ['2023-12-31', '2024-01-01'],
    ['2023-12-30', '2024-03-01'],
    ['2024-02-28', '2024-03-01'],
    ['2021-06-15', '2022-06-15'],
    ['2019-01-01', '2031-12-31'],
  ] as const) {
    t.equal(workingDaysBetween(vn, a, b), dayByDay(a, b), `${a} to ${b}`);
    t.equal(workingDaysBetween(vn, b, a), -dayByDay(a, b), `${b} back to ${a}`);
  }
});

t.test('next and previous working days', async (t) => {
  t.equal(nextWorkingDay(vn, '2023-01-19'), '2023-01-27');
  t.equal(previousWorkingDay(vn, '2023-01-27'), '2023-01-19');
  t.equal(workingDayOnOrAfter(vn, '2023-01-19'), '2023-01-19');
  t.equal(workingDayOnOrAfter(vn, '2023-01-21'), '2023-01-27');
});

t.test('calendar coverage and years outside it', async (t) => {
  for (const year of [2022, 2023, 2024, 2025, 2026]) t.ok(calendarCovers(vn, year), `${year} covered`);
  t.notOk(calendarCovers(vn, 2027));
  t.notOk(calendarCovers(vn, 2021));
  // The law's holidays need no entry: 1/1/2027 and 30/4/2027 are Fridays, both rest days.
  t.equal(isWorkingDay(vn, '2027-01-01'), false, '1/1/2027 is Tết Dương lịch');
  t.equal(isWorkingDay(vn, '2027-04-30'), false, '30/4/2027 is Ngày Chiến thắng');
  t.equal(isWorkingDay(vn, '2027-04-29'), true);
});

t.test('a calendar that never works fails instead of looping', async (t) => {
  const never: CalendarData = { name: 'never', weekend: [1, 2, 3, 4, 5, 6, 7], holidays: [], workingWeekends: [], years: [] };
  t.throws(() => nextWorkingDay(never, '2024-01-01'), /no working day within a year/);
});

t.test('local dates and instants in Asia/Ho_Chi_Minh', async (t) => {
  t.equal(endOfLocalDay('2022-11-30', TZ), '2022-11-30T17:00:00.000Z');
  t.equal(startOfLocalDay('2022-11-30', TZ), '2022-11-29T17:00:00.000Z');
  t.equal(localToInstant('2022-11-30', 8 * 3_600_000, TZ), '2022-11-30T01:00:00.000Z');
  t.equal(localDate('2022-11-30T16:59:59.999Z', TZ), '2022-11-30');
  t.equal(localDate('2022-11-30T17:00:00.000Z', TZ), '2022-12-01');
  t.same(toLocal('2022-11-30T10:30:15.250Z', TZ), { date: '2022-11-30', hour: 17, minute: 30, second: 15, millisecond: 250 });
  t.equal(timezoneOffsetMs('2024-06-01T00:00:00Z', TZ), 7 * 3_600_000);
  t.equal(timezoneOffsetMs('2024-06-01T00:00:00Z', 'UTC'), 0);
});

t.test('zones of a fixed offset convert as the timezone database says, on either side of its start', async (t) => {
  // What toLocal answers without its arithmetic: this runtime's Intl, part by part.
  const intlLocal = (ms: number, format: Intl.DateTimeFormat) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
    const millisecond = ((ms % 1000) + 1000) % 1000;
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
      millisecond,
    };
  };
  const DAY = 86_400_000;
  for (const [timezone, zone] of FIXED_OFFSET_ZONES) {
    // A formatter of its own: toLocal never builds one for these zones.
    const format = wallClockFormat(timezone);
    const instants = [zone.sinceMs - 1, zone.sinceMs, zone.sinceMs + 1, Date.UTC(9999, 11, 30, 23, 59, 59, 999)];
    // Every 3.7 days (so every hour of the day comes round) from the start to 2100.
    for (let ms = zone.sinceMs + 123_457; ms < Date.UTC(2100, 0, 1); ms += 3.7 * DAY) instants.push(ms);
    const differing = instants.filter((ms) => JSON.stringify(toLocal(ms, timezone)) !== JSON.stringify(intlLocal(ms, format)));
    t.same(
      differing.map((ms) => new Date(ms).toISOString()),
      [],
      `${timezone}: ${instants.length} instants as Intl has them`,
    );
    t.equal(timezoneOffsetMs(zone.sinceMs, timezone), zone.offsetMs, `${timezone}: the offset from its start`);
  }
  // Before 13/06/1975 Saigon kept UTC+8: the instant before the start is Intl's answer.
  t.equal(timezoneOffsetMs(FIXED_OFFSET_ZONES.get(TZ)!.sinceMs - 1, TZ), 8 * 3_600_000);
});

t.test('timezones with daylight saving convert both ways', async (t) => {
  // Europe/Paris switched to summer time at 01:00 UTC on 2024-03-31.
  t.equal(localToInstant('2024-03-30', 12 * 3_600_000, 'Europe/Paris'), '2024-03-30T11:00:00.000Z');
  t.equal(localToInstant('2024-03-31', 12 * 3_600_000, 'Europe/Paris'), '2024-03-31T10:00:00.000Z');
  t.equal(endOfLocalDay('2024-03-30', 'Europe/Paris'), '2024-03-30T23:00:00.000Z');
});

t.test('date helpers', async (t) => {
  t.equal(addDays('2024-02-28', 1), '2024-02-29');
  t.equal(addDays('2023-03-01', -1), '2023-02-28');
  t.equal(isoWeekday('2023-01-22'), 7);
  // Counted from 01/01/1970 without Date: the same weekday as Date gives, before 1970 and after.
  const wrong: string[] = [];
  for (let date = '1899-12-25'; date < '2101-01-01'; date = addDays(date, 11)) {
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (isoWeekday(date) !== (day === 0 ? 7 : day)) wrong.push(date);
  }
  t.same(wrong, [], 'isoWeekday agrees with Date from 1899 to 2100');
  t.same(isoWeek('2023-02-03'), { year: 2023, week: 5 });
  t.same(isoWeek('2021-01-01'), { year: 2020, week: 53 });
  t.same(isoWeek('2024-12-30'), { year: 2025, week: 1 });
  t.throws(() => addDays('30/11/2022', 1), /write it as YYYY-MM-DD/);
});

t.test('dates shown to people: dd/mm/yyyy, a deadline at the midnight ending a day is that day', async (t) => {
  t.equal(formatDateVi('2023-01-02'), '02/01/2023');
  t.equal(formatDeadlineVi('2022-12-25T17:00:00.000Z', 'Asia/Ho_Chi_Minh'), '25/12/2022', 'the midnight ending 25/12 is shown as that day');
  t.equal(formatDeadlineVi('2022-11-30T10:00:00.000Z', 'Asia/Ho_Chi_Minh'), '17:00 ngày 30/11/2022');
  t.equal(formatDeadlineVi('2022-11-30T17:00:00.000Z', 'UTC'), '17:00 ngày 30/11/2022', "in the plan's own timezone");
});

t.test('a warning names the years whose announcement is not recorded', async (t) => {
  const instants = [
    '2026-12-31T17:00:00.000Z', // the end of 31/12/2026: still 2026
    '2027-01-04T01:00:00.000Z', // 08:00 on 04/01/2027
    '2026-06-30T17:00:00.000Z',
    '2028-02-01T03:00:00.000Z',
  ];
  t.same(unannouncedYears(vn, instants, TZ), [2027, 2028]);
  t.same(unannouncedYears(vn, ['2026-12-31T17:00:00.000Z', Date.parse('2022-01-03T01:00:00Z')], TZ), []);
  t.equal(unannouncedYearsText(vn, [], translator('vi')), undefined);
  t.equal(
    unannouncedYearsText(vn, [2027, 2028], translator('vi')),
    'Lịch làm việc "vn" chưa ghi thông báo nghỉ lễ, Tết của năm 2027, 2028: ngày nghỉ lễ theo Bộ luật Lao động 2019 vẫn được tính, nhưng các ngày nghỉ Tết Nguyên đán và ngày nghỉ liền kề Quốc khánh 2/9 đang tạm tính theo mặc định, chưa có ngày hoán đổi, làm bù. Bổ sung năm 2027, 2028 vào calendars/vn.yaml khi có thông báo chính thức.',
  );
});
