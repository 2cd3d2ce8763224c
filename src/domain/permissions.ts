/**
 * Who may do what to a task, and in which state: each check returns the refusal (the catalogue key
 * of the message the caller sees, with its values) or undefined. The task workflow runs them as update
 * validators; the API asks `roleRefusal` before it sends an update, so that a caller without the
 * role costs no Temporal round trip and hears the same words; tests call them directly.
 *
 * staff  — acts on tasks its agency leads; reports progress on tasks it leads or supports.
 * leader — reads everything; confirms, returns, decides extensions, pauses and resumes; may also
 *          note progress (the tracking office records what it hears at weekly meetings).
 * admin  — everything, including back-dated completions and confirmations.
 */
import { formatDateVi, localToInstantMs } from '../plan/calendar';
import type { TaskSpec } from '../plan/model';
import type { CompleteInput, ConfirmInput, WriteContext } from './commands';
import { formatDeadlineDate, formatLocalDate } from './dates';
import { isOpen } from './facts';
import { reject, RejectionType, type Rejection } from './rejections';
import type { TaskStateView } from './task-view';
import type { Actor } from './vocabulary';

function isAdmin(actor: Actor): boolean {
  return actor.role === 'admin';
}
function isLeadStaff(actor: Actor, spec: Pick<TaskSpec, 'lead'>): boolean {
  return actor.role === 'staff' && actor.agency === spec.lead;
}
function isLeader(actor: Actor): boolean {
  return actor.role === 'leader';
}

/** The writes a person may ask of a task, by the names the API and the dashboard give them. */
export type TaskWrite = 'complete' | 'progress' | 'extension-request' | 'confirm' | 'return' | 'extension-decision' | 'pause' | 'resume';

/** Whether `actor`'s role and agency allow `write` on the task, whatever state it is in; the refusal if not. */
export function roleRefusal(actor: Actor, write: TaskWrite, spec: Pick<TaskSpec, 'lead' | 'support'>, taskId: string): Rejection | undefined {
  if (isAdmin(actor)) return undefined;
  const task = { lead: spec.lead, task: taskId };
  switch (write) {
    case 'complete':
      if (isLeadStaff(actor, spec)) return undefined;
      return actor.agency
        ? reject(RejectionType.forbidden, 'completeForbidden', { ...task, agency: actor.agency })
        : reject(RejectionType.forbidden, 'completeForbiddenWithoutAgency', task);
    case 'extension-request':
      return isLeadStaff(actor, spec) ? undefined : reject(RejectionType.forbidden, 'extensionForbidden', task);
    case 'progress': {
      const supporting = actor.role === 'staff' && actor.agency !== undefined && spec.support.includes(actor.agency);
      return isLeader(actor) || isLeadStaff(actor, spec) || supporting ? undefined : reject(RejectionType.forbidden, 'progressForbidden', task);
    }
    case 'confirm':
    case 'return':
      return isLeader(actor) ? undefined : reject(RejectionType.forbidden, 'confirmForbidden');
    case 'extension-decision':
      return isLeader(actor) ? undefined : reject(RejectionType.forbidden, 'decideForbidden');
    case 'pause':
      return isLeader(actor) ? undefined : reject(RejectionType.forbidden, 'pauseForbidden');
    case 'resume':
      return isLeader(actor) ? undefined : reject(RejectionType.forbidden, 'resumeForbidden');
  }
}

function notWritable(view: TaskStateView): Rejection | undefined {
  if (view.progress === 'cancelled') {
    return reject(RejectionType.invalidState, 'cancelled', { task: view.taskId });
  }
  return undefined;
}

/**
 * A back-dated instant (`completedAt`, `confirmedAt`): only an admin may write one, and it must be
 * an ISO instant that is not in the future. Returns the instant (ms) or the rejection.
 */
function backdatedInstant(actor: Actor, field: 'completedAt' | 'confirmedAt', value: string, example: string, nowMs: number): number | Rejection {
  if (!isAdmin(actor)) {
    return reject(RejectionType.forbidden, field === 'completedAt' ? 'backdatedCompletionAdminOnly' : 'backdatedConfirmationAdminOnly', { field });
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    return reject(RejectionType.invalidInput, 'invalidInstant', { field, value, example });
  }
  if (at > nowMs) return reject(RejectionType.invalidInput, 'instantInFuture', { field });
  return at;
}

