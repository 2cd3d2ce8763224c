import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { Client } from '@temporalio/client';
import { applyPlan } from '../../src/apply/apply';
import { loadPlanText } from '../../src/plan/load';
import type { TaskSpec } from '../../src/plan/model';
import type { Plan } from '../../src/plan/schema';
import { deadlineInstant } from '../../src/plan/timetable';
import { planWorkflowId, taskWorkflowId } from '../../src/workflows/ids';
import { applyVersion, complete, getPlanState, reportProgress } from '../../src/workflows/messages';
import { readTaskWorkflowState } from '../../src/temporal/task-state';
import type { Actor, TaskStateView } from '../../src/domain';
import { planChanges, planWorkflow, type PlanWorkflowState } from '../../src/workflows/plan';
import { resolveTemporalCli } from '../../src/temporal/binaries';
import { categoryKey, planIdKey, progressKey } from '../../src/temporal/search-attributes';
import { loadCalendar } from '../../src/plan/calendar-file';
import { compilePlan } from '../../src/plan/compile';
import { startPlanWorkerEnv, type PlanWorkerEnv } from '../helpers/plan-worker';
import { freshPlanId, lastRead } from '../helpers/wait';

const root = path.resolve(__dirname, '..', '..');
const fixture = (name: string) => path.join(root, 'test', 'fixtures', 'plans', 'valid', name);
const admin: Actor = { id: 'test-admin', role: 'admin' };
const staffOf = (agency: string): Actor => ({ id: `staff-${agency}`, agency, role: 'staff' });

/** The fixture under a fresh plan id, so tests never see each other's workflows. */
function loadPlanAs(file: string, fromId: string, planId: string): { plan: Plan; text: string } {
  const text = readFileSync(file, 'utf8').replace(new RegExp(`^id: ${fromId}$`, 'm'), `id: ${planId}`);
  const { plan, diagnostics } = loadPlanText(text, file);
  if (!plan) throw new Error(`fixture ${file} is invalid: ${JSON.stringify(diagnostics)}`);
  return { plan, text };
}

const taskState = (client: Client, workflowId: string) => readTaskWorkflowState(client, workflowId);
const planState = (client: Client, planId: string) => client.workflow.getHandle(planWorkflowId(planId)).query(getPlanState);
/** The applied version's specs, from the plan store by the spec set the plan workflow holds. */
async function appliedSpecs(on: PlanWorkerEnv, planId: string): Promise<TaskSpec[]> {
  const { specSet } = await planState(on.client, planId);
  return specSet ? on.plans.specsOf(specSet) : [];
}

async function countTaskWorkflows(client: Client, planId: string): Promise<{ ids: string[]; runIds: Record<string, string> }> {
  const runIds: Record<string, string> = {};
  for await (const execution of client.workflow.list({ query: `WorkflowId STARTS_WITH 'task:${planId}:'` })) {
    runIds[execution.workflowId] = execution.runId;
  }
  return { ids: Object.keys(runIds).sort(), runIds };
}

t.test('pure bookkeeping: changes by spec hash; roll-up specs and dependants from the compiler', async (t) => {
  const compile = (file: string) => {
    const { plan } = loadPlanAs(fixture(file), 'drill-small', 'p');
    return compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt: '2026-03-02T02:00:00.000Z' });
  };
  const v1 = compile('drill-small.yaml');
  const applied = Object.fromEntries(v1.map((spec) => [taskWorkflowId(spec), spec]));
  t.same(planChanges(applied, v1).changes, [], 'same specs: nothing to do');
  const { changes, added, changed, removed } = planChanges(applied, compile('drill-small-amended.yaml'));
  t.same(changes, [
    { workflowId: 'task:p:lam-sach-ho-tich', taskId: 'lam-sach-ho-tich', change: 'changed', fields: ['deadline', 'dependants'] },
    { workflowId: 'task:p:khai-thac-ho-tich', taskId: 'khai-thac-ho-tich', change: 'added' },
    { workflowId: 'task:p:tuyen-truyen', taskId: 'tuyen-truyen', change: 'removed' },
  ]);
  t.same([added.length, changed.length, removed], [1, 1, ['task:p:tuyen-truyen']]);
  // As read back from the plan store: the same values, their keys in another order.
  const reordered = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(reordered)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([key, member]) => [key, reordered(member)]),
          )
        : value;
  const readBack = Object.fromEntries(v1.map((spec) => [taskWorkflowId(spec), reordered(spec) as TaskSpec]));
  t.same(
    planChanges(readBack, compile('drill-small-amended.yaml')).changes[0]?.fields,
    ['deadline', 'dependants'],
    'fields that differ only in the order of their keys are unchanged',
  );

  const rollup = v1.find((spec) => spec.taskId === 'so-hoa-ho-khau' && !spec.unitId);
  t.same(rollup?.members, [{ unitId: 'ubnd-tp-vinh' }, { unitId: 'ubnd-quynh-luu' }], 'the task as a whole lists its units');
  t.same(rollup?.escalation.ladder, [], 'a roll-up has no ladder of its own');
  t.same(v1.find((spec) => spec.taskId === 'lam-sach-ho-tich')?.dependants, ['so-hoa-ho-tich'], 'a spec names its dependants');
});

