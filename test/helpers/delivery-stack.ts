/**
 * The delivery tests' world: a Temporal dev server and a worker running the real activities
 * (projection, plan store, notifier) against the given Postgres, sending to the given SMTP server
 * with the given webhook secret. Everything is stopped by the test's teardown.
 */
import type { Test } from 'tap';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { createCompletionLookup, createFirstRecordWriter, createProjectionActivities } from '../../src/activities/projection';
import type { Database } from '../../src/db/client';
import { createPlanStore } from '../../src/db/plan-store';
import { createNotifier } from '../../src/notify';
import { startDevServer } from '../../src/temporal/dev-server';
import { bundleWorkflows, createWorker } from '../../src/temporal/worker';
import { freePort } from './ports';

export async function startDeliveryStack(
  t: Test,
  db: Database,
  options: { smtpUrl: string; webhookSecret: string; mailFrom?: string; overrides?: Parameters<typeof createNotifier>[3] },
) {
  const [server, workflowBundle] = await Promise.all([startDevServer({ port: await freePort() }), bundleWorkflows()]);
  t.teardown(() => server.stop());
  const connection = await Connection.connect({ address: server.address });
  t.teardown(() => connection.close());
  const client = new Client({ connection, namespace: server.namespace });
  const native = await NativeConnection.connect({ address: server.address });
  t.teardown(() => native.close());
  const notifier = createNotifier(
    {
      smtpUrl: options.smtpUrl,
      mailFrom: options.mailFrom ?? 'Văn phòng UBND tỉnh <kehoach@ubnd.example>',
      webhookSecrets: {},
      webhookSecret: options.webhookSecret,
      publicUrl: 'https://kehoach.example',
      catcherPort: 0,
    },
    db,
    client,
    options.overrides,
  );
  t.teardown(() => notifier.close());
  const projection = createProjectionActivities(db);
  const activities = createActivities({
    client,
    projection,
    completions: createCompletionLookup(db),
    firstRecords: createFirstRecordWriter(db),
    plans: createPlanStore(db),
    delivery: notifier,
  });
  const worker = await createWorker({ connection: native, namespace: server.namespace, activities, workflowBundle });
  const running = worker.run();
  t.teardown(async () => {
    worker.shutdown();
    await running;
  });
  return { server, client, notifier, projection, activities };
}
