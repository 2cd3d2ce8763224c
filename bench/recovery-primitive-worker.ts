/**
 * The recovery benchmark's primitive in a process of its own, so it can be killed with SIGKILL as
 * the kehoach worker is: bench/primitives.ts's workflows and activities on the task queue
 * RECOVERY_TASK_QUEUE, with kehoach's worker limits, appending each timer's lag (ms from its
 * instant to its activity) as one line to LAGS_FILE. Environment: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, RECOVERY_TASK_QUEUE, LAGS_FILE. Prints "ready" once polling.
 */
import { appendFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { WORKER_LIMITS } from '../src/temporal/worker';
import { primitiveActivities } from './primitives-activities';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; bench/recovery.ts passes it`);
  return value;
}

async function main(): Promise<void> {
  const lagsFile = required('LAGS_FILE');
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace: required('TEMPORAL_NAMESPACE'),
    taskQueue: required('RECOVERY_TASK_QUEUE'),
    workflowsPath: require.resolve('./primitives'),
    activities: {
      ...primitiveActivities(),
      async primitiveFired(instantMs: number): Promise<void> {
        appendFileSync(lagsFile, `${Date.now() - instantMs}\n`);
      },
    },
    ...WORKER_LIMITS,
  });
  process.stdout.write('ready\n');
  await worker.run();
  await connection.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
