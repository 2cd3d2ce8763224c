/**
 * Apply throughput beside its primitive, on this machine: kehoach applying a plan (Nghệ An's 42
 * tasks, as they stand and as on the plan's issue day; a province of 460 communes × 5 tasks + 42) until every task workflow is started, and the
 * same number of bare workflows started in parallel (16 at a time, as the plan workflow's
 * activities start them), interleaved. The national set is timed plan by plan until every task
 * row is visible and until no task workflow's first workflow task waits any more, so beside its
 * bare starts the same starts are also timed until each bare workflow has run its first workflow
 * task, each plan beside its own primitives. For Nghệ An, an apply's floor on this server is timed
 * beside them (`applyFloor`): the primitives that any apply handing its version to a workflow
 * before starting anything must take, with nothing recorded. Real Postgres (embedded) and the
 * Temporal dev server.
 * Writes bench/results/apply.json. Run with `npm run bench:apply` (`npm run bench` runs every benchmark; not part of npm test).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import { tasks } from '../src/db/schema';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { forEachBounded, pageStartOf, RECONCILE_CONCURRENCY, SIGNALLED_START_DELAY_MS, taskStartOptions } from '../src/activities/task-control';
import { compilePlan } from '../src/plan/compile';
import { loadCalendar } from '../src/plan/calendar-file';
import type { TaskSpec } from '../src/plan/model';
import { TASK_QUEUE } from '../src/workflows/ids';
import { nationalPlanYaml } from '../test/helpers/national-plan';
import { primitiveFirstTasks } from './primitives-activities';
import {
  applyPlanText,
  type BenchStack,
  loadAverage,
  loadBenchPlan,
  median,
  PRIMITIVE_TASK_QUEUE,
  runBenchmark,
  sleep,
  startBenchStack,
  startPrimitives,
  untilTaskRows,
  writeResults,
} from './harness';

const root = path.resolve(__dirname, '..');
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
/** Provinces of the national set (each 547 task workflows); 0 leaves the national case out. */
const NATIONAL_PROVINCES = Number(process.env.BENCH_APPLY_PROVINCES ?? 0);

/** Peak resident set of this process (the worker runs in it), in MiB. */
function peakRssMiB(): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

/**
 * The national set: one plan a province, each 42 tasks of the province and 100 communes × 5 tasks
 * (547 task workflows with the roll-ups), applied one after the other as plan authors would.
 * Interleaved plan by plan with its primitives: each plan is timed until its rows are visible and
 * until no first workflow task waits on kehoach's queue, then as many workflows are started until
 * each has run its first workflow task, then as many bare starts; the bare workflows' own first
 * workflow tasks are let run before the next plan, so each side starts on an idle server and both
 * meet the same number of workflows already stored.
 */
