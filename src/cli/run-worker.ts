/**
 * The kehoach worker under a command's lifecycle, as `kehoach worker` and `kehoach up` run it: the
 * workflows and every activity on this database and Temporal connection. Stopping the lifecycle
 * drains and closes it; the worker stopping by itself (a fatal error from the SDK) stops the process.
 */
import { createActivities } from '../activities';
import { createCompletionLookup, createFirstRecordWriter, createProjectionActivities } from '../activities/projection';
import type { Database } from '../db/client';
import { createPlanStore } from '../db/plan-store';
import { cliText } from '../i18n';
import type { Notifier } from '../notify';
import type { TemporalConnection } from '../temporal/client';
import { createWorker } from '../temporal/worker';
import type { Lifecycle } from './lifecycle';

export interface WorkerResources {
  temporal: TemporalConnection;
  namespace: string;
  db: Database;
  /** Without one (no SMTP_URL), deliveries wait in the outbox for a worker that can send them. */
  notifier?: Notifier | undefined;
}

export async function runWorker(lifecycle: Lifecycle, { temporal, namespace, db, notifier }: WorkerResources): Promise<void> {
  const worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace,
    activities: createActivities({
      client: temporal.client,
      projection: createProjectionActivities(db),
      completions: createCompletionLookup(db),
      firstRecords: createFirstRecordWriter(db),
      ...(notifier ? { delivery: notifier } : {}),
      plans: createPlanStore(db),
    }),
  });
  const running = worker.run();
  // Deliveries written while no worker could send them (no SMTP_URL yet, or a run stopped mid-way) go out now.
  notifier?.dispatcher.dispatchWaiting().then(
    (count) => count > 0 && process.stderr.write(`${cliText('service.dispatchedWaiting', { count })}\n`),
    (error: unknown) => process.stderr.write(`kehoach worker: could not dispatch waiting notifications: ${String(error)}\n`),
  );
  lifecycle.onClose('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  running.then(
    () => lifecycle.fail(new Error('the worker stopped unexpectedly')),
    (error: unknown) => lifecycle.fail(error),
  );
}
