/**
 * The deadline storm beside its primitive: N task workflows (units of one task, one per commune)
 * whose deadline is the same instant T, with a ladder level at the deadline, and N bare timer
 * workflows (bench/primitives.ts `timerWorkflow`) sharing one instant. For kehoach, the lag of each
 * task from T to its `overdue` event recorded in Postgres (`recorded_at - at`) and to the read
 * model showing its escalation (polled); for the primitive, from the instant to its activity.
 * kehoach's storm runs first, then the primitive's, never both at once.
 * Writes bench/results/storm.json. Run with `npm run bench:storm` (BENCH_STORM_TASKS, default 5,000).
 */
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { and, eq, isNotNull } from 'drizzle-orm';
import { tasks } from '../src/db/schema';
import { nationalPlanYaml, vietnamMinuteAtOrAfter } from '../test/helpers/national-plan';
import {
  applyPlanText,
  type BenchStack,
  latencySummary,
  loadAverage,
  runBenchmark,
  sleep,
  startBenchStack,
  startPrimitives,
  untilTaskRows,
  writeResults,
} from './harness';
import { primitiveStormLags } from './primitives-activities';

const root = path.resolve(__dirname, '..');
const TASKS = Number(process.env.BENCH_STORM_TASKS ?? 5000);
/** How long after T (or the primitive's instant) every record must be in before the run fails. */
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_STORM_TIMEOUT_MS ?? 15 * 60_000);
const POLL_MS = 100;
/** The storm's tasks are a unit task's copies: their rows (the roll-up's is not one of them). */
const unitRowsOf = (planId: string) => and(eq(tasks.planId, planId), isNotNull(tasks.unitId));

/**
 * One task carried by every commune: N unit workflows and their roll-up. The deadline is a local
 * date and time (minutes only, Asia/Ho_Chi_Minh); no reminder and no due-soon line before it, so
 * that nothing else falls due near T, and one ladder level at the deadline itself. No contacts:
 * the notifications are stored as failed and no delivery workflow joins the storm.
 */
function stormPlan(id: string, communes: number, deadline: string): string {
  const text = nationalPlanYaml({
    id,
    tasksPerCommune: 1,
    counts: { provinces: 1, districts: Math.max(1, Math.ceil(communes / 100)), communes },
  });
  const policy = [
    'notify:',
    '  catchUp: none',
    '  workingHours: false',
    'escalation:',
    '  dueSoon: 0 minutes',
    '  reminders: []',
    '  ladder:',
    '    - { after: 0 minutes, to: lead_head, action: Nhắc nhở }',
    'tasks:',
  ].join('\n');
  return text.replace(/^tasks:$/m, policy).replace(/^ {4}deadline: .*$/m, `    deadline: ${deadline}`);
}

const SAMPLED_HISTORIES = 200;

/**
 * How many of a sample of the storm's workflows had a workflow task time out after the instant
 * waiting on its worker's sticky queue (schedule-to-start): the server then hands it to the task
 * queue with the whole history, and the worker replays it from the start.
 */
async function stickyTimeouts(stack: BenchStack, workflowIds: string[], instantMs: number): Promise<{ sampled: number; timedOut: number }> {
  const step = Math.max(1, Math.floor(workflowIds.length / SAMPLED_HISTORIES));
  const sample = workflowIds.filter((_, index) => index % step === 0).slice(0, SAMPLED_HISTORIES);
  let timedOut = 0;
  for (const workflowId of sample) {
    const { events } = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    const late = (events ?? []).some(
      (event) =>
        event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT &&
        event.workflowTaskTimedOutEventAttributes?.timeoutType === temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START &&
        Number(event.eventTime?.seconds ?? 0) * 1000 >= instantMs,
    );
    if (late) timedOut += 1;
  }
  return { sampled: sample.length, timedOut };
}

