/**
 * The bare Temporal primitives each benchmark sets beside kehoach, run by the harness's second
 * worker (task queue `bench-primitive`): what a task workflow does, without kehoach's rules,
 * projection or signals.
 */
import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { PrimitiveActivities } from './primitives-activities';

const { primitiveStep, primitiveFired } = proxyActivities<PrimitiveActivities>({ startToCloseTimeout: '1 minute' });
const { primitiveRan } = proxyLocalActivities<PrimitiveActivities>({ startToCloseTimeout: '1 minute' });

/** Apply's primitive: a workflow that only sleeps, as a task does until its first instant. */
export async function bareWorkflow(): Promise<void> {
  await sleep('3650 days');
}

/**
 * Apply's primitive carried to the point kehoach's apply is timed to: started, and its first
 * workflow task run (one local activity that counts it, as a task workflow's first record writes
 * its row), then asleep.
 */
export async function firstTaskWorkflow(): Promise<void> {
  await primitiveRan();
  await sleep('3650 days');
}

export const primitiveUpdate = defineUpdate<void>('primitiveUpdate');

/** Completion's primitive: an Update that awaits one activity, then the workflow ends. */
export async function updateWithActivityWorkflow(): Promise<void> {
  let updated = false;
  setHandler(primitiveUpdate, async () => {
    await primitiveStep();
    updated = true;
  });
  await condition(() => updated);
}

/** The deadline storm's primitive: one timer to an instant, then one activity that records the lag. */
export async function timerWorkflow(instantMs: number): Promise<void> {
  const wait = instantMs - Date.now();
  if (wait > 0) await sleep(wait);
  await primitiveFired(instantMs);
}
