/**
 * Who may do what to a task, and in which state: each check returns the refusal (with the
 * Vietnamese message the caller sees) or undefined. The task workflow runs them as update
 * validators; tests call them directly.
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
function isLeadStaff(actor: Actor, spec: TaskSpec): boolean {
  return actor.role === 'staff' && actor.agency === spec.lead;
}
function isLeader(actor: Actor): boolean {
  return actor.role === 'leader';
}

function describeAgency(actor: Actor): string {
  return actor.agency ? `cơ quan "${actor.agency}"` : 'người dùng không thuộc cơ quan nào';
}

function notWritable(view: TaskStateView): Rejection | undefined {
  if (view.progress === 'cancelled') {
    return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} đã bị huỷ khỏi kế hoạch; không thể cập nhật.`);
  }
  return undefined;
}

/**
 * A back-dated instant (`completedAt`, `confirmedAt`): only an admin may write one, and it must be
 * an ISO instant that is not in the future. Returns the instant (ms) or the rejection.
 */
function backdatedInstant(
  actor: Actor,
  field: 'completedAt' | 'confirmedAt',
  act: string,
  value: string,
  example: string,
  nowMs: number,
): number | Rejection {
  if (!isAdmin(actor)) {
    return reject(
      RejectionType.forbidden,
      `Chỉ quản trị viên được ghi ngày ${act} trong quá khứ (${field}); bỏ trường này để ghi thời điểm hiện tại.`,
    );
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    return reject(RejectionType.invalidInput, `${field} "${value}" không phải thời điểm hợp lệ; hãy viết theo ISO 8601, ví dụ ${example}.`);
  }
  if (at > nowMs) return reject(RejectionType.invalidInput, `${field} không được ở tương lai.`);
  return at;
}

/** A roll-up is reported on through its members, never directly. */
function rollupRefusal(view: TaskStateView): Rejection | undefined {
  if ((view.spec.members?.length ?? 0) === 0) return undefined;
  const example = view.spec.members![0]!;
  const member = example.unitId ? `@${example.unitId}` : `#${example.occurrence ?? ''}`;
  return reject(
    RejectionType.invalidState,
    `Nhiệm vụ ${view.taskId} được thực hiện theo từng đơn vị hoặc từng kỳ (${view.spec.members!.length} bản); hãy cập nhật ở bản của từng đơn vị, ví dụ ${view.taskId}${member}.`,
  );
}

function doneMessage(view: TaskStateView): string {
  const when = view.completedAt ? ` ngày ${formatLocalDate(view.completedAt, view.spec.timezone)}` : '';
  return view.progress === 'awaiting_confirmation'
    ? `Nhiệm vụ ${view.taskId} đã được báo cáo hoàn thành${when} và đang chờ xác nhận.`
    : `Nhiệm vụ ${view.taskId} đã được báo cáo hoàn thành${when}.`;
}

function pausedMessage(view: TaskStateView): string {
  return `Nhiệm vụ ${view.taskId} đang tạm hoãn${view.pauseReason ? ` (${view.pauseReason})` : ''}; cần tiếp tục (resume) trước.`;
}

