/**
 * A real Temporal dev server with a real kehoach worker (bundle built once per test file), an
 * in-memory projection and plan store in place of Postgres (the Postgres plan store has its own
 * test, test/db/plan-store.test.ts), and the real task-control activities.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import {
  taskDoneAt,
  taskWorkflowId,
  type CompletionLookup,
  type KehoachActivities,
  type PlanStore,
  type ReconcileKind,
  type ReconciliationStatus,
  type PlanVersionRecord,
  type ProjectionActivities,
  type FirstRecordWriter,
  type LastRecord,
  type TaskChange,
  type TaskStateView,
} from '../../src/domain';
import { reconciliationWatchers, specSetHash } from '../../src/db/plan-store';
import type { TaskSpec } from '../../src/plan/model';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { bundleWorkflows, createWorker } from '../../src/temporal/worker';
import { freePort } from './ports';

export interface FakeProjection extends ProjectionActivities, CompletionLookup, FirstRecordWriter {
  planVersions: PlanVersionRecord[];
  taskChanges: TaskChange[];
}

export function createFakeProjection(): FakeProjection {
  const planVersions: PlanVersionRecord[] = [];
  const taskChanges: TaskChange[] = [];
  /** The latest recorded state of each workflow, as the read model's rows hold it. */
  const latestStates = (): Map<string, TaskStateView> => {
    const latest = new Map<string, TaskStateView>();
    for (const { state } of taskChanges) {
      const seen = latest.get(state.workflowId);
      if (!seen || seen.seq < state.seq) latest.set(state.workflowId, state);
    }
    return latest;
  };
  return {
    planVersions,
    taskChanges,
    async recordPlanVersion(record) {
      if (!planVersions.some((seen) => seen.planId === record.planId && seen.version === record.version)) planVersions.push(record);
    },
    async recordTaskChange(change) {
      taskChanges.push(change);
    },
    async recordFirstChanges(changes) {
      taskChanges.push(...changes);
      return [];
    },
    async lastRecorded(workflowIds) {
      const latest = latestStates();
      const result: Record<string, LastRecord> = {};
      for (const workflowId of workflowIds) {
        const state = latest.get(workflowId);
        if (state) result[workflowId] = { seq: state.seq, deadlineVersion: state.deadlineVersion, updatedAt: state.updatedAt };
      }
      return result;
    },
    /** The read model's answer, from the latest recorded state of each workflow. */
    async doneAt(planId, taskIds) {
      const ofPlan = [...latestStates().values()].filter((state) => state.planId === planId);
      const result: Record<string, string> = {};
      for (const taskId of taskIds) {
        const doneAt = taskDoneAt(ofPlan.filter((state) => state.taskId === taskId));
        if (doneAt) result[taskId] = doneAt;
      }
      return result;
    },
  };
}

