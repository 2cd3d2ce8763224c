import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCalendar } from '../../src/plan/calendar-file';
import { compilePlan, describeTarget, expandRecurrence, hashSpec, resolveEscalationPolicy } from '../../src/plan/compile';
import { parseDuration } from '../../src/plan/duration';
import { canonicalJson } from '../../src/canonical-json';
import type { TaskSpec } from '../../src/plan/model';
import { planSchema, type Plan } from '../../src/plan/schema';

const FIXTURE = join(__dirname, '..', 'fixtures', 'plans', 'valid', 'timeline-sample.yaml');
const vn = loadCalendar('vn');

function samplePlan(): Plan {
  return planSchema.parse(parse(readFileSync(FIXTURE, 'utf8')));
}

function specOf(specs: TaskSpec[], taskId: string, key?: { unitId?: string; occurrence?: string }): TaskSpec {
  const spec = specs.find(
    (candidate) =>
      candidate.taskId === taskId &&
      (key?.unitId === undefined || candidate.unitId === key.unitId) &&
      (key?.occurrence === undefined || candidate.occurrence === key.occurrence),
  );
  if (!spec) throw new Error(`no spec for ${taskId} ${JSON.stringify(key)}`);
  return spec;
}

const plan = samplePlan();
const compiled = compilePlan(plan, vn, { firstAppliedAt: '2023-01-12T03:00:00.000Z' });
/** The workflows that carry the work; the roll-ups over units and occurrences are tested on their own. */
const specs = compiled.filter((spec) => !spec.members);

t.test('a task with units or occurrences has a roll-up over its members; every spec names its dependants', async (t) => {
  const rollups = compiled.filter((spec) => spec.members);
  const carried = new Set(specs.filter((spec) => spec.unitId || spec.occurrence).map((spec) => spec.taskId));
  t.same(rollups.map((spec) => spec.taskId).sort(), [...carried].sort(), 'one roll-up per task carried by copies');
  const whole = rollups.find((spec) => spec.taskId === 'so-hoa-ho-khau')!;
  t.equal(whole.unitId, undefined);
  t.equal(whole.lead, plan.tasks.find((task) => task.id === 'so-hoa-ho-khau')!.lead, "led by the task's lead");
  t.same(
    whole.members,
    specs.filter((spec) => spec.taskId === 'so-hoa-ho-khau').map((spec) => ({ unitId: spec.unitId })),
  );
  t.same([whole.escalation.reminders, whole.escalation.ladder], [[], []], 'no reminders or ladder of its own');
  for (const task of plan.tasks) {
    const dependants = plan.tasks.filter((other) => other.dependsOn.includes(task.id)).map((other) => other.id);
    const releaser = compiled.find((spec) => spec.taskId === task.id && !spec.unitId && !spec.occurrence)!;
    t.same(releaser.dependants ?? [], dependants, `${task.id} releases ${dependants.join(', ') || 'nobody'}`);
  }
});

t.test('one spec per task, unit and occurrence', async (t) => {
  t.equal(specs.length, 23);
  t.same(
    specs.filter((spec) => spec.taskId === 'cap-cccd').map((spec) => spec.unitId),
    ['ubnd-tp-vinh', 'ubnd-quynh-luu', 'ubnd-hung-nguyen'],
    'a kind selector picks every district committee under the province, in plan order',
  );
  const ids = specs.map((spec) => [spec.taskId, spec.unitId ?? '', spec.occurrence ?? ''].join('/'));
  t.equal(new Set(ids).size, ids.length, 'every spec has its own key');
  for (const spec of specs) {
    t.equal(spec.planId, 'timeline-sample');
    t.equal(spec.timezone, 'Asia/Ho_Chi_Minh');
    t.equal(spec.calendar, vn);
  }
});

t.test('deadline forms resolve to rules', async (t) => {
  t.same(specOf(specs, 'lam-sach-ho-tich').deadline, { kind: 'instant', at: '2023-01-18T17:00:00.000Z' });
  t.same(specOf(specs, 'hop-giao-ban').deadline, { kind: 'instant', at: '2023-02-03T08:30:00.000Z' });
  t.same(specOf(specs, 'ket-noi-dich-vu-cong').deadline, { kind: 'instant', at: '2023-01-17T17:00:00.000Z' }, '5 working days after 10/01');
  t.same(specOf(specs, 'tuyen-truyen').deadline, { kind: 'instant', at: '2023-01-27T17:00:00.000Z' }, '10 days land in Tết');
  t.same(specOf(specs, 'dien-tap').deadline, { kind: 'instant', at: '2023-01-12T03:15:00.000Z' }, '15 minutes after the first apply');
  t.same(specOf(specs, 'so-hoa-ho-tich').deadline, {
    kind: 'after_task',
    taskId: 'lam-sach-ho-tich',
    within: { amount: 10, unit: 'working_day' },
  });
  t.same(specOf(specs, 'ho-tro-vneid').deadline, { kind: 'none' });
});