// Set by a test: the next startTasks call starts its workflows, then fails as if the worker died
// before reporting back, so Temporal runs it again.
/** Plan workflows whose histories `KEHOACH_RECORD_HISTORIES=1` saves for the replay test (plan-replay.test.ts). */
const recordable: Record<string, string> = {};

const faults = { failAfterNextStart: false, startCalls: 0, startsReturned: 0 };

let env: PlanWorkerEnv;
t.before(async () => {
  env = await startPlanWorkerEnv({
    wrapActivities: (activities) => ({
      ...activities,
      async startTasks(input) {
        faults.startCalls += 1;
        const page = await activities.startTasks(input);
        if (faults.failAfterNextStart) {
          faults.failAfterNextStart = false;
          throw new Error('simulated crash after the task workflows were started');
        }
        faults.startsReturned += 1;
        return page;
      },
    }),
  });
});
t.teardown(() => env?.stop());

async function applyDrill(planId: string, file = 'drill-small.yaml') {
  const { plan, text } = loadPlanAs(fixture(file), 'drill-small', planId);
  return applyPlan({ client: env.client, plans: env.plans, plan, text, actor: admin, dryRun: false });
}

t.test('applying a plan starts every task workflow with its deadline; the same content again starts nothing', async (t) => {
  const planId = freshPlanId('drill');
  const first = await applyDrill(planId);
  t.ok(first.result?.changed, 'the first apply changes the plan');
  t.equal(first.result?.version, 1);
  t.equal(first.result?.changes.filter((change) => change.change === 'added').length, 6, '4 tasks, one of them in 2 units with its roll-up');

  const specs = await appliedSpecs(env, planId);
  t.equal(specs.length, 6);
  for (const spec of specs) {
    const state = await taskState(env.client, taskWorkflowId(spec));
    const expected = spec.deadline.kind === 'instant' ? spec.deadline.at : undefined;
    t.equal(state.deadlineAt, expected, `${taskWorkflowId(spec)} has the compiled deadline`);
    t.equal(state.spec.specHash, spec.specHash);
  }
  const waiting = await taskState(env.client, `task:${planId}:so-hoa-ho-tich`);
  t.equal(waiting.progress, 'not_started', 'a task with an open prerequisite waits');
  t.same(waiting.waitingFor, ['lam-sach-ho-tich']);

  const state = await planState(env.client, planId);
  t.equal(state.version, 1);
  t.equal(state.contentHash, first.contentHash);
  const progress = await env.plans.reconciliation(planId, 1);
  t.same(
    progress && { total: progress.total, started: progress.started, errors: progress.errors, finished: Boolean(progress.finishedAt) },
    { total: 6, started: 6, errors: 0, finished: true },
    'its progress is recorded: 6 of 6 started',
  );
  t.equal(state.taskCount, 6);
  t.ok(state.firstAppliedAt, 'the first apply instant is kept as the anchor of "after: applied"');
  t.equal(env.projection.planVersions.filter((record) => record.planId === planId).length, 1, 'the version was recorded');

  const before = await lastRead(
    () => countTaskWorkflows(env.client, planId),
    (found) => found.ids.length === 6,
  );
  t.equal(before.ids.length, 6, 'six task workflows are listed');

  const again = await applyDrill(planId);
  t.equal(again.result?.changed, false, 'same content: no change');
  t.equal(again.result?.version, 1, 'the version stays');
  t.equal(again.diff.entries.length, 0, 'the diff is empty');
  const after = await countTaskWorkflows(env.client, planId);
  t.same(after.runIds, before.runIds, 'no task workflow was started or restarted');
  t.equal(env.projection.planVersions.filter((record) => record.planId === planId).length, 1, 'no new version recorded');
});