/** The plan store in memory: spec sets as maps of workflow id → spec, in workflow id order. */
export function createMemoryPlanStore(): PlanStore & { sets: Map<string, Map<string, TaskSpec>> } {
  const sets = new Map<string, Map<string, TaskSpec>>();
  const documents = new Map<string, unknown>();
  const reconciliations: ReconciliationStatus[] = [];
  const setOf = (hash: string | undefined) => (hash ? (sets.get(hash) ?? new Map<string, TaskSpec>()) : new Map<string, TaskSpec>());
  const changes = (kind: ReconcileKind, from: string | undefined, to: string): [string, TaskSpec][] => {
    const before = setOf(from);
    const after = setOf(to);
    if (kind === 'cancel') return [...before].filter(([id]) => !after.has(id));
    if (kind === 'start') return [...after].filter(([id]) => !before.has(id));
    return [...after].filter(([id, spec]) => before.has(id) && before.get(id)?.specHash !== spec.specHash);
  };
  const find = (planId: string, version: number) => reconciliations.find((r) => r.planId === planId && r.version === version);
  // Announced as the trigger of migration 0007 does: each write of a reconciliation's row.
  const watchers = reconciliationWatchers(async () => true);
  return {
    sets,
    async putVersion({ contentHash, document, specs }) {
      const specSet = specSetHash(specs);
      const sorted = [...specs]
        .map((spec) => [taskWorkflowId(spec), structuredClone(spec)] as [string, TaskSpec])
        .sort(([a], [b]) => (a < b ? -1 : 1));
      sets.set(specSet, new Map(sorted));
      documents.set(contentHash, document);
      return { specSet, count: specs.length };
    },
    async specsOf(specSet) {
      return [...setOf(specSet).values()];
    },
    async documentOf(contentHash) {
      if (!documents.has(contentHash)) throw new Error(`no document ${contentHash}`);
      return documents.get(contentHash);
    },
    async countChanges(from, to) {
      return { start: changes('start', from, to).length, amend: changes('amend', from, to).length, cancel: changes('cancel', from, to).length };
    },
    async changesPage({ kind, from, to, after, limit }) {
      const page = changes(kind, from, to)
        .filter(([id]) => after === undefined || id > after)
        .slice(0, limit);
      return { specs: kind === 'cancel' ? [] : page.map(([, spec]) => spec), workflowIds: page.map(([id]) => id) };
    },
    async beginReconciliation({ planId, version, counts, at }) {
      if (find(planId, version)) return;
      reconciliations.push({
        planId,
        version,
        total: counts.start + counts.amend + counts.cancel,
        toStart: counts.start,
        toAmend: counts.amend,
        toCancel: counts.cancel,
        started: 0,
        amended: 0,
        cancelled: 0,
        errors: 0,
        beganAt: at,
      });
      watchers.announce(planId);
    },
    async recordProgress({ planId, version, progress, lastError, finishedAt }) {
      const found = find(planId, version);
      if (!found) return;
      Object.assign(found, progress);
      if (lastError === undefined) delete found.lastError;
      else found.lastError = lastError;
      if (finishedAt) found.finishedAt ??= finishedAt;
      watchers.announce(planId);
    },
    async recordFailure({ planId, version, message }) {
      const found = find(planId, version);
      if (!found) return;
      found.lastError = message;
      watchers.announce(planId);
    },
    async reconciliation(planId, version) {
      const found = reconciliations
        .filter((r) => r.planId === planId && (version === undefined || r.version === version))
        .sort((a, b) => b.version - a.version)[0];
      return found ? { ...found } : undefined;
    },
    watchReconciliation: (planId) => watchers.watch(planId),
  };
}

export interface PlanWorkerEnv {
  server: DevServer;
  connection: Connection;
  client: Client;
  projection: FakeProjection;
  plans: PlanStore;
  worker: Worker;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export interface PlanWorkerEnvOptions {
  /** Wraps the real activities, for tests that inject failures. */
  wrapActivities?: (activities: KehoachActivities) => KehoachActivities;
  /** More dev server arguments, e.g. a low continue-as-new threshold. */
  devServerArgs?: string[];
  /** The plan store the worker reads (default: in memory); tests that run the CLI pass Postgres's. */
  plans?: PlanStore;
}

export async function startPlanWorkerEnv(options: PlanWorkerEnvOptions = {}): Promise<PlanWorkerEnv> {
  if (!runtimeInstalled) {
    // Worker and SDK chatter at INFO would bury the test output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const [server, workflowBundle] = await Promise.all([
    startDevServer({ port: await freePort(), extraArgs: options.devServerArgs }),
    bundleWorkflows(),
  ]);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const projection = createFakeProjection();
  const plans = options.plans ?? createMemoryPlanStore();
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    activities: (options.wrapActivities ?? ((activities) => activities))(
      createActivities({ client, projection, completions: projection, plans, firstRecords: projection }),
    ),
    workflowBundle,
  });
  const running = worker.run();
  return {
    server,
    connection,
    client,
    projection,
    plans,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}
