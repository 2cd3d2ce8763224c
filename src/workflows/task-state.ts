/**
 * The task's state machine as plain functions: who may do what, what each update changes, how the
 * clock turns into a deadline state, a reporting category and the reminders or levels due now.
 * No Temporal calls here, so every rule is unit-tested without a server; task.ts is the shell that
 * sleeps, records and signals. Deterministic: only the `now` passed in is used, never the clock.
 */
import type { TaskSpec, TimetableEntry } from '../plan/model';
import type { CompleteInput, TaskWorkflowInput, WriteContext } from './messages';
import {
  RejectionType,
  type Actor,
  type Category,
  type DeadlineState,
  type Progress,
  type Rejection,
  type RejectionKind,
  type TaskEventType,
  type TaskStateView,
} from '../domain';
import { taskWorkflowId } from './ids';
import { formatDateVi, localDate } from '../plan/calendar';

/** What the workflow remembers beyond the view: carried across continue-as-new. */
/**
 * firedKeys: timetable keys (`r1`, `l2`) already handled for the current deadline version;
 * pausedAt: when the current pause began; prerequisitesDoneAt: prerequisite id → when it was done.
 */
export type TaskClock = NonNullable<TaskWorkflowInput['carriedClock']>;

export interface TaskMemory {
  view: TaskStateView;
  clock: TaskClock;
  planVersion: number;
}

/** An event before the shell gives it a seq and an idempotency key. */
export interface EventDraft {
  type: TaskEventType;
  actor: Actor;
  requestId?: string;
  at: string;
  data: Record<string, unknown>;
  /** Reminder or level events carry their per-deadline-version key instead of a seq-based one. */
  timetableKey?: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };

const OPEN: readonly Progress[] = ['not_started', 'in_progress', 'returned'];

export function isOpen(progress: Progress): boolean {
  return OPEN.includes(progress);
}

/** Reminders and levels only go out while someone still owes the work. */
export function timersRun(progress: Progress): boolean {
  return isOpen(progress);
}

// ---------- dates shown to people ----------

/** dd/mm/yyyy of an instant in the task's timezone, as Vietnamese documents write dates. */
export function formatLocalDate(iso: string, timeZone: string): string {
  return formatDateVi(localDate(iso, timeZone));
}

/** A deadline is the midnight that ends its day; people know it by that day. */
export function formatDeadlineDate(iso: string, timeZone: string): string {
  return formatLocalDate(new Date(Date.parse(iso) - 1).toISOString(), timeZone);
}

// ---------- keys ----------

/** The per-deadline-version key of a timetable entry: `r1` for the first reminder, `l2` for level 2. */
export function timetableKey(entry: TimetableEntry): string {
  switch (entry.kind) {
    case 'reminder':
      // Timetable indexes count from 0; keys and notifications count reminders from 1.
      return `r${entry.index + 1}`;
    case 'escalation':
      return `l${entry.level}`;
    case 'due_soon':
      return 'due_soon';
    case 'deadline':
      return 'deadline';
  }
}

export function notificationKey(workflowId: string, deadlineVersion: number, key: string): string {
  return `${workflowId}:d${deadlineVersion}:${key}`;
}

export function eventKey(workflowId: string, seq: number, type: TaskEventType): string {
  return `${workflowId}:${seq}:${type}`;
}

// ---------- start ----------

export function initialMemory(input: TaskWorkflowInput, nowIso: string, carriedClock?: TaskClock): TaskMemory {
  if (input.carried) {
    return {
      view: { ...input.carried, spec: input.spec },
      clock: carriedClock ?? { firedKeys: [], prerequisitesDoneAt: {} },
      planVersion: input.planVersion,
    };
  }
  const spec = input.spec;
  const waitingFor = [...spec.dependsOn];
  const deadlineAt = spec.deadline.kind === 'instant' ? spec.deadline.at : undefined;
  const view: TaskStateView = {
    workflowId: taskWorkflowId(spec),
    planId: spec.planId,
    taskId: spec.taskId,
    ...(spec.unitId ? { unitId: spec.unitId } : {}),
    ...(spec.occurrence ? { occurrence: spec.occurrence } : {}),
    spec,
    progress: waitingFor.length > 0 ? 'not_started' : 'in_progress',
    deadlineState: spec.deadline.kind === 'none' ? 'no_deadline' : 'on_track',
    category: spec.deadline.kind === 'none' ? 'no_deadline' : 'open_on_time',
    ...(deadlineAt ? { deadlineAt } : {}),
    deadlineVersion: deadlineAt ? 1 : 0,
    escalationLevel: 0,
    pausedMs: 0,
    extensionRequests: [],
    waitingFor,
    upcoming: [],
    seq: 0,
    updatedAt: nowIso,
  };
  return { view, clock: { firedKeys: [], prerequisitesDoneAt: {} }, planVersion: input.planVersion };
}