t.test('an amended plan moves a deadline, adds a task and cancels a removed one', async (t) => {
  const planId = freshPlanId('amend');
  recordable['amend'] = planId;
  await applyDrill(planId);
  const moved = `task:${planId}:lam-sach-ho-tich`;
  const original = await taskState(env.client, moved);

  const { plan, text } = loadPlanAs(fixture('drill-small-amended.yaml'), 'drill-small', planId);
  const preview = await applyPlan({ client: env.client, plans: env.plans, plan, text, actor: admin, dryRun: true });
  t.equal(preview.result, undefined, 'a dry run applies nothing');
  t.same(
    preview.diff.entries.map((entry) => [entry.change, entry.taskId]),
    [
      ['changed', 'lam-sach-ho-tich'],
      ['added', 'khai-thac-ho-tich'],
      ['removed', 'tuyen-truyen'],
    ],
  );
  const deadlineChange = preview.diff.entries[0]?.fields?.find((field) => field.field === 'deadline.at');
  t.equal(deadlineChange?.before, original.deadlineAt, 'the diff shows the old deadline');
  t.equal((await planState(env.client, planId)).version, 1, 'still version 1 after the dry run');

  const applied = await applyPlan({ client: env.client, plans: env.plans, plan, text, actor: admin, dryRun: false });
  t.equal(applied.result?.version, 2);
  t.same(applied.result?.changes.find((change) => change.taskId === 'lam-sach-ho-tich')?.fields, ['deadline', 'dependants']);

  const specs = await appliedSpecs(env, planId);
  const newSpec = specs.find((spec) => spec.taskId === 'lam-sach-ho-tich') as TaskSpec & { deadline: { kind: 'instant'; at: string } };
  const amended = await lastRead(
    () => taskState(env.client, moved),
    (state) => state.deadlineAt === newSpec.deadline.at,
  );
  t.equal(amended.deadlineAt, newSpec.deadline.at, 'the task follows the moved deadline');
  // 40 calendar days after the first apply instead of 30, each ending on a working day: the shift
  // is not always 10 days (30 days after early December lands on 1/1, a holiday every year).
  const { firstAppliedAt } = await planState(env.client, planId);
  const daysAfterApply = (amount: number) =>
    deadlineInstant({
      rule: { kind: 'after_instant', at: firstAppliedAt!, within: { amount, unit: 'day' } },
      calendar: loadCalendar('vn'),
      timezone: 'Asia/Ho_Chi_Minh',
    });
  t.equal(original.deadlineAt, daysAfterApply(30), 'first 30 days after the apply');
  t.equal(amended.deadlineAt, daysAfterApply(40), 'then 40 days after it');

  const added = await taskState(env.client, `task:${planId}:khai-thac-ho-tich`);
  t.equal(added.progress, 'not_started', 'the added task exists and waits for its prerequisite');
  const removed = await lastRead(
    () => taskState(env.client, `task:${planId}:tuyen-truyen`).catch(() => undefined),
    (state) => state?.progress === 'cancelled',
  );
  t.equal(removed?.progress, 'cancelled', 'the removed task is cancelled, not terminated');

  const state = await planState(env.client, planId);
  t.equal(state.version, 2);
  t.notOk(
    (await appliedSpecs(env, planId)).some((spec) => taskWorkflowId(spec) === `task:${planId}:tuyen-truyen`),
    'the plan no longer holds the removed task',
  );
  const progress = await env.plans.reconciliation(planId);
  t.same(
    progress && [progress.version, progress.started, progress.amended, progress.cancelled, progress.total, Boolean(progress.finishedAt)],
    [2, 1, 1, 1, 3, true],
    'version 2: one started, one amended, one cancelled, and finished',
  );
});

