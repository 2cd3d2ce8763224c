/**
 * The words every layer of kehoach uses for a task: its progress, where it stands against its
 * deadline, the QĐ 42 reporting category, who acts on it and how it is addressed. Plain types and
 * constant lists only, so that workflows, activities, the read model, the API and the CLI can all
 * import them without pointing at each other.
 */

/** Where the work of one task workflow stands. */
export const PROGRESS = ['not_started', 'in_progress', 'awaiting_confirmation', 'done', 'returned', 'paused', 'cancelled'] as const;
export type Progress = (typeof PROGRESS)[number];

/**
 * Where a task stands against its deadline at an instant. `waiting`: its deadline counts from a
 * prerequisite that is not done yet, so nothing can be late yet.
 */
export const DEADLINE_STATES = ['no_deadline', 'waiting', 'on_track', 'due_soon', 'overdue'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

/** The two axes of QĐ 42/2014 reporting: done or not, within the deadline or not. */
export const CATEGORIES = ['done_on_time', 'done_late', 'open_on_time', 'open_overdue', 'no_deadline'] as const;
export type Category = (typeof CATEGORIES)[number];

/** How a task's deadline is given: none, a fixed instant, or counted from a prerequisite's completion. */
export const DEADLINE_KINDS = ['none', 'fixed', 'after_task'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export const ACTOR_ROLES = ['staff', 'leader', 'admin', 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export interface Actor {
  /** Token id or person id; "system" for the engine itself. */
  id: string;
  name?: string;
  agency?: string;
  role: ActorRole;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };

/**
 * One task workflow: a task of a plan, or one unit's copy of it, or one occurrence of a recurring
 * task. A reference without unitId and occurrence names the task as a whole (its roll-up when it
 * has units or occurrences).
 */
export interface TaskRef {
  planId: string;
  taskId: string;
  unitId?: string;
  occurrence?: string;
}

export const TASK_EVENT_TYPES = [
  'started',
  'released',
  'completed',
  'confirmed',
  'returned',
  'progress_reported',
  'extension_requested',
  'extension_decided',
  'paused',
  'resumed',
  'amended',
  'cancelled',
  'due_soon',
  'overdue',
  'reminder',
  'escalation',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];
