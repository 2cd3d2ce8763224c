/**
 * One step of a task as pure functions: what the clock says at an instant (clockStep) and the
 * record a change becomes (commitChange). The task workflow runs them at its own clock; the
 * reconciliation runs `firstChange` for the tasks it starts, so that a page of first records is
 * written in one transaction and each task workflow takes its first state as already recorded.
 * Both sides computing the same record from the same (spec, plan version, instant) is what makes
 * that safe.
 */
import type { ResolvedTarget, TaskSpec, TimetableEntry } from '../plan/model';
import { taskTimetable } from '../plan/timetable';
import { isOpen } from './facts';
import type { NotificationRequest, TaskChange, TaskEventRecord } from './records';
import { eventKey, nextWake, notificationKey, selectDue, timersRun, timetableKey, upcomingEntries } from './task-clock';
import { initialMemory, isRollup, taskFacts, verdictAt, type EventDraft, type StartOptions, type TaskMemory } from './task-transitions';
import type { TaskStateView } from './task-view';
import { SYSTEM_ACTOR } from './vocabulary';

/**
 * The last timetable computed for each spec, with the deadline and pause it was computed for. A
 * step asks for it several times (the clock, the record, the start's first wake), each time
 * walking the working-day calendar; a spec is never changed in place (an amendment brings a new
 * one), so the spec, the deadline and the pause are all it depends on. Entries are frozen: they
 * are shared by every caller.
 */
const lastTimetables = new WeakMap<TaskSpec, { deadlineAt: string; pausedMs: number; entries: readonly TimetableEntry[] }>();

/** The task's reminders, levels and deadline as they stand (none without a known deadline). */
export function timetableOf(view: TaskStateView): TimetableEntry[] {
  if (!view.deadlineAt) return [];
  const last = lastTimetables.get(view.spec);
  if (last && last.deadlineAt === view.deadlineAt && last.pausedMs === view.pausedMs) return [...last.entries];
  const entries = taskTimetable({
    deadlineAt: view.deadlineAt,
    policy: view.spec.escalation,
    calendar: view.spec.calendar,
    timezone: view.spec.timezone,
    pausedMs: view.pausedMs,
  }).map((entry) => Object.freeze(entry));
  lastTimetables.set(view.spec, { deadlineAt: view.deadlineAt, pausedMs: view.pausedMs, entries });
  return [...entries];
}

export interface ClockStep {
  drafts: EventDraft[];
  notifications: NotificationRequest[];
  changed: boolean;
}

/**
 * The clock's part of a state change at `nowMs`: the facts and the rule's verdict, and the one
 * reminder or level due (see selectDue for catch-up). A line crossed while the task is open (due
 * soon, overdue) and each announcement are stamped with the instant they were scheduled for;
 * `processedAt` beside it shows the lag. Mutates the memory's view and fired keys.
 */
export function clockStep(memory: TaskMemory, nowMs: number, wokenByTimer: boolean): ClockStep {
  const { view, clock } = memory;
  const entries = timetableOf(view);
  const at = new Date(nowMs).toISOString();
  const drafts: EventDraft[] = [];
  const notifications: NotificationRequest[] = [];
  let changed = false;
  view.facts = taskFacts(view, entries);
  const verdict = verdictAt(view.facts, view.category, nowMs);
  if (verdict.deadlineState !== view.deadlineState) {
    if (isOpen(view.progress) && (verdict.deadlineState === 'due_soon' || verdict.deadlineState === 'overdue')) {
      const line = verdict.deadlineState === 'due_soon' ? view.facts.dueSoonAt : view.facts.deadlineAt;
      drafts.push({
        type: verdict.deadlineState,
        actor: SYSTEM_ACTOR,
        at: wokenByTimer && line ? line : at,
        data: { deadlineAt: view.facts.deadlineAt, processedAt: at },
      });
    }
    view.deadlineState = verdict.deadlineState;
    changed = true;
  }
  if (verdict.category !== view.category) {
    view.category = verdict.category;
    changed = true;
  }
  if (!timersRun(view.progress) || !view.deadlineAt) return { drafts, notifications, changed };
  const selection = selectDue(entries, clock.firedKeys, nowMs, wokenByTimer);
  if (selection.handled.length === 0) return { drafts, notifications, changed };
  clock.firedKeys.push(...selection.handled);
  changed = true;
  const fire = selection.fire;
  if (!fire) return { drafts, notifications, changed };
  const key = timetableKey(fire.entry);
  const deadline = view.facts.deadlineAt ?? view.deadlineAt;
  let target: ResolvedTarget;
  let action: string;
  let level: number;
  if (fire.entry.kind === 'escalation') {
    target = fire.entry.to;
    action = fire.entry.action;
    level = fire.entry.level;
    view.escalationLevel = Math.max(view.escalationLevel, level);
  } else {
    target = { kind: 'lead_staff', agency: view.spec.lead };
    // A reminder is worded where it is read (the message, the task page), in the reader's language.
    action = '';
    level = fire.entry.index + 1;
  }
  const kind = fire.entry.kind === 'escalation' ? 'escalation' : 'reminder';
  notifications.push({
    idempotencyKey: notificationKey(view.workflowId, view.deadlineVersion, key),
    workflowId: view.workflowId,
    planId: view.planId,
    taskId: view.taskId,
    kind,
    level,
    deadlineVersion: view.deadlineVersion,
    deadlineAt: deadline,
    to: target,
    action,
    catchUp: fire.catchUp,
    at: fire.entry.at,
  });
  drafts.push({
    type: kind,
    actor: SYSTEM_ACTOR,
    at: fire.entry.at,
    timetableKey: key,
    data: { level, action, to: target, catchUp: fire.catchUp, scheduledAt: fire.entry.at, processedAt: at, deadlineVersion: view.deadlineVersion },
  });
  return { drafts, notifications, changed };
}