t.test('before the first apply, "after: applied" counts from the start of the issue date', async (t) => {
  const unapplied = compilePlan(plan, vn);
  t.same(specOf(unapplied, 'dien-tap').deadline, { kind: 'instant', at: '2023-01-09T17:15:00.000Z' });
});

t.test('units: each copy is led by its unit', async (t) => {
  const vinh = specOf(specs, 'so-hoa-ho-khau', { unitId: 'ubnd-tp-vinh' });
  t.equal(vinh.lead, 'ubnd-tp-vinh');
  t.same(vinh.deadline, { kind: 'instant', at: '2023-02-10T17:00:00.000Z' });
  t.same(vinh.escalation.ladder[0]!.to, { kind: 'lead_head', agency: 'ubnd-tp-vinh' });
  const quynhLuu = specOf(specs, 'so-hoa-ho-khau', { unitId: 'ubnd-quynh-luu' });
  t.equal(quynhLuu.lead, 'ubnd-quynh-luu');
  t.not(vinh.specHash, quynhLuu.specHash);
  t.same(specOf(specs, 'cap-cccd', { unitId: 'ubnd-hung-nguyen' }).target, {
    metric: 'Tỷ lệ công dân đủ điều kiện được cấp',
    unit: '%',
    value: 100,
  });
});

t.test('recurrences: one occurrence per period, day clamped to the month', async (t) => {
  const monthly = specs.filter((spec) => spec.taskId === 'bao-cao-thang');
  t.same(
    monthly.map((spec) => [spec.occurrence, spec.deadline]),
    [
      ['2023-01', { kind: 'instant', at: '2023-01-31T17:00:00.000Z' }],
      ['2023-02', { kind: 'instant', at: '2023-02-28T17:00:00.000Z' }],
      ['2023-03', { kind: 'instant', at: '2023-03-31T17:00:00.000Z' }],
      ['2023-04', { kind: 'instant', at: '2023-04-30T17:00:00.000Z' }],
    ],
  );
  t.same(
    specs.filter((spec) => spec.taskId === 'bao-cao-quy').map((spec) => spec.occurrence),
    ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4'],
  );
  t.same(specOf(specs, 'bao-cao-quy', { occurrence: '2023-Q3' }).deadline, { kind: 'instant', at: '2023-09-20T17:00:00.000Z' });
  const weekly = specs.filter((spec) => spec.taskId === 'giao-ban-tuan');
  t.same(
    weekly.map((spec) => spec.occurrence),
    ['2023-W04', '2023-W05', '2023-W06'],
  );
  t.same(weekly[0]!.deadline, { kind: 'instant', at: '2023-01-27T17:00:00.000Z' }, 'the first Friday on or after 25/01');
});

t.test('recurrence edge cases', async (t) => {
  t.same(
    expandRecurrence({ every: 'month', day: 30, from: '2024-01-15', until: '2024-03-29' }).map((o) => o.date),
    ['2024-01-30', '2024-02-29'],
    'leap February clamps to 29; 30/03 is after until',
  );
  t.same(
    expandRecurrence({ every: 'month', from: '2023-11-01', until: '2024-01-31' }).map((o) => [o.key, o.date]),
    [
      ['2023-11', '2023-11-30'],
      ['2023-12', '2023-12-31'],
      ['2024-01', '2024-01-31'],
    ],
    'without a day: the end of the month, across the year end',
  );
  t.same(
    expandRecurrence({ every: 'week', weekday: 1, from: '2024-12-25', until: '2025-01-07' }).map((o) => [o.key, o.date]),
    [
      ['2025-W01', '2024-12-30'],
      ['2025-W02', '2025-01-06'],
    ],
    'weeks take the ISO year: Monday 30/12/2024 opens 2025-W01',
  );
});

