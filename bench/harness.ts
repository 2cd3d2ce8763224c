/**
 * What every benchmark stands on: the embedded Postgres (migrated, `ephemeral`: no fsync), the
 * Temporal dev server, a kehoach worker with the real activities, and a second worker on its own
 * task queue for the bare primitives (`bench/primitives.ts`), so that kehoach and its primitive run
 * against the same servers in the same process. Also the small figures every benchmark prints:
 * percentiles, the machine, the results file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { count, type SQL } from 'drizzle-orm';
import { createActivities } from '../src/activities';
import { forEachBounded, RECONCILE_CONCURRENCY } from '../src/activities/task-control';
import { applyPlan } from '../src/apply/apply';
import type { Plan } from '../src/plan/schema';
import { loadPlanText } from '../src/plan/load';
import { createCompletionLookup, createFirstRecordWriter, createProjectionActivities } from '../src/activities/projection';
import { openDatabase, type DatabaseHandle } from '../src/db/client';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrateDatabase } from '../src/db/migrate';
import { createPlanStore } from '../src/db/plan-store';
import { tasks } from '../src/db/schema';
import type { PlanStore } from '../src/domain';
import { connectTemporal, type TemporalConnection } from '../src/temporal/client';
import { startDevServer } from '../src/temporal/dev-server';
import { createWorker } from '../src/temporal/worker';
import { freePort } from '../test/helpers/ports';
import { primitiveActivities } from './primitives-activities';

/** The task queue of the bare primitives' worker. */
export const PRIMITIVE_TASK_QUEUE = 'bench-primitive';

export interface BenchStack {
  dataDir: string;
  databaseUrl: string;
  database: DatabaseHandle;
  temporal: TemporalConnection;
  plans: PlanStore;
  /** Stops the kehoach worker (the primitive's worker and the servers stay up). */
  stopWorker(): Promise<void>;
  /** Starts a kehoach worker again after stopWorker. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Postgres connections of the worker's pool (default 20). */
  maxConnections?: number;
}

