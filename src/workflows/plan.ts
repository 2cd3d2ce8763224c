/**
 * The plan workflow (`plan:<planId>`): a long-running controller that holds the applied version of
 * one plan and reconciles each newly applied version against the running task workflows, like a
 * Kubernetes controller: start the added tasks, amend the changed ones, cancel the removed ones.
 *
 * It does not hear task progress: tasks release their dependants and roll their units up
 * themselves (see src/workflows/README.md), so no write waits on this one workflow.
 *
 * Deterministic code: plain data in and out, activities imported as types only.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { TaskSpec } from '../plan/model';
import { taskWorkflowId } from './ids';
import {
  applyVersion,
  getPlanSpecs,
  getPlanState,
  type ApplyVersionInput,
  type ApplyVersionResult,
  type PlanStateView,
  type PlanWorkflowInput,
  type TaskSpecChange,
} from './messages';
import { RejectionType, type Actor, type KehoachActivities } from '../domain';

/**
 * Task workflows handled per activity call. Small enough that one call finishes well inside its
 * timeout and a retry repeats little; large enough that a 10,000-task plan needs ~200 calls, not
 * 10,000 events in this workflow's history.
 */
export const RECONCILE_BATCH_SIZE = 50;

const { recordPlanVersion } = proxyActivities<KehoachActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

// Each call goes through up to RECONCILE_BATCH_SIZE workflows one by one and heartbeats between them.
const { startTasks, amendTasks, cancelTasks } = proxyActivities<KehoachActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

/** Reconciliation still to do for one applied version; each list shrinks as batches finish. */
export interface PendingReconciliation {
  version: number;
  actor: Actor;
  toStart: TaskSpec[];
  toAmend: TaskSpec[];
  toCancel: string[];
}

/** Everything the plan workflow knows; carried whole across continue-as-new. */
export interface PlanWorkflowState {
  planId: string;
  version: number;
  contentHash?: string;
  gitCommit?: string;
  appliedAt?: string;
  firstAppliedAt?: string;
  /** workflowId → spec of every task workflow of the applied version. */
  specs: Record<string, TaskSpec>;
  pending?: PendingReconciliation;
}

function isPlanState(value: unknown): value is PlanWorkflowState {
  return typeof value === 'object' && value !== null && 'specs' in value;
}

function rejectInput(message: string): never {
  throw ApplicationFailure.create({ type: RejectionType.invalidInput, message, nonRetryable: true });
}

export function validateApplyInput(planId: string, input: ApplyVersionInput): void {
  if (!input || !Array.isArray(input.specs) || input.specs.length === 0) {
    rejectInput(`the applied version of plan "${planId}" has no tasks: compile the plan and send its task specs`);
  }
  if (typeof input.contentHash !== 'string' || input.contentHash === '') {
    rejectInput('contentHash is missing: send the sha256 of the normalised plan document');
  }
  if (Number.isNaN(Date.parse(input.firstAppliedAt))) {
    rejectInput(`firstAppliedAt "${String(input.firstAppliedAt)}" is not an ISO instant`);
  }
  const document = input.document as { id?: unknown } | null;
  if (document && typeof document === 'object' && 'id' in document && document.id !== planId) {
    rejectInput(
      `this is the workflow of plan "${planId}", but the document is plan "${String(document.id)}": apply it to plan:${String(document.id)}`,
    );
  }
  const seen = new Set<string>();
  for (const spec of input.specs) {
    if (spec.planId !== planId) {
      rejectInput(`task "${spec.taskId}" belongs to plan "${spec.planId}", not "${planId}"`);
    }
    const workflowId = taskWorkflowId(spec);
    if (seen.has(workflowId)) rejectInput(`two task specs share the workflow id ${workflowId}: each task, unit and occurrence must be unique`);
    seen.add(workflowId);
  }
}