t.test('completing a prerequisite releases its dependants, counting from the completion', async (t) => {
  const planId = freshPlanId('deps');
  recordable['dependencies'] = planId;
  await applyDrill(planId);
  const first = `task:${planId}:lam-sach-ho-tich`;
  const second = `task:${planId}:so-hoa-ho-tich`;
  const done = await env.client.workflow.getHandle(first).executeUpdate(complete, { args: [{ actor: staffOf('so-tu-phap'), note: 'Đã làm sạch' }] });
  t.equal(done.progress, 'done');

  const released = await lastRead(
    () => taskState(env.client, second),
    (state) => state.progress === 'in_progress',
  );
  t.equal(released.progress, 'in_progress', 'the dependant started');
  t.same(released.waitingFor, []);
  const rule = released.spec.deadline;
  t.equal(rule.kind, 'after_task');
  if (rule.kind === 'after_task') {
    const expected = deadlineInstant({ rule, anchorAt: done.completedAt!, calendar: released.spec.calendar, timezone: released.spec.timezone });
    t.equal(released.deadlineAt, expected, '5 working days after the completion instant');
  }
  const releasedEvent = await lastRead(
    async () =>
      env.projection.taskChanges.flatMap((change) => change.events).find((event) => event.workflowId === second && event.type === 'released'),
    (event) => event !== undefined,
  );
  t.equal(releasedEvent?.at, done.completedAt, 'the release is placed at the completion it counts from');
  t.equal(releasedEvent?.actor.role, 'system');

  // A task added later whose prerequisite is already done is released at once.
  const { plan, text } = loadPlanAs(fixture('drill-small-amended.yaml'), 'drill-small', planId);
  await applyPlan({ client: env.client, plans: env.plans, plan, text, actor: admin, dryRun: false });
  const late = await lastRead(
    () => taskState(env.client, `task:${planId}:khai-thac-ho-tich`),
    (state) => state.progress === 'in_progress',
  );
  t.equal(late.progress, 'in_progress', 'a task added after its prerequisite finished starts right away');
});

t.test('unit progress rolls up into the task as a whole, which releases its dependants', async (t) => {
  const planId = freshPlanId('units');
  recordable['units'] = planId;
  await applyDrill(planId);
  const vinh = `task:${planId}:so-hoa-ho-khau@ubnd-tp-vinh`;
  const quynhLuu = `task:${planId}:so-hoa-ho-khau@ubnd-quynh-luu`;
  const whole = `task:${planId}:so-hoa-ho-khau`;
  const rollup = () => taskState(env.client, whole);

  const initial = await lastRead(rollup, (state) => state.progress === 'in_progress' && state.rollup?.started === 2);
  t.same(
    { progress: initial.progress, total: initial.rollup?.total, done: initial.rollup?.done, started: initial.rollup?.started },
    { progress: 'in_progress', total: 2, done: 0, started: 2 },
    'both units are running',
  );
  const refused = await env.client.workflow
    .getHandle(whole)
    .executeUpdate(complete, { args: [{ actor: staffOf('cong-an-tinh') }] })
    .catch((error: Error & { cause?: Error & { type?: string } }) => error.cause);
  t.equal((refused as { type?: string } | undefined)?.type, 'InvalidState', 'the whole is reported on through its units');

  await env.client.workflow.getHandle(vinh).executeUpdate(reportProgress, { args: [{ actor: staffOf('ubnd-tp-vinh'), value: 400 }] });
  await env.client.workflow.getHandle(quynhLuu).executeUpdate(reportProgress, { args: [{ actor: staffOf('ubnd-quynh-luu'), value: 250 }] });
  const vinhDone = await env.client.workflow.getHandle(vinh).executeUpdate(complete, { args: [{ actor: staffOf('ubnd-tp-vinh') }] });
  const half = await lastRead(rollup, (state) => state.rollup?.done === 1 && state.rollup.value === 650);
  t.equal(half.progress, 'in_progress', 'one unit done of two is still in progress');
  t.equal(half.rollup?.value, 650, 'counts add up');
  t.equal(half.progressValue, 650);

  const lastDone = await env.client.workflow.getHandle(quynhLuu).executeUpdate(complete, { args: [{ actor: staffOf('ubnd-quynh-luu') }] });
  const done = await lastRead(rollup, (state) => state.progress === 'done');
  t.equal(done.progress, 'done', 'done when every unit is done');
  t.equal(done.rollup?.done, 2);
  t.equal(done.completedAt, [vinhDone.completedAt!, lastDone.completedAt!].sort()[1], "at the last unit's completion");
  t.equal(done.category, 'done_on_time');
  const recorded = env.projection.taskChanges.filter((change) => change.state.workflowId === whole);
  t.ok(recorded.length > 0, 'the whole is a task row of its own in the read model');
});

