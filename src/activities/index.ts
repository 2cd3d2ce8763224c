/**
 * All of kehoach's activities, built from their dependencies: the read-model projection
 * (src/activities/projection.ts) and the task-control activities that talk to Temporal.
 */
import type { Client } from '@temporalio/client';
import { createTaskControlActivities } from './task-control';
import type { CompletionLookup, KehoachActivities, PlanStore, ProjectionActivities } from '../domain';

export interface ActivityDeps {
  client: Client;
  projection: ProjectionActivities;
  /** Which prerequisites the read model shows done, for releasing a task right after its start. */
  completions: CompletionLookup;
  /** Applied versions by reference: specs, spec sets, documents, reconciliation progress. */
  plans: PlanStore;
}

export function createActivities(deps: ActivityDeps): KehoachActivities {
  const taskControl = createTaskControlActivities(deps.client, deps.completions, deps.plans);
  return {
    recordTaskChange: (change) => deps.projection.recordTaskChange(change),
    recordPlanVersion: async (record) => deps.projection.recordPlanVersion({ ...record, document: await deps.plans.documentOf(record.contentHash) }),
    startTasks: (input) => taskControl.startTasks(input),
    amendTasks: (input) => taskControl.amendTasks(input),
    cancelTasks: (input) => taskControl.cancelTasks(input),
    beginReconciliation: (input) => taskControl.beginReconciliation(input),
    finishReconciliation: (input) => taskControl.finishReconciliation(input),
  };
}
