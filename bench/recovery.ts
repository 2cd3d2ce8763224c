/**
 * Recovery beside its primitive: the kehoach worker, in a process of its own (`kehoach worker`),
 * killed with SIGKILL while the national set of task workflows is live, their deadline (with a
 * ladder level at it) falling due while no worker runs; a worker started again after it, and the
 * time until every due event is recorded in Postgres. The set is 34 provinces, each one plan of
 * 42 province tasks plus 100 communes × 5 tasks (547 task workflows with the roll-ups): 18,598 in
 * all; BENCH_RECOVERY_PROVINCES takes fewer. Also the apply time of the set and the peak RSS
 * (VmHWM) of the worker and of this process, which applies as the API does (`applyPlan`).
 * The primitive: as many bare timer workflows sharing one instant, their worker (also a process
 * of its own, bench/recovery-primitive-worker.ts) killed before the instant and started again
 * after it. kehoach first, then the primitive. Writes bench/results/recovery.json.
 * Run with `npm run bench:recovery`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
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
  untilHistoriesReach,
  untilTaskRows,
  writeResults,
} from './harness';

const root = path.resolve(__dirname, '..');
const PROVINCES = Number(process.env.BENCH_RECOVERY_PROVINCES ?? 34);
const PROVINCE_TASKS = 42;
const COMMUNES = 100;
const TASKS_PER_COMMUNE = 5;
/** A province's task workflows: its tasks, each commune's copies and the roll-ups (547). */
const PROVINCE_WORKFLOWS = PROVINCE_TASKS + COMMUNES * TASKS_PER_COMMUNE + TASKS_PER_COMMUNE;
/** How long past the instant the worker stays dead, so that every timer has fired and no sticky queue is left to time out. */
const DOWN_AFTER_MS = Number(process.env.BENCH_RECOVERY_DOWN_AFTER_SECONDS ?? 30) * 1000;
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_RECOVERY_TIMEOUT_MS ?? 30 * 60_000);
const PRIMITIVE_QUEUE = 'bench-primitive-recovery';

/**
 * How long before the instant `count` workflows are started, from a first batch of `calibrated`
 * that took `calibrationMs` until ready: three times that rate, as the load on a shared machine
 * changes within minutes, and two minutes more. kehoach's set and the primitive's alike.
 */
function leadFor(calibrationMs: number, calibrated: number, count: number): number {
  return 3 * (calibrationMs / calibrated) * count + 120_000;
}

/** Peak resident set of a live process, in MiB. */
function peakRssMiB(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

/**
 * One province's plan: 100 communes each carrying 5 tasks (units, with their 5 roll-ups) and 42
 * tasks of the province itself, every one due at `deadline` with one ladder level at it. No
 * reminders, no due-soon line and no contacts, so that the instant is the only thing falling due
 * and no delivery workflow joins the backlog.
 */
function provincePlan(id: string, deadline: string): string {
  const text = nationalPlanYaml({ id, tasksPerCommune: TASKS_PER_COMMUNE, counts: { provinces: 1, districts: 8, communes: COMMUNES } });
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
  const provinceTasks = Array.from({ length: PROVINCE_TASKS }, (_, index) => {
    const id = `p${String(index + 1).padStart(2, '0')}`;
    return [
      `  - id: ${id}`,
      `    title: Nhiệm vụ của tỉnh số ${index + 1}`,
      '    lead: tinh-1',
      `    deadline: ${deadline}`,
      '    output: Báo cáo',
    ].join('\n');
  });
  return `${text
    .replace(/^tasks:$/m, policy)
    .replace(/^ {4}deadline: .*$/gm, `    deadline: ${deadline}`)
    .trimEnd()}\n${provinceTasks.join('\n')}\n`;
}

interface Child {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
}

/** Spawns a process and resolves once it has printed `ready` (on stdout or stderr). */
async function spawnReady(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const hear = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout?.on('data', hear);
    child.stderr?.on('data', hear);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, pid: child.pid!, exited };
}

async function kill(worker: Child): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

