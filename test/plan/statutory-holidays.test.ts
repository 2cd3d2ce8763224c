import t from 'tap';
import { addDays, isWorkingDay } from '../../src/plan/calendar';
import { loadCalendar } from '../../src/plan/calendar-file';
import { statutoryHolidays } from '../../src/plan/statutory-holidays';

const vn = loadCalendar('vn');
const weekend = [6, 7];
const dates = (year: number, announced: boolean): string[] => statutoryHolidays(year, { weekend, announced }).map((day) => day.date);

t.test('an unannounced year gets every holiday of Điều 112 and its make-up days', async (t) => {
  t.same(statutoryHolidays(2027, { weekend, announced: false }), [
    { date: '2027-01-01', name: 'Tết Dương lịch' },
    { date: '2027-02-05', name: 'Tết Nguyên đán, ngày cuối năm âm lịch', provisional: true },
    { date: '2027-02-06', name: 'Tết Nguyên đán, mùng 1', provisional: true },
    { date: '2027-02-07', name: 'Tết Nguyên đán, mùng 2', provisional: true },
    { date: '2027-02-08', name: 'Tết Nguyên đán, mùng 3', provisional: true },
    { date: '2027-02-09', name: 'Tết Nguyên đán, mùng 4', provisional: true },
    { date: '2027-02-10', name: 'Nghỉ bù Tết Nguyên đán, mùng 1 (06/02 là ngày nghỉ hằng tuần)', provisional: true },
    { date: '2027-02-11', name: 'Nghỉ bù Tết Nguyên đán, mùng 2 (07/02 là ngày nghỉ hằng tuần)', provisional: true },
    { date: '2027-04-16', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
    { date: '2027-04-30', name: 'Ngày Chiến thắng' },
    { date: '2027-05-01', name: 'Ngày Quốc tế Lao động' },
    { date: '2027-05-03', name: 'Nghỉ bù Ngày Quốc tế Lao động (01/05 là ngày nghỉ hằng tuần)' },
    { date: '2027-09-01', name: 'Quốc khánh, ngày liền kề', provisional: true },
    { date: '2027-09-02', name: 'Quốc khánh' },
  ]);
});

t.test('the day next to 2/9 defaults to 1/9, or 3/9 when 1/9 is a weekend day', async (t) => {
  // 2029: 1/9 is a Saturday and 2/9 a Sunday: 3/9 is the adjacent day, 4/9 makes up 2/9.
  const days = dates(2029, false).filter((date) => date.startsWith('2029-09'));
  t.same(days, ['2029-09-02', '2029-09-03', '2029-09-04']);
});

t.test('make-up days skip other holidays: 30/4 on a Saturday and 1/5 on a Sunday', async (t) => {
  // 2028: Sunday 30/4 and Monday 1/5: made up on Tuesday 2/5.
  t.same(
    dates(2028, false).filter((date) => date >= '2028-04-30' && date <= '2028-05-31'),
    ['2028-04-30', '2028-05-01', '2028-05-02'],
  );
  // 2033: Saturday 30/4 and Sunday 1/5: made up on Monday 2/5 and Tuesday 3/5.
  t.same(
    dates(2033, false).filter((date) => date >= '2033-04-30' && date <= '2033-05-31'),
    ['2033-04-30', '2033-05-01', '2033-05-02', '2033-05-03'],
  );
});

t.test('an announced year takes Tết and the day next to 2/9 from its announcement', async (t) => {
  const days = dates(2023, true);
  t.same(days, ['2023-01-01', '2023-01-02', '2023-04-29', '2023-04-30', '2023-05-01', '2023-05-02', '2023-05-03', '2023-09-02', '2023-09-04']);
});

t.test('1/1/2027 and 30/4/2027 are holidays with no 2027 entry in calendars/vn.yaml', async (t) => {
  t.notOk(vn.years.includes(2027));
  t.notOk(vn.holidays.some((date) => date.startsWith('2027')));
  t.equal(isWorkingDay(vn, '2027-01-01'), false);
  t.equal(isWorkingDay(vn, '2027-04-30'), false);
  t.equal(isWorkingDay(vn, '2027-05-03'), false, '1/5/2027 (Saturday) made up on Monday 3/5');
  t.equal(isWorkingDay(vn, '2027-02-05'), false, 'Tết Đinh Mùi defaults: the last day of the year…');
  t.equal(isWorkingDay(vn, '2027-02-11'), false, '…to the make-up days of mùng 1 and mùng 2');
  t.equal(isWorkingDay(vn, '2027-02-12'), true);
  t.equal(isWorkingDay(vn, '2027-04-16'), false, 'Giỗ Tổ 10/3 Đinh Mùi');
});

// Every weekday rest day and every worked weekend day of 2022–2026 as they were announced, from
// the calendar file as it was before the law's days were derived: nothing may change.
const ANNOUNCED_REST_WEEKDAYS = [
  '2022-01-03',
  '2022-01-31',
  '2022-02-01',
  '2022-02-02',
  '2022-02-03',
  '2022-02-04',
  '2022-04-11',
  '2022-05-02',
  '2022-05-03',
  '2022-09-01',
  '2022-09-02',
  '2023-01-02',
  '2023-01-20',
  '2023-01-23',
  '2023-01-24',
  '2023-01-25',
  '2023-01-26',
  '2023-05-01',
  '2023-05-02',
  '2023-05-03',
  '2023-09-01',
  '2023-09-04',
  '2024-01-01',
  '2024-02-08',
  '2024-02-09',
  '2024-02-12',
  '2024-02-13',
  '2024-02-14',
  '2024-04-18',
  '2024-04-29',
  '2024-04-30',
  '2024-05-01',
  '2024-09-02',
  '2024-09-03',
  '2025-01-01',
  '2025-01-27',
  '2025-01-28',
  '2025-01-29',
  '2025-01-30',
  '2025-01-31',
  '2025-04-07',
  '2025-04-30',
  '2025-05-01',
  '2025-05-02',
  '2025-09-01',
  '2025-09-02',
  '2026-01-01',
  '2026-01-02',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20',
  '2026-04-27',
  '2026-04-30',
  '2026-05-01',
  '2026-09-01',
  '2026-09-02',
];
const ANNOUNCED_WORKED_WEEKEND_DAYS = ['2024-05-04', '2025-04-26', '2026-01-10'];

t.test('the announced days of 2022–2026 are unchanged', async (t) => {
  const rest: string[] = [];
  const worked: string[] = [];
  for (let date = '2022-01-01'; date <= '2026-12-31'; date = addDays(date, 1)) {
    const weekendDay = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    if (!weekendDay && !isWorkingDay(vn, date)) rest.push(date);
    if (weekendDay && isWorkingDay(vn, date)) worked.push(date);
  }
  t.same(rest, ANNOUNCED_REST_WEEKDAYS);
  t.same(worked, ANNOUNCED_WORKED_WEEKEND_DAYS);
});