// ---------- the clock ----------

/** The deadline the clock runs against: the timetable's (shifted by paused time) or the one in force. */
export function effectiveDeadline(view: TaskStateView, timetable: TimetableEntry[]): string | undefined {
  const entry = timetable.find((candidate) => candidate.kind === 'deadline');
  return entry?.at ?? view.deadlineAt;
}

export interface ClockVerdict {
  deadlineState: DeadlineState;
  category: Category;
}

/**
 * Deadline state and category of an open task at `nowMs`. Done, awaiting-confirmation, paused and
 * cancelled tasks keep the verdict they had (completion is judged once, against the deadline in
 * force when the lead reported it; a pause stops the clock).
 */
export function judgeClock(view: TaskStateView, timetable: TimetableEntry[], nowMs: number): ClockVerdict {
  if (!isOpen(view.progress)) return { deadlineState: view.deadlineState, category: view.category };
  if (view.spec.deadline.kind === 'none') return { deadlineState: 'no_deadline', category: 'no_deadline' };
  const deadline = effectiveDeadline(view, timetable);
  // An "after task" deadline is not known until the prerequisite is done: nothing is late yet.
  if (!deadline) return { deadlineState: 'on_track', category: 'open_on_time' };
  if (nowMs >= Date.parse(deadline)) return { deadlineState: 'overdue', category: 'open_overdue' };
  const dueSoon = timetable.find((entry) => entry.kind === 'due_soon');
  if (dueSoon && nowMs >= Date.parse(dueSoon.at)) return { deadlineState: 'due_soon', category: 'open_on_time' };
  return { deadlineState: 'on_track', category: 'open_on_time' };
}

/** Verdict for a completion reported at `completedAtMs` against the deadline in force then. */
export function judgeCompletion(view: TaskStateView, timetable: TimetableEntry[], completedAtMs: number, confirmed: boolean): ClockVerdict {
  // A task with no deadline ("thường xuyên") that is done counts as done on time, as reports do;
  // while it awaits confirmation it is still open without a deadline.
  if (view.spec.deadline.kind === 'none') return { deadlineState: 'no_deadline', category: confirmed ? 'done_on_time' : 'no_deadline' };
  const deadline = effectiveDeadline(view, timetable);
  const late = deadline !== undefined && completedAtMs > Date.parse(deadline);
  // Awaiting confirmation still counts as open in reports; the verdict on time vs late is already fixed.
  if (confirmed) return { deadlineState: late ? 'overdue' : 'on_track', category: late ? 'done_late' : 'done_on_time' };
  return { deadlineState: late ? 'overdue' : 'on_track', category: late ? 'open_overdue' : 'open_on_time' };
}

export interface DueSelection {
  /** The one reminder or level to announce now, if any. */
  fire?: { entry: Extract<TimetableEntry, { kind: 'reminder' | 'escalation' }>; catchUp: boolean };
  /** Every key handled by this selection (announced or silently passed over). */
  handled: string[];
}

/**
 * Which reminder or level to announce at `nowMs`. When a timer wakes the workflow, exactly the one
 * instant it slept for has passed. When the timetable was (re)computed (start, resume, amendment,
 * extension) and instants are already behind, only the highest passed level (or, before the
 * deadline, the latest reminder) is announced, once and marked catch-up: never a burst.
 */