/** A deep copy of plain data (a view, a clock): what a workflow keeps never shares an object with what it hands out. */
export const plainCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The next record of the task: seq + 1, stamped `nowMs`, with what is ahead and the facts as they
 * stand, and its events keyed so that a record written twice stores them once. Mutates the view;
 * the change holds a copy of it.
 */
export function commitChange(memory: TaskMemory, drafts: readonly EventDraft[], notifications: NotificationRequest[], nowMs: number): TaskChange {
  const { view, clock } = memory;
  const entries = timetableOf(view);
  view.seq += 1;
  view.updatedAt = new Date(nowMs).toISOString();
  view.upcoming = timersRun(view.progress) ? upcomingEntries(entries, clock.firedKeys, nowMs) : [];
  view.facts = taskFacts(view, entries);
  const state = plainCopy(view);
  const events: TaskEventRecord[] = drafts.map((draft) => ({
    idempotencyKey: draft.timetableKey
      ? notificationKey(state.workflowId, state.deadlineVersion, draft.timetableKey)
      : eventKey(state.workflowId, state.seq, draft.type),
    workflowId: state.workflowId,
    planId: state.planId,
    taskId: state.taskId,
    ...(state.unitId ? { unitId: state.unitId } : {}),
    ...(state.occurrence ? { occurrence: state.occurrence } : {}),
    seq: state.seq,
    type: draft.type,
    at: draft.at,
    actor: draft.actor,
    ...(draft.requestId ? { requestId: draft.requestId } : {}),
    data: draft.data,
  }));
  return { state, events, notifications };
}

/**
 * A new task's first record at `at`: its starting state (a roll-up takes members it has not heard
 * from to be as they start), `started`, and whatever the clock already says (a line crossed, a
 * reminder to catch up on). `earlierRun`: what an earlier run of the same workflow id left
 * (StartOptions.seqAfter and deadlineVersionAfter).
 */
export function firstChange(
  spec: TaskSpec,
  planVersion: number,
  at: string,
  earlierRun: Pick<StartOptions, 'seqAfter' | 'deadlineVersionAfter'> = {},
): { memory: TaskMemory; change: TaskChange } {
  const memory = initialMemory(spec, planVersion, at, { unheardAsStarting: true, ...earlierRun });
  const atMs = Date.parse(at);
  const step = clockStep(memory, atMs, false);
  const started: EventDraft = { type: 'started', actor: SYSTEM_ACTOR, at, data: { planVersion, waitingFor: memory.view.waitingFor } };
  return { memory, change: commitChange(memory, [started, ...step.drafts], step.notifications, atMs) };
}

/**
 * Until when a task whose first record is `memory` (at `at`) needs no workflow task of its own:
 * its clock's first wake (a reminder, the due-soon line, the deadline). Undefined when it has no
 * timer, or when another task may signal it: a roll-up hears its members, a task with
 * prerequisites (a member carries its task's) hears their release, and a signal does not run a
 * workflow whose start is delayed. An Update (a report, an amendment, a cancellation) does.
 */
export function quietUntil(memory: TaskMemory, at: string): number | undefined {
  const { view, clock } = memory;
  if (isRollup(view.spec) || view.spec.dependsOn.length > 0) return undefined;
  return nextWake(view, timetableOf(view), clock.firedKeys, Date.parse(at));
}

/** What a task answers when asked for its state (the `getState` query): its view and what is still to come. */
export function queriedView(memory: TaskMemory, nowMs: number): TaskStateView {
  const { view, clock } = memory;
  return { ...plainCopy(view), upcoming: timersRun(view.progress) ? upcomingEntries(timetableOf(view), clock.firedKeys, nowMs) : [] };
}