export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kehoach-bench-'));
  const stops: (() => Promise<unknown>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await bounded(step);
  };
  try {
    const [postgres, devServer] = await Promise.all([
      freePort()
        .then((port) => startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port, ephemeral: true }))
        .then((server) => (stops.push(() => server.stop()), server)),
      freePort()
        .then((port) => startDevServer({ port }))
        .then((server) => (stops.push(() => server.stop()), server)),
    ]);
    await migrateDatabase(postgres.url);
    const database = openDatabase(postgres.url, { maxConnections: options.maxConnections ?? 20 });
    stops.push(() => database.close());
    const temporal = await connectTemporal({ address: devServer.address, namespace: devServer.namespace });
    stops.push(() => temporal.close());
    const plans = createPlanStore(database.db);

    const primitive = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: devServer.namespace,
      taskQueue: PRIMITIVE_TASK_QUEUE,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./primitives') }),
      activities: primitiveActivities(),
    });
    const primitiveRunning = primitive.run();
    stops.push(async () => {
      primitive.shutdown();
      await primitiveRunning;
    });

    let worker: Worker | undefined;
    let running: Promise<void> | undefined;
    const startWorker = async () => {
      worker = await createWorker({
        connection: temporal.nativeConnection,
        namespace: devServer.namespace,
        activities: createActivities({
          client: temporal.client,
          projection: createProjectionActivities(database.db),
          completions: createCompletionLookup(database.db),
          firstRecords: createFirstRecordWriter(database.db),
          plans,
        }),
      });
      running = worker.run();
    };
    const stopWorker = async () => {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running?.catch((error: unknown) => console.error(error));
      worker = undefined;
      running = undefined;
    };
    await startWorker();
    stops.push(stopWorker);

    return { dataDir, databaseUrl: postgres.url, database, temporal, plans, startWorker, stopWorker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** How long one piece may take to stop before the benchmark goes on without it. */
const STOP_STEP_MS = 30_000;

/**
 * One stop step, given at most STOP_STEP_MS: a worker's graceful shutdown has been seen to hang
 * after a storm ("Workflow execution context should have been disposed first"), and a benchmark
 * whose results are written must still end.
 */
async function bounded(step: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_STEP_MS)));
  const outcome = await Promise.race([step().catch((error: unknown) => console.error(error)), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') console.error(`a part of the benchmark stack did not stop within ${STOP_STEP_MS / 1000} s; going on without it`);
}

/** Runs a benchmark's main and ends the process when it is done, whatever a stuck piece still holds open. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The benchmarks' one wait for the read model: counts the task rows matching `where` every
 * `pollMs` until there are `atLeast`, and returns the count. Past `deadlineMs` (epoch ms) it
 * throws, saying how many of the `what` were visible and, when given, what to change (`hint`).
 */
export async function untilTaskRows(
  stack: Pick<BenchStack, 'database'>,
  where: SQL | undefined,
  atLeast: number,
  options: { pollMs: number; what: string; deadlineMs?: number; hint?: string },
): Promise<number> {
  for (;;) {
    const [row] = await stack.database.db.select({ n: count() }).from(tasks).where(where);
    const visible = row?.n ?? 0;
    if (visible >= atLeast) return visible;
    if (options.deadlineMs !== undefined && Date.now() > options.deadlineMs) {
      throw new Error(`only ${visible} of ${atLeast} ${options.what} are visible${options.hint ? `: ${options.hint}` : ''}`);
    }
    await sleep(options.pollMs);
  }
}

/**
 * The benchmarks' one wait for bare workflows to reach a point of their history: describes each of
 * `workflowIds` (RECONCILE_CONCURRENCY at a time, each until it is seen there) every `pollMs` until
 * every history holds at least `events` events: 4 once its first workflow task has run (started,
 * scheduled, started, completed), 5 once that task has also set a timer. Returns false when
 * `deadlineMs` (epoch ms) passes first.
 */
export async function untilHistoriesReach(
  stack: Pick<BenchStack, 'temporal'>,
  workflowIds: readonly string[],
  events: number,
  options: { pollMs: number; deadlineMs: number },
): Promise<boolean> {
  let waiting = [...workflowIds];
  for (;;) {
    const behind: string[] = [];
    await forEachBounded(waiting, RECONCILE_CONCURRENCY, async (workflowId) => {
      const { historyLength } = await stack.temporal.client.workflow.getHandle(workflowId).describe();
      if (historyLength < events) behind.push(workflowId);
    });
    waiting = behind;
    if (waiting.length === 0) return true;
    if (Date.now() > options.deadlineMs) return false;
    await sleep(options.pollMs);
  }
}

/** The load averages, rounded, to print beside a figure taken on a shared machine. */
export const loadAverage = () => os.loadavg().map((value) => Number(value.toFixed(2)));

/** A benchmark's plan text, validated (defaults filled in); fails with its first errors when invalid. */
export function loadBenchPlan(text: string): Plan {
  const { plan, diagnostics } = loadPlanText(text, 'bench.yaml');
  if (!plan) throw new Error(`the bench plan is invalid: ${JSON.stringify(diagnostics.filter((d) => d.severity === 'error').slice(0, 3))}`);
  return plan;
}

/**
 * Validates a plan file's text and applies it as the API does (`applyPlan`), which returns once
 * every task workflow is started; fails when the plan is invalid or a start is missing.
 */
export async function applyPlanText(
  stack: Pick<BenchStack, 'temporal' | 'plans'>,
  text: string,
): Promise<{ planId: string; ms: number; workflows: number }> {
  const plan = loadBenchPlan(text);
  const began = performance.now();
  const outcome = await applyPlan({
    client: stack.temporal.client,
    plans: stack.plans,
    plan,
    text,
    actor: { id: 'bench', role: 'admin' },
    dryRun: false,
  });
  const ms = performance.now() - began;
  if (outcome.reconciliation?.started !== outcome.result?.total)
    throw new Error(`apply ${plan.id} started ${outcome.reconciliation?.started} of ${outcome.result?.total}`);
  return { planId: plan.id, ms, workflows: outcome.result?.total ?? 0 };
}

/**
 * Starts `count` primitive workflows (`<prefix>-0`, `<prefix>-1`, …), RECONCILE_CONCURRENCY at a
 * time as the plan workflow starts task workflows; their ids, in order, and how long the starts took.
 */
export async function startPrimitives(
  stack: Pick<BenchStack, 'temporal'>,
  workflowType: string,
  count: number,
  prefix: string,
  options: { args?: unknown[]; taskQueue?: string } = {},
): Promise<{ workflowIds: string[]; ms: number }> {
  const workflowIds = Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
  const began = performance.now();
  await forEachBounded(workflowIds, RECONCILE_CONCURRENCY, async (workflowId) => {
    await stack.temporal.client.workflow.start(workflowType, {
      taskQueue: options.taskQueue ?? PRIMITIVE_TASK_QUEUE,
      workflowId,
      args: options.args ?? [],
    });
  });
  return { workflowIds, ms: performance.now() - began };
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The value below which `fraction` of the samples lie (nearest rank). */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/** p50/p95/p99/max, rounded to 0.1 ms. */
export function latencySummary(samples: readonly number[]) {
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    count: samples.length,
    p50: round(percentile(samples, 0.5)),
    p95: round(percentile(samples, 0.95)),
    p99: round(percentile(samples, 0.99)),
    max: round(percentile(samples, 1)),
  };
}

/** Writes bench/results/<name>.json (git-ignored) with the machine described. */
export function writeResults(name: string, results: unknown): string {
  const file = path.join(__dirname, 'results', `${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine: machine(), results }, null, 2)}\n`);
  return file;
}

/** Runs `work` for every item with at most `concurrency` at once, timing each; returns the latencies in ms. */
export async function timedConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const began = performance.now();
      await work(item);
      latencies.push(performance.now() - began);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return latencies;
}