t.test('escalation policy: task fields replace the plan, the plan replaces the default', async (t) => {
  const lamSach = specOf(specs, 'lam-sach-ho-tich').escalation;
  t.same(lamSach.dueSoon, { amount: 3, unit: 'working_day' }, 'default due-soon');
  t.same(lamSach.reminders, [parseDuration('3 working days'), parseDuration('1 working day')], "plan's reminders");
  t.same(
    lamSach.ladder.map((level) => [level.level, level.after, level.to, level.action]),
    [
      [1, { amount: 0, unit: 'working_day' }, { kind: 'lead_head', agency: 'so-tu-phap' }, 'Nhắc nhở'],
      [2, { amount: 3, unit: 'working_day' }, { kind: 'role', role: 'standing_office', agency: 'cong-an-tinh' }, 'Đôn đốc'],
      [3, { amount: 7, unit: 'working_day' }, { kind: 'role', role: 'chair', agency: 'ubnd-tinh' }, 'Báo cáo Tổ trưởng'],
    ],
  );
  const drill = specOf(specs, 'dien-tap').escalation;
  t.same(drill.dueSoon, { amount: 5, unit: 'minute' });
  t.same(drill.reminders, [{ amount: 10, unit: 'minute' }]);
  t.same(drill.ladder[0]!.to, { kind: 'lead_staff', agency: 'cong-an-tinh' });
  t.same(drill.ladder[1]!.to, {
    kind: 'role',
    role: 'tracking_office',
    contact: { name: 'Chuyên viên theo dõi Đề án 06', channel: 'email', address: 'theodoi@sample.example' },
  });
  const monthly = specOf(specs, 'bao-cao-thang', { occurrence: '2023-02' }).escalation;
  t.same(monthly.reminders.length, 2, "the plan's reminders stay when the task only sets a ladder");
  t.same(monthly.ladder[1]!.to, { kind: 'agency', agency: 'vp-ubnd-tinh' });
  t.same(resolveEscalationPolicy(plan, undefined, 'so-tu-phap'), lamSach);
});

t.test('targets read as Vietnamese titles', async (t) => {
  t.equal(describeTarget({ kind: 'lead_head', agency: 'so-tu-phap' }, plan), 'Giám đốc Sở Tư pháp');
  t.equal(describeTarget({ kind: 'lead_head', agency: 'ubnd-quynh-luu' }, plan), 'Chủ tịch UBND huyện Quỳnh Lưu');
  t.equal(describeTarget({ kind: 'lead_head', agency: 'vp-ubnd-tinh' }, plan), 'Chánh Văn phòng UBND tỉnh');
  t.equal(describeTarget({ kind: 'lead_head', agency: 'cong-an-tinh' }, plan), 'Giám đốc Công an tỉnh');
  t.equal(describeTarget({ kind: 'lead_staff', agency: 'cong-an-tinh' }, plan), 'Cán bộ phụ trách của Công an tỉnh');
  t.equal(describeTarget({ kind: 'role', role: 'standing_office', agency: 'cong-an-tinh' }, plan), 'Cơ quan thường trực (Công an tỉnh)');
  t.equal(describeTarget({ kind: 'role', role: 'chair', agency: 'ubnd-tinh' }, plan), 'Tổ trưởng (Chủ tịch UBND tỉnh Nghệ An)');
  t.equal(describeTarget(specOf(specs, 'dien-tap').escalation.ladder[1]!.to, plan), 'Vai trò "tracking_office" (Chuyên viên theo dõi Đề án 06)');
  t.equal(describeTarget({ kind: 'agency', agency: 'vp-ubnd-tinh' }, plan), 'Văn phòng UBND tỉnh');
});

t.test('spec hashes are stable and follow content', async (t) => {
  const again = compilePlan(samplePlan(), loadCalendar('vn'), { firstAppliedAt: '2023-01-12T03:00:00.000Z' });
  t.same(
    again.map((spec) => spec.specHash),
    compiled.map((spec) => spec.specHash),
    'same plan, same hashes',
  );
  for (const spec of specs) {
    t.match(spec.specHash, /^[0-9a-f]{64}$/);
    t.equal(hashSpec(spec), spec.specHash, 'the hash ignores the specHash field itself');
  }
  const changed = samplePlan();
  changed.tasks[0]!.title = 'Làm sạch dữ liệu hộ tịch (sửa)';
  const changedSpecs = compilePlan(changed, vn, { firstAppliedAt: '2023-01-12T03:00:00.000Z' });
  t.not(changedSpecs[0]!.specHash, specs[0]!.specHash, 'a changed title changes the hash');
  t.equal(changedSpecs[1]!.specHash, specs[1]!.specHash, 'other tasks keep theirs');
  const reapplied = compilePlan(plan, vn, { firstAppliedAt: '2023-01-13T03:00:00.000Z' });
  t.not(specOf(reapplied, 'dien-tap').specHash, specOf(specs, 'dien-tap').specHash, 'a new apply anchor moves the drill');
  t.equal(specOf(reapplied, 'lam-sach-ho-tich').specHash, specOf(specs, 'lam-sach-ho-tich').specHash);
  t.equal(canonicalJson({ b: 1, a: [1, { d: undefined, c: 'x' }] }), '{"a":[1,{"c":"x"}],"b":1}', 'keys sorted, undefined left out');
});
