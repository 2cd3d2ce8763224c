/**
 * The worker: runs plan and task workflows and kehoach's activities on the `kehoach` task queue.
 * Workflow code is bundled once per process (bundling takes seconds) and reused by every worker.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { KehoachActivities } from '../domain';
import { TASK_QUEUE } from '../workflows/ids';

/**
 * The workflows are bundled from their TypeScript sources whenever these are present (the
 * repository and the image carry them), also when this module runs from the compiled dist/: the
 * bundler's swc keeps their ES modules, which webpack can join into one scope (below); tsc's
 * CommonJS in dist/ it cannot. dist/'s copy is bundled only where the sources are absent.
 */
export const WORKFLOWS_PATH = workflowSources() ?? require.resolve('../workflows');

function workflowSources(): string | undefined {
  const sources = path.resolve(__dirname, '..', '..', 'src', 'workflows', 'index.ts');
  return existsSync(sources) ? sources : undefined;
}

/**
 * Limits, sized for one worker process on a 2-core machine:
 * - maxCachedWorkflows 1000: a province's plans carry thousands of task workflows that mostly sleep
 *   on timers for days; keeping every one in memory buys nothing, because a workflow evicted from
 *   the cache is rebuilt by replaying its (short) history when its next timer fires. 1000 keeps the
 *   busy ones (an apply touching a whole plan, a deadline day) warm within a few hundred MB.
 * - maxConcurrentWorkflowTaskExecutions 40: workflow tasks are short CPU bursts in one Node thread;
 *   more in flight only queue behind each other and stretch update latency.
 * - maxConcurrentActivityTaskExecutions 20: activities are Postgres transactions and calls to Temporal;
 *   20 matches the database pool, so activities wait on the worker rather than on the pool.
 * - maxConcurrentLocalActivityExecutions 20: the task workflows' records (one short transaction
 *   each) run as local activities; they share the pool with the activities, and a record waiting
 *   for a connection holds only its own workflow task.
 * - nonStickyToStickyPollRatio 0.5 (the SDK's default 0.2): half the workflow task polls on the
 *   shared queue. A task started quiet runs its first workflow task from there (at its first wake
 *   or first Update), not from the worker's sticky queue: with two shared pollers of ten, a
 *   1,000-task deadline storm of first runs took 3.26× the primitive's p99 instead of 2.52× with
 *   five, and completions at concurrency 32 0.72–0.75× its throughput instead of 0.80×.
 */
export const WORKER_LIMITS = {
  maxCachedWorkflows: 1000,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 20,
  maxConcurrentLocalActivityExecutions: 20,
  nonStickyToStickyPollRatio: 0.5,
} as const;

let bundling: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The workflow bundle, built on first call and shared afterwards (tests call this once per file).
 *
 * The SDK bundles in webpack's development mode, which keeps every module in its own function and
 * reaches each export through a getter: a workflow's first workflow task evaluates every module
 * again (module state is per workflow), defining each getter, and every call from one module into
 * another goes through one. Joining the ES modules into one scope (`concatenateModules`, what
 * webpack does in production mode) removes both; names, source maps and code are otherwise
 * unchanged. Replaying a quiet task's completion (its first workflow task) took 7.7–7.9 ms of
 * CPU instead of 8.0–8.1 (`npm run bench:first-task`; BENCHMARKS.md, "A completion's workflow
 * side, replayed").
 */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  bundling ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: quietBundlerLogger,
    webpackConfigHook: (config) => ({
      ...config,
      optimization: { ...config.optimization, concatenateModules: true },
      module: { ...config.module, rules: config.module?.rules?.map(withNativeSyntax) },
    }),
  });
  return bundling;
}

/**
 * The SDK compiles workflow TypeScript for ES2017, so every object spread becomes a helper call
 * that reads `Object` four times. Workflow code runs in a node:vm context, where each read of a
 * global goes through the context's interceptor (about 0.15 µs, against nothing for a local), and
 * the task workflow's rules spread objects on every step. Node 20 runs ES2022 as written.
 */
function withNativeSyntax<Rule>(rule: Rule): Rule {
  const use = (rule as { use?: { loader?: string; options?: { jsc?: object } } }).use;
  if (!use?.loader?.includes('swc-loader') || !use.options?.jsc) return rule;
  return { ...rule, use: { ...use, options: { ...use.options, jsc: { ...use.options.jsc, target: 'es2022' } } } };
}

// The bundler reports every module it packs at info level; only problems are worth printing.
export const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: KehoachActivities;
  /** A prebuilt bundle (tests share one); built with bundleWorkflows() otherwise. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  taskQueue?: string;
  /** Overrides of WORKER_LIMITS, for tests and unusual machines. */
  limits?: Partial<typeof WORKER_LIMITS>;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows());
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle,
    activities: options.activities,
    ...WORKER_LIMITS,
    // Bounded shutdown: in-flight activities get 2 s to finish, then are cancelled; after 5 s the
    // worker stops regardless (Temporal retries whatever was cut short on another worker).
    shutdownGraceTime: '2s',
    shutdownForceTime: '5s',
    ...options.limits,
  });
}
