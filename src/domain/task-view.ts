/**
 * The state of one task workflow as every layer sees it: returned by the workflow's updates and
 * query, handed to the projection and stored in the read model's `tasks.state` (without the spec's
 * calendar: StoredTaskState).
 */
import type { TaskSpec, TimetableEntry } from '../plan/model';
import type { TaskFacts } from './facts';
import type { RollupSummary } from './rollup';
import type { Actor, Category, DeadlineState, Progress } from './vocabulary';

export interface ExtensionRequestView {
  id: string;
  newDeadline: string;
  reason: string;
  requestedBy: Actor;
  requestedAt: string;
  status: 'pending' | 'approved' | 'denied';
  decidedBy?: Actor;
  decidedAt?: string;
  note?: string;
}

/** The full state of one task workflow, as returned by the query and written to the read model. */
export interface TaskStateView {
  workflowId: string;
  planId: string;
  taskId: string;
  unitId?: string;
  occurrence?: string;
  spec: TaskSpec;
  progress: Progress;
  /** Progress before a pause, restored on resume. */
  progressBeforePause?: Progress;
  /** What the one rule (facts.ts) needs: every view judges the task from these. */
  facts: TaskFacts;
  /** categoryAt and deadlineStateAt of `facts` when last recorded: for search attributes and display only. */
  deadlineState: DeadlineState;
  category: Category;
  /** The deadline currently in force (ISO), after approved extensions, before paused time; absent when none. */
  deadlineAt?: string;
  /** Incremented whenever the deadline instant changes; reminders and levels fire once per version. */
  deadlineVersion: number;
  /** Highest escalation level fired for the current deadline version (0 = none). */
  escalationLevel: number;
  progressValue?: number;
  /** When the lead reported completion; decides on time vs late. */
  completedAt?: string;
  completedBy?: Actor;
  confirmedAt?: string;
  returnReason?: string;
  pauseReason?: string;
  /** When the current pause began. */
  pausedAt?: string;
  /** Total paused milliseconds for the current deadline version (earlier pauses only). */
  pausedMs: number;
  extensionRequests: ExtensionRequestView[];
  /** Prerequisites still open. */
  waitingFor: string[];
  /** The instants still ahead, for display. */
  upcoming: TimetableEntry[];
  /** A roll-up (the task as a whole, over its units or occurrences): its members' summary. */
  rollup?: RollupSummary;
  /** Monotonic per-task sequence of state changes; the read model never moves backwards. */
  seq: number;
  updatedAt: string;
}

/** A task's spec as the read model keeps it: the calendar is the plan's, stored once in the plan store. */
export type StoredTaskSpec = Omit<TaskSpec, 'calendar'>;

/**
 * A task's state as the read model keeps it in `tasks.state`: the workflow's state without the
 * spec's calendar (a third of the spec, the same in every task of a plan version), which no reader
 * of a stored row needs; every record and every task list would otherwise move it.
 */
export interface StoredTaskState extends Omit<TaskStateView, 'spec'> {
  spec: StoredTaskSpec;
}

/** A spec without its calendar: as the read model stores it and as the API shows a change. */
export function withoutCalendar(spec: TaskSpec): StoredTaskSpec {
  const { calendar: _calendar, ...rest } = spec;
  return rest;
}

/** The state to store for a task: everything but the spec's calendar. */
export function storedTaskState(view: TaskStateView): StoredTaskState {
  return { ...view, spec: withoutCalendar(view.spec) };
}