async function kehoachStorm(stack: BenchStack) {
  const { sql } = stack.database;
  // T is chosen from a measured apply of the same size (deadline far away): a tenth of the plan
  // first underestimated it under a changing load, and the storm's own apply ran past T.
  const calibrationId = `storm-calibration-${process.pid}`;
  const calibrationBegan = performance.now();
  const calibrationApplyMs = (await applyPlanText(stack, stormPlan(calibrationId, TASKS, '2030-12-31'))).ms;
  await untilTaskRows(stack, unitRowsOf(calibrationId), TASKS, {
    pollMs: 250,
    what: `unit rows of ${calibrationId}`,
    deadlineMs: Date.now() + DRAIN_TIMEOUT_MS,
  });
  const calibrationMs = performance.now() - calibrationBegan;
  const leadMs = Number(process.env.BENCH_STORM_LEAD_SECONDS ?? 0) * 1000 || 1.5 * calibrationMs + 60_000;
  const target = vietnamMinuteAtOrAfter(Date.now() + leadMs);
  console.log(
    `calibration: ${TASKS} tasks applied in ${Math.round(calibrationApplyMs)} ms, visible after ${Math.round(calibrationMs)} ms; storm at ${target.text} (Vietnam), ` +
      `${Math.round((target.instantMs - Date.now()) / 1000)} s from now (load ${loadAverage().join(' ')})`,
  );

  const planId = `storm-${process.pid}`;
  const applyMs = (await applyPlanText(stack, stormPlan(planId, TASKS, target.text))).ms;
  const appliedAt = Date.now();
  await untilTaskRows(stack, unitRowsOf(planId), TASKS, {
    pollMs: 250,
    what: `unit rows of ${planId} before the instant`,
    deadlineMs: target.instantMs,
  });
  const visibleAt = Date.now();
  const slackMs = target.instantMs - visibleAt;
  console.log(
    `applied ${TASKS} task workflows in ${Math.round(applyMs)} ms, every row visible ${visibleAt - appliedAt} ms later; ` +
      `${Math.round(slackMs / 1000)} s before T (load ${loadAverage().join(' ')})`,
  );
  if (slackMs < 5_000) throw new Error('the apply ended too close to T: raise BENCH_STORM_LEAD_SECONDS');

  await sleep(Math.max(0, target.instantMs - Date.now()));
  const loadAtT = loadAverage();
  // Visibility: when a poll of the read model first shows the task's escalation (level 1).
  const visibleLag = new Map<string, number>();
  let recorded = 0;
  const giveUp = target.instantMs + DRAIN_TIMEOUT_MS;
  while (visibleLag.size < TASKS || recorded < TASKS) {
    if (Date.now() > giveUp)
      throw new Error(`after ${DRAIN_TIMEOUT_MS} ms: ${recorded} overdue events, ${visibleLag.size} escalations visible of ${TASKS}`);
    const rows = await sql<{ workflow_id: string }[]>`
      select workflow_id from tasks where plan_id = ${planId} and unit_id is not null and escalation_level >= 1`;
    const seenAt = Date.now();
    for (const row of rows) if (!visibleLag.has(row.workflow_id)) visibleLag.set(row.workflow_id, seenAt - target.instantMs);
    const [count] = await sql<{ n: string }[]>`
      select count(*) as n from task_events where plan_id = ${planId} and unit_id is not null and type = 'overdue'`;
    recorded = Number(count?.n);
    await sleep(POLL_MS);
  }
  const drainedAt = Date.now();
  const lags = await sql<{ lag_ms: string; on_time: boolean }[]>`
    select extract(epoch from (recorded_at - at)) * 1000 as lag_ms, at = ${new Date(target.instantMs).toISOString()}::timestamptz as on_time
    from task_events where plan_id = ${planId} and unit_id is not null and type = 'overdue'`;
  if (lags.some((row) => !row.on_time)) throw new Error('an overdue event is not stamped with T');
  const recordedLags = lags.map((row) => Number(row.lag_ms));
  const sticky = await stickyTimeouts(stack, [...visibleLag.keys()].sort(), target.instantMs);
  return {
    tasks: TASKS,
    calibration: { tasks: TASKS, applyMs: Math.round(calibrationApplyMs), visibleMs: Math.round(calibrationMs) },
    applyMs: Math.round(applyMs),
    rowsVisibleAfterApplyMs: visibleAt - appliedAt,
    slackBeforeTMs: slackMs,
    deadline: target.text,
    instant: new Date(target.instantMs).toISOString(),
    drainedAfterMs: drainedAt - target.instantMs,
    recordedLagMs: latencySummary(recordedLags),
    visibleLagMs: latencySummary([...visibleLag.values()]),
    stickyTimeouts: sticky,
    loadAverage: { atT: loadAtT, drained: loadAverage() },
  };
}

