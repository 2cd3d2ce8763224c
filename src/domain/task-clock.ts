/**
 * The task's clock as pure functions: which reminder or escalation level is due, when to wake
 * next, what is still ahead, and the keys that make each announcement happen once per deadline
 * version. The task workflow sleeps until `nextWake` and announces what `selectDue` says.
 */
import type { TimetableEntry } from '../plan/model';
import { isOpen } from './facts';
import type { TaskStateView } from './task-view';
import type { Progress, TaskEventType } from './vocabulary';

/** Reminders and levels only go out while someone still owes the work. */
export function timersRun(progress: Progress): boolean {
  return isOpen(progress);
}

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
      (entry.kind === 'reminder' || entry.kind === 'escalation') && Date.parse(entry.at) <= nowMs && !firedKeys.includes(timetableKey(entry)),
  );
  if (passed.length === 0) return { handled: [] };
  const handled = passed.map(timetableKey);
  if (passed.length === 1 && wokenByTimer) return { fire: { entry: passed[0]!, catchUp: false }, handled };
  const levels = passed.filter((entry) => entry.kind === 'escalation');
  if (levels.length > 0) {
    const highest = levels.reduce((best, entry) =>
      entry.kind === 'escalation' && best.kind === 'escalation' && entry.level > best.level ? entry : best,
    );
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
