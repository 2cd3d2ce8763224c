/**
 * The delivery activities and the dispatcher. The projection writes one `deliveries` row per
 * (task, deadline version, level, recipient); `dispatch` starts the workflow that sends it (id
 * `deliver:<key>`, started at most once) or signals the recipient's catch-up summary; `deliver`
 * and `deliverSummary` send and record the state. A row that is `sent` is never sent again; a
 * worker killed between sending and recording sends again on retry with the same Message-ID or
 * webhook-id, which receivers deduplicate by (see README.md).
 */
import { Context, ApplicationFailure } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { deliveries, notifications } from '../db/schema';
import type { DeliveryActivities, DeliveryOutcome } from '../domain';
import { TASK_QUEUE } from '../workflows/ids';
import { summaryJoined, type DeliveryRetry, type deliveryWorkflow, type summaryWorkflow } from '../workflows/delivery';
import { composeMessage, composeSummary, notifyTranslator, subjectOf, taskLink, type ComposedMessage, type Translate } from './compose';
import type { NotificationContent } from './content';
import { createDigestActivities, ensureDigestSchedules } from './digest';
import { messageIdFor, webhookIdFor } from './ids';
import { deliveryWorkflowId, isDigestKey, summaryWorkflowId } from './rules';
import { DeliveryError, sendWebhook, type EmailSender, type WebhookSecrets } from './transport';

export interface DeliveryDeps {
  db: Database;
  client: Client;
  email: EmailSender;
  webhooks: WebhookSecrets;
  /** The API's public address, for the link to the task in every message. */
  publicUrl?: string;
  /** The domain of Message-IDs (the sender's). */
  messageIdDomain: string;
  /** How long a catch-up summary collects deliveries after the last one joined (default 30 s). */
  summaryCollectMs?: number;
  /** Retry policy of the delivery workflows (tests shorten it). */
  retry?: DeliveryRetry;
  taskQueue?: string;
  t?: Translate;
  /** The clock of digests (tests pin it). */
  now?: () => Date;
}

export interface Dispatcher {
  /** Starts the sending of every delivery of these notifications that is not sent or dead yet; safe to call twice. */
  dispatch(notificationKeys: readonly string[]): Promise<void>;
  /**
   * Dispatches every delivery still waiting (pending or failed): run once when a worker starts, for
   * deliveries written while no worker could send (no SMTP_URL yet). Returns how many notifications.
   */
  dispatchWaiting(): Promise<number>;
  /** Makes the plan's digest schedules match its contacts (after a plan version is recorded); returns their ids. */
  ensureDigests(planId: string): Promise<string[]>;
}

type DeliveryRow = typeof deliveries.$inferSelect;

const PERMANENT = 'PermanentDeliveryFailure';

