import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalendarFileError, listCalendars, loadCalendar } from '../../src/plan/calendar-file';

function calendarDir(t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kehoach-calendars-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

t.test('the shipped calendar loads with five announced years', async (t) => {
  t.ok(listCalendars().includes('vn'));
  const vn = loadCalendar('vn');
  t.equal(vn.name, 'vn');
  t.same(vn.weekend, [6, 7]);
  t.same(vn.years, [2022, 2023, 2024, 2025, 2026]);
  t.equal(vn.statutoryHolidays, 'vn-labour-code-2019');
  t.notOk(vn.holidays.includes('2023-01-02'), 'a make-up day the law gives is derived, not listed');
  t.ok(vn.holidays.includes('2023-01-20'), 'an announced Tết day is listed');
  t.ok(vn.workingWeekends.includes('2024-05-04'));
  t.ok(vn.holidays.length <= 7 * vn.years.length, 'only what the announcements add: a few days a year');
  t.notOk(vn.holidays.includes('2023-01-21'), 'weekend days inside a range are not listed as holidays');
  t.same([...vn.holidays].sort(), vn.holidays, 'sorted');
});

t.test('ranges expand and weekend-only dates drop out', async (t) => {
  const dir = calendarDir(t, {
    'mini.yaml': [
      'name: mini',
      'weekend: [6, 7]',
      'years:',
      '  - year: 2024',
      '    holidays:',
      '      - { from: 2024-02-08, to: 2024-02-14, name: Tết }',
      '    workingWeekends:',
      '      - { date: 2024-05-04, name: Làm bù }',
    ].join('\n'),
  });
  const mini = loadCalendar('mini', dir);
  t.same(mini.holidays, ['2024-02-08', '2024-02-09', '2024-02-12', '2024-02-13', '2024-02-14']);
  t.same(mini.workingWeekends, ['2024-05-04']);
  t.same(listCalendars(dir), ['mini']);
});

t.test('problems are reported with what to do', async (t) => {
  const dir = calendarDir(t, {
    'bad.yaml': [
      'name: other',
      'weekend: [6, 7]',
      'years:',
      '  - year: 2024',
      '    holidays:',
      '      - { from: 2024-02-14, to: 2024-02-08, name: Tết }',
      '      - { date: 2025-01-01, name: Sai năm }',
      '    workingWeekends:',
      '      - { date: 2024-05-06, name: Thứ Hai }',
      '  - year: 2024',
    ].join('\n'),
    'typo.yaml': 'name: typo\nweekend: [6, 7]\nyears:\n  - year: 2024\n    holiday: []\n',
    'broken.yaml': 'name: [unclosed\n',
  });
  const error = t.throws(() => loadCalendar('bad', dir, 'en')) as CalendarFileError;
  t.type(error, CalendarFileError);
  const text = error.problems.join('\n');
  t.match(text, /name: is "other" but the file is bad\.yaml/);
  t.match(text, /"from" 2024-02-14 is after "to" 2024-02-08; swap them/);
  t.match(text, /2025-01-01 is not in 2024; list it under year 2025/);
  t.match(text, /2024-05-06 is not a weekend day/);
  t.match(text, /2024 appears twice/);
  t.throws(() => loadCalendar('typo', dir, 'en'), /years\.0: Unrecognized key: "holiday"/);
  t.throws(() => loadCalendar('broken', dir, 'en'), /is not valid YAML/);
  t.throws(() => loadCalendar('missing', dir, 'en'), /no calendar named "missing".*available: bad, broken, typo/);
  t.throws(() => loadCalendar('../vn', dir, 'en'), /is not a calendar name/);
});

t.test('with the law rules, a recorded year must give its Tết days and the day next to 2/9', async (t) => {
  const dir = calendarDir(t, {
    'half.yaml': [
      'name: half',
      'weekend: [6, 7]',
      'statutoryHolidays: vn-labour-code-2019',
      'years:',
      '  - year: 2027',
      '    holidays:',
      '      - { date: 2027-05-03, name: Nghỉ hoán đổi }',
      '  - year: 2028',
      '    holidays:',
      '      - { from: 2028-01-24, to: 2028-01-30, name: Tết Mậu Thân }',
      '      - { date: 2028-09-01, name: Quốc khánh }',
    ].join('\n'),
    'law.yaml': 'name: law\nweekend: [6, 7]\nstatutoryHolidays: bllđ\nyears:\n  - year: 2024\n',
  });
  const error = t.throws(() => loadCalendar('half', dir, 'en')) as CalendarFileError;
  t.same(error.problems, [
    'years.0.holidays: no Tết Nguyên đán days around 2027-02-06 (mùng 1 Tết); add the announced rest period, e.g. { from: …, to: …, name: "Tết Nguyên đán" }',
    'years.0.holidays: neither 2027-09-01 nor 2027-09-03 is listed; add the announced day next to Quốc khánh 2/9',
  ]);
  t.throws(() => loadCalendar('law', dir, 'en'), /statutoryHolidays: must be "vn-labour-code-2019"/);
});

t.test('the problems in Vietnamese by default, in the same places', async (t) => {
  const dir = calendarDir(t, {
    'sai.yaml': [
      'name: khac',
      'weekend: [6, 8]',
      'years:',
      '  - year: 2024',
      '    holidays:',
      '      - { from: 2024-02-14, to: 2024-02-08, name: Tết }',
      '    workingWeekends:',
      '      - { date: 2024-05-06, name: Thứ Hai }',
    ].join('\n'),
    'thua.yaml': 'name: thua\nweekend: [6, 7]\nyears:\n  - year: 2024\n    holiday: []\n',
  });
  const previous = process.env.KEHOACH_LANG;
  delete process.env.KEHOACH_LANG;
  t.teardown(() => {
    if (previous === undefined) delete process.env.KEHOACH_LANG;
    else process.env.KEHOACH_LANG = previous;
  });
  const error = t.throws(() => loadCalendar('sai', dir)) as CalendarFileError;
  t.match(error.message, /sai\.yaml: lịch làm việc không hợp lệ/);
  t.same(error.problems, ['weekend.1: phải là thứ theo ISO: 1 = thứ Hai … 7 = Chủ nhật']);
  t.throws(() => loadCalendar('thua', dir), /years\.0: không có trường "holiday"; hãy bỏ đi/);
  t.throws(() => loadCalendar('khong-co', dir), /không có lịch "khong-co" trong .*; các lịch có: sai, thua/);
  const semantic = calendarDir(t, {
    'ngay.yaml': 'name: ngay\nweekend: [6, 7]\nyears:\n  - year: 2024\n    workingWeekends:\n      - { date: 2024-05-06, name: Thứ Hai }\n',
  });
  t.throws(() => loadCalendar('ngay', semantic), /years\.0\.workingWeekends\.0: ngày 2024-05-06 không phải ngày nghỉ cuối tuần/);
});
