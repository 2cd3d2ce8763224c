/**
 * Apply throughput beside its primitive, on this machine: kehoach applying a plan (Nghệ An's 42
 * tasks; a province of 460 communes × 5 tasks + 42) until every task workflow is started, and the
 * same number of bare workflows started in parallel (16 at a time, as the plan workflow's
 * activities start them), interleaved. Real Postgres (embedded) and the Temporal dev server.
 * Writes bench/results/apply.json. Run with `npm run bench:apply` (`npm run bench` runs every benchmark; not part of npm test).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { forEachBounded, RECONCILE_CONCURRENCY } from '../src/activities/task-control';
import { createCompletionLookup, createProjectionActivities } from '../src/activities/projection';
import { applyPlan } from '../src/apply/apply';
import { openDatabase } from '../src/db/client';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrateDatabase } from '../src/db/migrate';
import { createPlanStore } from '../src/db/plan-store';
import { loadPlanText } from '../src/plan/load';
import { connectTemporal } from '../src/temporal/client';
import { startDevServer } from '../src/temporal/dev-server';
import { createWorker } from '../src/temporal/worker';
import { freePort } from '../test/helpers/ports';
import { nationalPlanYaml } from '../test/helpers/national-plan';

const root = path.resolve(__dirname, '..');
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);

function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kehoach-bench-'));
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const [postgres, devServer] = await Promise.all([
      freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port, ephemeral: true })),
      freePort().then((port) => startDevServer({ port })),
    ]);
    stops.push(
      () => devServer.stop(),
      () => postgres.stop(),
    );
    await migrateDatabase(postgres.url);
    const database = openDatabase(postgres.url, { maxConnections: 20 });
    stops.unshift(() => database.close());
    const temporal = await connectTemporal({ address: devServer.address, namespace: devServer.namespace });
    stops.unshift(() => temporal.close());
    const plans = createPlanStore(database.db);
    const worker = await createWorker({
      connection: temporal.nativeConnection,
      namespace: devServer.namespace,
      activities: createActivities({
        client: temporal.client,
        projection: createProjectionActivities(database.db),
        completions: createCompletionLookup(database.db),
        plans,
      }),
    });
    const bare = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: devServer.namespace,
      taskQueue: 'bench-bare',
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./bare-workflows') }),
    });
    const running = [worker.run(), bare.run()];
    stops.unshift(async () => {
      worker.shutdown();
      bare.shutdown();
      await Promise.all(running);
    });

    let run = 0;
    const applyOnce = async (text: string): Promise<number> => {
      const id = `bench-${process.pid}-${++run}`;
      const { plan } = loadPlanText(text.replace(/^id: .*$/m, `id: ${id}`), `${id}.yaml`);
      if (!plan) throw new Error('the bench plan is invalid');
      const began = performance.now();
      const outcome = await applyPlan({ client: temporal.client, plans, plan, text, actor: { id: 'bench', role: 'admin' }, dryRun: false });
      const ms = performance.now() - began;
      if (outcome.reconciliation?.started !== outcome.result?.total)
        throw new Error(`apply ${id} started ${outcome.reconciliation?.started} of ${outcome.result?.total}`);
      return ms;
    };
    const startBare = async (count: number): Promise<number> => {
      const prefix = `bare-${process.pid}-${++run}`;
      const began = performance.now();
      await forEachBounded(
        Array.from({ length: count }, (_, index) => index),
        RECONCILE_CONCURRENCY,
        async (index) => {
          await temporal.client.workflow.start('bareWorkflow', { taskQueue: 'bench-bare', workflowId: `${prefix}-${index}` });
        },
      );
      return performance.now() - began;
    };

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
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
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
    mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    writeFileSync(
      path.join(__dirname, 'results', 'apply.json'),
      `${JSON.stringify({ at: new Date().toISOString(), machine: machine(), results }, null, 2)}\n`,
    );
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => console.error(error));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
