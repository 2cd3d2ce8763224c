/**
 * A worker in its own process, so a test can kill it with SIGKILL mid-escalation and start
 * another. The projection appends every record to a JSONL file the test reads.
 *
 * Environment: TEMPORAL_ADDRESS, TASK_QUEUE, WORKFLOW_BUNDLE (path of a bundled workflow file),
 * RECORDS_FILE; DIE_AFTER_RECORDING (a notification key, optional): the process dies as soon as a
 * record carrying it is written, before the workflow task that ran the record can complete.
 * Prints "ready" once polling.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { KehoachActivities } from '../../src/domain';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the test that spawns this worker must pass it`);
  return value;
}

async function main(): Promise<void> {
  const recordsFile = required('RECORDS_FILE');
  const dieAfter = process.env.DIE_AFTER_RECORDING;
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const activities: KehoachActivities = {
    recordTaskChange: async (change) => {
      appendFileSync(recordsFile, JSON.stringify(change) + '\n');
      if (dieAfter && change.notifications.some((note) => note.idempotencyKey === dieAfter)) process.kill(process.pid, 'SIGKILL');
    },
    recordPlanVersion: async () => {},
    startTasks: async () => ({ count: 0, errors: 0 }),
    amendTasks: async () => ({ count: 0, errors: 0 }),
    cancelTasks: async () => ({ count: 0, errors: 0 }),
    beginReconciliation: async () => ({ start: 0, amend: 0, cancel: 0 }),
    finishReconciliation: async () => {},
  };
  const worker = await Worker.create({
    connection,
    taskQueue: required('TASK_QUEUE'),
    workflowBundle: { code: readFileSync(required('WORKFLOW_BUNDLE'), 'utf8') },
    activities,
    // A killed worker's sticky queue is abandoned quickly, so its replacement takes over in seconds.
    stickyQueueScheduleToStartTimeout: '1 second',
  });
  process.stdout.write('ready\n');
  await worker.run();
  await connection.close();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