t.test('units that start as every unit does are not announced: their roll-up counts them started unheard', async (t) => {
  const planId = freshPlanId('unheard');
  // Without its target, a unit's start tells its roll-up nothing the roll-up cannot assume.
  const text = readFileSync(fixture('drill-small.yaml'), 'utf8')
    .replace(/^id: drill-small$/m, `id: ${planId}`)
    .replace(/^ {4}target: .*\n/m, '');
  const { plan } = loadPlanText(text, 'unheard.yaml');
  if (!plan) throw new Error('the fixture without its target is invalid');
  await applyPlan({ client: env.client, plans: env.plans, plan, text, actor: admin, dryRun: false });
  const vinh = `task:${planId}:so-hoa-ho-khau@ubnd-tp-vinh`;
  const whole = `task:${planId}:so-hoa-ho-khau`;
  const rollup = () => taskState(env.client, whole);
  // Both units have recorded their start, so any announcement would have been sent by now.
  await lastRead(
    async () => env.projection.taskChanges.filter((change) => change.state.taskId === 'so-hoa-ho-khau' && change.state.unitId).length,
    (count) => count >= 2,
  );
  const initial = await rollup();
  t.same(
    { progress: initial.progress, total: initial.rollup?.total, started: initial.rollup?.started },
    { progress: 'in_progress', total: 2, started: 2 },
    'both units counted as running from the start',
  );
  const signalled = async () => {
    const history = await env.client.workflow.getHandle(whole).fetchHistory();
    return (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'memberProgress').length;
  };
  t.equal(await signalled(), 0, 'no unit announced its start');

  await env.client.workflow.getHandle(vinh).executeUpdate(complete, { args: [{ actor: staffOf('ubnd-tp-vinh') }] });
  const half = await lastRead(rollup, (state) => state.rollup?.done === 1);
  t.same({ progress: half.progress, done: half.rollup?.done, started: half.rollup?.started }, { progress: 'in_progress', done: 1, started: 2 });
  t.equal(await signalled(), 1, 'a unit that changes tells its roll-up');
});

t.test('a task starts with the search attributes of its starting state and does not upsert them again', async (t) => {
  const planId = freshPlanId('attrs');
  await applyDrill(planId);
  const cases = [
    { taskId: 'lam-sach-ho-tich', progress: 'in_progress', category: 'open_on_time' },
    { taskId: 'so-hoa-ho-tich', progress: 'not_started', category: 'open_on_time' },
    { taskId: 'tuyen-truyen', progress: 'in_progress', category: 'no_deadline' },
    { taskId: 'so-hoa-ho-khau', progress: 'in_progress', category: 'open_on_time' },
  ];
  for (const expected of cases) {
    const workflowId = `task:${planId}:${expected.taskId}`;
    await lastRead(
      () => taskState(env.client, workflowId),
      (state) => state.seq >= 1,
    );
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const upserts = (history.events ?? []).filter((event) => event.upsertWorkflowSearchAttributesEventAttributes);
    t.equal(upserts.length, 0, `${expected.taskId}: its first workflow task upserts nothing`);
    const description = await env.client.workflow.getHandle(workflowId).describe();
    t.same(
      {
        progress: description.typedSearchAttributes.get(progressKey),
        category: description.typedSearchAttributes.get(categoryKey),
        plan: description.typedSearchAttributes.get(planIdKey),
      },
      { progress: expected.progress, category: expected.category, plan: planId },
      `${expected.taskId}: listed as it is`,
    );
  }
});

t.test('a start batch that runs twice (crash after starting) starts each task workflow once', async (t) => {
  const planId = freshPlanId('retry');
  recordable['start-retried'] = planId;
  faults.failAfterNextStart = true;
  const callsBefore = faults.startCalls;
  const returnedBefore = faults.startsReturned;
  const outcome = await applyDrill(planId);
  t.equal(outcome.result?.changed, true);
  // The first attempt recorded its pages (the apply may answer then); Temporal retries it after that.
  await lastRead(
    async () => faults.startsReturned,
    (returned) => returned > returnedBefore,
  );
  t.equal(faults.startCalls - callsBefore, 2, 'the page ran twice');
  const executions = await lastRead(
    async () => {
      const found: string[] = [];
      for await (const execution of env.client.workflow.list({ query: `WorkflowId STARTS_WITH 'task:${planId}:'` })) {
        found.push(execution.workflowId);
      }
      return found;
    },
    (found) => found.length >= 6,
  );
  t.equal(executions.length, 6, 'one run per task workflow, no duplicates');
  const progress = await env.plans.reconciliation(planId, 1);
  t.ok(progress?.finishedAt, 'the reconciliation finished');
  t.equal(progress?.started, 6, 'and counts each task workflow once');
});

