/**
 * The CPU of one completion's workflow tasks, replayed, beside its primitive's: what limits
 * completion at concurrency 32, measured without the dev server, Postgres or the other thread in
 * the figure. Each completion there is its task's first workflow task (a quiet task has run
 * nothing before), which builds the workflow in the SDK's V8 context, runs kehoach's rules and
 * takes the Update. This records two histories on the harness, then replays each in turn,
 * BENCH_FIRST_TASK_REPLAYS times a round over BENCH_FIRST_TASK_ROUNDS rounds, and divides the
 * process's CPU time by the replays:
 *
 * - kehoach: a task of the completion benchmark's plan, started quiet by its apply and completed
 *   once (`completeTask`): started, the Update, its record as a local activity's marker;
 * - kehoach as the SDK bundles by default (development mode, every module in its own scope),
 *   beside the worker's own bundle (`bundleWorkflows`, modules joined into one scope);
 * - the primitive: `updateWithActivityWorkflow` (bench/primitives.ts) started, its first workflow
 *   task run, then `primitiveUpdate` awaiting one activity, as completion's primitive.
 *
 * Replay runs the same workflow code and SDK as the worker, without the server round trips: a
 * figure of the workflow side alone. Writes bench/results/first-task.json. Run with
 * `npm run bench:first-task` (`npm run bench` runs every benchmark; not part of npm test).
 */
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { taskWorkflowId } from '../src/domain';
import { bundleWorkflows, quietBundlerLogger, WORKFLOWS_PATH } from '../src/temporal/worker';
import { completeTask, completionPlanYaml, taskIdOf, untilTasksProjected } from './completion-plan';
import { applyPlanText, runBenchmark, startBenchStack, startPrimitives, untilHistoriesReach, writeResults } from './harness';

const root = path.resolve(__dirname, '..');
const PLAN_ID = 'bench-first-task';
const REPLAYS = Number(process.env.BENCH_FIRST_TASK_REPLAYS ?? 400);
const ROUNDS = Number(process.env.BENCH_FIRST_TASK_ROUNDS ?? 4);

type History = temporal.api.history.v1.IHistory;

/** One completed task's history and one completed primitive's, recorded on the harness. */
async function recordHistories(): Promise<{ task: History; primitive: History }> {
  const stack = await startBenchStack();
  try {
    await applyPlanText(stack, completionPlanYaml(PLAN_ID, 1));
    await untilTasksProjected(stack, PLAN_ID, 1);
    await completeTask(stack, PLAN_ID, 1);
    const task = await stack.temporal.client.workflow.getHandle(taskWorkflowId({ planId: PLAN_ID, taskId: taskIdOf(1) })).fetchHistory();

    const { workflowIds } = await startPrimitives(stack, 'updateWithActivityWorkflow', 1, `bare-first-task-${process.pid}`);
    const bare: WorkflowHandle = stack.temporal.client.workflow.getHandle(workflowIds[0]!);
    // Its first workflow task runs before the Update, as the completion benchmark's primitives' do.
    if (!(await untilHistoriesReach(stack, workflowIds, 4, { pollMs: 50, deadlineMs: Date.now() + 60_000 })))
      throw new Error('the bare workflow did not run its first workflow task within a minute');
    await bare.executeUpdate('primitiveUpdate');
    await bare.result();
    const primitive = await bare.fetchHistory();
    return { task, primitive };
  } finally {
    await stack.stop();
  }
}

/** Replays `history` REPLAYS times (each under its own workflow id); the process's CPU per replay, in ms. */
async function cpuPerReplay(name: string, bundle: WorkflowBundleWithSourceMap, history: History): Promise<number> {
  async function* copies() {
    for (let index = 0; index < REPLAYS; index++) yield { workflowId: `${name}-${index}`, history };
  }
  const before = process.cpuUsage();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: name }, copies())) {
    if (result.error) throw new Error(`${name}: ${result.workflowId} did not replay: ${String(result.error)}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / REPLAYS;
}

async function main(): Promise<void> {
  const { task, primitive } = await recordHistories();
  const [ours, sdkDefault, bare] = await Promise.all([
    bundleWorkflows(),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger }),
    bundleWorkflowCode({ workflowsPath: require.resolve('./primitives'), logger: quietBundlerLogger }),
  ]);
  const runs = { kehoach: [] as number[], kehoachSdkDefault: [] as number[], primitive: [] as number[] };
  // One warm-up of each, not counted: the first replays compile the code.
  await cpuPerReplay('warm-kehoach', ours, task);
  await cpuPerReplay('warm-sdk-default', sdkDefault, task);
  await cpuPerReplay('warm-primitive', bare, primitive);
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0 ? (['kehoach', 'kehoachSdkDefault', 'primitive'] as const) : (['primitive', 'kehoachSdkDefault', 'kehoach'] as const);
    for (const name of order) {
      const bundle = name === 'kehoach' ? ours : name === 'kehoachSdkDefault' ? sdkDefault : bare;
      runs[name].push(await cpuPerReplay(`${name}-${round}`, bundle, name === 'primitive' ? primitive : task));
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const round2 = (value: number) => Math.round(value * 100) / 100;
  const results = {
    replays: REPLAYS,
    rounds: ROUNDS,
    historyEvents: { kehoach: task.events?.length ?? 0, primitive: primitive.events?.length ?? 0 },
    cpuMsPerReplay: {
      kehoach: round2(mean(runs.kehoach)),
      kehoachSdkDefault: round2(mean(runs.kehoachSdkDefault)),
      primitive: round2(mean(runs.primitive)),
    },
    runs: Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, values.map(round2)])),
  };
  const { kehoach: k, kehoachSdkDefault: d, primitive: p } = results.cpuMsPerReplay;
  console.log(
    `one completion's workflow tasks, replayed ${REPLAYS} times × ${ROUNDS} rounds, CPU per replay:\n` +
      `  kehoach ${k} ms (${results.historyEvents.kehoach} events; rounds ${results.runs.kehoach!.join(', ')})\n` +
      `  kehoach as the SDK bundles by default ${d} ms (rounds ${results.runs.kehoachSdkDefault!.join(', ')})\n` +
      `  primitive ${p} ms (${results.historyEvents.primitive} events; rounds ${results.runs.primitive!.join(', ')})\n` +
      `  kehoach / primitive ${(k / p).toFixed(2)}×; the worker's bundle saves ${(d - k).toFixed(2)} ms a replay`,
  );
  console.log(`Written to ${path.relative(root, writeResults('first-task', results))}`);
}

runBenchmark(main);
