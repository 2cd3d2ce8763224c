/** The read-model queries only the pages need; everything else comes from src/api/read-model.ts. */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { agencies, notifications } from '../db/schema';
import type { NotificationRow } from './views';

/** The notifications a task's workflow asked for, oldest first, with their delivery state. */
export async function taskNotifications(db: Database, workflowId: string): Promise<NotificationRow[]> {
  return db
    .select({
      subject: notifications.subject,
      status: notifications.status,
      recipients: notifications.recipients,
      createdAt: notifications.createdAt,
      sentAt: notifications.sentAt,
    })
    .from(notifications)
    .where(eq(notifications.workflowId, workflowId))
    .orderBy(asc(notifications.createdAt), asc(notifications.id));
}

/** An agency's name as the plans spell it (the signed-in person's agency in the page header). */
export async function agencyName(db: Database, id: string): Promise<string | undefined> {
  const [row] = await db.select({ name: agencies.name }).from(agencies).where(eq(agencies.id, id)).limit(1);
  return row?.name;
}
