import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { diffSpecs, diffValues, formatPlanDiff, hasChanges } from '../../src/apply/diff';
import { translator } from '../../src/i18n';
import { loadCalendar } from '../../src/plan/calendar-file';
import { compilePlan } from '../../src/plan/compile';
import { loadPlanText } from '../../src/plan/load';
import type { TaskSpec } from '../../src/plan/model';

const fixture = (name: string) => path.resolve(__dirname, '..', 'fixtures', 'plans', 'valid', name);
const firstAppliedAt = '2026-03-02T02:00:00.000Z';

function compile(name: string): TaskSpec[] {
  const file = fixture(name);
  const { plan, diagnostics } = loadPlanText(readFileSync(file, 'utf8'), file);
  if (!plan) throw new Error(JSON.stringify(diagnostics));
  return compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt });
}

t.test('identical specs: no changes', async (t) => {
  const specs = compile('drill-small.yaml');
  const diff = diffSpecs('drill-small', specs, compile('drill-small.yaml'));
  t.equal(hasChanges(diff), false);
  t.same([diff.added, diff.changed, diff.removed], [0, 0, 0]);
  t.equal(formatPlanDiff(diff), 'Kế hoạch drill-small: không có thay đổi.');
});

t.test('nothing applied yet: every task workflow is added', async (t) => {
  const specs = compile('drill-small.yaml');
  const diff = diffSpecs('drill-small', [], specs);
  t.equal(diff.added, 6, '4 tasks, one of them in 2 units with its roll-up');
  t.same(
    diff.entries.map((entry) => entry.workflowId),
    specs.map((spec) => `task:drill-small:${spec.taskId}${spec.unitId ? `@${spec.unitId}` : ''}`),
  );
  t.same(
    diff.entries.filter((entry) => entry.unitId).map((entry) => entry.unitId),
    ['ubnd-tp-vinh', 'ubnd-quynh-luu'],
  );
});

t.test('the amended plan: changed field by field, added, removed', async (t) => {
  const diff = diffSpecs('drill-small', compile('drill-small.yaml'), compile('drill-small-amended.yaml'));
  t.same(
    diff.entries.map((entry) => [entry.change, entry.taskId]),
    [
      ['changed', 'lam-sach-ho-tich'],
      ['added', 'khai-thac-ho-tich'],
      ['removed', 'tuyen-truyen'],
    ],
  );
  const changed = diff.entries[0]!;
  // 30 days after 02/03/2026 is 01/04/2026; 40 days is 11/04/2026, a Saturday, so the period ends on Monday 13/04.
  // A date deadline is the midnight that ends the day.
  t.same(changed.fields, [
    { field: 'deadline.at', before: '2026-04-01T17:00:00.000Z', after: '2026-04-13T17:00:00.000Z' },
    // The added task waits for this one, which now releases it too.
    { field: 'dependants', before: ['so-hoa-ho-tich'], after: ['so-hoa-ho-tich', 'khai-thac-ho-tich'] },
  ]);
  const text = formatPlanDiff(diff);
  t.match(text, 'Kế hoạch drill-small: 1 nhiệm vụ thêm, 1 sửa, 1 bỏ.');
  t.match(text, /~ lam-sach-ho-tich .*\n {4}deadline\.at: 01\/04\/2026 → 13\/04\/2026/);
  t.match(text, '+ khai-thac-ho-tich  Khai thác dữ liệu hộ tịch đã làm sạch cho dịch vụ công  (hạn 10 ngày làm việc sau khi xong lam-sach-ho-tich)');
  t.match(text, '- tuyen-truyen  Tuyên truyền');
  const english = formatPlanDiff(diff, translator('en'));
  t.match(english, 'Plan drill-small: tasks added 1, changed 1, removed 1.');
  t.match(english, '(due 10 working days after lam-sach-ho-tich is done)');
  t.notMatch(english, /hạn|nhiệm vụ/, 'no Vietnamese word of our own in English');
});

t.test('nested and list fields', async (t) => {
  t.same(diffValues({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1, 2, 3] } }), [
    { field: 'a.b', before: 1, after: 2 },
    { field: 'a.c', before: [1, 2], after: [1, 2, 3] },
  ]);
  t.same(diffValues({ ladder: [{ after: 1 }, { after: 3 }] }, { ladder: [{ after: 1 }, { after: 5 }] }), [
    { field: 'ladder[1].after', before: 3, after: 5 },
  ]);
  t.same(diffValues({ x: 1 }, { x: 1, y: 'new' }), [{ field: 'y', before: undefined, after: 'new' }]);
});

t.test('a calendar change shows the days added and removed, not two long lists', async (t) => {
  const before = compile('drill-small.yaml');
  const after = before.map((spec) => ({
    ...spec,
    calendar: { ...spec.calendar, holidays: [...spec.calendar.holidays, '2026-12-31'] },
    specHash: `${spec.specHash}-x`,
  }));
  const text = formatPlanDiff(diffSpecs('drill-small', before, after));
  t.match(text, 'calendar.holidays: thêm "2026-12-31"');
  t.notMatch(text, /2022-01-01/, 'unchanged days are not printed');
});