async function kehoachRecovery(stack: BenchStack) {
  const { sql } = stack.database;
  const env = { DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporal.address, TEMPORAL_NAMESPACE: stack.temporal.namespace };
  const startWorker = () => spawnReady([path.join(root, 'bin', 'kehoach.js'), 'worker'], env, /polling task queue/);
  let worker = await startWorker();

  // The instant is chosen from a measured apply: one province first, deadline far away, until its
  // rows are visible (leadFor).
  const calibrationId = `recovery-calibration-${process.pid}`;
  const calibrationBegan = Date.now();
  const calibration = await applyPlanText(stack, provincePlan(calibrationId, '2030-12-31'));
  await untilTaskRows(stack, eq(tasks.planId, calibrationId), calibration.workflows, { pollMs: 500, what: `task rows of ${calibrationId}` });
  const calibrationMs = Date.now() - calibrationBegan;
  const leadMs =
    Number(process.env.BENCH_RECOVERY_LEAD_SECONDS ?? 0) * 1000 || leadFor(calibrationMs, calibration.workflows, PROVINCES * PROVINCE_WORKFLOWS);
  const target = vietnamMinuteAtOrAfter(Date.now() + leadMs);
  console.log(
    `calibration: ${calibration.workflows} task workflows applied in ${Math.round(calibration.ms)} ms, visible after ${calibrationMs} ms; ${PROVINCES} provinces due at ` +
      `${target.text} (Vietnam), ${Math.round((target.instantMs - Date.now()) / 1000)} s from now`,
  );

  const planIds = Array.from({ length: PROVINCES }, (_, index) => `recovery-${process.pid}-${index + 1}`);
  const began = Date.now();
  let workflows = 0;
  for (const id of planIds) workflows += (await applyPlanText(stack, provincePlan(id, target.text))).workflows;
  const applyMs = Date.now() - began;
  await untilTaskRows(stack, inArray(tasks.planId, planIds), workflows, {
    pollMs: 500,
    what: 'task rows at the instant',
    deadlineMs: target.instantMs,
    hint: 'raise BENCH_RECOVERY_LEAD_SECONDS',
  });
  const visibleMs = Date.now() - began;
  const slackMs = target.instantMs - Date.now();
  const rss = { worker: peakRssMiB(worker.pid), applyingProcess: peakRssMiB(process.pid) };
  console.log(
    `applied ${workflows} task workflows (${PROVINCES} plans) in ${Math.round(applyMs / 1000)} s, all visible after ${Math.round(visibleMs / 1000)} s ` +
      `(${((workflows / visibleMs) * 1000).toFixed(1)} a second); peak RSS worker ${rss.worker} MiB, applying process ${rss.applyingProcess} MiB; ` +
      `${Math.round(slackMs / 1000)} s before the instant (load ${loadAverage().join(' ')})`,
  );
  if (slackMs < 5_000) throw new Error('the set became visible too close to the instant: raise BENCH_RECOVERY_LEAD_SECONDS');

  // Every task and unit copy is due at the instant (the roll-ups carry no ladder): its overdue and its escalation event.
  const [due] = await sql<{ n: string }[]>`
    select count(*) as n from tasks where plan_id = any(${planIds}) and (unit_id is not null or task_id like 'p%')`;
  const dueTasks = Number(due?.n);
  await kill(worker);
  const killedAt = Date.now();
  await sleep(Math.max(0, target.instantMs + DOWN_AFTER_MS - Date.now()));
  const loadAtRestart = loadAverage();
  const restartedAt = Date.now();
  worker = await startWorker();
  const readyMs = Date.now() - restartedAt;
  const instant = new Date(target.instantMs).toISOString();
  let recorded = 0;
  while (recorded < 2 * dueTasks) {
    if (Date.now() > restartedAt + DRAIN_TIMEOUT_MS)
      throw new Error(`after ${DRAIN_TIMEOUT_MS} ms, ${recorded} of ${2 * dueTasks} due events recorded`);
    await sleep(250);
    const [row] = await sql<{ n: string }[]>`
      select count(*) as n from task_events
      where plan_id = any(${planIds}) and at = ${instant}::timestamptz and type in ('overdue', 'escalation')
        and (unit_id is not null or task_id like 'p%')`;
    recorded = Number(row?.n);
  }
  const polledDrainMs = Date.now() - restartedAt;
  const [last] = await sql<{ last_ms: string }[]>`
    select extract(epoch from max(recorded_at)) * 1000 as last_ms from task_events
    where plan_id = any(${planIds}) and at = ${instant}::timestamptz and type in ('overdue', 'escalation')`;
  const drainMs = Math.round(Number(last?.last_ms) - restartedAt);
  const lags = await sql<{ lag_ms: string }[]>`
    select extract(epoch from (recorded_at - at)) * 1000 as lag_ms from task_events
    where plan_id = any(${planIds}) and at = ${instant}::timestamptz and type = 'overdue' and (unit_id is not null or task_id like 'p%')`;
  const restartedRss = peakRssMiB(worker.pid);
  await kill(worker);
  return {
    provinces: PROVINCES,
    workflows,
    calibration: { workflows: calibration.workflows, applyMs: Math.round(calibration.ms), visibleMs: calibrationMs },
    applyMs,
    allVisibleMs: visibleMs,
    peakRssMiB: { firstWorker: rss.worker, applyingProcess: rss.applyingProcess, restartedWorker: restartedRss },
    dueTasks,
    deadline: target.text,
    workerDownMs: restartedAt - killedAt,
    restartedAfterInstantMs: restartedAt - target.instantMs,
    workerReadyMs: readyMs,
    drainMs,
    polledDrainMs,
    lagFromInstantMs: latencySummary(lags.map((row) => Number(row.lag_ms))),
    loadAverage: { atRestart: loadAtRestart, drained: loadAverage() },
  };
}

/**
 * Waits until the last 20 of the timer workflows `workflowIds` have run their first workflow task
 * and set their timer; they are started in order, so the others have too. False once `deadlineMs`
 * (epoch ms) passes first.
 */
