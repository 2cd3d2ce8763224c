/**
 * A task workflow's state as the workflow holds it, for the consistency check and the tests.
 *
 * A task started quiet (its start delayed until its clock's first wake, see `quietUntil` in the
 * domain) has not run yet and answers no query. Its state is then the first record its input
 * names, computed by the same function the workflow will run (`firstChange`), so the answer is
 * the one it would give.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { firstChange, queriedView, type TaskStateView } from '../domain';
import { earlierRunOf, getState, type TaskWorkflowInput } from '../workflows/messages';

export async function readTaskWorkflowState(client: Client, workflowId: string): Promise<TaskStateView> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await handle.query(getState);
  } catch (error) {
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    // It has run (its wake came, or an Update, since the query): ask again.
    if (events.some((event) => event.workflowTaskCompletedEventAttributes)) return await handle.query(getState);
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const input = started
      ? await decodeFromPayloadsAtIndex<TaskWorkflowInput>(client.options.loadedDataConverter, 0, started.input?.payloads)
      : undefined;
    if (!input?.recordedAt) throw error;
    return queriedView(firstChange(input.spec, input.planVersion, input.recordedAt, earlierRunOf(input)).memory, Date.now());
  }
}
