/**
 * Completion latency and throughput beside its primitive, on this machine: distinct tasks of one
 * applied plan completed through performTaskWrite (src/api/task-service.ts, the function the API's
 * POST …/complete route calls: read the task, check the caller, send the `complete` Update, answer
 * from the projected row), at concurrency 1, 8 and 32; and as many Updates `primitiveUpdate`
 * (bench/primitives.ts: one no-op activity, then done) each on its own bare workflow started
 * beforehand, interleaved per level. Writes bench/results/completion.json. Run with
 * `npm run bench:completion` (`npm run bench` runs every benchmark; not part of npm test).
 */
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { completeTask, completionPlanYaml, untilTasksProjected } from './completion-plan';
import {
  applyPlanText,
  latencySummary,
  runBenchmark,
  sleep,
  startBenchStack,
  startPrimitives,
  timedConcurrently,
  untilHistoriesReach,
  writeResults,
} from './harness';

const root = path.resolve(__dirname, '..');
const PLAN_ID = 'bench-completion';
/**
 * Completions per level, each level split in ROUNDS rounds, kehoach and the primitive taking turns
 * to go first (kehoach first, then the primitive first, and so on). At concurrency 32 a round of
 * 160 lasts about two seconds, and on this shared machine one slow second moves a two-round level's
 * ratio by a tenth (0.69–0.88× in three runs of the same code): four rounds, and each round's
 * figures printed beside the level's, so that a reader sees which side a slow second fell on.
 */
const ROUNDS = Number(process.env.BENCH_COMPLETION_ROUNDS ?? 4);
/** The pause after a round's bare workflows have run their first workflow task, before the round is timed. */
const SETTLE_MS = 1000;
const LEVELS = [
  { concurrency: 1, completions: Number(process.env.BENCH_COMPLETIONS_1 ?? 40) },
  { concurrency: 8, completions: Number(process.env.BENCH_COMPLETIONS_8 ?? 160) },
  { concurrency: 32, completions: Number(process.env.BENCH_COMPLETIONS_32 ?? 640) },
];
interface Batch {
  latencies: number[];
  ms: number;
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const { temporal } = stack;
  try {
    const total = LEVELS.reduce((sum, level) => sum + level.completions, 0);
    const text = completionPlanYaml(PLAN_ID, total);
    const applied = performance.now();
    const { workflows } = await applyPlanText(stack, text);
    if (workflows !== total) throw new Error(`the plan has ${workflows} task workflows, not ${total}`);
    await untilTasksProjected(stack, PLAN_ID, total);
    console.log(`${total} tasks applied and projected in ${Math.round(performance.now() - applied)} ms`);

    let nextTask = 0;
    const completeBatch = async (size: number, concurrency: number): Promise<Batch> => {
      const ids = Array.from({ length: size }, () => ++nextTask);
      const began = performance.now();
      const latencies = await timedConcurrently(ids, concurrency, (task) => completeTask(stack, PLAN_ID, task));
      return { latencies, ms: performance.now() - began };
    };
    let nextBare = 0;
    const startBare = async (size: number): Promise<WorkflowHandle[]> => {
      const { workflowIds } = await startPrimitives(stack, 'updateWithActivityWorkflow', size, `bare-update-${process.pid}-${++nextBare}`);
      return workflowIds.map((workflowId) => temporal.client.workflow.getHandle(workflowId));
    };
    const updateBatch = async (handles: WorkflowHandle[], concurrency: number): Promise<Batch> => {
      const began = performance.now();
      // Named, not imported: bench/primitives.ts is workflow code, bundled for the worker.
      const latencies = await timedConcurrently(handles, concurrency, (handle) => handle.executeUpdate('primitiveUpdate'));
      return { latencies, ms: performance.now() - began };
    };

    const results = [];
    for (const level of LEVELS) {
      const ours: Batch[] = [];
      const primitive: Batch[] = [];
      const sizes = Array.from(
        { length: ROUNDS },
        (_, round) => Math.floor(((round + 1) * level.completions) / ROUNDS) - Math.floor((round * level.completions) / ROUNDS),
      );
      for (const [round, size] of sizes.entries()) {
        const handles = await startBare(size);
        // The bare workflows run their first workflow task before the clock starts (the task
        // workflows, started quiet, run theirs inside it: see BENCHMARKS.md, "Quiet starts").
        const warmed = await untilHistoriesReach(
          stack,
          handles.map((handle) => handle.workflowId),
          4,
          { pollMs: 50, deadlineMs: Date.now() + 60_000 },
        );
        if (!warmed) throw new Error(`the ${size} bare workflows of the round did not all run their first workflow task within a minute`);
        // Then the server's own work for those starts (visibility, transfer tasks) settles before a
        // timed round, whichever side goes first.
        await sleep(SETTLE_MS);
        if (round % 2 === 0) {
          ours.push(await completeBatch(size, level.concurrency));
          primitive.push(await updateBatch(handles, level.concurrency));
        } else {
          primitive.push(await updateBatch(handles, level.concurrency));
          ours.push(await completeBatch(size, level.concurrency));
        }
      }
      const perSecond = (batch: Batch) => Math.round((batch.latencies.length / batch.ms) * 10_000) / 10;
      const summarize = (batches: Batch[]) => {
        const latencies = batches.flatMap((batch) => batch.latencies);
        const ms = batches.reduce((sum, batch) => sum + batch.ms, 0);
        return { ...latencySummary(latencies), perSecond: Math.round((latencies.length / ms) * 10_000) / 10 };
      };
      const result = {
        concurrency: level.concurrency,
        completions: level.completions,
        kehoach: summarize(ours),
        primitive: summarize(primitive),
        rounds: ours.map((batch, round) => ({ kehoachPerSecond: perSecond(batch), primitivePerSecond: perSecond(primitive[round]!) })),
        loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
      };
      results.push(result);
      const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
      const { kehoach: k, primitive: p } = result;
      console.log(
        `concurrency ${level.concurrency}, ${level.completions} completions (load ${result.loadAverage.join(' ')}):\n` +
          `  p50 ${k.p50} ms vs ${p.p50} ms (${ratio(k.p50, p.p50)}), p95 ${k.p95} vs ${p.p95} (${ratio(k.p95, p.p95)}), ` +
          `p99 ${k.p99} vs ${p.p99} (${ratio(k.p99, p.p99)}); throughput ${k.perSecond}/s vs ${p.perSecond}/s (${ratio(k.perSecond, p.perSecond)})\n` +
          `  rounds: ${result.rounds.map((round) => `${round.kehoachPerSecond} vs ${round.primitivePerSecond}/s`).join(', ')}`,
      );
    }
    const at1 = results.find((result) => result.concurrency === 1);
    const at32 = results.find((result) => result.concurrency === 32);
    if (at1) {
      const ratio = at1.kehoach.p50 / at1.primitive.p50;
      console.log(`target: p50 at concurrency 1 ≤ 1.5× the primitive — ${ratio.toFixed(2)}×, ${ratio <= 1.5 ? 'reached' : 'not reached'}`);
    }
    if (at32) {
      const ratio = at32.kehoach.perSecond / at32.primitive.perSecond;
      console.log(`target: throughput at concurrency 32 ≥ 0.8× the primitive — ${ratio.toFixed(2)}×, ${ratio >= 0.8 ? 'reached' : 'not reached'}`);
    }
    console.log(`Written to ${path.relative(root, writeResults('completion', results))}`);
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
