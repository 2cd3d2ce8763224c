/**
 * The plan workflow (`plan:<planId>`): a long-running controller that holds the applied version of
 * one plan and reconciles each newly applied version against the running task workflows, like a
 * Kubernetes controller: start the added tasks, amend the changed ones, cancel the removed ones.
 * It holds the version by reference (the hash of its spec set in the plan store) and a cursor, so
 * its state, its history and continue-as-new stay small whatever the plan's size.
 *
 * It does not hear task progress: tasks release their dependants and roll their units up
 * themselves (see src/workflows/README.md), so no write waits on this one workflow.
 *
 * Deterministic code: plain data in and out, activities imported as types only.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { canonicalJson } from '../canonical-json';
import type { TaskSpec } from '../plan/model';
import { taskWorkflowId } from './ids';
import {
  applyVersion,
  getPlanState,
  type ApplyVersionAnswer,
  type ApplyVersionInput,
  type PlanStateView,
  type PlanWorkflowInput,
  type TaskSpecChange,
} from './messages';
import { RejectionType, type Actor, type KehoachActivities, type ReconcileCounts, type ReconcileKind, type ReconcileProgress } from '../domain';

/**
 * Task workflows a page holds: read from the plan store, handled and its progress recorded as one
 * (in parallel within the page, see src/activities/task-control.ts).
 */
export const RECONCILE_PAGE_SIZE = 200;

/**
 * Pages an activity call works through, one after another with no pause between them: 2,000 task
 * workflows a call. A whole country's 20,000 take 11 calls: a few dozen events in this workflow's
 * history, each carrying a cursor, never a spec. One page a call left the starts idle between
 * pages (the last starts of a page draining, its record, the call's round trip to Temporal).
 */
export const RECONCILE_PAGES_PER_CALL = 10;

const RECORD_OPTIONS = { startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } } as const;
const recordsAsActivities = proxyActivities<KehoachActivities>(RECORD_OPTIONS);
// The version's record, the reconciliation's counts and its closing stamp are one short
// transaction each: as local activities they run inside the workflow task that needs them, so an
// apply answers after one workflow task instead of three (and two activity tasks). Histories
// recorded before (plans running when the worker is upgraded) replay with the activities.
const recordsLocally = proxyLocalActivities<KehoachActivities>(RECORD_OPTIONS);
const LOCAL_RECORDS_PATCH = 'plan-records-as-local-activities';
const records = (): typeof recordsLocally => (patched(LOCAL_RECORDS_PATCH) ? recordsLocally : recordsAsActivities);
const recordPlanVersion: KehoachActivities['recordPlanVersion'] = (record) => records().recordPlanVersion(record);
const beginReconciliation: KehoachActivities['beginReconciliation'] = (input) => records().beginReconciliation(input);
const finishReconciliation: KehoachActivities['finishReconciliation'] = (input) => records().finishReconciliation(input);

// Each call handles up to RECONCILE_PAGES_PER_CALL pages and heartbeats as it goes.
const { startTasks, amendTasks, cancelTasks } = proxyActivities<KehoachActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

/** Reconciliation still to do for one applied version: where it stands, by reference. */
export interface PendingReconciliation {
  version: number;
  actor: Actor;
  /** The spec set applied before (absent on the first apply) and the one being applied. */
  from?: string;
  to: string;
  /** Counted by the first activity; absent until then. */
  counts?: ReconcileCounts;
  phase: ReconcileKind;
  /** The last workflow id handled in this phase. */
  after?: string;
  progress: ReconcileProgress;
}

/** Everything the plan workflow knows; small whatever the plan's size, carried whole across continue-as-new. */
export interface PlanWorkflowState {
  planId: string;
  version: number;
  contentHash?: string;
  gitCommit?: string;
  appliedAt?: string;
  firstAppliedAt?: string;
  /** The applied version's spec set in the plan store. */
  specSet?: string;
  taskCount: number;
  pending?: PendingReconciliation;
}

function isPlanState(value: unknown): value is PlanWorkflowState {
  return typeof value === 'object' && value !== null && 'taskCount' in value;
}