export function selectDue(timetable: TimetableEntry[], firedKeys: readonly string[], nowMs: number, wokenByTimer: boolean): DueSelection {
  const passed = timetable.filter(
    (entry): entry is Extract<TimetableEntry, { kind: 'reminder' | 'escalation' }> =>
      (entry.kind === 'reminder' || entry.kind === 'escalation') &&
      Date.parse(entry.at) <= nowMs &&
      !firedKeys.includes(timetableKey(entry)),
  );
  if (passed.length === 0) return { handled: [] };
  const handled = passed.map(timetableKey);
  if (passed.length === 1 && wokenByTimer) return { fire: { entry: passed[0]!, catchUp: false }, handled };
  const levels = passed.filter((entry) => entry.kind === 'escalation');
  if (levels.length > 0) {
    const highest = levels.reduce((best, entry) => (entry.kind === 'escalation' && best.kind === 'escalation' && entry.level > best.level ? entry : best));
    return { fire: { entry: highest, catchUp: true }, handled };
  }
  const deadline = timetable.find((entry) => entry.kind === 'deadline');
  // Past the deadline with no level due, a reminder "before the deadline" would only confuse.
  if (deadline && Date.parse(deadline.at) <= nowMs) return { handled };
  const latest = passed.reduce((best, entry) => (Date.parse(entry.at) > Date.parse(best.at) ? entry : best));
  return { fire: { entry: latest, catchUp: true }, handled };
}

/**
 * The next instant the clock must wake for: an unhandled reminder/level, the due-soon line or the
 * deadline. A reminder or level already behind and not yet handled means "now": the workflow task
 * that should have announced it may have died with its worker.
 */
export function nextWake(view: TaskStateView, timetable: TimetableEntry[], firedKeys: readonly string[], nowMs: number): number | undefined {
  if (!timersRun(view.progress)) return undefined;
  let next: number | undefined;
  for (const entry of timetable) {
    const at = Date.parse(entry.at);
    const announced = entry.kind === 'reminder' || entry.kind === 'escalation';
    if (announced && firedKeys.includes(timetableKey(entry))) continue;
    if (at <= nowMs) {
      if (announced) return nowMs;
      continue;
    }
    if (next === undefined || at < next) next = at;
  }
  return next;
}

export function upcomingEntries(timetable: TimetableEntry[], firedKeys: readonly string[], nowMs: number): TimetableEntry[] {
  return timetable
    .filter((entry) => Date.parse(entry.at) > nowMs && !firedKeys.includes(timetableKey(entry)))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

// ---------- who may do what ----------

const reject = (type: RejectionKind, message: string): Rejection => ({ type, message });

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
  if (!isAdmin(input.actor) && !isLeadStaff(input.actor, view.spec)) {
    return reject(
      RejectionType.forbidden,
      `Chỉ cán bộ của cơ quan chủ trì "${view.spec.lead}" (hoặc quản trị viên) được báo cáo hoàn thành nhiệm vụ ${view.taskId}; ${describeAgency(input.actor)} không có quyền này.`,
    );
  }
  if (input.completedAt !== undefined) {
    if (!isAdmin(input.actor)) {
      return reject(RejectionType.forbidden, 'Chỉ quản trị viên được ghi ngày hoàn thành trong quá khứ (completedAt); bỏ trường này để ghi thời điểm hiện tại.');
    }
    const at = Date.parse(input.completedAt);
    if (Number.isNaN(at)) {
      return reject(RejectionType.invalidInput, `completedAt "${input.completedAt}" không phải thời điểm hợp lệ; hãy viết theo ISO 8601, ví dụ 2023-01-20T10:00:00+07:00.`);
    }
    if (at > nowMs) return reject(RejectionType.invalidInput, 'completedAt không được ở tương lai.');
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  switch (view.progress) {
    case 'in_progress':
    case 'returned':
      return undefined;
    case 'not_started':
      return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} đang chờ ${view.waitingFor.join(', ')} hoàn thành trước; chưa thể báo cáo hoàn thành.`);
    case 'done':
    case 'awaiting_confirmation':
      return reject(RejectionType.invalidState, doneMessage(view));
    case 'paused':
      return reject(RejectionType.invalidState, pausedMessage(view));
    default:
      return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} không ở trạng thái có thể báo cáo hoàn thành.`);
  }
}

