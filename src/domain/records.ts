/**
 * The records task and plan workflows hand to activities. Every record carries an idempotency key
 * so that an activity retried by Temporal (or run twice after a worker crash) writes nothing twice.
 * Plain types only.
 */
import type { ResolvedTarget } from '../plan/model';
import type { TaskStateView } from './task-view';
import type { Actor, TaskEventType } from './vocabulary';

/** One line of the append-only audit log of a task. */
export interface TaskEventRecord {
  /** `${workflowId}:${seq}:${type}` or, for reminders and levels, `${workflowId}:d${deadlineVersion}:${kind}${n}`. */
  idempotencyKey: string;
  workflowId: string;
  planId: string;
  taskId: string;
  unitId?: string;
  occurrence?: string;
  /** The task's seq after this event. */
  seq: number;
  type: TaskEventType;
  /**
   * The instant the event is for in the plan's timeline: a timer's scheduled instant, a
   * prerequisite's completion for `released`, the reported instant of a back-dated completion or
   * confirmation. The projection stamps `recorded_at` beside it.
   */
  at: string;
  actor: Actor;
  requestId?: string;
  data: Record<string, unknown>;
}

/** A reminder or escalation level that fired: one row in escalations and one in the outbox. */
export interface NotificationRequest {
  /** `${workflowId}:d${deadlineVersion}:r${index}` for reminders, `:l${level}` for levels. */
  idempotencyKey: string;
  workflowId: string;
  planId: string;
  taskId: string;
  kind: 'reminder' | 'escalation';
  /** Reminder index (1-based) or ladder level. */
  level: number;
  deadlineVersion: number;
  deadlineAt: string;
  to: ResolvedTarget;
  /** The ladder level's action as the plan words it; empty for a reminder, which its readers word. */
  action: string;
  /** True when the task was applied or resumed after this instant had passed: one event stands for the missed ones. */
  catchUp: boolean;
  /** The instant the reminder or level was scheduled for. */
  at: string;
}

/** What a task workflow hands to the projection after each state change: applied atomically. */
export interface TaskChange {
  state: TaskStateView;
  events: TaskEventRecord[];
  notifications: NotificationRequest[];
}

/** An applied plan version, as held by the plan workflow and projected to the read model. */
export interface PlanVersionRecord {
  planId: string;
  version: number;
  contentHash: string;
  gitCommit?: string;
  appliedAt: string;
  appliedBy: Actor;
  /** The validated plan document (defaults filled in), as JSON. */
  document: unknown;
}