async function nationalCase(stack: BenchStack, provinces: number) {
  const perPlanMs: number[] = [];
  let workflows = 0;
  let visibleMs = 0;
  let drainedMs = 0;
  let firstTasksMs = 0;
  let bareMs = 0;
  for (let index = 1; index <= provinces; index++) {
    const id = `national-${process.pid}-${index}`;
    const began = performance.now();
    const applied = await applyPlanText(
      stack,
      nationalPlanYaml({ id, tasksPerCommune: 5, counts: { provinces: 1, districts: 8, communes: 100 } }).replace(/^tasks:$/m, provinceTasksBlock()),
    );
    await untilTaskRows(stack, eq(tasks.planId, id), applied.workflows, { pollMs: 20, what: `task rows of ${id}` });
    const visible = performance.now() - began;
    // The page writes each row, so "visible" can come before the tasks' first workflow tasks have
    // run: also timed until kehoach's queue holds none waiting, the deferred ones (the roll-ups',
    // SIGNALLED_START_DELAY_MS after their start) come due.
    await sleep(SIGNALLED_START_DELAY_MS + 250);
    await untilNoWorkflowTaskWaits(stack, TASK_QUEUE);
    const drained = performance.now() - began;
    const firstTasks = await startUntilFirstTasksRan(stack, applied.workflows, `first-task-national-${process.pid}-${index}`);
    const bare = await startPrimitives(stack, 'bareWorkflow', applied.workflows, `bare-national-${process.pid}-${index}`);
    await untilNoWorkflowTaskWaits(stack, PRIMITIVE_TASK_QUEUE);
    workflows += applied.workflows;
    visibleMs += visible;
    drainedMs += drained;
    firstTasksMs += firstTasks.ms;
    bareMs += bare.ms;
    perPlanMs.push(Math.round(visible));
    console.log(
      `  plan ${index}: ${applied.workflows} task workflows visible after ${Math.round(visible)} ms (applied in ${Math.round(applied.ms)} ms), ` +
        `bare starts ${Math.round(bare.ms)} ms (${workflows} of each in all, load ${loadAverage().join(' ')})`,
    );
  }
  return {
    case: `the national set: ${provinces} plans of 547 task workflows, each beside its primitives`,
    workflows,
    allVisibleMs: Math.round(visibleMs),
    bareStartsMs: Math.round(bareMs),
    ratio: Number((bareMs / visibleMs).toFixed(2)),
    firstTasksRanMs: Math.round(firstTasksMs),
    ratioToFirstTasks: Number((firstTasksMs / visibleMs).toFixed(2)),
    firstTasksDrainedMs: Math.round(drainedMs),
    ratioDrainedToFirstTasks: Number((firstTasksMs / drainedMs).toFixed(2)),
    perPlanMs,
    peakRssMiB: peakRssMiB(),
  };
}

/**
 * The primitive carried as far as kehoach's "every row visible": `count` bare workflows started 16
 * at a time, timed until each has run its first workflow task (counted by its local activity in
 * this process). The bare starts alone stop the clock before the worker has run them.
 */
async function startUntilFirstTasksRan(stack: BenchStack, count: number, prefix: string): Promise<{ ms: number }> {
  const before = primitiveFirstTasks.ran;
  const began = performance.now();
  await startPrimitives(stack, 'firstTaskWorkflow', count, prefix);
  while (primitiveFirstTasks.ran - before < count) await sleep(20);
  return { ms: performance.now() - began };
}

/**
 * Waits until Temporal reports no workflow task waiting on `taskQueue` twice in a row
 * (`approximateBacklogCount`, Temporal's own figure; tasks a worker holds are not in it, and
 * they take milliseconds).
 */