export function checkComplete(view: TaskStateView, input: CompleteInput, nowMs: number): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  if (!isAdmin(input.actor) && !isLeadStaff(input.actor, view.spec)) {
    return reject(
      RejectionType.forbidden,
      `Chỉ cán bộ của cơ quan chủ trì "${view.spec.lead}" (hoặc quản trị viên) được báo cáo hoàn thành nhiệm vụ ${view.taskId}; ${describeAgency(input.actor)} không có quyền này.`,
    );
  }
  if (input.completedAt !== undefined) {
    const at = backdatedInstant(input.actor, 'completedAt', 'hoàn thành', input.completedAt, '2023-01-20T10:00:00+07:00', nowMs);
    if (typeof at !== 'number') return at;
    const issued = view.spec.issuedOn;
    if (issued !== undefined && at < localToInstantMs(issued, 0, view.spec.timezone)) {
      return reject(
        RejectionType.invalidInput,
        `Ngày hoàn thành ${formatLocalDate(new Date(at).toISOString(), view.spec.timezone)} trước ngày ban hành kế hoạch (${formatDateVi(issued)}); hãy kiểm tra lại completedAt.`,
      );
    }
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  switch (view.progress) {
    case 'in_progress':
    case 'returned':
      return undefined;
    case 'not_started':
      return reject(
        RejectionType.invalidState,
        `Nhiệm vụ ${view.taskId} đang chờ ${view.waitingFor.join(', ')} hoàn thành trước; chưa thể báo cáo hoàn thành.`,
      );
    case 'done':
    case 'awaiting_confirmation':
      return reject(RejectionType.invalidState, doneMessage(view));
    case 'paused':
      return reject(RejectionType.invalidState, pausedMessage(view));
    default:
      return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} không ở trạng thái có thể báo cáo hoàn thành.`);
  }
}

/** Confirming: a leader or an admin; only an admin may back-date it, never before the completion nor in the future. */
export function checkConfirm(view: TaskStateView, input: ConfirmInput, nowMs: number): Rejection | undefined {
  const refused = checkConfirmOrReturn(view, input);
  if (refused) return refused;
  if (input.confirmedAt === undefined) return undefined;
  const at = backdatedInstant(input.actor, 'confirmedAt', 'xác nhận', input.confirmedAt, '2023-01-25T10:00:00+07:00', nowMs);
  if (typeof at !== 'number') return at;
  if (view.completedAt !== undefined && at < Date.parse(view.completedAt)) {
    return reject(
      RejectionType.invalidInput,
      `confirmedAt không được trước thời điểm báo cáo hoàn thành (${formatLocalDate(view.completedAt, view.spec.timezone)}).`,
    );
  }
  return undefined;
}

export function checkConfirmOrReturn(view: TaskStateView, ctx: WriteContext, reason?: string | null): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  if (!isAdmin(ctx.actor) && !isLeader(ctx.actor)) {
    return reject(RejectionType.forbidden, 'Chỉ cơ quan theo dõi (lãnh đạo) hoặc quản trị viên được xác nhận hay trả lại kết quả nhiệm vụ.');
  }
  if (reason !== undefined && (reason === null || reason.trim() === '')) {
    return reject(RejectionType.invalidInput, 'Cần ghi lý do trả lại để cơ quan chủ trì biết phải làm lại gì.');
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (view.progress !== 'awaiting_confirmation') {
    return reject(
      RejectionType.invalidState,
      view.progress === 'done'
        ? `Nhiệm vụ ${view.taskId} đã được xác nhận hoàn thành.`
        : `Nhiệm vụ ${view.taskId} chưa được báo cáo hoàn thành nên chưa có gì để xác nhận hay trả lại.`,
    );
  }
  return undefined;
}

export function checkReportProgress(view: TaskStateView, ctx: WriteContext, value: unknown): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  const actor = ctx.actor;
  const supporting = actor.role === 'staff' && actor.agency !== undefined && view.spec.support.includes(actor.agency);
  if (!isAdmin(actor) && !isLeader(actor) && !isLeadStaff(actor, view.spec) && !supporting) {
    return reject(
      RejectionType.forbidden,
      `Chỉ cán bộ cơ quan chủ trì "${view.spec.lead}", cơ quan phối hợp, lãnh đạo hoặc quản trị viên được báo cáo tiến độ nhiệm vụ ${view.taskId}.`,
    );
  }
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    return reject(RejectionType.invalidInput, 'Giá trị tiến độ phải là một số không âm, ví dụ 75.');
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
  if (!isAdmin(ctx.actor) && !isLeadStaff(ctx.actor, view.spec)) {
    return reject(
      RejectionType.forbidden,
      `Chỉ cán bộ của cơ quan chủ trì "${view.spec.lead}" (hoặc quản trị viên) được xin gia hạn nhiệm vụ ${view.taskId}.`,
    );
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (!reason || reason.trim() === '') return reject(RejectionType.invalidInput, 'Cần ghi lý do xin gia hạn.');
  if (!newDeadlineAt) {
    return reject(
      RejectionType.invalidInput,
      `Hạn mới "${raw}" không hợp lệ; hãy viết ngày dạng YYYY-MM-DD (ví dụ 2023-02-28) hoặc thời điểm ISO có múi giờ.`,
    );
  }
  if (view.spec.deadline.kind === 'none' || !currentDeadline) {
    return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} chưa có thời hạn nên không cần gia hạn.`);
  }
  if (!isOpen(view.progress) && view.progress !== 'paused') {
    return reject(RejectionType.invalidState, doneMessage(view));
  }
  if (Date.parse(newDeadlineAt) <= Date.parse(currentDeadline)) {
    return reject(RejectionType.invalidInput, `Hạn mới phải sau hạn hiện tại (${formatDeadlineDate(currentDeadline, view.spec.timezone)}).`);
  }
  const pending = view.extensionRequests.find((request) => request.status === 'pending');
  if (pending) {
    return reject(
      RejectionType.invalidState,
      `Đã có đề nghị gia hạn ${pending.id} đang chờ quyết định; chờ quyết định đó trước khi gửi đề nghị mới.`,
    );
  }
  return undefined;
}

