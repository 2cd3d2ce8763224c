/**
 * One definition per message, shared by the workflows, the API, the CLI and the tests.
 * Each exported const's name equals its wire name; each takes one object argument.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TaskSpec } from '../plan/model';
import type {
  AmendInput,
  CancelInput,
  CompleteInput,
  ConfirmInput,
  DecideExtensionInput,
  MemberProgressInput,
  PauseInput,
  ReleaseInput,
  ReportProgressInput,
  RequestExtensionInput,
  ResumeInput,
  ReturnInput,
  StartOptions,
  TaskClock,
  TaskStateView,
  WriteContext,
} from '../domain';

export interface TaskWorkflowInput {
  spec: TaskSpec;
  planVersion: number;
  /** State carried over by continue-as-new. */
  carried?: TaskStateView;
  /** Timer bookkeeping carried over by continue-as-new, so no reminder or level fires twice. */
  carriedClock?: TaskClock;
  /**
   * The generation of task workflow this run was started as (TASK_WORKFLOW_GENERATION by every
   * start and continue-as-new of today's code). It tells a run how it decides without a patch
   * marker, each of which costs a history event and a visibility write (the SDK upserts
   * `TemporalChangeVersion`) in every workflow. Absent in histories from before: those decide by
   * their patch markers as they always did.
   */
  generation?: number;
  /**
   * Generation 3: the instant at which the reconciliation computed this task's first record
   * (`firstChange` in the domain) and wrote it, with its page, in one transaction. The workflow
   * takes that record as its state instead of recording a first one itself. Absent when the
   * workflow records its start (a start with a reminder to catch up on, a start by other code).
   */
  recordedAt?: string;
  /**
   * The last seq an earlier run of this workflow id recorded, when the task was removed from the
   * plan and added back: this run's records follow it (StartOptions.seqAfter), so the read model
   * takes them over the earlier run's last row. Absent for a task never started before.
   */
  seqAfter?: number;
  /**
   * The deadline version that earlier run reached (StartOptions.deadlineVersionAfter): this run's
   * reminders and escalations get keys of their own. Absent in starts by earlier code, whose
   * re-added tasks reuse the earlier run's keys as they always did.
   */
  deadlineVersionAfter?: number;
}

/**
 * 2: records as a local activity, starts with the search attributes of its starting state, and a
 * roll-up takes members it has not heard from to be as they start, so members do not announce it.
 * 3: as 2, and may be started with its first record already written (`recordedAt`).
 */
export const TASK_WORKFLOW_GENERATION = 3;

/**
 * A fresh task workflow's input, as every start of today's code gives it; `recordedAt` when the
 * starter writes the task's first record, `seqAfter` and `deadlineVersionAfter` when an earlier
 * run of the same workflow id recorded (see TaskWorkflowInput).
 */
export function taskWorkflowInput(
  spec: TaskSpec,
  planVersion: number,
  start: { recordedAt?: string; seqAfter?: number; deadlineVersionAfter?: number } = {},
): TaskWorkflowInput {
  return {
    spec,
    planVersion,
    generation: TASK_WORKFLOW_GENERATION,
    ...(start.recordedAt !== undefined ? { recordedAt: start.recordedAt } : {}),
    ...(start.seqAfter ? { seqAfter: start.seqAfter } : {}),
    ...(start.deadlineVersionAfter ? { deadlineVersionAfter: start.deadlineVersionAfter } : {}),
  };
}

/** What an earlier run of the same workflow id left, as a run's first state takes it (StartOptions). */
export function earlierRunOf(input: TaskWorkflowInput): Pick<StartOptions, 'seqAfter' | 'deadlineVersionAfter'> {
  return { seqAfter: input.seqAfter, deadlineVersionAfter: input.deadlineVersionAfter };
}

export interface PlanWorkflowInput {
  planId: string;
  /** State carried over by continue-as-new. */
  carried?: unknown;
}

export const complete = defineUpdate<TaskStateView, [CompleteInput]>('complete');
export const confirm = defineUpdate<TaskStateView, [ConfirmInput]>('confirm');
// `return` is a reserved word, hence the longer const name with the same wire meaning.
export const returnTask = defineUpdate<TaskStateView, [ReturnInput]>('returnTask');
export const reportProgress = defineUpdate<TaskStateView, [ReportProgressInput]>('reportProgress');
export const requestExtension = defineUpdate<TaskStateView, [RequestExtensionInput]>('requestExtension');
export const decideExtension = defineUpdate<TaskStateView, [DecideExtensionInput]>('decideExtension');
export const pause = defineUpdate<TaskStateView, [PauseInput]>('pause');
export const resume = defineUpdate<TaskStateView, [ResumeInput]>('resume');
export const amend = defineUpdate<TaskStateView, [AmendInput]>('amend');
export const cancelTask = defineUpdate<TaskStateView, [CancelInput]>('cancelTask');
/** From a prerequisite (or the start path) once it is done; a roll-up forwards it to its members. */
export const release = defineSignal<[ReleaseInput]>('release');
/** From a member (unit or occurrence) to its roll-up whenever the member's state changes. */
export const memberProgress = defineSignal<[MemberProgressInput]>('memberProgress');
export const getState = defineQuery<TaskStateView>('getState');

// ---- Plan workflow messages ----

export interface ApplyVersionInput extends WriteContext {
  contentHash: string;
  gitCommit?: string;
  /**
   * The version's spec set, already in the plan store (src/db/plan-store.ts) with its specs and
   * document: the update carries hashes, never the plan.
   */
  specSet: string;
  /** Task workflows in the spec set. */
  taskCount: number;
  /** The anchor used to compile `after: applied` deadlines: the plan state's firstAppliedAt, or now on a first apply. */
  firstAppliedAt: string;
}

export interface TaskSpecChange {
  workflowId: string;
  taskId: string;
  unitId?: string;
  occurrence?: string;
  change: 'added' | 'changed' | 'removed';
  /** For changed specs: the top-level fields that differ. */
  fields?: string[];
}

/** What the plan workflow answers once the version is recorded; reconciling follows. */
export interface ApplyVersionAnswer {
  planId: string;
  version: number;
  /** False when the content hash equals the applied one: nothing will be started or amended. */
  changed: boolean;
  /** Task workflows the reconciliation starts, amends and cancels (0 when unchanged). */
  total: number;
  /** The spec set the version was reconciled from (absent on a first apply or when unchanged). */
  from?: string;
}

/** The answer with the changes the apply path computed from the two spec sets. */
export interface ApplyVersionResult extends ApplyVersionAnswer {
  changes: TaskSpecChange[];
}

/**
 * What the plan workflow's query answers: the applied version. How far its reconciliation got is
 * the plan store's (`PlanStore.reconciliation`, served at /api/plans/:id/reconciliation), whose
 * end is stamped by the page that makes the last change, before this workflow hears of it.
 */
export interface PlanStateView {
  planId: string;
  version: number;
  contentHash?: string;
  gitCommit?: string;
  appliedAt?: string;
  /** When the plan was first applied: the anchor of `after: applied` deadlines. */
  firstAppliedAt?: string;
  /** The applied version's spec set in the plan store, and how many task workflows it holds. */
  specSet?: string;
  taskCount: number;
}

export const applyVersion = defineUpdate<ApplyVersionAnswer, [ApplyVersionInput]>('applyVersion');
export const getPlanState = defineQuery<PlanStateView>('getPlanState');
