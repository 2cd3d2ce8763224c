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
  /** The validated plan document (defaults filled in), as JSON. */
  document: unknown;
  contentHash: string;
  gitCommit?: string;
  /** The task specs compiled from the document (see src/plan/compile.ts). */
  specs: TaskSpec[];
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

export interface ApplyVersionResult {
  planId: string;
  version: number;
  /** False when the content hash equals the applied one: nothing was started or amended. */
  changed: boolean;
  changes: TaskSpecChange[];
}

export interface PlanStateView {
  planId: string;
  version: number;
  contentHash?: string;
  gitCommit?: string;
  appliedAt?: string;
  /** When the plan was first applied: the anchor of `after: applied` deadlines. */
  firstAppliedAt?: string;
  /** workflowId → spec hash of every live task workflow. */
  taskSpecHashes: Record<string, string>;
  /** Reconciliation still to do (non-empty while an apply is in progress). */
  pending: number;
}

export const applyVersion = defineUpdate<ApplyVersionResult, [ApplyVersionInput]>('applyVersion');
export const getPlanState = defineQuery<PlanStateView>('getPlanState');
/** The task specs of the applied version, so that `kehoach diff` can compare field by field. */
export const getPlanSpecs = defineQuery<TaskSpec[]>('getPlanSpecs');
