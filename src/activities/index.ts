/**
 * All of kehoach's activities, built from their dependencies: the read-model projection
 * (src/activities/projection.ts) and the task-control activities that talk to Temporal.
 */
import type { Client } from '@temporalio/client';
import { createTaskControlActivities } from './task-control';
import type { CompletionLookup, KehoachActivities, ProjectionActivities } from '../domain';

export interface ActivityDeps {
  client: Client;
  projection: ProjectionActivities;
  /** Which prerequisites the read model shows done, for releasing a task right after its start. */
  completions: CompletionLookup;
}

export function createActivities(deps: ActivityDeps): KehoachActivities {
  const taskControl = createTaskControlActivities(deps.client, deps.completions);
  return {
    recordTaskChange: (change) => deps.projection.recordTaskChange(change),
    recordPlanVersion: (record) => deps.projection.recordPlanVersion(record),
    startTasks: (input) => taskControl.startTasks(input),
    amendTasks: (input) => taskControl.amendTasks(input),
    cancelTasks: (input) => taskControl.cancelTasks(input),
  };
}