/** The top-level spec fields whose values differ (specHash aside). */
export function changedSpecFields(before: TaskSpec, after: TaskSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('specHash');
  const fields: string[] = [];
  for (const key of keys) {
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(a) !== JSON.stringify(b)) fields.push(key);
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
  const taskSpecHashes: Record<string, string> = {};
  for (const [workflowId, spec] of Object.entries(state.specs)) taskSpecHashes[workflowId] = spec.specHash;
  const pending = state.pending ? state.pending.toStart.length + state.pending.toAmend.length + state.pending.toCancel.length : 0;
  return {
    planId: state.planId,
    version: state.version,
    contentHash: state.contentHash,
    gitCommit: state.gitCommit,
    appliedAt: state.appliedAt,
    firstAppliedAt: state.firstAppliedAt,
    taskSpecHashes,
    pending,
  };
}

/** Works through state.pending batch by batch; safe to call again after an interruption. */
async function reconcile(state: PlanWorkflowState): Promise<void> {
  const pending = state.pending;
  if (!pending) return;
  const { version: planVersion, actor } = pending;
  while (pending.toStart.length > 0) {
    const batch = pending.toStart.slice(0, RECONCILE_BATCH_SIZE);
    await startTasks({ specs: batch, planVersion, actor });
    pending.toStart.splice(0, batch.length);
  }
  while (pending.toAmend.length > 0) {
    const batch = pending.toAmend.slice(0, RECONCILE_BATCH_SIZE);
    await amendTasks({ specs: batch, planVersion, actor });
    pending.toAmend.splice(0, batch.length);
  }
  while (pending.toCancel.length > 0) {
    const batch = pending.toCancel.slice(0, RECONCILE_BATCH_SIZE);
    await cancelTasks({ workflowIds: batch, planVersion, actor });
    pending.toCancel.splice(0, batch.length);
  }
  state.pending = undefined;
}

async function applyNewVersion(state: PlanWorkflowState, input: ApplyVersionInput): Promise<ApplyVersionResult> {
  if (state.contentHash === input.contentHash) {
    return { planId: state.planId, version: state.version, changed: false, changes: [] };
  }
  const { changes, added, changed, removed } = planChanges(state.specs, input.specs);
  const version = state.version + 1;
  const appliedAt = new Date().toISOString();
  const firstAppliedAt = state.firstAppliedAt ?? input.firstAppliedAt;
  const record = { planId: state.planId, version, contentHash: input.contentHash, appliedAt, appliedBy: input.actor, document: input.document };
  await recordPlanVersion(input.gitCommit ? { ...record, gitCommit: input.gitCommit } : record);

  state.version = version;
  state.contentHash = input.contentHash;
  state.gitCommit = input.gitCommit;
  state.appliedAt = appliedAt;
  state.firstAppliedAt = firstAppliedAt;
  const specs: Record<string, TaskSpec> = {};
  for (const spec of input.specs) specs[taskWorkflowId(spec)] = spec;
  state.specs = specs;
  state.pending = { version, actor: input.actor, toStart: added, toAmend: changed, toCancel: removed };
  await reconcile(state);
  return { planId: state.planId, version, changed: true, changes };
}

export async function planWorkflow(input: PlanWorkflowInput): Promise<void> {
  const state: PlanWorkflowState = isPlanState(input.carried) ? input.carried : { planId: input.planId, version: 0, specs: {} };

  // Applies run one after another, never interleaved: each sees the state the previous one left.
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
  setHandler(getPlanSpecs, () => Object.values(state.specs));
  setHandler(applyVersion, (apply) => serialised(() => applyNewVersion(state, apply)), {
    validator: (apply) => validateApplyInput(state.planId, apply),
  });

  // A reconciliation carried over (or cut short) resumes before anything else is applied.
  if (state.pending) void serialised(() => reconcile(state));

  await condition(() => workflowInfo().continueAsNewSuggested && running === 0 && allHandlersFinished());
  await continueAsNew<typeof planWorkflow>({ planId: state.planId, carried: state });
}
