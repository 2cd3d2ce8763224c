/**
 * The activity interface workflows call through `proxyActivities<KehoachActivities>()`.
 * Implementations: src/activities/projection.ts (Postgres read model, audit log, outbox) and
 * src/activities/task-control.ts (starting, amending and cancelling task workflows by ID).
 * `createActivities(deps)` in src/activities/index.ts puts them together.
 */
import type { TaskSpec } from '../plan/model';
import type { PlanVersionRecord, TaskChange } from './records';
import type { Actor } from './vocabulary';

/** An applied version as the plan workflow hands it over: the document stays in the plan store. */
export type PlanVersionRef = Omit<PlanVersionRecord, 'document'>;

/** The ApplicationFailure type of a record Postgres refuses as data (retrying cannot help). */
export const UNSTORABLE_RECORD = 'UnstorableRecord';

export interface ProjectionActivities {
  /** Writes a task's new state, its events and notification requests in one transaction; a replay writes nothing twice and never moves a task backwards (ordered by state.seq). */
  recordTaskChange(change: TaskChange): Promise<void>;
  /** Records an applied plan version (plans, plan_versions, agencies). Idempotent on (planId, version). */
  recordPlanVersion(record: PlanVersionRecord): Promise<void>;
}

/** What a task's row says of the run that wrote it: what a new run of the same workflow id continues after. */
export interface LastRecord {
  seq: number;
  deadlineVersion: number;
  updatedAt: string;
}

/**
 * Writes the first records of the tasks one reconciliation page has started (`firstChange`), in
 * one statement. A first record never replaces a row already there: that row is this very
 * record written by an earlier attempt of the page, or a later one the task recorded itself. (A
 * task removed from its plan and added back has its earlier run's row: the page does not write
 * its first record, see `lastRecorded`.)
 */
export interface FirstRecordWriter {
  /**
   * The last record of each of these workflow ids that has a row. A row older than the page's
   * instant is an earlier run's, a task added back to its plan.
   */
  lastRecorded(workflowIds: readonly string[]): Promise<Record<string, LastRecord>>;
  /** Answers the workflow ids whose record Postgres refused as data (the others are written). */
  recordFirstChanges(changes: readonly TaskChange[]): Promise<string[]>;
}

/** What reconciling one spec set into another does to task workflows. */
export type ReconcileKind = 'start' | 'amend' | 'cancel';

/** How many task workflows a reconciliation starts, amends and cancels. */
export interface ReconcileCounts {
  start: number;
  amend: number;
  cancel: number;
}

/** How far a reconciliation got; absolute figures, so that writing them again changes nothing. */
export interface ReconcileProgress {
  started: number;
  amended: number;
  cancelled: number;
  /** Task workflows that refused their amendment or cancellation. */
  errors: number;
}

/** One call of a reconciliation: its pages in workflow id order after `after`. */
export interface ReconcilePageInput {
  planId: string;
  planVersion: number;
  actor: Actor;
  kind: ReconcileKind;
  /** The applied spec set (absent on a first apply) and the new one. */
  from?: string;
  to: string;
  after?: string;
  /** Task workflows a page holds: each page is read, handled and its progress recorded as one. */
  limit: number;
  /**
   * Pages this call handles at most, one after another with no pause between them (absent in
   * calls scheduled by earlier code: one page).
   */
  pages?: number;
  /**
   * The plan workflow's clock when it scheduled the call: the instant of the first records its
   * pages write for the tasks they start, the same on every attempt. Absent in calls scheduled
   * by earlier code: their tasks record their start themselves.
   */
  at?: string;
  /** The progress before this call; the activity records it with each page added. */
  progress: ReconcileProgress;
  /**
   * What the whole reconciliation does: the page whose progress covers it stamps the
   * reconciliation finished (`reconciliationCovered`), so that an apply waiting on it answers
   * once its last change is made, not after the plan workflow's next workflow task. Absent in
   * calls scheduled by earlier code: `finishReconciliation` stamps it.
   */
  counts?: ReconcileCounts;
}

/** Whether `progress` accounts for every change of a reconciliation that does `counts`. */
export function reconciliationCovered(progress: ReconcileProgress, counts: ReconcileCounts): boolean {
  return progress.started >= counts.start && progress.amended >= counts.amend && progress.cancelled >= counts.cancel;
}

export interface ReconcilePageResult {
  /** Task workflows handled in this call's pages. */
  count: number;
  /** The last workflow id handled: the next call's `after`. */
  last?: string;
  /** Of `count`, those that refused (amend, cancel). */
  errors: number;
  /**
   * Whether the phase is over (a page came back short). Absent in results recorded by earlier
   * code, whose calls handled one page: there, fewer than `limit` means the phase is over.
   */
  done?: boolean;
}

