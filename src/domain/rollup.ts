/**
 * A task seen as a whole over its members (one per unit or occurrence): the pure roll-up rule. The
 * roll-up task workflow aggregates its members with it, and the read side may call it too.
 *
 * - Done when every member is done; its completion is the last member's.
 * - Counts add up. Percentages (target unit '%') are weighted by each member's base, or averaged
 *   when a base is missing, and never summed: six districts at 100% are 100%.
 * - "Reached the target" counts the members whose value reached their own target: n of N.
 * - Cancelled members are counted nowhere.
 */
import type { TaskSpec } from '../plan/model';
import type { Category, DeadlineState, Progress } from './vocabulary';

/** What a roll-up knows of one member, from the member's last `memberProgress` signal. */
export interface RollupMember {
  workflowId: string;
  unitId?: string;
  occurrence?: string;
  progress: Progress;
  completedAt?: string;
  progressValue?: number;
  /** The member's own target value and base when the plan gives one per unit. */
  targetValue?: number;
  targetBase?: number;
  seq: number;
}

export interface RollupSummary {
  /** Members counted (cancelled ones left out). */
  total: number;
  done: number;
  awaitingConfirmation: number;
  /** Members no longer `not_started`. */
  started: number;
  /** When every counted member is done: the last member's completion. */
  completedAt?: string;
  /** The members' values aggregated by the target's nature; absent until one reports a value. */
  value?: number;
  /** The target as a whole: counts added up; a percentage stays the percentage. */
  targetValue?: number;
  unit?: string;
  /** Members whose value reached their own target (n of `total`); absent without a target. */
  reached?: number;
}

type Target = NonNullable<TaskSpec['target']>;

const isPercentage = (target: Target | undefined): boolean => target?.unit === '%';

/** Every member counted, with its latest state. */
export function rollUp(members: readonly RollupMember[], target?: Target): RollupSummary {
  const counted = members.filter((member) => member.progress !== 'cancelled');
  const total = counted.length;
  const done = counted.filter((member) => member.progress === 'done');
  const summary: RollupSummary = {
    total,
    done: done.length,
    awaitingConfirmation: counted.filter((member) => member.progress === 'awaiting_confirmation').length,
    started: counted.filter((member) => member.progress !== 'not_started').length,
  };
  if (total > 0 && done.length === total) {
    const last = Math.max(...done.map((member) => (member.completedAt ? Date.parse(member.completedAt) : Number.NEGATIVE_INFINITY)));
    if (Number.isFinite(last)) summary.completedAt = new Date(last).toISOString();
  }
  if (counted.some((member) => member.progressValue !== undefined)) {
    summary.value = aggregate(
      counted.map((member) => ({ value: member.progressValue ?? target?.baseline ?? 0, base: member.targetBase ?? target?.base })),
      target,
    );
  }
  if (target) {
    summary.unit = target.unit;
    summary.targetValue = isPercentage(target)
      ? aggregate(
          counted.map((member) => ({ value: member.targetValue ?? target.value, base: member.targetBase ?? target.base })),
          target,
        )
      : counted.reduce((sum, member) => sum + (member.targetValue ?? target.value), 0);
    summary.reached = counted.filter(
      (member) => member.progressValue !== undefined && member.progressValue >= (member.targetValue ?? target.value),
    ).length;
  }
  return summary;
}

/** Counts add up; percentages are weighted by base when every member has one, else averaged. */
function aggregate(items: { value: number; base: number | undefined }[], target: Target | undefined): number {
  if (!isPercentage(target)) return items.reduce((sum, item) => sum + item.value, 0);
  if (items.length === 0) return 0;
  const weighted = items.every((item) => item.base !== undefined && item.base > 0);
  if (weighted) {
    const bases = items.reduce((sum, item) => sum + item.base!, 0);
    return items.reduce((sum, item) => sum + item.value * item.base!, 0) / bases;
  }
  return items.reduce((sum, item) => sum + item.value, 0) / items.length;
}

/** The roll-up's own progress: done when all members are, started once any is. */
export function rollupProgress(summary: RollupSummary): Progress {
  if (summary.total > 0 && summary.done === summary.total) return 'done';
  return summary.started > 0 ? 'in_progress' : 'not_started';
}

/**
 * When a task was done as a whole, from the rows that carry it (its roll-up and members, or the
 * plain task): every counted row done → the last completion; otherwise undefined.
 */
export function taskDoneAt(rows: readonly { progress: Progress; completedAt?: string | null }[]): string | undefined {
  const counted = rows.filter((row) => row.progress !== 'cancelled');
  if (counted.length === 0 || counted.some((row) => row.progress !== 'done')) return undefined;
  const last = Math.max(...counted.map((row) => (row.completedAt ? Date.parse(row.completedAt) : Number.NEGATIVE_INFINITY)));
  return Number.isFinite(last) ? new Date(last).toISOString() : undefined;
}

/**
 * The QĐ 42 category of the whole, from its members' categories at the same instant: done on time
 * only when every member was; open and overdue as soon as one open member is; "không thời hạn"
 * only when no open member has a deadline. Undefined when every member is cancelled.
 */
export function rollupCategory(categories: readonly (Category | undefined)[]): Category | undefined {
  const counted = categories.filter((c): c is Category => c !== undefined);
  if (counted.length === 0) return undefined;
  const done = (c: Category) => c === 'done_on_time' || c === 'done_late';
  if (counted.every(done)) return counted.includes('done_late') ? 'done_late' : 'done_on_time';
  if (counted.includes('open_overdue')) return 'open_overdue';
  if (counted.every((c) => c === 'no_deadline' || done(c))) return 'no_deadline';
  return 'open_on_time';
}

const URGENCY: readonly DeadlineState[] = ['overdue', 'due_soon', 'on_track', 'waiting', 'no_deadline'];

/** The most urgent deadline state among the members still open (among all when none is). */
export function rollupDeadlineState(members: readonly { progress: Progress; deadlineState: DeadlineState }[]): DeadlineState {
  const counted = members.filter((m) => m.progress !== 'cancelled');
  const open = counted.filter((m) => m.progress !== 'done' && m.progress !== 'awaiting_confirmation');
  const pool = open.length > 0 ? open : counted;
  for (const state of URGENCY) if (pool.some((m) => m.deadlineState === state)) return state;
  return 'no_deadline';
}
