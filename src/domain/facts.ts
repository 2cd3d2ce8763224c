/**
 * The one rule that says where a task stands at an instant. Every view evaluates it: the task
 * workflow (its search attributes and events), the projection, the API's task detail, plan
 * counts and list filters (through the SQL twin in src/db/task-rule-sql.ts, which a property test
 * holds equal to this function), and the report as of any past day.
 *
 * Workflow-safe: no Node built-ins, no zod, never the clock — the instant is an argument.
 */
import type { Category, DeadlineKind, DeadlineState, Progress } from './vocabulary';

/**
 * What the rule needs to know about a task, as the task workflow last recorded it. The read model
 * stores exactly these fields on the task row and, as they were after each change, on each event
 * row, so that any instant can be judged from stored data alone.
 */
export interface TaskFacts {
  progress: Progress;
  deadlineKind: DeadlineKind;
  /**
   * The deadline in force (ISO instant), already moved by the time the task spent paused in
   * earlier pauses. Absent when the task has none, or while an "after task" deadline waits for
   * its prerequisite.
   */
  deadlineAt?: string;
  /** When "sắp đến hạn" begins (ISO), moved like the deadline. */
  dueSoonAt?: string;
  /** When the current pause began; while paused the deadline keeps moving with the clock. */
  pausedAt?: string;
  /** When the lead reported the work done (kept while it awaits confirmation and once confirmed). */
  completedAt?: string;
}

const OPEN: readonly Progress[] = ['not_started', 'in_progress', 'returned'];

/** The lead still owes the work: reminders and escalation run. */
export function isOpen(progress: Progress): boolean {
  return OPEN.includes(progress);
}

/** Reported done, whether or not the tracking office has confirmed it yet. */
export function isReported(progress: Progress): boolean {
  return progress === 'done' || progress === 'awaiting_confirmation';
}

/** Cancelled copies are kept for the record but counted nowhere. */
export function isCounted(progress: Progress): boolean {
  return progress !== 'cancelled';
}

/** The instant the clock stands at for this task: a paused task's clock stopped when it paused. */
function clockMs(facts: TaskFacts, atMs: number): number {
  if (facts.progress === 'paused' && facts.pausedAt !== undefined) return Math.min(atMs, Date.parse(facts.pausedAt));
  return atMs;
}

/**
 * The deadline in force at `atMs` (ms): while paused, the deadline moves on with the time spent
 * paused so far, so a paused task never falls overdue.
 */
export function deadlineAtInstant(facts: TaskFacts, atMs: number): number | undefined {
  if (facts.deadlineAt === undefined) return undefined;
  const deadline = Date.parse(facts.deadlineAt);
  if (facts.progress === 'paused' && facts.pausedAt !== undefined) {
    return deadline + Math.max(0, atMs - Date.parse(facts.pausedAt));
  }
  return deadline;
}

/** True when the work was reported after the deadline in force. */
function reportedLate(facts: TaskFacts): boolean {
  if (facts.deadlineAt === undefined || facts.completedAt === undefined) return false;
  return Date.parse(facts.completedAt) > Date.parse(facts.deadlineAt);
}

/**
 * The QĐ 42 category at `atMs`, or undefined for a cancelled task (counted nowhere).
 * - Done: on time when reported at or before the deadline; a done task without one is on time.
 * - Awaiting confirmation ("chờ xác nhận") is not yet done, but its verdict is fixed when it was
 *   reported: on time if reported before the deadline, and it never turns overdue while it waits.
 * - Open, not started, returned: overdue from the deadline instant on; "không thời hạn" without a
 *   deadline; on time while an "after task" deadline waits for its prerequisite.
 * - Paused: judged at the instant the pause began (the clock stops).
 */
export function categoryAt(facts: TaskFacts, atMs: number): Category | undefined {
  const { progress } = facts;
  if (!isCounted(progress)) return undefined;
  if (progress === 'done') return reportedLate(facts) ? 'done_late' : 'done_on_time';
  if (facts.deadlineKind === 'none') return 'no_deadline';
  if (progress === 'awaiting_confirmation') return reportedLate(facts) ? 'open_overdue' : 'open_on_time';
  if (facts.deadlineAt === undefined) return 'open_on_time';
  return clockMs(facts, atMs) >= Date.parse(facts.deadlineAt) ? 'open_overdue' : 'open_on_time';
}

/** Where the task stands against its deadline at `atMs`. */
export function deadlineStateAt(facts: TaskFacts, atMs: number): DeadlineState {
  if (facts.deadlineKind === 'none') return 'no_deadline';
  if (facts.deadlineAt === undefined) return 'waiting';
  if (isReported(facts.progress) || facts.progress === 'cancelled') return reportedLate(facts) ? 'overdue' : 'on_track';
  const now = clockMs(facts, atMs);
  if (now >= Date.parse(facts.deadlineAt)) return 'overdue';
  if (facts.dueSoonAt !== undefined && now >= Date.parse(facts.dueSoonAt)) return 'due_soon';
  return 'on_track';
}

/** "Sắp đến hạn": open, not yet overdue, inside the due-soon window. */
export function isDueSoonAt(facts: TaskFacts, atMs: number): boolean {
  return isOpen(facts.progress) && deadlineStateAt(facts, atMs) === 'due_soon';
}

/**
 * The first instant after `atMs` at which this task's category or deadline state may change
 * without any new fact (the due-soon line, the deadline), or undefined when only a new fact can
 * change it. A view computed at `atMs` therefore holds until then, which is how the API knows
 * how long an answer it keeps stays true. It may be earlier than the real change (a paused task's
 * stopped clock never reaches its deadline), never later.
 */
export function nextJudgementChange(facts: TaskFacts, atMs: number): number | undefined {
  if (facts.deadlineKind === 'none' || facts.deadlineAt === undefined || isReported(facts.progress) || facts.progress === 'cancelled') {
    return undefined;
  }
  const candidates = [facts.dueSoonAt, facts.deadlineAt].map((iso) => (iso === undefined ? NaN : Date.parse(iso))).filter((ms) => ms > atMs);
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}