t.test('a plan workflow continued as new finishes the reconciliation it carries', async (t) => {
  const planId = freshPlanId('carried');
  const { plan } = loadPlanAs(fixture('drill-small.yaml'), 'drill-small', planId);
  const specs = compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt: new Date().toISOString() });
  const { specSet } = await env.plans.putVersion({ contentHash: 'carried-hash', document: plan, specs });
  // In the order the store pages them: the first is what the previous run had done.
  const [started, ...notYet] = (await env.plans.specsOf(specSet)) as [TaskSpec, ...TaskSpec[]];
  const carried: PlanWorkflowState = {
    planId,
    version: 1,
    contentHash: 'carried-hash',
    appliedAt: new Date().toISOString(),
    firstAppliedAt: new Date().toISOString(),
    specSet,
    taskCount: specs.length,
    // As if the previous run stopped after a first page of one.
    pending: {
      version: 1,
      actor: admin,
      to: specSet,
      counts: { start: specs.length, amend: 0, cancel: 0 },
      phase: 'start',
      after: taskWorkflowId(started),
      progress: { started: 1, amended: 0, cancelled: 0, errors: 0 },
    },
  };
  // The previous run had begun it in the plan store, where its progress and end are kept.
  await env.plans.beginReconciliation({ planId, version: 1, counts: carried.pending!.counts!, at: carried.appliedAt! });
  await env.client.workflow.start(planWorkflow, { workflowId: planWorkflowId(planId), taskQueue: 'kehoach', args: [{ planId, carried }] });
  const progress = await lastRead(
    () => env.plans.reconciliation(planId, 1),
    (status) => Boolean(status?.finishedAt),
  );
  t.same(progress && [progress.started, Boolean(progress.finishedAt)], [specs.length, true], 'the carried reconciliation finished');
  const state = await planState(env.client, planId);
  t.equal(state.version, 1);
  t.equal(state.contentHash, 'carried-hash', 'the applied version is kept');
  for (const spec of notYet) {
    const task = await taskState(env.client, taskWorkflowId(spec));
    t.equal(task.spec.specHash, spec.specHash, `${taskWorkflowId(spec)} was started`);
  }
  const startedBefore = await env.client.workflow
    .getHandle(taskWorkflowId(started))
    .describe()
    .then(
      () => true,
      () => false,
    );
  t.equal(startedBefore, false, 'work the previous run had done is not redone');
});

