import t from 'tap';
import { join } from 'node:path';
import { loadCalendar } from '../../src/plan/calendar-file';
import { compilePlan } from '../../src/plan/compile';
import { loadPlanFile } from '../../src/plan/load';
import type { TaskSpec } from '../../src/plan/model';
import type { Plan } from '../../src/plan/schema';
import { selectUnits } from '../../src/plan/units';

const VALID_DIR = join(__dirname, '..', 'fixtures', 'plans', 'valid');
const vn = loadCalendar('vn');

async function compiled(file: string): Promise<{ plan: Plan; specs: TaskSpec[] }> {
  const { plan, diagnostics } = await loadPlanFile(join(VALID_DIR, file));
  if (!plan) throw new Error(`${file}: ${JSON.stringify(diagnostics)}`);
  return { plan, specs: compilePlan(plan, vn) };
}

/** Each unit copy's target (the task's roll-up spec, which has members and no unit, is left out). */
const targets = (specs: TaskSpec[], taskId: string) =>
  Object.fromEntries(specs.filter((spec) => spec.taskId === taskId && !spec.members).map((spec) => [spec.unitId ?? '-', spec.target]));

t.test('units at any level of the agency tree', async (t) => {
  const agencies = [
    { id: 'tinh', kind: 'provincial_committee' },
    { id: 'huyen-a', kind: 'district_committee', parent: 'tinh' },
    { id: 'xa-a1', kind: 'commune_committee', parent: 'huyen-a' },
    { id: 'xa-t1', kind: 'commune_committee', parent: 'tinh' },
    { id: 'loop-1', kind: 'commune_committee', parent: 'loop-2' },
    { id: 'loop-2', kind: 'district_committee', parent: 'loop-1' },
  ];
  t.same(selectUnits({ kind: 'commune_committee', within: 'tinh' }, agencies), ['xa-a1', 'xa-t1'], 'through a district or directly');
  t.same(selectUnits({ kind: 'commune_committee', parent: 'tinh' }, agencies), ['xa-t1'], 'parent: only directly under');
  t.same(selectUnits({ kind: 'commune_committee', within: 'huyen-a' }, agencies), ['xa-a1']);
  t.same(selectUnits({ kind: 'commune_committee', within: 'xa-a1' }, agencies), [], 'an agency is not within itself');
  t.same(selectUnits({ kind: 'commune_committee', within: 'loop-2' }, agencies), ['loop-1'], 'a parent cycle ends the walk');
  t.same(selectUnits(['xa-t1', 'xa-a1'], agencies), ['xa-t1', 'xa-a1'], 'a list as written');
});

t.test('2022 shape (tỉnh → huyện → xã): per-unit counts and percentages compile into each copy', async (t) => {
  const { specs } = await compiled('units-2022-districts-communes.yaml');
  t.same(
    targets(specs, 't02'),
    {
      'xa-a1': { metric: 'sổ hộ tịch được số hóa', unit: 'sổ', value: 420 },
      'xa-a2': { metric: 'sổ hộ tịch được số hóa', unit: 'sổ', value: 310 },
      'xa-a3': { metric: 'sổ hộ tịch được số hóa', unit: 'sổ', value: 655 },
      'xa-b1': { metric: 'sổ hộ tịch được số hóa', unit: 'sổ', value: 280 },
      'xa-b2': { metric: 'sổ hộ tịch được số hóa', unit: 'sổ', value: 390 },
      'xa-b3': { metric: 'sổ hộ tịch được số hóa', unit: 'sổ', value: 510, baseline: 40 },
    },
    'every commune of the province, each with its own count',
  );
  const metric = 'tỷ lệ công dân đủ điều kiện được cấp thẻ CCCD';
  t.same(
    targets(specs, 't03'),
    {
      'huyen-a': { metric, unit: '%', value: 100, base: 61250 },
      'huyen-b': { metric, unit: '%', value: 98, base: 48900 },
    },
    "each district's percentage with its eligible citizens as base",
  );
  t.same(Object.keys(targets(specs, 't04')), ['xa-a1', 'xa-a2', 'xa-a3'], 'the communes of one district');
  t.same(targets(specs, 't04')['xa-a2'], { metric: 'sổ hộ tịch được rà soát', unit: 'sổ', value: 300 }, 'the task value when no unit value');
  t.same(targets(specs, 't05'), { '-': { metric: 'tỷ lệ hồ sơ hộ tịch được làm sạch', unit: '%', value: 100, base: 2565 } }, 'a provincial task');
  t.equal(specs.find((spec) => spec.taskId === 't02' && spec.unitId === 'xa-b1')!.lead, 'xa-b1', "the copy's lead is its unit");
});

t.test('post-1/7/2025 shape (tỉnh → xã): communes selected within the province', async (t) => {
  const { specs } = await compiled('units-2025-province-communes.yaml');
  const metric = 'tỷ lệ công dân từ đủ 14 tuổi có tài khoản định danh điện tử mức 2';
  t.same(targets(specs, 't01'), {
    'xa-dong-hai': { metric, unit: '%', value: 80, base: 18400 },
    'phuong-tay-son': { metric, unit: '%', value: 90, base: 42100 },
    'xa-nam-binh': { metric, unit: '%', value: 80, base: 15250 },
    'phuong-bac-thanh': { metric, unit: '%', value: 90, base: 38800 },
  });
  t.same(
    Object.values(targets(specs, 't02')).map((target) => target!.value),
    [38, 61, 35, 57],
  );
  t.same(targets(specs, 't03'), { '-': undefined }, 'no target, no target key');
});
