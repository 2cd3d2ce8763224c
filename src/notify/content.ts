/**
 * What a notification says, as data: stored with the outbox row (`notifications.payload.content`)
 * when the reminder or level fires, and turned into an e-mail or a webhook body when it is sent
 * (compose.ts). Plain data, no I/O.
 */
import type { ResolvedTarget } from '../plan/model';

export interface NotificationContent {
  kind: 'reminder' | 'escalation';
  /** Reminder index (1-based) or ladder level. */
  level: number;
  /** The ladder level's action as the plan words it (Nhắc nhở, Đôn đốc, Yêu cầu giải trình…); empty for reminders. */
  action: string;
  catchUp: boolean;
  planId: string;
  planCode: string;
  planTitle: string;
  taskId: string;
  workflowId: string;
  taskTitle: string;
  output: string;
  leadName: string;
  /** The unit carrying out this copy of the task, when it is a unit's copy. */
  unitName?: string;
  target: ResolvedTarget;
  /** The name of the agency the target points at (the lead for lead_staff/lead_head). */
  targetAgencyName?: string;
  /** Who the target is, as the plan compiler words it (`kehoach timeline` shows the same words). */
  targetLabel?: string;
  deadlineAt: string;
  timezone: string;
  /** The instant the reminder or level was scheduled for. */
  at: string;
  /** Working days of the plan's calendar from the deadline's day to `at`'s day (escalations; 0 for reminders). */
  overdueWorkingDays: number;
}

/** One recipient of a notification, resolved from the plan's contacts. */
export interface Recipient {
  channel: 'email' | 'webhook';
  address: string;
  name?: string;
  digest?: 'daily' | 'weekly';
}
