/**
 * Counts and reports along the agency tree, on two plans read from test/fixtures/hierarchy: a
 * 2022-style province (tỉnh → huyện → xã, 2 districts × 3 communes plus provincial tasks) and one
 * after 1/7/2025 (tỉnh → xã). The compiled task specs (each unit's own target from the plan's
 * perUnit) are written as a task workflow would write them; district rows must equal their
 * communes added up, and the province row everything.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { loadCalendar } from '../../src/plan/calendar-file';
import { compilePlan } from '../../src/plan/compile';
import { loadPlanText } from '../../src/plan/load';
import type { TaskSpec } from '../../src/plan/model';
import { taskKey } from '../../src/api/schemas';
import type { TaskChange } from '../../src/domain';
import { change, event, planVersion, recordChange, taskState } from '../helpers/read-model';
import { startStack } from '../helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'hierarchy');

/** How far each task got: done (on the day given) with a value, or open with a value so far. */
const OUTCOMES: Record<string, { doneOn?: string; value?: number }> = {
  'ke-hoach-tinh': { doneOn: '2022-11-25' },
  'so-hoa-ho-tich-a@xa-a1': { doneOn: '2023-01-20', value: 1000 },
  'so-hoa-ho-tich-a@xa-a2': { value: 700 },
  'so-hoa-ho-tich-a@xa-a3': { doneOn: '2023-02-10', value: 900 },
  'so-hoa-ho-tich-b@xa-b1': { doneOn: '2023-01-05', value: 3000 },
  'cccd-huyen@huyen-a': { value: 90 },
  'cccd-huyen@huyen-b': { doneOn: '2022-12-20', value: 100 },
  'dich-vu-cong-xa@xa-1': { doneOn: '2025-09-01', value: 85 },
  'dich-vu-cong-xa@xa-2': { value: 60 },
};

async function loadFixture(name: string) {
  const text = readFileSync(path.join(FIXTURES, `${name}.yaml`), 'utf8');
  const { plan, diagnostics } = loadPlanText(text, `${name}.yaml`);
  if (!plan) throw new Error(`${name}: ${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}`);
  return { plan, specs: compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt: `${plan.issuedOn}T02:00:00.000Z` }) };
}

function changesOf(spec: TaskSpec): TaskChange[] {
  const key = taskKey(spec);
  const deadlineAt = spec.deadline.kind === 'instant' ? spec.deadline.at : undefined;
  const ref = { planId: spec.planId, taskId: spec.taskId, ...(spec.unitId ? { unitId: spec.unitId } : {}), lead: spec.lead };
  const outcome = OUTCOMES[key] ?? {};
  const issued = `${spec.planId === 'tinh-xa-2025' ? '2025-07-15' : '2022-11-07'}T03:00:00.000Z`;
  const steps: { type: 'started' | 'completed'; at: string; done: boolean }[] = [{ type: 'started', at: issued, done: false }];
  if (outcome.doneOn) steps.push({ type: 'completed', at: `${outcome.doneOn}T03:00:00.000Z`, done: true });
  return steps.map((step, index) => {
    const state = {
      ...taskState(ref, {
        seq: index + 1,
        progress: step.done ? 'done' : 'in_progress',
        ...(deadlineAt ? { deadlineAt } : {}),
        ...(step.done ? { completedAt: step.at } : {}),
        ...(outcome.value !== undefined && (step.done || !outcome.doneOn) ? { progressValue: outcome.value } : {}),
        updatedAt: step.at,
      }),
      // The compiled spec, with each unit's own target from the plan's perUnit.
      spec,
      facts: {
        progress: step.done ? ('done' as const) : ('in_progress' as const),
        deadlineKind: deadlineAt ? ('fixed' as const) : ('none' as const),
        ...(deadlineAt ? { deadlineAt } : {}),
        ...(step.done ? { completedAt: step.at } : {}),
      },
    };
    return change(state, [event(state, step.type, step.at)]);
  });
}

interface Row {
  id?: string;
  agency?: string;
  counts?: Record<string, number>;
  total?: number;
  [field: string]: unknown;
}