export function createDispatcher(deps: DeliveryDeps): Dispatcher {
  const taskQueue = deps.taskQueue ?? TASK_QUEUE;
  const dispatcher: Dispatcher = {
    ensureDigests: (planId) => ensureDigestSchedules(deps, planId),

    async dispatchWaiting() {
      const rows = await deps.db
        .selectDistinct({ key: deliveries.notificationKey })
        .from(deliveries)
        .where(inArray(deliveries.state, ['pending', 'failed']));
      const keys = rows.map((row) => row.key);
      for (let i = 0; i < keys.length; i += 500) await dispatcher.dispatch(keys.slice(i, i + 500));
      return keys.length;
    },

    async dispatch(notificationKeys) {
      if (notificationKeys.length === 0) return;
      const rows = await deps.db
        .select()
        .from(deliveries)
        .where(and(inArray(deliveries.notificationKey, [...notificationKeys]), inArray(deliveries.state, ['pending', 'failed'])))
        .orderBy(asc(deliveries.id));
      for (const row of rows) {
        const sendAfter = row.sendAfter.toISOString();
        // Held for the recipient's digest: its schedule sends it.
        if (isDigestKey(row.summaryKey)) continue;
        if (row.summaryKey) {
          await deps.client.workflow.signalWithStart<typeof summaryWorkflow, [{ sendAfter: string }]>('summaryWorkflow', {
            workflowId: summaryWorkflowId(row.summaryKey),
            taskQueue,
            args: [
              { summaryKey: row.summaryKey, collectMs: deps.summaryCollectMs ?? 30_000, sendAfter, ...(deps.retry ? { retry: deps.retry } : {}) },
            ],
            signal: summaryJoined,
            signalArgs: [{ sendAfter }],
          });
          continue;
        }
        try {
          await deps.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
            workflowId: deliveryWorkflowId(row.key),
            taskQueue,
            args: [{ key: row.key, sendAfter, ...(deps.retry ? { retry: deps.retry } : {}) }],
            // Started once: a running one is found, a finished one is never run again.
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }
    },
  };
  return dispatcher;
}

function attemptOf(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

export function createDeliveryActivities(deps: DeliveryDeps): DeliveryActivities {
  const t = deps.t ?? notifyTranslator();
  const { db } = deps;
  const digests = createDigestActivities(deps);

  async function contentsOf(keys: readonly string[]): Promise<Map<string, NotificationContent>> {
    if (keys.length === 0) return new Map();
    const rows = await db
      .select({ key: notifications.idempotencyKey, payload: notifications.payload })
      .from(notifications)
      .where(inArray(notifications.idempotencyKey, [...keys]));
    return new Map(rows.map((row) => [row.key, row.payload.content as NotificationContent]));
  }

  /** A notification is sent when all its deliveries are, dead when one gave up and none is still under way. */
  async function settleNotifications(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await db.execute(sql`
      UPDATE ${notifications} n SET status = CASE
        WHEN NOT EXISTS (SELECT 1 FROM ${deliveries} d WHERE d.notification_key = n.idempotency_key AND d.state <> 'sent') THEN 'sent'
        ELSE 'dead' END,
        sent_at = CASE
        WHEN NOT EXISTS (SELECT 1 FROM ${deliveries} d WHERE d.notification_key = n.idempotency_key AND d.state <> 'sent') THEN now()
        ELSE n.sent_at END
      WHERE n.idempotency_key IN (${sql.join(
        keys.map((key) => sql`${key}`),
        sql`, `,
      )})
        AND NOT EXISTS (SELECT 1 FROM ${deliveries} d WHERE d.notification_key = n.idempotency_key AND d.state IN ('pending', 'failed'))`);
  }

  function reasonOf(error: unknown, address: string): string {
    if (error instanceof DeliveryError) {
      if (error.code === 'status') return t('notify:error.status', { address, status: error.detail });
      if (error.code === 'smtp') return t('notify:error.smtp', { reason: error.detail });
      return t('notify:error.unreachable', { address, reason: error.detail });
    }
    return error instanceof Error ? error.message : String(error);
  }

  /** Sends one message to one recipient over its channel. */
  async function send(
    recipient: Pick<DeliveryRow, 'channel' | 'address' | 'name'>,
    idKey: string,
    message: ComposedMessage,
    webhookBody: () => Record<string, unknown>,
  ): Promise<string> {
    if (recipient.channel === 'email') {
      const messageId = messageIdFor(idKey, deps.messageIdDomain);
      await deps.email.send({
        to: { address: recipient.address, ...(recipient.name ? { name: recipient.name } : {}) },
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
        key: idKey,
      });
      return messageId;
    }
    const secret = deps.webhooks.secretFor(recipient.address);
    if (!secret) throw ApplicationFailure.nonRetryable(t('notify:error.noSecret', { address: recipient.address }), PERMANENT);
    const id = webhookIdFor(idKey);
    await sendWebhook({ url: recipient.address, id, timestamp: new Date(), body: JSON.stringify(webhookBody()) }, secret);
    return id;
  }

  /** Records a failed attempt and fails the activity (for good when retrying cannot help). */
  async function failed(keys: { key?: string; summaryKey?: string }, error: unknown, address: string): Promise<never> {
    if (error instanceof ApplicationFailure) {
      await recordFailure(keys, error.message);
      throw error;
    }
    const reason = reasonOf(error, address);
    await recordFailure(keys, reason);
    if (error instanceof DeliveryError && error.permanent) throw ApplicationFailure.nonRetryable(reason, PERMANENT);
    throw ApplicationFailure.retryable(reason, 'DeliveryFailure');
  }

  async function recordFailure(keys: { key?: string; summaryKey?: string }, reason: string): Promise<void> {
    const where = keys.key ? eq(deliveries.key, keys.key) : eq(deliveries.summaryKey, keys.summaryKey!);
    await db
      .update(deliveries)
      .set({ state: 'failed', attempts: attemptOf(), lastError: reason, updatedAt: new Date() })
      .where(and(where, inArray(deliveries.state, ['pending', 'failed'])));
  }

  return {
    sendDigest: (input) => digests.sendDigest(input),

    async deliver({ key }): Promise<DeliveryOutcome> {
      const [row] = await db.select().from(deliveries).where(eq(deliveries.key, key));
      if (!row) throw ApplicationFailure.nonRetryable(`no delivery ${key}`, PERMANENT);
      if (row.state === 'sent') return { state: 'sent', already: true };
      if (row.state === 'dead') return { state: 'dead', already: true };
      const content = (await contentsOf([row.notificationKey])).get(row.notificationKey);
      if (!content) throw ApplicationFailure.nonRetryable(`no notification ${row.notificationKey}`, PERMANENT);
      const message = composeMessage(t, content, deps.publicUrl);
      let messageId: string;
      try {
        messageId = await send(row, key, message, () => webhookPayload(t, 'task.' + content.kind, [content], message, deps.publicUrl));
      } catch (error) {
        return failed({ key }, error, row.address);
      }
      await db
        .update(deliveries)
        .set({ state: 'sent', attempts: attemptOf(), lastError: null, messageId, sentAt: new Date(), updatedAt: new Date() })
        .where(eq(deliveries.key, key));
      await settleNotifications([row.notificationKey]);
      return { state: 'sent' };
    },

    async deliverSummary({ summaryKey }) {
      const rows = await db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.summaryKey, summaryKey), inArray(deliveries.state, ['pending', 'failed'])))
        .orderBy(asc(deliveries.id));
      const first = rows[0];
      if (!first) return { sent: 0 };
      const contents = await contentsOf(rows.map((row) => row.notificationKey));
      const items = rows.map((row) => contents.get(row.notificationKey)).filter((content): content is NotificationContent => content !== undefined);
      if (items.length === 0) return { sent: 0 };
      items.sort((a, b) => a.deadlineAt.localeCompare(b.deadlineAt) || a.taskId.localeCompare(b.taskId));
      // The ids derive from the summary and the deliveries it carries: a retry of this summary sends the same ids.
      const idKey = `${summaryKey}#${rows.map((row) => row.id).join(',')}`;
      const message = composeSummary(t, items, deps.publicUrl);
      let messageId: string;
      try {
        messageId = await send(first, idKey, message, () => webhookPayload(t, 'plan.catch_up_summary', items, message, deps.publicUrl));
      } catch (error) {
        return failed({ summaryKey }, error, first.address);
      }
      const ids = rows.map((row) => row.id);
      await db
        .update(deliveries)
        .set({ state: 'sent', attempts: attemptOf(), lastError: null, messageId, sentAt: new Date(), updatedAt: new Date() })
        .where(inArray(deliveries.id, ids));
      await settleNotifications([...new Set(rows.map((row) => row.notificationKey))]);
      return { sent: rows.length };
    },

    async markDead({ key, summaryKey, reason, attempts }) {
      const where = key ? eq(deliveries.key, key) : summaryKey ? eq(deliveries.summaryKey, summaryKey) : undefined;
      if (!where) return;
      const rows = await db
        .select({ id: deliveries.id, attempts: deliveries.attempts, notificationKey: deliveries.notificationKey })
        .from(deliveries)
        .where(and(where, inArray(deliveries.state, ['pending', 'failed'])));
      for (const row of rows) {
        // The attempts the rows recorded; a permanent failure ends after fewer than the policy allows.
        const count = row.attempts > 0 ? row.attempts : attempts;
        await db
          .update(deliveries)
          .set({ state: 'dead', lastError: t('notify:error.gaveUp', { count, reason }), updatedAt: new Date() })
          .where(and(eq(deliveries.id, row.id), inArray(deliveries.state, ['pending', 'failed'])));
      }
      await settleNotifications([...new Set(rows.map((row) => row.notificationKey))]);
    },
  };
}

/** The JSON body of a webhook: the facts as data, and the same texts the e-mail carries. */
export function webhookPayload(
  t: Translate,
  type: string,
  contents: NotificationContent[],
  message: ComposedMessage,
  publicUrl: string | undefined,
): Record<string, unknown> {
  return {
    type,
    timestamp: new Date().toISOString(),
    data: {
      subject: message.subject,
      text: message.text,
      items: contents.map((content) => ({
        kind: content.kind,
        level: content.level,
        action: content.action,
        catchUp: content.catchUp,
        planId: content.planId,
        planCode: content.planCode,
        taskId: content.taskId,
        workflowId: content.workflowId,
        title: content.taskTitle,
        lead: content.leadName,
        deadlineAt: content.deadlineAt,
        overdueWorkingDays: content.overdueWorkingDays,
        at: content.at,
        summary: subjectOf(t, content),
        link: taskLink(publicUrl, content) ?? null,
      })),
    },
  };
}