export function checkConfirmOrReturn(view: TaskStateView, ctx: WriteContext, reason?: string | null): Rejection | undefined {
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
  if (!isAdmin(ctx.actor) && !isLeadStaff(ctx.actor, view.spec)) {
    return reject(RejectionType.forbidden, `Chỉ cán bộ của cơ quan chủ trì "${view.spec.lead}" (hoặc quản trị viên) được xin gia hạn nhiệm vụ ${view.taskId}.`);
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  if (!reason || reason.trim() === '') return reject(RejectionType.invalidInput, 'Cần ghi lý do xin gia hạn.');
  if (!newDeadlineAt) {
    return reject(RejectionType.invalidInput, `Hạn mới "${raw}" không hợp lệ; hãy viết ngày dạng YYYY-MM-DD (ví dụ 2023-02-28) hoặc thời điểm ISO có múi giờ.`);
  }
  if (view.spec.deadline.kind === 'none' || !currentDeadline) {
    return reject(RejectionType.invalidState, `Nhiệm vụ ${view.taskId} chưa có thời hạn nên không cần gia hạn.`);
  }
  if (!isOpen(view.progress) && view.progress !== 'paused') {
    return reject(RejectionType.invalidState, doneMessage(view));
  }
  if (Date.parse(newDeadlineAt) <= Date.parse(currentDeadline)) {
    return reject(
      RejectionType.invalidInput,
      `Hạn mới phải sau hạn hiện tại (${formatDeadlineDate(currentDeadline, view.spec.timezone)}).`,
    );
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
  if (!isAdmin(ctx.actor) && !isLeader(ctx.actor)) {
    return reject(RejectionType.forbidden, 'Chỉ lãnh đạo hoặc quản trị viên được quyết định gia hạn.');
  }
  const blocked = notWritable(view);
  if (blocked) return blocked;
  const request = view.extensionRequests.find((candidate) => candidate.id === extensionId);
  if (!request) return reject(RejectionType.notFound, `Không có đề nghị gia hạn "${extensionId}" cho nhiệm vụ ${view.taskId}.`);
  if (request.status !== 'pending') {
    return reject(RejectionType.invalidState, `Đề nghị gia hạn ${extensionId} đã được quyết định (${request.status === 'approved' ? 'đồng ý' : 'không đồng ý'}).`);
  }
  return undefined;
}

export function checkPause(view: TaskStateView, ctx: WriteContext, reason: string | undefined): Rejection | undefined {
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
    return reject(RejectionType.forbidden, 'Chỉ việc áp dụng lại kế hoạch (hoặc quản trị viên) được sửa hay huỷ nhiệm vụ; hãy sửa tệp kế hoạch rồi chạy kehoach apply.');
  }
  return notWritable(view);
}

// ---------- deadline changes ----------

/** A new deadline instant in force: a new version, a fresh ladder, no paused time against it. */
export function setDeadline(memory: TaskMemory, deadlineAt: string | undefined, nowIso: string): boolean {
  const { view, clock } = memory;
  if (deadlineAt === view.deadlineAt) return false;
  if (deadlineAt === undefined) delete view.deadlineAt;
  else view.deadlineAt = deadlineAt;
  view.deadlineVersion += 1;
  view.escalationLevel = 0;
  view.pausedMs = 0;
  clock.firedKeys = [];
  if (clock.pausedAt) clock.pausedAt = nowIso;
  return true;
}

/** The prerequisite whose completion anchors an "after task" deadline: the one named, else the last done. */
export function deadlineAnchor(spec: TaskSpec, prerequisitesDoneAt: Record<string, string>): string | undefined {
  if (spec.deadline.kind !== 'after_task') return undefined;
  const named = prerequisitesDoneAt[spec.deadline.taskId];
  if (named) return named;
  const all = Object.values(prerequisitesDoneAt).sort();
  return all.length > 0 ? all[all.length - 1] : undefined;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Top-level spec fields that differ, for the audit log of an amendment. */
export function changedFields(before: TaskSpec, after: TaskSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('specHash');
  return [...keys].filter((key) => !sameJson((before as unknown as Record<string, unknown>)[key], (after as unknown as Record<string, unknown>)[key])).sort();
}
