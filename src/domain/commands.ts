/**
 * What a caller asks of a task: the inputs of the task workflow's updates and signals. Plain types,
 * shared by the message definitions (src/workflows/messages.ts), the rules and the API.
 */
import type { RollupMember } from './rollup';
import type { TaskSpec } from '../plan/model';
import type { Actor } from './vocabulary';

/** Every write carries who did it and which request it came from. */
export interface WriteContext {
  actor: Actor;
  /** The API request id or Idempotency-Key, recorded in the audit log. */
  requestId?: string;
}

export interface CompleteInput extends WriteContext {
  note?: string;
  evidence?: string;
  /** Admins may back-date a completion to record history (ISO instant). */
  completedAt?: string;
}
export interface ConfirmInput extends WriteContext {
  note?: string;
  /** Admins may back-date a confirmation (ISO instant): not before the completion, not in the future. */
  confirmedAt?: string;
}
export interface ReturnInput extends WriteContext {
  reason: string;
}
export interface ReportProgressInput extends WriteContext {
  value?: number;
  note?: string;
}
export interface RequestExtensionInput extends WriteContext {
  /** New deadline: a YYYY-MM-DD date (end of that day in the plan's timezone) or an ISO instant. */
  newDeadline: string;
  reason: string;
}
export interface DecideExtensionInput extends WriteContext {
  extensionId: string;
  approve: boolean;
  note?: string;
}
export interface PauseInput extends WriteContext {
  reason: string;
}
export interface ResumeInput extends WriteContext {
  note?: string;
}
/** Sent by the plan workflow when a task is removed from the plan. */
export interface CancelInput extends WriteContext {
  planVersion: number;
  reason?: string;
}
export interface AmendInput extends WriteContext {
  spec: TaskSpec;
  planVersion: number;
}
export interface ReleaseInput {
  /** The prerequisite that finished and when (ISO); "after task" deadlines count from the last one. */
  taskId: string;
  doneAt: string;
}

/** A member's state as its roll-up aggregates it: exactly what the roll-up keeps (see rollup.ts). */
export type MemberProgressInput = RollupMember;
