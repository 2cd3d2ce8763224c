/** Workflow IDs, derived from plan data so that starting a task twice finds the same workflow. */

export { planWorkflowId, taskWorkflowId } from '../domain/task-ref';

export const TASK_QUEUE = 'kehoach';