async function untilNoWorkflowTaskWaits(stack: BenchStack, taskQueue: string): Promise<void> {
  let quiet = 0;
  while (quiet < 2) {
    const described = await stack.temporal.client.workflowService.describeTaskQueue({
      namespace: stack.temporal.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    quiet = Number(described.stats?.approximateBacklogCount ?? 0) === 0 ? quiet + 1 : 0;
    await sleep(100);
  }
}

/**
 * Waits until neither kehoach's worker nor the primitives' has a workflow task waiting, once the
 * first workflow tasks an apply deferred (SIGNALLED_START_DELAY_MS) have come due.
 */
async function untilWorkersIdle(stack: BenchStack): Promise<void> {
  await sleep(SIGNALLED_START_DELAY_MS + 250);
  await untilNoWorkflowTaskWaits(stack, TASK_QUEUE);
  await untilNoWorkflowTaskWaits(stack, PRIMITIVE_TASK_QUEUE);
}

/**
 * A plan as its author applies it on the day it is issued, every deadline ahead: each date of the
 * text moved on by the whole years that put its issue day next year. Nghệ An's plan was issued on
 * 7/11/2022 and all its deadlines have passed, so each of its tasks starts by catching up an
 * escalation through its own workflow; moved on, its tasks start as a new plan's do.
 */
function onItsIssueDay(text: string): string {
  const issued = /^issuedOn: (\d{4})-/m.exec(text);
  if (!issued) throw new Error('the bench plan names no issuedOn');
  const years = new Date().getFullYear() + 1 - Number(issued[1]);
  return text.replace(/\b(\d{4})-(\d\d)-(\d\d)/g, (_date, year: string, month: string, day: string) => `${Number(year) + years}-${month}-${day}`);
}

/** A task queue no worker polls: workflows started on it never run a workflow task. */
const UNPOLLED_TASK_QUEUE = 'bench-unpolled';

/**
 * The least an apply that hands its version to a workflow before anything starts can take on this
 * server, made of primitives: one Update-with-start of a bare workflow whose Update awaits one
 * activity (as the plan workflow's Update leads to the activity that starts the tasks), then the
 * plan's starts exactly as the page sends them (input, search attributes, start delays), 16 at a
 * time, to a task queue nobody polls, so that none of them runs a workflow task. Nothing is read
 * or written in Postgres: the specs' store, the version's record, the tasks' first records and
 * the wait for the reconciliation's stamp are all left out.
 */
async function applyFloor(stack: BenchStack, specs: readonly TaskSpec[], prefix: string): Promise<{ updateMs: number; startsMs: number }> {
  const began = performance.now();
  await stack.temporal.client.workflow.executeUpdateWithStart('primitiveUpdate', {
    startWorkflowOperation: new WithStartWorkflowOperation('updateWithActivityWorkflow', {
      workflowId: `${prefix}-update`,
      taskQueue: PRIMITIVE_TASK_QUEUE,
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  const updated = performance.now();
  const at = new Date().toISOString();
  await forEachBounded(specs, RECONCILE_CONCURRENCY, async (spec, index) => {
    const options = taskStartOptions(spec, 1, pageStartOf(spec, 1, at, undefined), Date.now());
    await stack.temporal.client.workflow.start('taskWorkflow', { ...options, workflowId: `${prefix}-${index}`, taskQueue: UNPOLLED_TASK_QUEUE });
  });
  return { updateMs: updated - began, startsMs: performance.now() - updated };
}

/** The floor's figures over the repetitions (medians), and the bare starts' ratio to it. */
function floorOf(floors: readonly { updateMs: number; startsMs: number }[], bareStartsMs: number) {
  const totals = floors.map((floor) => floor.updateMs + floor.startsMs);
  return {
    floor: {
      updateMs: Math.round(median(floors.map((floor) => floor.updateMs))),
      startsMs: Math.round(median(floors.map((floor) => floor.startsMs))),
      ms: Math.round(median(totals)),
      ratio: Number((bareStartsMs / median(totals)).toFixed(2)),
      runs: totals.map(Math.round),
    },
  };
}

/** The specs a plan text compiles to when first applied now. */
function specsOf(text: string): TaskSpec[] {
  const plan = loadBenchPlan(text);
  return compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt: new Date().toISOString() });
}

/** 42 tasks of the province itself, due far away, before the communes' tasks. */
function provinceTasksBlock(): string {
  const tasks = Array.from({ length: 42 }, (_, index) =>
    [
      `  - id: p${String(index + 1).padStart(2, '0')}`,
      `    title: Nhiệm vụ của tỉnh số ${index + 1}`,
      '    lead: tinh-1',
      '    deadline: 2030-12-31',
      '    output: Báo cáo',
    ].join('\n'),
  );
  return `tasks:\n${tasks.join('\n')}`;
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  try {
    let run = 0;
    const applyOnce = async (text: string): Promise<number> =>
      (await applyPlanText(stack, text.replace(/^id: .*$/m, `id: bench-${process.pid}-${++run}`))).ms;
    const startBare = async (count: number): Promise<number> =>
      (await startPrimitives(stack, 'bareWorkflow', count, `bare-${process.pid}-${++run}`)).ms;

    const ngheAn = readFileSync(path.join(root, 'plans', 'nghe-an-771.yaml'), 'utf8');
    const cases = [
      {
        name: 'nghe-an-771 (42 task workflows, every deadline passed)',
        text: ngheAn,
        workflows: 42,
        repetitions: REPETITIONS,
        floor: true,
      },
      {
        name: 'nghe-an-771 on its issue day (42 task workflows, every date moved on by whole years)',
        text: onItsIssueDay(ngheAn),
        workflows: 42,
        repetitions: REPETITIONS,
        floor: true,
      },
      {
        name: 'a province: 460 communes × 5 tasks (2,305 task workflows with the roll-ups)',
        text: nationalPlanYaml({ id: 'province', tasksPerCommune: 5, counts: { provinces: 1, districts: 21, communes: 460 } }),
        workflows: 460 * 5 + 5,
        repetitions: 1,
        floor: false,
      },
    ];
    const results = [];
    for (const benchCase of cases) {
      const ours: number[] = [];
      const primitive: number[] = [];
      const floors: { updateMs: number; startsMs: number }[] = [];
      const specs = benchCase.floor ? specsOf(benchCase.text) : [];
      // Each side starts once the workflow tasks the one before left have run (the bare workflows'
      // first ones, the tasks an apply starts at once), so that none pays for the other's.
      for (let repetition = 0; repetition < benchCase.repetitions; repetition++) {
        await untilWorkersIdle(stack);
        ours.push(await applyOnce(benchCase.text));
        await untilWorkersIdle(stack);
        primitive.push(await startBare(benchCase.workflows));
        if (!benchCase.floor) continue;
        await untilWorkersIdle(stack);
        floors.push(await applyFloor(stack, specs, `floor-${process.pid}-${++run}`));
      }
      const result = {
        case: benchCase.name,
        workflows: benchCase.workflows,
        applyMs: Math.round(median(ours)),
        bareStartsMs: Math.round(median(primitive)),
        ratio: Number((median(primitive) / median(ours)).toFixed(2)),
        runs: { applyMs: ours.map(Math.round), bareStartsMs: primitive.map(Math.round) },
        ...(benchCase.floor ? floorOf(floors, median(primitive)) : {}),
      };
      results.push(result);
      console.log(
        `${result.case}: apply ${result.applyMs} ms (${((result.workflows / result.applyMs) * 1000).toFixed(0)}/s) — ` +
          `${result.workflows} bare starts, ${RECONCILE_CONCURRENCY} at a time: ${result.bareStartsMs} ms; apply throughput = ${result.ratio}× the primitive` +
          (result.floor
            ? `; an apply's floor (an Update-with-start awaiting one activity ${result.floor.updateMs} ms, then the same starts as the page sends them ` +
              `${result.floor.startsMs} ms, nothing recorded): ${result.floor.ms} ms, the primitive ${result.floor.ratio}× of it`
            : ''),
      );
    }
    if (NATIONAL_PROVINCES > 0) {
      const national = await nationalCase(stack, NATIONAL_PROVINCES);
      results.push(national);
      console.log(
        `${national.case}: every plan's rows visible after ${national.allVisibleMs} ms in all ` +
          `(${((national.workflows / national.allVisibleMs) * 1000).toFixed(0)}/s), peak RSS ${national.peakRssMiB} MiB — ` +
          `${national.workflows} bare starts: ${national.bareStartsMs} ms; apply throughput = ${national.ratio}× the primitive; ` +
          `the same started until each ran its first workflow task: ${national.firstTasksRanMs} ms (${national.ratioToFirstTasks}×; ` +
          `kehoach until no first workflow task waits: ${national.firstTasksDrainedMs} ms, ${national.ratioDrainedToFirstTasks}×)`,
      );
    }
    console.log(`Written to ${path.relative(root, writeResults('apply', results))}`);
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
