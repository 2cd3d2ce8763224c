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
import { and, count, eq, isNull } from 'drizzle-orm';
import type { RouteDeps } from '../src/api/app';
import type { Principal } from '../src/api/plugins/auth';
import { performTaskWrite } from '../src/api/task-service';
import { tasks } from '../src/db/schema';
import { applyPlanText, latencySummary, runBenchmark, startBenchStack, startPrimitives, timedConcurrently, writeResults } from './harness';

const root = path.resolve(__dirname, '..');
const PLAN_ID = 'bench-completion';
/** Completions per level, each level split in two rounds (kehoach then the primitive, then the other way round). */
const LEVELS = [
  { concurrency: 1, completions: Number(process.env.BENCH_COMPLETIONS_1 ?? 40) },
  { concurrency: 8, completions: Number(process.env.BENCH_COMPLETIONS_8 ?? 160) },
  { concurrency: 32, completions: Number(process.env.BENCH_COMPLETIONS_32 ?? 320) },
];
const AGENCIES = 8;

/** One plan of plain tasks (no units, no prerequisites, a deadline years away), spread over a few departments. */
function planYaml(taskCount: number): string {
  const lines = [
    `id: ${PLAN_ID}`,
    'code: "1/KH-BENCH"',
    'title: Kế hoạch đo thời gian báo cáo hoàn thành',
    'issuer: UBND tỉnh',
    'issuedOn: 2026-01-05',
    'timezone: Asia/Ho_Chi_Minh',
    'calendar: vn',
    'agencies:',
    '  - { id: ubnd-tinh, name: UBND tỉnh, kind: provincial_committee }',
    '  - { id: cong-an-tinh, name: Công an tỉnh, kind: police, parent: ubnd-tinh }',
    ...Array.from({ length: AGENCIES }, (_, a) => `  - { id: so-${a + 1}, name: Sở số ${a + 1}, kind: department, parent: ubnd-tinh }`),
    'roles:',
    '  standing_office: { agency: cong-an-tinh }',
    '  chair: { agency: ubnd-tinh }',
    'tasks:',
  ];
  for (let task = 1; task <= taskCount; task++) {
    lines.push(
      `  - id: t${String(task).padStart(4, '0')}`,
      `    title: Nhiệm vụ số ${task}`,
      `    lead: so-${(task % AGENCIES) + 1}`,
      '    deadline: 2030-12-31',
      '    output: Báo cáo kết quả',
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Batch {
  latencies: number[];
  ms: number;
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const { temporal, database } = stack;
  try {
    const total = LEVELS.reduce((sum, level) => sum + level.completions, 0);
    const text = planYaml(total);
    const applied = performance.now();
    const { workflows } = await applyPlanText(stack, text);
    if (workflows !== total) throw new Error(`the plan has ${workflows} task workflows, not ${total}`);
    // Started is not yet projected: each task workflow writes its row in its first workflow task.
    for (;;) {
      const [row] = await database.db
        .select({ n: count() })
        .from(tasks)
        .where(and(eq(tasks.planId, PLAN_ID), isNull(tasks.completedAt)));
      if ((row?.n ?? 0) >= total) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`${total} tasks applied and projected in ${Math.round(performance.now() - applied)} ms`);

    const deps: Omit<RouteDeps, 'readCache'> = {
      db: database,
      temporal: { client: temporal.client, connection: temporal.connection },
      config: { bodyLimit: 1_048_576, updateTimeoutMs: 60_000 },
    };
    // Staff of the task's lead agency, as the API would see the bearer of their token.
    const staffOf = (agency: string): Principal => ({ tokenId: `bench-${agency}`, name: `Cán bộ ${agency}`, agency, role: 'staff' });
    let nextTask = 0;
    const completeBatch = async (size: number, concurrency: number): Promise<Batch> => {
      const ids = Array.from({ length: size }, () => ++nextTask);
      const began = performance.now();
      const latencies = await timedConcurrently(ids, concurrency, async (task) => {
        const taskId = `t${String(task).padStart(4, '0')}`;
        const out = await performTaskWrite(
          deps,
          staffOf(`so-${(task % AGENCIES) + 1}`),
          'complete',
          { planId: PLAN_ID, taskId },
          { evidence: `Văn bản số ${task}/BC` },
          { requestId: `bench-complete-${task}` },
        );
        if (out.progress !== 'awaiting_confirmation' && out.progress !== 'done') throw new Error(`${taskId} answered ${out.progress}`);
      });
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
      const halves = [Math.floor(level.completions / 2), Math.ceil(level.completions / 2)];
      for (const [round, size] of halves.entries()) {
        const handles = await startBare(size);
        // The bare workflows run their first workflow task before the clock starts, as the task workflows did.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (round === 0) {
          ours.push(await completeBatch(size, level.concurrency));
          primitive.push(await updateBatch(handles, level.concurrency));
        } else {
          primitive.push(await updateBatch(handles, level.concurrency));
          ours.push(await completeBatch(size, level.concurrency));
        }
      }
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
        loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
      };
      results.push(result);
      const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
      const { kehoach: k, primitive: p } = result;
      console.log(
        `concurrency ${level.concurrency}, ${level.completions} completions (load ${result.loadAverage.join(' ')}):\n` +
          `  p50 ${k.p50} ms vs ${p.p50} ms (${ratio(k.p50, p.p50)}), p95 ${k.p95} vs ${p.p95} (${ratio(k.p95, p.p95)}), ` +
          `p99 ${k.p99} vs ${p.p99} (${ratio(k.p99, p.p99)}); throughput ${k.perSecond}/s vs ${p.perSecond}/s (${ratio(k.perSecond, p.perSecond)})`,
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
