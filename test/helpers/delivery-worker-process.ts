/**
 * A worker with kehoach's real activities (Postgres projection, delivery over SMTP and webhooks)
 * in its own process, so that a test can kill it with SIGKILL while deliveries are in flight.
 *
 * Environment: TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL, WEBHOOK_SECRET, WORKFLOW_BUNDLE (path of
 * a bundled workflow file). Prints "ready" once polling.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { createCompletionLookup, createFirstRecordWriter, createProjectionActivities } from '../../src/activities/projection';
import { openDatabase } from '../../src/db/client';
import { createPlanStore } from '../../src/db/plan-store';
import { createNotifier } from '../../src/notify';
import { TASK_QUEUE } from '../../src/workflows/ids';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the test that spawns this worker must pass it`);
  return value;
}

async function main(): Promise<void> {
  const address = required('TEMPORAL_ADDRESS');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address });
  const database = openDatabase(required('DATABASE_URL'), { maxConnections: 5 });
  const notifier = createNotifier(
    {
      smtpUrl: required('SMTP_URL'),
      mailFrom: 'kehoach <kehoach@ubnd.example>',
      webhookSecrets: {},
      webhookSecret: required('WEBHOOK_SECRET'),
      publicUrl: 'https://kehoach.example',
      catcherPort: 0,
    },
    database.db,
    client,
    { retry: { maximumAttempts: 20, initialIntervalMs: 200, attemptTimeoutMs: 4000 }, summaryCollectMs: 500 },
  );
  const worker = await Worker.create({
    connection: native,
    taskQueue: TASK_QUEUE,
    workflowBundle: { code: readFileSync(required('WORKFLOW_BUNDLE'), 'utf8') },
    activities: createActivities({
      client,
      projection: createProjectionActivities(database.db),
      completions: createCompletionLookup(database.db),
      firstRecords: createFirstRecordWriter(database.db),
      plans: createPlanStore(database.db),
      delivery: notifier,
    }),
    // A killed worker's sticky queue is abandoned quickly, so its replacement takes over in seconds.
    stickyQueueScheduleToStartTimeout: '1 second',
  });
  process.stdout.write('ready\n');
  await worker.run();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
