/**
 * All of kehoach's activities, built from their dependencies: the read-model projection
 * (src/activities/projection.ts), the task-control activities that talk to Temporal and, when
 * configured, notification delivery (src/notify).
 */
import type { Client } from '@temporalio/client';
import { createTaskControlActivities } from './task-control';
import type {
  CompletionLookup,
  DeliveryActivities,
  FirstRecordWriter,
  KehoachActivities,
  PlanStore,
  ProjectionActivities,
  TaskChange,
} from '../domain';
import type { Dispatcher } from '../notify/activities';

export interface ActivityDeps {
  client: Client;
  projection: ProjectionActivities;
  /** Which prerequisites the read model shows done, for releasing a task right after its start. */
  completions: CompletionLookup;
  /** Applied versions by reference: specs, spec sets, documents, reconciliation progress. */
  plans: PlanStore;
  /** Where a reconciliation page writes the first records of the tasks it starts, in one transaction. */
  firstRecords: FirstRecordWriter;
  /**
   * Notification delivery (src/notify): when given, every recorded notification is dispatched to
   * its delivery workflows right after the projection wrote it, and the delivery activities are
   * registered. Without it, notifications stay `pending` in the outbox.
   */
  delivery?: { activities: DeliveryActivities; dispatcher: Dispatcher };
}

export function createActivities(deps: ActivityDeps): KehoachActivities & Partial<DeliveryActivities> {
  const delivery = deps.delivery;
  // Written first, dispatched after: a retry after a crash between the two dispatches again, and
  // a delivery's workflow id makes the second start find the first.
  const dispatch = async (changes: readonly TaskChange[]): Promise<void> => {
    if (delivery) await delivery.dispatcher.dispatch(changes.flatMap((change) => change.notifications.map((request) => request.idempotencyKey)));
  };
  // The first records a reconciliation page writes can carry notifications (a catch-up to announce).
  const firstRecords: FirstRecordWriter = {
    ...deps.firstRecords,
    recordFirstChanges: async (changes) => {
      const refused = await deps.firstRecords.recordFirstChanges(changes);
      await dispatch(changes.filter((change) => !refused.includes(change.state.workflowId)));
      return refused;
    },
  };
  const taskControl = createTaskControlActivities(deps.client, deps.completions, deps.plans, firstRecords);
  return {
    ...(delivery ? delivery.activities : {}),
    recordTaskChange: async (change) => {
      await deps.projection.recordTaskChange(change);
      await dispatch([change]);
    },
    // The version's document is read from the plan store by content hash. A version can add or
    // drop contacts that take a digest: their schedules follow it.
    recordPlanVersion: async (record) => {
      await deps.projection.recordPlanVersion({ ...record, document: await deps.plans.documentOf(record.contentHash) });
      if (delivery) await delivery.dispatcher.ensureDigests(record.planId);
    },
    startTasks: (input) => taskControl.startTasks(input),
    amendTasks: (input) => taskControl.amendTasks(input),
    cancelTasks: (input) => taskControl.cancelTasks(input),
    beginReconciliation: (input) => taskControl.beginReconciliation(input),
    finishReconciliation: (input) => taskControl.finishReconciliation(input),
  };
}