export function checkDecideExtension(view: TaskStateView, ctx: WriteContext, extensionId: string): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  if (!isAdmin(ctx.actor) && !isLeader(ctx.actor)) {
    return reject(RejectionType.forbidden, 'Chỉ lãnh đạo hoặc quản trị viên được quyết định gia hạn.');
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  const request = view.extensionRequests.find((candidate) => candidate.id === extensionId);
  if (!request) return reject(RejectionType.notFound, `Không có đề nghị gia hạn "${extensionId}" cho nhiệm vụ ${view.taskId}.`);
  if (request.status !== 'pending') {
    return reject(
      RejectionType.invalidState,
      `Đề nghị gia hạn ${extensionId} đã được quyết định (${request.status === 'approved' ? 'đồng ý' : 'không đồng ý'}).`,
    );
  }
  return undefined;
}

export function checkPause(view: TaskStateView, ctx: WriteContext, reason: string | undefined): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  if (!isAdmin(ctx.actor) && !isLeader(ctx.actor)) {
    return reject(RejectionType.forbidden, 'Chỉ lãnh đạo hoặc quản trị viên được tạm hoãn nhiệm vụ.');
  }
  if (!reason || reason.trim() === '') return reject(RejectionType.invalidInput, 'Cần ghi lý do tạm hoãn.');
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (view.progress === 'paused') return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} đã đang tạm hoãn.`);
  if (!isOpen(view.progress)) return reject(RejectionType.invalidState, doneMessage(view));
  return undefined;
}

export function checkResume(view: TaskStateView, ctx: WriteContext): Rejection | undefined {
  const rollup = rollupRefusal(view);
  if (rollup) return rollup;
  if (!isAdmin(ctx.actor) && !isLeader(ctx.actor)) {
    return reject(RejectionType.forbidden, 'Chỉ lãnh đạo hoặc quản trị viên được cho nhiệm vụ tiếp tục.');
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (view.progress !== 'paused') return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} không ở trạng thái tạm hoãn.`);
  return undefined;
}

/** Amendments and cancellations come from the plan workflow (role "system") or an administrator. */
export function checkSystem(view: TaskStateView, ctx: WriteContext): Rejection | undefined {
  if (ctx.actor.role !== 'system' && !isAdmin(ctx.actor)) {
    return reject(
      RejectionType.forbidden,
      'Chỉ việc áp dụng lại kế hoạch (hoặc quản trị viên) được sửa hay huỷ nhiệm vụ; hãy sửa tệp kế hoạch rồi chạy kehoach apply.',
    );
  }
  return notWritable(view);
}
