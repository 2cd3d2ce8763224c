/** The primitive beside kehoach's task workflow: a workflow that only sleeps, as a task does until its first instant. */
import { sleep } from '@temporalio/workflow';

export async function bareWorkflow(): Promise<void> {
  await sleep('3650 days');
}