const untilTimersSet = (stack: BenchStack, workflowIds: readonly string[], deadlineMs: number): Promise<boolean> =>
  untilHistoriesReach(stack, workflowIds.slice(-20), 5, { pollMs: 500, deadlineMs });

async function primitiveRecovery(stack: BenchStack, count: number, calibrationCount: number) {
  const lagsFile = path.join(stack.dataDir, 'primitive-lags.txt');
  const env = {
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_NAMESPACE: stack.temporal.namespace,
    RECOVERY_TASK_QUEUE: PRIMITIVE_QUEUE,
    LAGS_FILE: lagsFile,
  };
  const startWorker = () => spawnReady(['--import', 'tsx', path.join(__dirname, 'recovery-primitive-worker.ts')], env, /ready/);
  let worker = await startWorker();
  // Calibrated as kehoach's lead is (leadFor): a first batch, due in a day (it never fires here),
  // timed until its timers are set. A bare workflow's start is cheap, its first workflow task is not.
  const calibrationBegan = Date.now();
  const calibrationPrefix = `recovery-timer-calibration-${process.pid}`;
  const calibration = await startPrimitives(stack, 'timerWorkflow', calibrationCount, calibrationPrefix, {
    args: [Date.now() + 86_400_000],
    taskQueue: PRIMITIVE_QUEUE,
  });
  if (!(await untilTimersSet(stack, calibration.workflowIds, calibrationBegan + 10 * 60_000)))
    throw new Error(`the ${calibrationCount} calibration timers were not all set within 10 minutes`);
  const leadMs = leadFor(Date.now() - calibrationBegan, calibrationCount, count);
  const instantMs = Date.now() + leadMs;
  const prefix = `recovery-timer-${process.pid}`;
  const started = await startPrimitives(stack, 'timerWorkflow', count, prefix, { args: [instantMs], taskQueue: PRIMITIVE_QUEUE });
  const startMs = Math.round(started.ms);
  // As kehoach's set was visible before its worker died: the last workflows started have their timer.
  if (!(await untilTimersSet(stack, started.workflowIds, instantMs)))
    throw new Error('the timer workflows did not all reach their timer before the instant');
  const slackMs = instantMs - Date.now();
  console.log(
    `primitive: ${count} timer workflows started in ${Math.round(startMs / 1000)} s, ${Math.round(slackMs / 1000)} s before their instant (load ${loadAverage().join(' ')})`,
  );
  if (slackMs < 5_000) throw new Error('the timer workflows were started too close to their instant');
  await kill(worker);
  const killedAt = Date.now();
  await sleep(Math.max(0, instantMs + DOWN_AFTER_MS - Date.now()));
  const loadAtRestart = loadAverage();
  const restartedAt = Date.now();
  worker = await startWorker();
  const readyMs = Date.now() - restartedAt;
  const fired = () => (existsSync(lagsFile) ? readFileSync(lagsFile, 'utf8').split('\n').filter(Boolean).map(Number) : []);
  let lags = fired();
  while (lags.length < count) {
    if (Date.now() > restartedAt + DRAIN_TIMEOUT_MS) throw new Error(`after ${DRAIN_TIMEOUT_MS} ms, ${lags.length} of ${count} timers fired`);
    await sleep(250);
    lags = fired();
  }
  const drainMs = Date.now() - restartedAt;
  const rss = peakRssMiB(worker.pid);
  await kill(worker);
  rmSync(lagsFile, { force: true });
  return {
    workflows: count,
    startMs,
    workerDownMs: restartedAt - killedAt,
    restartedAfterInstantMs: restartedAt - instantMs,
    workerReadyMs: readyMs,
    drainMs,
    peakRssMiB: { restartedWorker: rss },
    lagFromInstantMs: latencySummary(lags),
    loadAverage: { atRestart: loadAtRestart, drained: loadAverage() },
  };
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  try {
    // The in-process kehoach worker stays stopped: the one measured runs as its own process.
    await stack.stopWorker();
    console.log(`recovery, ${PROVINCES} provinces; kehoach first, then the primitive (load ${loadAverage().join(' ')})`);
    const kehoach = await kehoachRecovery(stack);
    console.log(
      `kehoach: worker restarted ${Math.round(kehoach.restartedAfterInstantMs / 1000)} s after the instant, polling after ${kehoach.workerReadyMs} ms; ` +
        `${kehoach.dueTasks} overdue + ${kehoach.dueTasks} escalation events recorded ${kehoach.drainMs} ms after the restart (load ${loadAverage().join(' ')})`,
    );
    const primitive = await primitiveRecovery(stack, kehoach.dueTasks, kehoach.calibration.workflows);
    console.log(
      `primitive: ${primitive.workflows} timers fired ${primitive.drainMs} ms after the restart (worker polling after ${primitive.workerReadyMs} ms)`,
    );
    const ratio = Number((kehoach.drainMs / primitive.drainMs).toFixed(2));
    console.log(`time to drain: ${ratio}× the primitive's`);
    console.log(
      `Written to ${path.relative(root, writeResults('recovery', { order: 'kehoach, then primitive', kehoach, primitive, drainRatio: ratio }))}`,
    );
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
