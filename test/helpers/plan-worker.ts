/**
 * A real Temporal dev server with a real kehoach worker (bundle built once per test file), an
 * in-memory projection in place of Postgres, and the real task-control activities.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import {
  taskDoneAt,
  type CompletionLookup,
  type KehoachActivities,
  type PlanVersionRecord,
  type ProjectionActivities,
  type TaskChange,
  type TaskStateView,
} from '../../src/domain';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { bundleWorkflows, createWorker } from '../../src/temporal/worker';
import { freePort } from './ports';

export interface FakeProjection extends ProjectionActivities, CompletionLookup {
  planVersions: PlanVersionRecord[];
  taskChanges: TaskChange[];
}

export function createFakeProjection(): FakeProjection {
  const planVersions: PlanVersionRecord[] = [];
  const taskChanges: TaskChange[] = [];
  return {
    planVersions,
    taskChanges,
    async recordPlanVersion(record) {
      if (!planVersions.some((seen) => seen.planId === record.planId && seen.version === record.version)) planVersions.push(record);
    },
    async recordTaskChange(change) {
      taskChanges.push(change);
    },
    /** The read model's answer, from the latest recorded state of each workflow. */
    async doneAt(planId, taskIds) {
      const latest = new Map<string, TaskStateView>();
      for (const { state } of taskChanges) {
        const seen = latest.get(state.workflowId);
        if (state.planId === planId && (!seen || seen.seq < state.seq)) latest.set(state.workflowId, state);
      }
      const result: Record<string, string> = {};
      for (const taskId of taskIds) {
        const doneAt = taskDoneAt([...latest.values()].filter((state) => state.taskId === taskId));
        if (doneAt) result[taskId] = doneAt;
      }
      return result;
    },
  };
}

export interface PlanWorkerEnv {
  server: DevServer;
  connection: Connection;
  client: Client;
  projection: FakeProjection;
  worker: Worker;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export interface PlanWorkerEnvOptions {
  /** Wraps the real activities, for tests that inject failures. */
  wrapActivities?: (activities: KehoachActivities) => KehoachActivities;
  /** More dev server arguments, e.g. a low continue-as-new threshold. */
  devServerArgs?: string[];
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
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    activities: (options.wrapActivities ?? ((activities) => activities))(createActivities({ client, projection, completions: projection })),
    workflowBundle,
  });
  const running = worker.run();
  return {
    server,
    connection,
    client,
    projection,
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

/** Polls until `check` passes (workflows answer asynchronously); returns the last value. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

let counter = 0;
/** A plan id no other test used: ASCII slug, short enough for workflow ids. */
export function freshPlanId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
