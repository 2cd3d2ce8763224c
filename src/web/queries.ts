/** The read-model queries only the pages need; everything else comes from src/api/read-model.ts. */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { notifications } from '../db/schema';
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
