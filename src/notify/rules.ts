/**
 * The delivery rules, pure (no I/O, no clock: every instant is an argument): the exactly-once key
 * of a delivery, the ids receivers deduplicate by, the catch-up summary a delivery joins, and
 * working hours. Shared by the projection, the delivery activities and the tests.
 */
import { addDays, isWorkingDay, localDate, localToInstant, toLocal, workingDayOnOrAfter, workingDaysBetween } from '../plan/calendar';
import type { CalendarData, ResolvedTarget } from '../plan/model';
import type { Recipient } from './content';

/** One delivery per (task, deadline version, level, recipient): the notification key already holds the first three. */
export function deliveryKey(notificationKey: string, recipient: Pick<Recipient, 'channel' | 'address'>): string {
  return `${notificationKey}>${recipient.channel}:${recipient.address.trim().toLowerCase()}`;
}

/** The Temporal workflow that sends one delivery: its id is the delivery key, so a second start finds the first. */
export function deliveryWorkflowId(key: string): string {
  return `deliver:${key}`;
}

/** Catch-up deliveries of one plan for one recipient travel together. */
export function summaryKey(planId: string, recipient: Pick<Recipient, 'channel' | 'address'>): string {
  return `summary:${planId}>${recipient.channel}:${recipient.address.trim().toLowerCase()}`;
}

/** A contact's digest for a plan: its Temporal Schedule's id, and the key its held deliveries carry. */
export function digestKey(planId: string, recipient: Pick<Recipient, 'channel' | 'address'>): string {
  return `digest:${planId}>${recipient.channel}:${recipient.address.trim().toLowerCase()}`;
}

export const isDigestKey = (key: string | null): boolean => key !== null && key.startsWith('digest:');

/** The workflow that collects and sends one recipient's catch-up summary. */
export function summaryWorkflowId(key: string): string {
  return key;
}

/** Working hours of state agencies: 08:00–17:00 local time on a working day of the calendar. */
export const WORKING_HOURS = { startMs: 8 * 3_600_000, endMs: 17 * 3_600_000 } as const;

/**
 * Whether a notification may wait for working hours. Reminders may; escalations to the lead's
 * head or the standing office go out when they fire; anything to the chair waits, so that nothing
 * reaches the chair at night or on a holiday.
 */
export function waitsForWorkingHours(kind: 'reminder' | 'escalation', target: ResolvedTarget): boolean {
  if (target.kind === 'role' && target.role === 'chair') return true;
  return kind === 'reminder';
}

/**
 * The first instant at or after `at` within working hours of the calendar: `at` itself during
 * working hours, 08:00 the same day before them, else 08:00 on the next working day.
 */
export function nextWorkingInstant(at: string, calendar: CalendarData, timezone: string): string {
  const local = toLocal(at, timezone);
  const millisOfDay = ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
  if (isWorkingDay(calendar, local.date)) {
    if (millisOfDay >= WORKING_HOURS.startMs && millisOfDay < WORKING_HOURS.endMs) return new Date(Date.parse(at)).toISOString();
    if (millisOfDay < WORKING_HOURS.startMs) return localToInstant(local.date, WORKING_HOURS.startMs, timezone);
  }
  const day = workingDayOnOrAfter(calendar, addDays(local.date, 1));
  return localToInstant(day, WORKING_HOURS.startMs, timezone);
}

/**
 * How many working days a task is overdue at `at`: the working days after the deadline's own day
 * up to `at`'s day (a date deadline is the midnight that ends its day). 0 on the deadline's day.
 */
export function overdueWorkingDays(deadlineAt: string, at: string, calendar: CalendarData, timezone: string): number {
  if (Date.parse(at) <= Date.parse(deadlineAt)) return 0;
  const deadlineDay = localDate(Date.parse(deadlineAt) - 1, timezone);
  return Math.max(0, workingDaysBetween(calendar, deadlineDay, localDate(at, timezone)));
}
