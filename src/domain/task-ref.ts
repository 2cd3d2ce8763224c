/** Workflow IDs, derived from plan data so that starting a task twice finds the same workflow. */
import type { TaskRef } from './vocabulary';

export const planWorkflowId = (planId: string): string => `plan:${planId}`;

/**
 * `task:<planId>:<taskId>`, with `@<unitId>` for a unit's copy of a task and `#<occurrence>`
 * for one occurrence of a recurring task (ids are ASCII slugs, so these separators are free).
 */
export function taskWorkflowId(ref: TaskRef): string {
  let id = `task:${ref.planId}:${ref.taskId}`;
  if (ref.unitId) id += `@${ref.unitId}`;
  if (ref.occurrence) id += `#${ref.occurrence}`;
  return id;
}

/** The roll-up a unit's or occurrence's copy belongs to: the task as a whole. */
export function rollupWorkflowId(ref: TaskRef): string {
  return taskWorkflowId({ planId: ref.planId, taskId: ref.taskId });
}