async function primitiveStorm(stack: BenchStack, leadMs: number) {
  primitiveStormLags.length = 0;
  const instantMs = Date.now() + leadMs;
  const started = await startPrimitives(stack, 'timerWorkflow', TASKS, `timer-${process.pid}`, { args: [instantMs] });
  const startedMs = Math.round(started.ms);
  const slackMs = instantMs - Date.now();
  console.log(
    `primitive: ${TASKS} timer workflows started in ${startedMs} ms, ${Math.round(slackMs / 1000)} s before their instant (load ${loadAverage().join(' ')})`,
  );
  if (slackMs < 5_000) throw new Error('the timer workflows were started too close to their instant');
  await sleep(Math.max(0, instantMs - Date.now()));
  const loadAtT = loadAverage();
  while (primitiveStormLags.length < TASKS) {
    if (Date.now() > instantMs + DRAIN_TIMEOUT_MS)
      throw new Error(`after ${DRAIN_TIMEOUT_MS} ms: ${primitiveStormLags.length} of ${TASKS} timers fired`);
    await sleep(POLL_MS);
  }
  const drainedAfterMs = Date.now() - instantMs;
  return {
    workflows: TASKS,
    startMs: startedMs,
    slackBeforeInstantMs: slackMs,
    drainedAfterMs,
    lagMs: latencySummary(primitiveStormLags),
    stickyTimeouts: await stickyTimeouts(stack, started.workflowIds, instantMs),
    loadAverage: { atInstant: loadAtT, drained: loadAverage() },
  };
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  try {
    console.log(`deadline storm of ${TASKS} tasks; kehoach first, then the primitive (load ${loadAverage().join(' ')})`);
    const kehoach = await kehoachStorm(stack);
    console.log(
      `kehoach: overdue event recorded p50 ${kehoach.recordedLagMs.p50} / p99 ${kehoach.recordedLagMs.p99} / max ${kehoach.recordedLagMs.max} ms after T; ` +
        `escalation visible p50 ${kehoach.visibleLagMs.p50} / p99 ${kehoach.visibleLagMs.p99} / max ${kehoach.visibleLagMs.max} ms (polled every ${POLL_MS} ms)`,
    );
    // Starting bare workflows is no slower than applying as many tasks (bench/apply.ts): this lead covers the starts.
    const primitive = await primitiveStorm(stack, Math.max(60_000, kehoach.applyMs * 1.2 + 30_000));
    console.log(`primitive: activity ran p50 ${primitive.lagMs.p50} / p99 ${primitive.lagMs.p99} / max ${primitive.lagMs.max} ms after the instant`);
    console.log(
      `workflow tasks timed out on a sticky queue after the instant (then replayed from the whole history): kehoach ${kehoach.stickyTimeouts.timedOut} ` +
        `of ${kehoach.stickyTimeouts.sampled} sampled, primitive ${primitive.stickyTimeouts.timedOut} of ${primitive.stickyTimeouts.sampled}`,
    );
    const ratio = Number((kehoach.recordedLagMs.p99 / primitive.lagMs.p99).toFixed(2));
    const visibleRatio = Number((kehoach.visibleLagMs.p99 / primitive.lagMs.p99).toFixed(2));
    console.log(`p99 ratio: recorded ${ratio}×, visible ${visibleRatio}× the primitive's (target ≤ 2×: ${ratio <= 2 ? 'reached' : 'not reached'})`);
    console.log(
      `Written to ${path.relative(root, writeResults('storm', { order: 'kehoach, then primitive', kehoach, primitive, p99Ratio: { recorded: ratio, visible: visibleRatio } }))}`,
    );
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