/** A roll-up is reported on through its members, never directly. */
function rollupRefusal(view: TaskStateView): Rejection | undefined {
  if ((view.spec.members?.length ?? 0) === 0) return undefined;
  const example = view.spec.members![0]!;
  const member = example.unitId ? `@${example.unitId}` : `#${example.occurrence ?? ''}`;
  return reject(RejectionType.invalidState, 'reportOnMembers', {
    task: view.taskId,
    count: view.spec.members!.length,
    example: `${view.taskId}${member}`,
  });
}

function alreadyDone(view: TaskStateView): Rejection {
  const awaiting = view.progress === 'awaiting_confirmation';
  if (!view.completedAt) return reject(RejectionType.invalidState, awaiting ? 'awaitingConfirmation' : 'reportedDone', { task: view.taskId });
  const date = formatLocalDate(view.completedAt, view.spec.timezone);
  return reject(RejectionType.invalidState, awaiting ? 'awaitingConfirmationOn' : 'reportedDoneOn', { task: view.taskId, date });
}

function pausedRefusal(view: TaskStateView): Rejection {
  return view.pauseReason
    ? reject(RejectionType.invalidState, 'pausedBecause', { task: view.taskId, reason: view.pauseReason })
    : reject(RejectionType.invalidState, 'paused', { task: view.taskId });
}

export function checkComplete(view: TaskStateView, input: CompleteInput, nowMs: number): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const forbidden = roleRefusal(input.actor, 'complete', view.spec, view.taskId);
  if (forbidden) return forbidden;
  if (input.completedAt !== undefined) {
    const at = backdatedInstant(input.actor, 'completedAt', input.completedAt, '2023-01-20T10:00:00+07:00', nowMs);
    if (typeof at !== 'number') return at;
    const issued = view.spec.issuedOn;
    if (issued !== undefined && at < localToInstantMs(issued, 0, view.spec.timezone)) {
      return reject(RejectionType.invalidInput, 'completedBeforeIssue', {
        date: formatLocalDate(new Date(at).toISOString(), view.spec.timezone),
        issuedOn: formatDateVi(issued),
      });
    }
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  switch (view.progress) {
    case 'in_progress':
    case 'returned':
      return undefined;
    case 'not_started':
      return reject(RejectionType.invalidState, 'waitingForPrerequisites', { task: view.taskId, prerequisites: view.waitingFor.join(', ') });
    case 'done':
    case 'awaiting_confirmation':
      return alreadyDone(view);
    case 'paused':
      return pausedRefusal(view);
    default:
      return reject(RejectionType.invalidState, 'notCompletable', { task: view.taskId });
  }
}

/** Confirming: a leader or an admin; only an admin may back-date it, never before the completion nor in the future. */
export function checkConfirm(view: TaskStateView, input: ConfirmInput, nowMs: number): Rejection | undefined {
  const refused = checkConfirmOrReturn(view, input);
  if (refused) return refused;
  if (input.confirmedAt === undefined) return undefined;
  const at = backdatedInstant(input.actor, 'confirmedAt', input.confirmedAt, '2023-01-25T10:00:00+07:00', nowMs);
  if (typeof at !== 'number') return at;
  if (view.completedAt !== undefined && at < Date.parse(view.completedAt)) {
    return reject(RejectionType.invalidInput, 'confirmedBeforeCompletion', { date: formatLocalDate(view.completedAt, view.spec.timezone) });
  }
  return undefined;
}

export function checkConfirmOrReturn(view: TaskStateView, ctx: WriteContext, reason?: string | null): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const forbidden = roleRefusal(ctx.actor, reason === undefined ? 'confirm' : 'return', view.spec, view.taskId);
  if (forbidden) return forbidden;
  if (reason !== undefined && (reason === null || reason.trim() === '')) {
    return reject(RejectionType.invalidInput, 'returnReasonRequired');
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (view.progress !== 'awaiting_confirmation') {
    return reject(RejectionType.invalidState, view.progress === 'done' ? 'alreadyConfirmed' : 'nothingToConfirm', { task: view.taskId });
  }
  return undefined;
}