t.test('roll-ups along the agency tree', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { token } = await stack.token({ role: 'leader', name: 'Lãnh đạo' });
  const get = async (url: string) => {
    const res = await stack.inject({ method: 'GET', url, token });
    t.equal(res.statusCode, 200, url);
    return res.json();
  };
  for (const name of ['tinh-huyen-xa', 'tinh-xa-2025']) {
    const { plan, specs } = await loadFixture(name);
    await stack.projection.recordPlanVersion(planVersion(1, plan as unknown as Record<string, unknown>));
    for (const spec of specs) for (const c of changesOf(spec)) await recordChange(stack.db.db, c);
  }

  const totalOf = (row: Row) => (row.counts ? row.counts.total! : row.total!);
  const idOf = (row: Row) => (row.id ?? row.agency)!;
  const sum = (rows: Row[], field: string) => rows.reduce((s, r) => s + ((r.counts ?? r)[field] as number), 0);
  const FIELDS = ['done_on_time', 'done_late', 'open_on_time', 'open_overdue', 'no_deadline', 'total'];
  const REPORT_FIELDS = ['doneOnTime', 'doneLate', 'openOnTime', 'openOverdue', 'noDeadline', 'total'];

  t.test('tỉnh → huyện → xã: plan counts', async (t) => {
    const agencyRows = (await get('/api/plans/tinh-huyen-xa')).agencies as Row[];
    t.same(
      agencyRows.map((r) => [idOf(r), totalOf(r)]),
      [
        ['cong-an-tinh', 1],
        ['so-tu-phap', 1],
        ['huyen-a', 1],
        ['xa-a1', 2],
        ['xa-a2', 2],
        ['xa-a3', 2],
        ['huyen-b', 1],
        ['xa-b1', 2],
        ['xa-b2', 2],
        ['xa-b3', 2],
      ],
      "a row per agency, a unit's copy counted for the unit (every commune also carries tuyen-truyen-xa)",
    );

    const district = await get('/api/plans/tinh-huyen-xa?level=district');
    t.same(
      district.agencies.map((r: Row) => [idOf(r), totalOf(r), r.rolledUp, r.children]),
      [
        ['cong-an-tinh', 1, false, 0],
        ['so-tu-phap', 1, false, 0],
        ['huyen-a', 7, true, 3],
        ['huyen-b', 7, true, 3],
      ],
    );
    for (const districtId of ['huyen-a', 'huyen-b']) {
      const opened = await get(`/api/plans/tinh-huyen-xa?parent=${districtId}`);
      const row = district.agencies.find((r: Row) => idOf(r) === districtId);
      t.same(
        opened.agencies.map(idOf),
        [districtId, ...['1', '2', '3'].map((n) => `xa-${districtId.slice(-1)}${n}`)],
        `${districtId} opens onto its own tasks and its communes`,
      );
      for (const field of FIELDS) t.equal(sum(opened.agencies, field), row.counts[field], `${districtId}: ${field} adds up`);
      t.same(opened.counts, row.counts, `${districtId}: the opened totals are the district row`);
    }
    const province = await get('/api/plans/tinh-huyen-xa?level=province');
    t.same(
      province.agencies.map((r: Row) => [idOf(r), totalOf(r), r.rolledUp]),
      [['ubnd-tinh', 16, true]],
    );
    t.same(province.agencies[0].counts, district.counts, 'the province row is everything');
    for (const field of FIELDS)
      t.equal(sum(district.agencies, field), province.agencies[0].counts[field], `district rows add up to the province: ${field}`);
    t.match(province.counts, { done_on_time: 4, done_late: 1, open_overdue: 11, total: 16 });
  });

  t.test('tỉnh → huyện → xã: the report rolls up the same way', async (t) => {
    const asOf = '2023-03-01';
    const district = await get(`/api/plans/tinh-huyen-xa/report?asOf=${asOf}&level=district`);
    const opened = await get(`/api/plans/tinh-huyen-xa/report?asOf=${asOf}&parent=huyen-a`);
    const province = await get(`/api/plans/tinh-huyen-xa/report?asOf=${asOf}&level=province`);
    const huyenA = district.agencies.find((r: Row) => r.agency === 'huyen-a');
    t.match(huyenA, { name: 'UBND huyện A', level: 'district', rolledUp: true, children: 3, doneOnTime: 1, doneLate: 1, openOverdue: 5, total: 7 });
    for (const field of REPORT_FIELDS) {
      t.equal(sum(opened.agencies, field), huyenA[field], `huyện A = its communes + its own: ${field}`);
      t.equal(sum(district.agencies, field), province.totals[field], `districts add up to the province: ${field}`);
    }
    t.same(
      province.agencies.map((r: Row) => r.agency),
      ['ubnd-tinh'],
    );
    const csv = await stack.inject({ method: 'GET', url: `/api/plans/tinh-huyen-xa/report?asOf=${asOf}&level=district&format=csv`, token });
    t.match(csv.payload, /\r\nUBND huyện A,1,1,0,5,0,7,28.6,/);
  });

  t.test('per-unit targets show in the roll-up; counts add, percentages weigh by base', async (t) => {
    const communes = await get('/api/plans/tinh-huyen-xa/tasks/so-hoa-ho-tich-a');
    t.match(communes.rollup, { total: 3, done: 2, target: { nature: 'count', value: 3000, progressValue: 2600, reached: 2, of: 3 } });
    t.same(
      communes.rollup.members.map((m: { unitId: string; target: { value: number }; progressValue: number }) => [
        m.unitId,
        m.target.value,
        m.progressValue,
      ]),
      [
        ['xa-a1', 1000, 1000],
        ['xa-a2', 1200, 700],
        ['xa-a3', 800, 900],
      ],
    );
    t.match(communes.task, { lead: 'huyen-a', progress: 'in_progress', category: 'open_overdue' });

    const districts = await get('/api/plans/tinh-huyen-xa/tasks/cccd-huyen');
    t.match(
      districts.rollup.target,
      { nature: 'percent', progressValue: 93.75, value: 100, reached: 1, of: 2 },
      '(90×50 000 + 100×30 000) / 80 000, not 190%',
    );
    t.same(
      districts.rollup.members.map((m: { unitId: string; target: { base: number } }) => [m.unitId, m.target.base]),
      [
        ['huyen-a', 50_000],
        ['huyen-b', 30_000],
      ],
    );
    const province = await get('/api/plans/tinh-huyen-xa/tasks/tuyen-truyen-xa');
    t.equal(province.rollup.total, 6, 'every commune of the province, through its districts');
    const list = await get('/api/plans/tinh-huyen-xa/tasks?agency=huyen-a');
    t.same(
      list.items.map((i: { key: string }) => i.key).sort(),
      ['cccd-huyen@huyen-a', 'so-hoa-ho-tich-a', 'so-hoa-ho-tich-a@xa-a1', 'so-hoa-ho-tich-a@xa-a2', 'so-hoa-ho-tich-a@xa-a3'],
      'the district sees the task it directs as a whole and its copies',
    );
  });

  t.test('tỉnh → xã (after 1/7/2025): no district level', async (t) => {
    const district = await get('/api/plans/tinh-xa-2025?level=district');
    t.same(
      district.agencies.map((r: Row) => [idOf(r), totalOf(r)]),
      [
        ['cong-an-tinh', 1],
        ['xa-1', 1],
        ['xa-2', 1],
        ['xa-3', 1],
      ],
    );
    const province = await get('/api/plans/tinh-xa-2025?level=province');
    t.same(
      province.agencies.map((r: Row) => [idOf(r), totalOf(r), r.children]),
      [['ubnd-tinh', 4, 4]],
    );
    const opened = await get('/api/plans/tinh-xa-2025?parent=ubnd-tinh');
    t.same(opened.counts, province.counts);
    const report = await get('/api/plans/tinh-xa-2025/report?asOf=2025-10-01&level=province');
    t.match(report.totals, { doneOnTime: 1, openOverdue: 3, total: 4 });
    const communes = await get('/api/plans/tinh-xa-2025/tasks/dich-vu-cong-xa');
    t.match(communes.rollup.target, { nature: 'percent', value: 80, reached: 1, of: 3 });
    t.ok(Math.abs(communes.rollup.target.progressValue - 145 / 3) < 1e-9, '(85 + 60 + 0) / 3, averaged without bases');
  });
});
