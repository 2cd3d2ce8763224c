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
  t.ok(vn.holidays.includes('2023-01-02'));
  t.ok(vn.workingWeekends.includes('2024-05-04'));
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
  const error = t.throws(() => loadCalendar('bad', dir)) as CalendarFileError;
  t.type(error, CalendarFileError);
  const text = error.problems.join('\n');
  t.match(text, /name: is "other" but the file is bad\.yaml/);
  t.match(text, /"from" 2024-02-14 is after "to" 2024-02-08; swap them/);
  t.match(text, /2025-01-01 is not in 2024; list it under year 2025/);
  t.match(text, /2024-05-06 is not a weekend day/);
  t.match(text, /2024 appears twice/);
  t.throws(() => loadCalendar('typo', dir), /years\.0: Unrecognized key: "holiday"/);
  t.throws(() => loadCalendar('broken', dir), /is not valid YAML/);
  t.throws(() => loadCalendar('missing', dir), /no calendar named "missing".*available: bad, broken, typo/);
  t.throws(() => loadCalendar('../vn', dir), /is not a calendar name/);
});
