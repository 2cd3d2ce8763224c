/**
 * Digests: a contact with `digest: daily | weekly` hears of a plan once a day (08:00 on working
 * days) or once a week (Monday 08:00) instead of once per reminder or level. Each is a Temporal
 * Schedule (`digest:<plan>><recipient>`, visible in the Temporal UI) that runs `digestWorkflow`,
 * which runs `sendDigest`: the due-soon and overdue tasks the contact's agencies lead, and for the
 * standing office's weekly digest the giao ban summary (the QĐ 42 counts per agency, as the report
 * gives them for the same day, the overdue list oldest first, what changed in the week). The
 * reminders and levels held for the digest are recorded sent with it.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import { loadPlanContext, resolveRecipients, type PlanContext } from '../activities/projection';
import type { Database } from '../db/client';
import { planReport } from '../db/report';
import { deliveries, taskEvents, tasks } from '../db/schema';
import { countedTaskRow, factsFromColumns, taskFactSelection } from '../db/task-rule-sql';
import { deadlineStateAt, isOpen } from '../domain';
import { addDays, formatDateVi, isWorkingDay, localDate, toLocal } from '../plan/calendar';
import { loadCalendar } from '../plan/calendar-file';
import { TASK_QUEUE } from '../workflows/ids';
import type { digestWorkflow, DigestInput } from '../workflows/delivery';
import type { DeliveryDeps } from './activities';
import { deadlinePhrase, escapeHtml, notifyTranslator, overduePhrase, taskLink, type ComposedMessage, type Translate } from './compose';
import type { Recipient } from './content';
import { messageIdFor, webhookIdFor } from './ids';
import { digestKey, overdueWorkingDays } from './rules';
import { sendWebhook } from './transport';

const sameRecipient = (a: Pick<Recipient, 'channel' | 'address'>, b: Pick<Recipient, 'channel' | 'address'>) =>
  a.channel === b.channel && a.address.trim().toLowerCase() === b.address.trim().toLowerCase();

/** Every contact of the plan that takes a digest, once each, and whether its digest is the giao ban summary. */
export function digestRecipients(context: PlanContext): { recipient: Recipient; every: 'daily' | 'weekly'; giaoBan: boolean }[] {
  const standingOffice = resolveRecipients({ kind: 'role', role: 'standing_office' }, context);
  const found: { recipient: Recipient; every: 'daily' | 'weekly'; giaoBan: boolean }[] = [];
  const contacts: Recipient[] = [...context.agencies.values()].flatMap((agency) => agency.contacts);
  for (const role of Object.values(context.roles)) if ('contact' in role) contacts.push(role.contact);
  for (const contact of contacts) {
    if (!contact.digest || found.some((seen) => sameRecipient(seen.recipient, contact))) continue;
    const recipient: Recipient = {
      channel: contact.channel,
      address: contact.address,
      ...(contact.name ? { name: contact.name } : {}),
      digest: contact.digest,
    };
    found.push({
      recipient,
      every: contact.digest,
      giaoBan: contact.digest === 'weekly' && standingOffice.some((office) => sameRecipient(office, contact)),
    });
  }
  return found;
}