function rejectInput(message: string): never {
  throw ApplicationFailure.create({ type: RejectionType.invalidInput, message, nonRetryable: true });
}

const SHA256 = /^[0-9a-f]{64}$/;

export function validateApplyInput(input: ApplyVersionInput): void {
  if (!input || typeof input.specSet !== 'string' || !SHA256.test(input.specSet)) {
    rejectInput('specSet is missing: store the compiled specs in the plan store first and send the hash of their set');
  }
  if (!Number.isInteger(input.taskCount) || input.taskCount <= 0) {
    rejectInput('the applied version has no tasks: compile the plan and store its task specs');
  }
  if (typeof input.contentHash !== 'string' || input.contentHash === '') {
    rejectInput('contentHash is missing: send the sha256 of the normalised plan document');
  }
  if (Number.isNaN(Date.parse(input.firstAppliedAt))) {
    rejectInput(`firstAppliedAt "${String(input.firstAppliedAt)}" is not an ISO instant`);
  }
}

/**
 * The top-level spec fields whose values differ (specHash aside), in the new spec's order, whatever
 * the order of their keys: a spec read back from the plan store (jsonb) has Postgres's.
 */
export function changedSpecFields(before: TaskSpec, after: TaskSpec): string[] {
  const keys = new Set([...Object.keys(after), ...Object.keys(before)]);
  keys.delete('specHash');
  const fields: string[] = [];
  for (const key of keys) {
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (canonicalJson(a) !== canonicalJson(b)) fields.push(key);
  }
  return fields;
}

function changeRef(spec: TaskSpec, change: TaskSpecChange['change'], fields?: string[]): TaskSpecChange {
  const ref: TaskSpecChange = { workflowId: taskWorkflowId(spec), taskId: spec.taskId, change };
  if (spec.unitId) ref.unitId = spec.unitId;
  if (spec.occurrence) ref.occurrence = spec.occurrence;
  if (fields) ref.fields = fields;
  return ref;
}

/** Added, changed (by spec hash) and removed task workflows between two versions. */
export function planChanges(
  applied: Record<string, TaskSpec>,
  next: TaskSpec[],
): {
  changes: TaskSpecChange[];
  added: TaskSpec[];
  changed: TaskSpec[];
  removed: string[];
} {
  const changes: TaskSpecChange[] = [];
  const added: TaskSpec[] = [];
  const changed: TaskSpec[] = [];
  const nextIds = new Set<string>();
  for (const spec of next) {
    const workflowId = taskWorkflowId(spec);
    nextIds.add(workflowId);
    const before = applied[workflowId];
    if (!before) {
      added.push(spec);
      changes.push(changeRef(spec, 'added'));
    } else if (before.specHash !== spec.specHash) {
      changed.push(spec);
      changes.push(changeRef(spec, 'changed', changedSpecFields(before, spec)));
    }
  }
  const removed: string[] = [];
  for (const [workflowId, spec] of Object.entries(applied)) {
    if (nextIds.has(workflowId)) continue;
    removed.push(workflowId);
    changes.push(changeRef(spec, 'removed'));
  }
  return { changes, added, changed, removed };
}

function planStateView(state: PlanWorkflowState): PlanStateView {
  return {
    planId: state.planId,
    version: state.version,
    contentHash: state.contentHash,
    gitCommit: state.gitCommit,
    appliedAt: state.appliedAt,
    firstAppliedAt: state.firstAppliedAt,
    specSet: state.specSet,
    taskCount: state.taskCount,
  };
}

const PHASES: ReconcileKind[] = ['start', 'amend', 'cancel'];

