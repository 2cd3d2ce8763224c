/**
 * Guards the shipped plans against edits that would break what the README, the tour and the
 * report tests promise: KH 771 has 42 tasks over 17 lead agencies and no copies, every shipped
 * plan validates cleanly, and the 18/42 completion fixture stays consistent with the plan.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { findPlanFiles, loadPlanFile } from '../../src/plan/load';
import { compilePlan } from '../../src/plan/compile';
import { loadCalendar } from '../../src/plan/calendar-file';

const root = path.resolve(__dirname, '..', '..');

t.test('every shipped plan and example validates without errors or warnings', async (t) => {
  const files = findPlanFiles([path.join(root, 'plans'), path.join(root, 'examples')]);
  t.ok(files.length >= 3, `found ${files.length} plan files`);
  for (const file of files) {
    const { plan, diagnostics } = await loadPlanFile(file);
    t.ok(plan, `${path.relative(root, file)} loads`);
    t.same(diagnostics, [], `${path.relative(root, file)} has no diagnostics`);
  }
});

t.test('nghe-an-771: 42 tasks, 17 lead agencies, one workflow per task', async (t) => {
  const { plan } = await loadPlanFile(path.join(root, 'plans', 'nghe-an-771.yaml'));
  if (!plan) return t.fail('the plan does not load');
  t.equal(plan.tasks.length, 42);
  t.equal(new Set(plan.tasks.map((task) => task.lead)).size, 17);
  t.equal(plan.issuedOn, '2022-11-07');
  const specs = compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt: '2026-01-01T00:00:00Z' });
  t.equal(specs.length, 42, 'no units or occurrences: each task is one tracked task');
});

t.test('the 18/42 completion fixture matches the plan', async (t) => {
  const { plan } = await loadPlanFile(path.join(root, 'plans', 'nghe-an-771.yaml'));
  if (!plan) return t.fail('the plan does not load');
  const fixture = parse(readFileSync(path.join(root, 'test', 'fixtures', 'nghe-an-771-completions.yaml'), 'utf8'));
  const completions: { task: string; completedOn: string; agency: string }[] = fixture.completions;
  t.equal(completions.length, 18);
  t.equal(new Set(completions.map((c) => c.task)).size, 18, 'each task once');
  const byId = new Map(plan.tasks.map((task) => [task.id, task]));
  const doneOn = new Map(completions.map((c) => [c.task, c.completedOn]));
  for (const completion of completions) {
    const task = byId.get(completion.task);
    if (!task) {
      t.fail(`${completion.task} is not in the plan`);
      continue;
    }
    t.equal(completion.agency, task.lead, `${task.id} is reported by its lead`);
    t.notOk(task.confirmation, `${task.id} needs no confirmation`);
    if (typeof task.deadline === 'string' && task.deadline !== 'none') {
      t.ok(completion.completedOn <= task.deadline.slice(0, 10), `${task.id} is done on time`);
    }
    for (const prerequisite of task.dependsOn) {
      const prerequisiteDone = doneOn.get(prerequisite);
      t.ok(prerequisiteDone && prerequisiteDone <= completion.completedOn, `${task.id}'s prerequisite ${prerequisite} is done first`);
    }
  }
});