export interface TaskControlActivities {
  /**
   * Starts a call's pages of the task workflows a version adds (bounded concurrency; existing ones
   * are left alone), releases each one whose prerequisites the read model already shows done, and
   * records the progress page by page.
   */
  startTasks(input: ReconcilePageInput): Promise<ReconcilePageResult>;
  /** Sends the `amend` update with their new specs to a call's pages of the task workflows a version changes. */
  amendTasks(input: ReconcilePageInput): Promise<ReconcilePageResult>;
  /** Cancels (as the domain's `cancelled`, not a Temporal termination) a call's pages of the task workflows a version removes. */
  cancelTasks(input: ReconcilePageInput): Promise<ReconcilePageResult>;
  /** Counts what reconciling `from` into `to` does and records the reconciliation as begun. */
  beginReconciliation(input: { planId: string; planVersion: number; from?: string; to: string }): Promise<ReconcileCounts>;
  /** Records the reconciliation as finished with its final progress. */
  finishReconciliation(input: { planId: string; planVersion: number; progress: ReconcileProgress }): Promise<void>;
}

/** A stored spec set: its hash and how many task workflows it holds. */
export interface SpecSetRef {
  specSet: string;
  count: number;
}

/** A reconciliation as the read model holds it. */
export interface ReconciliationStatus extends ReconcileProgress {
  planId: string;
  version: number;
  total: number;
  toStart: number;
  toAmend: number;
  toCancel: number;
  lastError?: string;
  beganAt: string;
  finishedAt?: string;
}

/**
 * Where applied plan versions live by reference (src/db/plan-store.ts): the compiled specs,
 * content-addressed with the calendar stored once, each version's spec set, the plan document,
 * and each reconciliation's progress. The apply path writes a version before the plan workflow
 * hears of it; the workflow and its activities pass hashes only.
 */
export interface PlanStore {
  /** Stores the specs, their calendars, the document and the spec set; idempotent. */
  putVersion(input: { contentHash: string; document: unknown; specs: TaskSpec[] }): Promise<SpecSetRef>;
  /** Every spec of a stored set, in workflow id order, calendar included. */
  specsOf(specSet: string): Promise<TaskSpec[]>;
  /** The document stored under a content hash. */
  documentOf(contentHash: string): Promise<unknown>;
  /** What reconciling `from` into `to` does. */
  countChanges(from: string | undefined, to: string): Promise<ReconcileCounts>;
  /** One page of it: specs of `to` to start or amend, or workflow ids of `from` to cancel. */
  changesPage(input: {
    kind: ReconcileKind;
    from?: string;
    to: string;
    after?: string;
    limit: number;
  }): Promise<{ specs: TaskSpec[]; workflowIds: string[] }>;
  /** Creates the progress record of a reconciliation (again: unchanged). */
  beginReconciliation(input: { planId: string; version: number; counts: ReconcileCounts; at: string }): Promise<void>;
  /**
   * Sets its progress; `lastError` as given (undefined clears it); `finishedAt` once done, the
   * first stamp kept (the page that covers every change stamps it before the plan workflow does).
   */
  recordProgress(input: { planId: string; version: number; progress: ReconcileProgress; lastError?: string; finishedAt?: string }): Promise<void>;
  /** Records a page's failure, kept until a later page succeeds. */
  recordFailure(input: { planId: string; version: number; message: string }): Promise<void>;
  /** The latest reconciliation of a plan (or of one version). */
  reconciliation(planId: string, version?: number): Promise<ReconciliationStatus | undefined>;
  /** Begins listening for changes to a plan's reconciliation progress; never rejects. */
  watchReconciliation(planId: string): Promise<ReconciliationWatch>;
}

/**
 * Announcements that a plan's reconciliation progress changed, so that a waiter reads it again at
 * once rather than at its next pause. An accelerator only: an announcement missed (the listening
 * connection lost, or never made) costs the waiter its pause, never a wrong answer.
 */
export interface ReconciliationWatch {
  /** False when listening failed: nothing will be announced, the waiter polls. */
  readonly live: boolean;
  /** Resolves once a change was announced since the last call resolved (or since the watch began), or after `ms`. */
  changed(ms: number): Promise<void>;
  close(): void;
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

/** What workflows call: the projection (the version record by reference) and task control. */
export type KehoachActivities = Omit<ProjectionActivities, 'recordPlanVersion'> & {
  /** Records an applied version, its document read from the plan store by content hash. */
  recordPlanVersion(record: PlanVersionRef): Promise<void>;
} & TaskControlActivities;
