/**
 * Reading the deliveries of notifications: one row per (task, deadline version, level,
 * recipient), with what it is about (the outbox row) and where it stands.
 */
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Database } from './client';
import { deliveries, notifications, type DeliveryState } from './schema';

export interface DeliveryFilter {
  planId?: string;
  taskId?: string;
  /** An e-mail address or webhook URL, matched without regard to case. */
  recipient?: string;
  state?: DeliveryState;
  workflowId?: string;
  /** Only rows with a smaller id (the cursor of the previous page). */
  beforeId?: number;
  limit: number;
}

export async function listDeliveries(db: Database, filter: DeliveryFilter) {
  const conditions: SQL[] = [];
  if (filter.planId) conditions.push(eq(deliveries.planId, filter.planId));
  if (filter.taskId) conditions.push(eq(deliveries.taskId, filter.taskId));
  if (filter.workflowId) conditions.push(eq(deliveries.workflowId, filter.workflowId));
  if (filter.recipient) conditions.push(eq(deliveries.address, filter.recipient.trim()));
  if (filter.state) conditions.push(eq(deliveries.state, filter.state));
  if (filter.beforeId !== undefined) conditions.push(lt(deliveries.id, filter.beforeId));
  return db
    .select({
      id: deliveries.id,
      key: deliveries.key,
      planId: deliveries.planId,
      taskId: deliveries.taskId,
      workflowId: deliveries.workflowId,
      channel: deliveries.channel,
      address: deliveries.address,
      name: deliveries.name,
      state: deliveries.state,
      summaryKey: deliveries.summaryKey,
      sendAfter: deliveries.sendAfter,
      attempts: deliveries.attempts,
      lastError: deliveries.lastError,
      messageId: deliveries.messageId,
      createdAt: deliveries.createdAt,
      sentAt: deliveries.sentAt,
      subject: notifications.subject,
      payload: notifications.payload,
    })
    .from(deliveries)
    .innerJoin(notifications, eq(notifications.idempotencyKey, deliveries.notificationKey))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(deliveries.id))
    .limit(filter.limit);
}

export type DeliveryListRow = Awaited<ReturnType<typeof listDeliveries>>[number];
