/**
 * Apply throughput beside its primitive, on this machine: kehoach applying a plan (Nghệ An's 42
 * tasks; a province of 460 communes × 5 tasks + 42) until every task workflow is started, and the
 * same number of bare workflows started in parallel (16 at a time, as the plan workflow's
 * activities start them), interleaved. Real Postgres (embedded) and the Temporal dev server.
 * Writes bench/results/apply.json. Run with `npm run bench:apply` (`npm run bench` runs every benchmark; not part of npm test).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RECONCILE_CONCURRENCY } from '../src/activities/task-control';
import { nationalPlanYaml } from '../test/helpers/national-plan';
import { applyPlanText, median, runBenchmark, startBenchStack, startPrimitives, writeResults } from './harness';

const root = path.resolve(__dirname, '..');
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);

async function main(): Promise<void> {
  const stack = await startBenchStack();
  try {
    let run = 0;
    const applyOnce = async (text: string): Promise<number> =>
      (await applyPlanText(stack, text.replace(/^id: .*$/m, `id: bench-${process.pid}-${++run}`))).ms;
    const startBare = async (count: number): Promise<number> =>
      (await startPrimitives(stack, 'bareWorkflow', count, `bare-${process.pid}-${++run}`)).ms;

    const cases = [
      {
        name: 'nghe-an-771 (42 task workflows)',
        text: readFileSync(path.join(root, 'plans', 'nghe-an-771.yaml'), 'utf8'),
        workflows: 42,
        repetitions: REPETITIONS,
      },
      {
        name: 'a province: 460 communes × 5 tasks (2,305 task workflows with the roll-ups)',
        text: nationalPlanYaml({ id: 'province', tasksPerCommune: 5, counts: { provinces: 1, districts: 21, communes: 460 } }),
        workflows: 460 * 5 + 5,
        repetitions: 1,
      },
    ];
    const results = [];
    for (const benchCase of cases) {
      const ours: number[] = [];
      const primitive: number[] = [];
      for (let repetition = 0; repetition < benchCase.repetitions; repetition++) {
        ours.push(await applyOnce(benchCase.text));
        primitive.push(await startBare(benchCase.workflows));
      }
      const result = {
        case: benchCase.name,
        workflows: benchCase.workflows,
        applyMs: Math.round(median(ours)),
        bareStartsMs: Math.round(median(primitive)),
        ratio: Number((median(primitive) / median(ours)).toFixed(2)),
        runs: { applyMs: ours.map(Math.round), bareStartsMs: primitive.map(Math.round) },
      };
      results.push(result);
      console.log(
        `${result.case}: apply ${result.applyMs} ms (${((result.workflows / result.applyMs) * 1000).toFixed(0)}/s) — ` +
          `${result.workflows} bare starts, ${RECONCILE_CONCURRENCY} at a time: ${result.bareStartsMs} ms; apply throughput = ${result.ratio}× the primitive`,
      );
    }
    console.log(`Written to ${path.relative(root, writeResults('apply', results))}`);
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