export function checkReportProgress(view: TaskStateView, ctx: WriteContext, value: unknown): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const forbidden = roleRefusal(ctx.actor, 'progress', view.spec, view.taskId);
  if (forbidden) return forbidden;
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    return reject(RejectionType.invalidInput, 'progressValueInvalid');
  }
  return notWritable(view);
}

/** Parses a requested deadline; a bare date is resolved by the caller-supplied end-of-day function. */
export function parseRequestedDeadline(text: string, endOfLocalDay: (date: string) => string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    if (Number.isNaN(Date.parse(`${text}T00:00:00Z`))) return undefined;
    return endOfLocalDay(text);
  }
  const at = Date.parse(text);
  // An instant must say its offset: a bare local time would be read in the worker's zone.
  if (Number.isNaN(at) || !/(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  return new Date(at).toISOString();
}

export function checkRequestExtension(
  view: TaskStateView,
  ctx: WriteContext,
  newDeadlineAt: string | undefined,
  currentDeadline: string | undefined,
  raw: string,
  reason: string | undefined,
): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const forbidden = roleRefusal(ctx.actor, 'extension-request', view.spec, view.taskId);
  if (forbidden) return forbidden;
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (!reason || reason.trim() === '') return reject(RejectionType.invalidInput, 'extensionReasonRequired');
  if (!newDeadlineAt) {
    return reject(RejectionType.invalidInput, 'extensionDeadlineInvalid', { value: raw });
  }
  if (view.spec.deadline.kind === 'none' || !currentDeadline) {
    return reject(RejectionType.invalidState, 'extensionWithoutDeadline', { task: view.taskId });
  }
  if (!isOpen(view.progress) && view.progress !== 'paused') return alreadyDone(view);
  if (Date.parse(newDeadlineAt) <= Date.parse(currentDeadline)) {
    return reject(RejectionType.invalidInput, 'extensionNotLater', { date: formatDeadlineDate(currentDeadline, view.spec.timezone) });
  }
  const pending = view.extensionRequests.find((request) => request.status === 'pending');
  if (pending) {
    return reject(RejectionType.invalidState, 'extensionPending', { id: pending.id });
  }
  return undefined;
}

export function checkDecideExtension(view: TaskStateView, ctx: WriteContext, extensionId: string): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const forbidden = roleRefusal(ctx.actor, 'extension-decision', view.spec, view.taskId);
  if (forbidden) return forbidden;
  const blocked = notWritable(view);
  if (blocked) return blocked;
  const request = view.extensionRequests.find((candidate) => candidate.id === extensionId);
  if (!request) return reject(RejectionType.notFound, 'extensionNotFound', { id: extensionId, task: view.taskId });
  if (request.status !== 'pending') {
    return reject(RejectionType.invalidState, request.status === 'approved' ? 'extensionApprovedAlready' : 'extensionRejectedAlready', {
      id: extensionId,
    });
  }
  return undefined;
}

export function checkPause(view: TaskStateView, ctx: WriteContext, reason: string | undefined): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const forbidden = roleRefusal(ctx.actor, 'pause', view.spec, view.taskId);
  if (forbidden) return forbidden;
  if (!reason || reason.trim() === '') return reject(RejectionType.invalidInput, 'pauseReasonRequired');
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (view.progress === 'paused') return reject(RejectionType.invalidState, 'alreadyPaused', { task: view.taskId });
  if (!isOpen(view.progress)) return alreadyDone(view);
  return undefined;
}

export function checkResume(view: TaskStateView, ctx: WriteContext): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const forbidden = roleRefusal(ctx.actor, 'resume', view.spec, view.taskId);
  if (forbidden) return forbidden;
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (view.progress !== 'paused') return reject(RejectionType.invalidState, 'notPaused', { task: view.taskId });
  return undefined;
}

/** Amendments and cancellations come from the plan workflow (role "system") or an administrator. */
export function checkSystem(view: TaskStateView, ctx: WriteContext): Rejection | undefined {
  if (ctx.actor.role !== 'system' && !isAdmin(ctx.actor)) {
    return reject(RejectionType.forbidden, 'systemOnly');
  }
  return notWritable(view);
}
