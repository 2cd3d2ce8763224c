/**
 * The activity interface workflows call through `proxyActivities<KehoachActivities>()`.
 * Implementations: src/activities/projection.ts (Postgres read model, audit log, outbox) and
 * src/activities/task-control.ts (starting, amending and cancelling task workflows by ID).
 * `createActivities(deps)` in src/activities/index.ts puts them together.
 */
import type { TaskSpec } from '../plan/model';
import type { PlanVersionRecord, TaskChange } from './records';
import type { Actor } from './vocabulary';

/** The ApplicationFailure type of a record Postgres refuses as data (retrying cannot help). */
export const UNSTORABLE_RECORD = 'UnstorableRecord';

export interface ProjectionActivities {
  /** Writes a task's new state, its events and notification requests in one transaction; a replay writes nothing twice and never moves a task backwards (ordered by state.seq). */
  recordTaskChange(change: TaskChange): Promise<void>;
  /** Records an applied plan version (plans, plan_versions, agencies). Idempotent on (planId, version). */
  recordPlanVersion(record: PlanVersionRecord): Promise<void>;
}

export interface TaskControlActivities {
  /**
   * Starts task workflows that do not exist yet (by workflow ID; existing ones are left alone),
   * then releases each one whose prerequisites the read model already shows done.
   */
  startTasks(input: { specs: TaskSpec[]; planVersion: number; actor: Actor }): Promise<void>;
  /** Sends the `amend` update to running task workflows with their new specs. */
  amendTasks(input: { specs: TaskSpec[]; planVersion: number; actor: Actor }): Promise<void>;
  /** Cancels (as the domain's `cancelled`, not a Temporal termination) task workflows removed from the plan. */
  cancelTasks(input: { workflowIds: string[]; planVersion: number; actor: Actor }): Promise<void>;
}

/** What the start path reads back from the read model: which prerequisites are already done. */
export interface CompletionLookup {
  /** taskId → when it was done as a whole (see taskDoneAt), for those of `taskIds` that are. */
  doneAt(planId: string, taskIds: readonly string[]): Promise<Record<string, string>>;
}

/** What one delivery attempt came to. */
export interface DeliveryOutcome {
  state: 'sent' | 'dead';
  /** Set when it was sent by an earlier attempt or run (a retry found it done). */
  already?: boolean;
}

/**
 * Sending notifications (src/notify/activities.ts): each call sends at most one message and
 * records its state (pending → failed → sent or dead) in the `deliveries` table.
 */
export interface DeliveryActivities {
  /** Sends one delivery (e-mail or webhook); throws on failure so that Temporal retries it. Already sent: returns at once. */
  deliver(input: { key: string }): Promise<DeliveryOutcome>;
  /** Sends the catch-up summary of one plan for one recipient with every delivery still waiting in it; returns how many it carried. */
  deliverSummary(input: { summaryKey: string }): Promise<{ sent: number }>;
  /** Sends one digest of a plan to one contact (a run of its Temporal Schedule) and records the deliveries it carried as sent. */
  sendDigest(input: {
    planId: string;
    recipient: { channel: 'email' | 'webhook'; address: string; name?: string };
    every: 'daily' | 'weekly';
    giaoBan: boolean;
  }): Promise<{ sent: boolean; overdue: number; dueSoon: number }>;
  /** Records that a delivery (or every waiting delivery of a summary) gave up, and why. */
  markDead(input: { key?: string; summaryKey?: string; reason: string; attempts: number }): Promise<void>;
}

export type KehoachActivities = ProjectionActivities & TaskControlActivities;