t.test('continue-as-new after a few dozen events loses nothing', async (t) => {
  // A server that suggests continue-as-new after 30 events, so a small plan goes through several runs.
  const small = await startPlanWorkerEnv({ devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=30'] });
  t.teardown(() => small.stop());
  const planId = freshPlanId('can');
  const { plan, text } = loadPlanAs(fixture('drill-small.yaml'), 'drill-small', planId);
  const first = await applyPlan({ client: small.client, plans: small.plans, plan, text, actor: admin, dryRun: false });
  t.equal(first.result?.version, 1);
  const handle = small.client.workflow.getHandle(planWorkflowId(planId));
  const firstRun = (await handle.describe()).runId;

  await small.client.workflow.getHandle(`task:${planId}:lam-sach-ho-tich`).executeUpdate(complete, { args: [{ actor: staffOf('so-tu-phap') }] });
  const released = await lastRead(
    () => taskState(small.client, `task:${planId}:so-hoa-ho-tich`),
    (state) => state.progress === 'in_progress',
  );
  t.equal(released.progress, 'in_progress', 'dependants are released across runs');
  for (const unit of ['ubnd-tp-vinh', 'ubnd-quynh-luu']) {
    await small.client.workflow
      .getHandle(`task:${planId}:so-hoa-ho-khau@${unit}`)
      .executeUpdate(reportProgress, { args: [{ actor: staffOf(unit), value: 100 }] });
  }
  const whole = await lastRead(
    () => taskState(small.client, `task:${planId}:so-hoa-ho-khau`),
    (view) => view.progressValue === 200,
  );
  t.equal(whole.progressValue, 200, 'the units roll up without the plan workflow');
  // Applying the same content again and an amendment push the plan workflow over its event limit.
  const again = await applyPlan({ client: small.client, plans: small.plans, plan, text, actor: admin, dryRun: false });
  t.equal(again.result?.changed, false, 'the same content is recognised');

  const amended = loadPlanAs(fixture('drill-small-amended.yaml'), 'drill-small', planId);
  const second = await applyPlan({ client: small.client, plans: small.plans, ...amended, actor: admin, dryRun: false });
  t.equal(second.result?.version, 2);
  const late = await lastRead(
    () => taskState(small.client, `task:${planId}:khai-thac-ho-tich`),
    (view) => view.progress === 'in_progress',
  );
  t.equal(late.progress, 'in_progress', 'a prerequisite done before the task was added releases it from the read model');
  const state = await lastRead(
    () => handle.query(getPlanState),
    (view) => view.version === 2,
  );
  t.not((await handle.describe()).runId, firstRun, 'the plan workflow continued as new');
  t.equal(state.contentHash, second.contentHash);
  t.equal(state.taskCount, 6, 'the version survives');
  t.equal((await small.plans.specsOf(state.specSet!)).length, 6, 'its spec set is the one stored');
});

t.test('two applies at once run one after the other', async (t) => {
  const planId = freshPlanId('race');
  const base = loadPlanAs(fixture('drill-small.yaml'), 'drill-small', planId);
  const amended = loadPlanAs(fixture('drill-small-amended.yaml'), 'drill-small', planId);
  const [a, b] = await Promise.all([
    applyPlan({ client: env.client, plans: env.plans, ...base, actor: admin, dryRun: false }),
    applyPlan({ client: env.client, plans: env.plans, ...amended, actor: admin, dryRun: false }),
  ]);
  t.same([a.result?.version, b.result?.version].sort(), [1, 2], 'two versions, one after the other');
  const [earlier, later] = a.result?.version === 1 ? [a, b] : [b, a];
  t.ok(
    earlier.result?.changes.every((change) => change.change === 'added'),
    'the first sees an empty plan',
  );
  t.ok(later.result?.changes.length && later.result.changes.length < 6, 'the second sees what the first applied, not an empty plan');
  const state = await planState(env.client, planId);
  t.equal(state.contentHash, later.contentHash, 'the plan holds the version applied last');
  t.ok((await env.plans.reconciliation(planId, state.version))?.finishedAt, 'its reconciliation finished');
  const live = await countTaskWorkflows(env.client, planId);
  const specs = await appliedSpecs(env, planId);
  for (const spec of specs) t.ok(live.ids.includes(taskWorkflowId(spec)), `${taskWorkflowId(spec)} runs`);
});

t.test('applyVersion rejects a version without a stored spec set', async (t) => {
  const planId = freshPlanId('reject');
  await applyDrill(planId);
  const handle = env.client.workflow.getHandle(planWorkflowId(planId));
  const { specSet } = await planState(env.client, planId);
  const base = { actor: admin, contentHash: 'x', specSet: specSet!, taskCount: 6, firstAppliedAt: new Date().toISOString() };
  const rejection = async (change: Partial<typeof base>) => {
    try {
      await handle.executeUpdate(applyVersion, { args: [{ ...base, ...change }] });
    } catch (error) {
      const cause = (error as Error & { cause?: Error & { type?: string } }).cause;
      return `${cause?.type}: ${cause?.message}`;
    }
    return 'accepted';
  };
  t.match(await rejection({ taskCount: 0 }), /^InvalidInput: .*no tasks/);
  t.match(await rejection({ specSet: 'not-a-hash' }), /^InvalidInput: specSet is missing/);
  t.match(await rejection({ firstAppliedAt: 'yesterday' }), /^InvalidInput: .*not an ISO instant/);
  t.equal((await planState(env.client, planId)).version, 1, 'nothing was applied');
});

t.test('the real Nghệ An plan 771: 42 task workflows with their deadlines', async (t) => {
  const planId = freshPlanId('na771');
  const file = path.join(root, 'plans', 'nghe-an-771.yaml');
  const { plan, text } = loadPlanAs(file, 'nghe-an-771', planId);
  const outcome = await applyPlan({ client: env.client, plans: env.plans, plan, text, actor: admin, dryRun: false });
  t.equal(outcome.result?.changes.length, 42);
  const specs = await appliedSpecs(env, planId);
  const states: TaskStateView[] = await Promise.all(specs.map((spec) => taskState(env.client, taskWorkflowId(spec))));
  const wrong = specs.filter((spec, index) => spec.deadline.kind === 'instant' && states[index]?.deadlineAt !== spec.deadline.at);
  t.same(
    wrong.map((spec) => spec.taskId),
    [],
    'every dated task carries its compiled deadline',
  );
  const listed = await lastRead(
    () => countTaskWorkflows(env.client, planId),
    (found) => found.ids.length === 42,
  );
  t.equal(listed.ids.length, 42);
});

t.test('the real Thái Nguyên plan 827: unit and occurrence workflows roll up into their tasks', async (t) => {
  const planId = freshPlanId('tn827');
  const file = path.join(root, 'plans', 'thai-nguyen-827.yaml');
  const { plan, text } = loadPlanAs(file, 'thai-nguyen-827', planId);
  await applyPlan({ client: env.client, plans: env.plans, plan, text, actor: admin, dryRun: false });
  const specs = await appliedSpecs(env, planId);
  t.ok(specs.some((spec) => spec.unitId) && specs.some((spec) => spec.occurrence), 'the plan has unit and occurrence workflows');
  const states = await Promise.all(specs.map((spec) => taskState(env.client, taskWorkflowId(spec))));
  const wrong = specs.filter((spec, index) => spec.deadline.kind === 'instant' && states[index]?.deadlineAt !== spec.deadline.at);
  t.same(wrong.map(taskWorkflowId), [], 'every dated workflow carries its compiled deadline');
  for (const task of plan.tasks.filter((candidate) => candidate.units || candidate.recurrence)) {
    const carriers = specs.filter((spec) => spec.taskId === task.id && (spec.unitId || spec.occurrence)).length;
    const whole = await lastRead(
      () => taskState(env.client, `task:${planId}:${task.id}`),
      (view) => view.rollup?.total === carriers,
    );
    t.equal(whole.rollup?.total, carriers, `${task.id}: rolled up over its ${carriers} workflow(s)`);
  }
  const units = plan.tasks.find((candidate) => candidate.units && candidate.target);
  if (units) {
    const members = specs.filter((spec) => spec.taskId === units.id && spec.unitId);
    for (const spec of members) {
      // Each unit reaches its own target.
      await env.client.workflow
        .getHandle(taskWorkflowId(spec))
        .executeUpdate(reportProgress, { args: [{ actor: admin, value: spec.target!.value }] });
    }
    const whole = await lastRead(
      () => taskState(env.client, `task:${planId}:${units.id}`),
      (view) => view.rollup?.reached === members.length,
    );
    t.equal(whole.rollup?.reached, members.length, `${units.id}: every unit reached its target (n of N)`);
    t.equal(whole.rollup?.value, whole.rollup?.targetValue, 'the whole reached its target too');
    if (units.target!.unit !== '%') {
      t.equal(
        whole.rollup?.value,
        members.reduce((sum, spec) => sum + spec.target!.value, 0),
        'counts add up',
      );
    }
  }
});

t.test(
  'record plan histories for the replay test',
  { skip: !process.env.KEHOACH_RECORD_HISTORIES && 'set KEHOACH_RECORD_HISTORIES=1 to re-record' },
  async (t) => {
    const dir = path.join(root, 'test', 'fixtures', 'histories');
    mkdirSync(dir, { recursive: true });
    for (const [scenario, planId] of Object.entries(recordable)) {
      // The CLI writes the JSON history format every Temporal tool (and Worker.runReplayHistory) reads.
      const json = execFileSync(
        resolveTemporalCli(),
        [
          'workflow',
          'show',
          '--workflow-id',
          planWorkflowId(planId),
          '--address',
          env.server.address,
          '--namespace',
          env.server.namespace,
          '--output',
          'json',
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      writeFileSync(path.join(dir, `plan-${scenario}.json`), json.endsWith('\n') ? json : `${json}\n`);
      t.pass(`recorded plan-${scenario}.json`);
    }
  },
);