/** Creates, updates and deletes the plan's digest schedules to match its contacts. */
export async function ensureDigestSchedules(deps: Pick<DeliveryDeps, 'db' | 'client' | 'taskQueue'>, planId: string): Promise<string[]> {
  const context = await loadPlanContext(deps.db, planId);
  if (!context) return [];
  const wanted = digestRecipients(context);
  const ids: string[] = [];
  for (const { recipient, every, giaoBan } of wanted) {
    const scheduleId = digestKey(planId, recipient);
    ids.push(scheduleId);
    const input: DigestInput = { planId, recipient, every, giaoBan };
    const options = {
      spec: {
        calendars: [
          every === 'daily'
            ? {
                dayOfWeek: [{ start: 'MONDAY' as const, end: 'FRIDAY' as const }],
                hour: 8,
                minute: 0,
                comment: '08:00 on weekdays (holidays are skipped)',
              }
            : { dayOfWeek: 'MONDAY' as const, hour: 8, minute: 0, comment: 'Monday 08:00' },
        ],
        timezone: context.timezone,
      },
      action: {
        type: 'startWorkflow' as const,
        workflowType: 'digestWorkflow',
        workflowId: `${scheduleId}@run`,
        args: [input] as [DigestInput],
        taskQueue: deps.taskQueue ?? TASK_QUEUE,
      },
    };
    try {
      await deps.client.schedule.create<typeof digestWorkflow>({ scheduleId, ...options });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await deps.client.schedule.getHandle(scheduleId).update<typeof digestWorkflow>((previous) => ({ ...previous, ...options }));
    }
  }
  // Contacts that no longer take a digest lose their schedule.
  for await (const schedule of deps.client.schedule.list()) {
    if (schedule.scheduleId.startsWith(`digest:${planId}>`) && !ids.includes(schedule.scheduleId)) {
      try {
        await deps.client.schedule.getHandle(schedule.scheduleId).delete();
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }
  }
  return ids;
}

interface DigestTask {
  taskId: string;
  title: string;
  lead: string;
  leadName: string;
  deadlineAt: string;
}

export function createDigestActivities(deps: DeliveryDeps): {
  sendDigest(input: DigestInput): Promise<{ sent: boolean; overdue: number; dueSoon: number }>;
} {
  const t: Translate = deps.t ?? notifyTranslator();
  const { db } = deps;
  return {
    async sendDigest(input) {
      const now = deps.now?.() ?? new Date();
      const context = await loadPlanContext(db, input.planId);
      if (!context) return { sent: false, overdue: 0, dueSoon: 0 };
      const calendar = loadCalendar(context.document.calendar ?? 'vn');
      const today = localDate(now.getTime(), context.timezone);
      // The schedule fires on weekdays; a holiday has no digest.
      if (input.every === 'daily' && !isWorkingDay(calendar, today)) return { sent: false, overdue: 0, dueSoon: 0 };
      const name = (id: string) => context.agencies.get(id)?.name ?? id;
      // The agencies the contact belongs to; the giao ban and a contact of no agency (a role's person) see the whole plan.
      const own = [...context.agencies.values()]
        .filter((agency) => agency.contacts.some((contact) => sameRecipient(contact, input.recipient)))
        .map((a) => a.id);
      const scope = input.giaoBan || own.length === 0 ? undefined : own;

      const rows = await db
        .select({
          taskId: tasks.taskId,
          title: tasks.title,
          lead: tasks.lead,
          ...taskFactSelection,
        })
        .from(tasks)
        .where(and(eq(tasks.planId, input.planId), countedTaskRow, scope ? inArray(tasks.lead, scope) : undefined))
        .orderBy(asc(tasks.deadlineAt), asc(tasks.workflowId));
      const overdue: DigestTask[] = [];
      const dueSoon: DigestTask[] = [];
      for (const row of rows) {
        const facts = factsFromColumns(row);
        if (!isOpen(row.progress) || !facts.deadlineAt) continue;
        const state = deadlineStateAt(facts, now.getTime());
        const item = { taskId: row.taskId, title: row.title, lead: row.lead, leadName: name(row.lead), deadlineAt: facts.deadlineAt };
        if (state === 'overdue') overdue.push(item);
        else if (state === 'due_soon') dueSoon.push(item);
      }

      const key = digestKey(input.planId, input.recipient);
      const held = await db
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(and(eq(deliveries.summaryKey, key), inArray(deliveries.state, ['pending', 'failed'])));
      if (!input.giaoBan && overdue.length === 0 && dueSoon.length === 0 && held.length === 0) return { sent: false, overdue: 0, dueSoon: 0 };

      const local = toLocal(now.getTime(), context.timezone);
      const time = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
      const plan = context.code;
      const paragraphs: string[] = [t('notify:greeting', { recipient: input.recipient.name ?? input.recipient.address })];
      paragraphs.push(
        t(input.giaoBan ? 'notify:digest.openingGiaoBan' : 'notify:digest.opening', {
          plan,
          planTitle: context.title,
          time,
          date: formatDateVi(today),
        }),
      );
      const report = input.giaoBan ? await planReport(db, input.planId, undefined, { now }) : undefined;
      if (report) {
        const row = (agency: string, counts: (typeof report)['totals']) => t('notify:digest.countsRow', { ...pickCounts(counts), agency });
        paragraphs.push(
          [
            t('notify:digest.countsHeading'),
            ...report.agencies.map((r) => row(name(r.agency), r)),
            row(t('notify:digest.totalName'), report.totals),
          ].join('\n'),
        );
      }
      const list = (heading: string, items: DigestTask[], line: (item: DigestTask, index: number) => string) =>
        items.length > 0 ? [heading, ...items.map(line)].join('\n') : undefined;
      const overdueText = list(t('notify:digest.overdueHeading'), overdue, (item, index) =>
        t('notify:digest.itemOverdue', {
          index: index + 1,
          task: item.title,
          lead: item.leadName,
          deadline: deadlinePhrase(t, item.deadlineAt, context.timezone),
          overdue: overduePhrase(t, overdueWorkingDays(item.deadlineAt, now.toISOString(), calendar, context.timezone)),
        }),
      );
      const dueSoonText = list(t('notify:digest.dueSoonHeading'), dueSoon, (item, index) =>
        t('notify:digest.itemDueSoon', {
          index: index + 1,
          task: item.title,
          lead: item.leadName,
          deadline: deadlinePhrase(t, item.deadlineAt, context.timezone),
        }),
      );
      if (overdueText) paragraphs.push(overdueText);
      if (dueSoonText) paragraphs.push(dueSoonText);
      if (!overdueText && !dueSoonText) paragraphs.push(t('notify:digest.none'));
      if (input.every === 'weekly') paragraphs.push(await changesSince(db, t, input.planId, scope, now, context.timezone, name));
      if (deps.publicUrl) paragraphs.push(`${deps.publicUrl}/api/plans/${encodeURIComponent(input.planId)}`);
      paragraphs.push(t('notify:signature'));

      const subject = input.giaoBan
        ? t('notify:digest.subjectGiaoBan', { plan, date: formatDateVi(today) })
        : t(input.every === 'daily' ? 'notify:digest.subjectDaily' : 'notify:digest.subjectWeekly', {
            plan,
            overdue: overdue.length,
            dueSoon: dueSoon.length,
          });
      const message: ComposedMessage = {
        subject,
        text: `${paragraphs.join('\n\n')}\n`,
        html:
          `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>` +
          paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('') +
          '</body></html>',
      };
      // One digest per recipient and day: a schedule run retried or triggered again that day has the same ids.
      const idKey = `${key}@${today}`;
      let messageId: string;
      if (input.recipient.channel === 'email') {
        messageId = messageIdFor(idKey, deps.messageIdDomain);
        await deps.email.send({ to: input.recipient, subject, text: message.text, html: message.html, messageId, key: idKey });
      } else {
        const secret = deps.webhooks.secretFor(input.recipient.address);
        if (!secret) throw new Error(t('notify:error.noSecret', { address: input.recipient.address }));
        messageId = webhookIdFor(idKey);
        const body = {
          type: input.giaoBan ? 'plan.giao_ban' : 'plan.digest',
          timestamp: now.toISOString(),
          data: {
            subject,
            text: message.text,
            planId: input.planId,
            planCode: plan,
            asOf: today,
            overdue: overdue.map((item) => ({ ...item, link: taskLink(deps.publicUrl, { planId: input.planId, taskId: item.taskId }) ?? null })),
            dueSoon: dueSoon.map((item) => ({ ...item, link: taskLink(deps.publicUrl, { planId: input.planId, taskId: item.taskId }) ?? null })),
            ...(report
              ? {
                  counts: report.agencies.map((r) => ({ agency: r.agency, name: name(r.agency), ...pickCounts(r) })),
                  totals: pickCounts(report.totals),
                }
              : {}),
          },
        };
        // The signature's timestamp is the sending instant: receivers refuse one far from their clock.
        await sendWebhook({ url: input.recipient.address, id: messageId, timestamp: new Date(), body: JSON.stringify(body) }, secret);
      }
      if (held.length > 0) {
        await db
          .update(deliveries)
          .set({ state: 'sent', attempts: sql`${deliveries.attempts} + 1`, lastError: null, messageId, sentAt: now, updatedAt: now })
          .where(
            inArray(
              deliveries.id,
              held.map((row) => row.id),
            ),
          );
      }
      return { sent: true, overdue: overdue.length, dueSoon: dueSoon.length };
    },
  };
}

function pickCounts(counts: { doneOnTime: number; doneLate: number; openOnTime: number; openOverdue: number; noDeadline: number; total: number }) {
  const { doneOnTime, doneLate, openOnTime, openOverdue, noDeadline, total } = counts;
  return { doneOnTime, doneLate, openOnTime, openOverdue, noDeadline, total };
}

/** Completions and tasks turned overdue in the seven days before `now`. */
async function changesSince(
  db: Database,
  t: Translate,
  planId: string,
  scope: string[] | undefined,
  now: Date,
  timezone: string,
  name: (id: string) => string,
): Promise<string> {
  const sinceDay = addDays(localDate(now.getTime(), timezone), -7);
  const since = new Date(now.getTime() - 7 * 86_400_000);
  const rows = await db
    .select({ type: taskEvents.type, at: taskEvents.at, title: tasks.title, lead: tasks.lead })
    .from(taskEvents)
    .innerJoin(tasks, eq(tasks.workflowId, taskEvents.workflowId))
    .where(
      and(
        eq(taskEvents.planId, planId),
        gte(taskEvents.at, since),
        inArray(taskEvents.type, ['completed', 'overdue']),
        scope ? inArray(tasks.lead, scope) : undefined,
      ),
    )
    .orderBy(asc(taskEvents.at));
  if (rows.length === 0) return `${t('notify:digest.changesHeading', { since: formatDateVi(sinceDay) })}\n${t('notify:digest.noChanges')}`;
  const lines = rows.map((row) =>
    t(row.type === 'completed' ? 'notify:digest.changeCompleted' : 'notify:digest.changeOverdue', {
      task: row.title,
      lead: name(row.lead),
      date: formatDateVi(localDate(row.at.getTime(), timezone)),
    }),
  );
  return [t('notify:digest.changesHeading', { since: formatDateVi(sinceDay) }), ...lines].join('\n');
}
