/** The read-model queries only the pages need; everything else comes from src/api/read-model.ts. */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { agencies, deliveries, notifications } from '../db/schema';
import { deliveryKey } from '../notify/rules';
import type { NotificationRow } from './views';

/**
 * The notifications a task's workflow asked for, oldest first, with their state and each
 * recipient's delivery (pending, failed and retrying, sent, given up).
 */
export async function taskNotifications(db: Database, workflowId: string): Promise<NotificationRow[]> {
  const [rows, sent] = await Promise.all([
    db
      .select({
        key: notifications.idempotencyKey,
        subject: notifications.subject,
        status: notifications.status,
        lastError: notifications.lastError,
        recipients: notifications.recipients,
        createdAt: notifications.createdAt,
        sentAt: notifications.sentAt,
      })
      .from(notifications)
      .where(eq(notifications.workflowId, workflowId))
      .orderBy(asc(notifications.createdAt), asc(notifications.id)),
    db.select({ key: deliveries.key, state: deliveries.state }).from(deliveries).where(eq(deliveries.workflowId, workflowId)),
  ]);
  const stateOf = new Map(sent.map((d) => [d.key, d.state]));
  return rows.map(({ key, lastError, recipients, ...row }) => ({
    ...row,
    ...(lastError ? { reason: lastError } : {}),
    recipients: recipients.map((r) => {
      const state = stateOf.get(deliveryKey(key, r));
      return { address: r.address, ...(r.name ? { name: r.name } : {}), ...(state ? { state } : {}) };
    }),
  }));
}

/** An agency's name as the plans spell it (the signed-in person's agency in the page header). */
export async function agencyName(db: Database, id: string): Promise<string | undefined> {
  const [row] = await db.select({ name: agencies.name }).from(agencies).where(eq(agencies.id, id)).limit(1);
  return row?.name;
}
