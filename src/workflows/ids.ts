/** Workflow IDs, derived from plan data so that starting a task twice finds the same workflow. */

export const planWorkflowId = (planId: string): string => `plan:${planId}`;

/**
 * `task:<planId>:<taskId>`, with `@<unitId>` for a unit's copy of a task and `#<occurrence>`
 * for one occurrence of a recurring task (ids are ASCII slugs, so these separators are free).
 */
export function taskWorkflowId(ref: { planId: string; taskId: string; unitId?: string; occurrence?: string }): string {
  let id = `task:${ref.planId}:${ref.taskId}`;
  if (ref.unitId) id += `@${ref.unitId}`;
  if (ref.occurrence) id += `#${ref.occurrence}`;
  return id;
}

export const TASK_QUEUE = 'kehoach';