/** Works through state.pending call by call (each a run of pages); safe to call again after an interruption. */
async function reconcile(state: PlanWorkflowState): Promise<void> {
  const pending = state.pending;
  if (!pending) return;
  const { version: planVersion, actor, from, to } = pending;
  pending.counts ??= await beginReconciliation({ planId: state.planId, planVersion, ...(from ? { from } : {}), to });
  const activity = { start: startTasks, amend: amendTasks, cancel: cancelTasks };
  for (const phase of PHASES.slice(PHASES.indexOf(pending.phase))) {
    if (pending.phase !== phase) {
      pending.phase = phase;
      pending.after = undefined;
    }
    if (pending.counts[phase] === 0) continue;
    for (;;) {
      const call = await activity[phase]({
        planId: state.planId,
        planVersion,
        actor,
        kind: phase,
        ...(from ? { from } : {}),
        to,
        ...(pending.after !== undefined ? { after: pending.after } : {}),
        limit: RECONCILE_PAGE_SIZE,
        pages: RECONCILE_PAGES_PER_CALL,
        progress: pending.progress,
        counts: pending.counts,
        // The instant of the first records a start call's pages write (the same on every attempt).
        ...(phase === 'start' ? { at: new Date().toISOString() } : {}),
      });
      if (phase === 'start') pending.progress.started += call.count;
      if (phase === 'amend') pending.progress.amended += call.count;
      if (phase === 'cancel') pending.progress.cancelled += call.count;
      pending.progress.errors += call.errors;
      if (call.last !== undefined) pending.after = call.last;
      // Results recorded by earlier code carry no `done`: their calls handled one page.
      if (call.done ?? call.count < RECONCILE_PAGE_SIZE) break;
    }
  }
  await finishReconciliation({ planId: state.planId, planVersion, progress: pending.progress });
  state.pending = undefined;
}

/** Records the new version and answers; the reconciliation runs after the answer. */
async function applyNewVersion(state: PlanWorkflowState, input: ApplyVersionInput): Promise<ApplyVersionAnswer> {
  // An apply that arrived while the previous version's answer was being sent finishes that
  // reconciliation first, so that each version reconciles from the one before it.
  if (state.pending) await reconcile(state);
  if (state.contentHash === input.contentHash) {
    return { planId: state.planId, version: state.version, changed: false, total: 0 };
  }
  const version = state.version + 1;
  const appliedAt = new Date().toISOString();
  const firstAppliedAt = state.firstAppliedAt ?? input.firstAppliedAt;
  const record = { planId: state.planId, version, contentHash: input.contentHash, appliedAt, appliedBy: input.actor };
  await recordPlanVersion(input.gitCommit ? { ...record, gitCommit: input.gitCommit } : record);
  const from = state.specSet;
  const counts = await beginReconciliation({ planId: state.planId, planVersion: version, ...(from ? { from } : {}), to: input.specSet });

  state.version = version;
  state.contentHash = input.contentHash;
  state.gitCommit = input.gitCommit;
  state.appliedAt = appliedAt;
  state.firstAppliedAt = firstAppliedAt;
  state.specSet = input.specSet;
  state.taskCount = input.taskCount;
  state.pending = {
    version,
    actor: input.actor,
    ...(from ? { from } : {}),
    to: input.specSet,
    counts,
    phase: 'start',
    progress: { started: 0, amended: 0, cancelled: 0, errors: 0 },
  };
  return { planId: state.planId, version, changed: true, total: counts.start + counts.amend + counts.cancel, ...(from ? { from } : {}) };
}

export async function planWorkflow(input: PlanWorkflowInput): Promise<void> {
  const state: PlanWorkflowState = isPlanState(input.carried) ? input.carried : { planId: input.planId, version: 0, taskCount: 0 };

  // Applies and reconciliations run one after another, never interleaved: each sees the state the
  // previous one left. An apply answers once its version is recorded; its reconciliation follows.
  let tail: Promise<unknown> = Promise.resolve();
  let running = 0;
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    running += 1;
    const run = tail.then(work).finally(() => {
      running -= 1;
    });
    tail = run.catch(() => undefined);
    return run;
  };

  setHandler(getPlanState, () => planStateView(state));
  setHandler(
    applyVersion,
    (apply) =>
      serialised(async () => {
        const answer = await applyNewVersion(state, apply);
        if (answer.changed) void serialised(() => reconcile(state));
        return answer;
      }),
    { validator: (apply) => validateApplyInput(apply) },
  );

  // A reconciliation carried over (or cut short) resumes before anything else is applied.
  if (state.pending) void serialised(() => reconcile(state));

  await condition(() => workflowInfo().continueAsNewSuggested && running === 0 && allHandlersFinished());
  await continueAsNew<typeof planWorkflow>({ planId: state.planId, carried: state });
}
