/**
 * Starting, amending and cancelling task workflows on behalf of the plan workflow. Task workflows
 * are started by ID through the client rather than as child workflows: a national plan carries tens
 * of thousands of tasks and Temporal caps a workflow's pending children at 2,000.
 *
 * Every call is safe to run twice: starts use USE_EXISTING, updates carry an update ID derived from
 * the plan version and the workflow, so a retried activity gets the first result back.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { TaskSpec } from '../plan/model';
import { TASK_QUEUE, taskWorkflowId } from '../workflows/ids';
import { amend, cancelTask, release } from '../workflows/messages';
import type { taskWorkflow } from '../workflows/task';
import { categoryKey, deadlineKey, escalationLevelKey, leadAgencyKey, planIdKey, progressKey } from '../temporal/search-attributes';
import type { Category, CompletionLookup, TaskControlActivities } from '../domain';

/** Heartbeats when running as an activity (with the index reached, for the UI); a no-op when called directly. */
function heartbeat(details: unknown): void {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat(details);
}

function warn(message: string, meta: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, meta);
  } catch {
    console.warn(message, meta);
  }
}

/** The search attributes a task has before its workflow first runs; the workflow keeps them current. */
export function initialSearchAttributes(spec: TaskSpec): SearchAttributePair[] {
  const category: Category = spec.deadline.kind === 'none' ? 'no_deadline' : 'open_on_time';
  const pairs: SearchAttributePair[] = [
    { key: planIdKey, value: spec.planId },
    { key: leadAgencyKey, value: spec.lead },
    { key: progressKey, value: 'not_started' },
    { key: categoryKey, value: category },
    { key: escalationLevelKey, value: 0 },
  ];
  if (spec.deadline.kind === 'instant') pairs.push({ key: deadlineKey, value: new Date(spec.deadline.at) });
  return pairs;
}

/**
 * An update the task refused (already cancelled, say) is the task's decision, not a transient
 * failure: retrying it would block the whole reconciliation, so it is logged and skipped. A task
 * workflow that no longer exists has nothing left to amend or cancel.
 */
function isFinalRefusal(error: unknown): boolean {
  return error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError;
}

export function createTaskControlActivities(client: Client, completions: CompletionLookup): TaskControlActivities {
  return {
    async startTasks({ specs, planVersion }) {
      for (const [index, spec] of specs.entries()) {
        heartbeat(index);
        const workflowId = taskWorkflowId(spec);
        await client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
          workflowId,
          taskQueue: TASK_QUEUE,
          args: [{ spec, planVersion }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: initialSearchAttributes(spec),
        });
        // A prerequisite done before this task started released nobody: release it from the read
        // model. A prerequisite's record lands before its own release signals go out, so no
        // completion falls between the two paths. Repeated releases change nothing.
        if (spec.dependsOn.length === 0) continue;
        const done = await completions.doneAt(spec.planId, spec.dependsOn);
        for (const [prerequisite, doneAt] of Object.entries(done)) {
          await client.workflow.getHandle(workflowId).signal(release, { taskId: prerequisite, doneAt });
        }
      }
    },

    async amendTasks({ specs, planVersion, actor }) {
      for (const [index, spec] of specs.entries()) {
        heartbeat(index);
        const workflowId = taskWorkflowId(spec);
        try {
          await client.workflow.getHandle(workflowId).executeUpdate(amend, {
            args: [{ spec, planVersion, actor }],
            updateId: `amend:v${planVersion}:${workflowId}`,
          });
        } catch (error) {
          if (!isFinalRefusal(error)) throw error;
          warn('task workflow did not take the amendment', { workflowId, planVersion, error: (error as Error).message });
        }
      }
    },

    async cancelTasks({ workflowIds, planVersion, actor }) {
      for (const [index, workflowId] of workflowIds.entries()) {
        heartbeat(index);
        try {
          await client.workflow.getHandle(workflowId).executeUpdate(cancelTask, {
            args: [{ actor, planVersion, reason: `Nhiệm vụ đã được bỏ khỏi kế hoạch ở phiên bản ${planVersion}` }],
            updateId: `cancel:v${planVersion}:${workflowId}`,
          });
        } catch (error) {
          if (!isFinalRefusal(error)) throw error;
          warn('task workflow did not take the cancellation', { workflowId, planVersion, error: (error as Error).message });
        }
      }
    },
  };
}
