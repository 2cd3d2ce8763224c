/**
 * Notification texts an official would send: subject, plain text and HTML of an e-mail, and the
 * JSON body of a webhook, from a NotificationContent in the catalogue's language (src/i18n,
 * namespace `notify`). Pure: the caller passes the translator and the link base.
 */
import { translator, type Language, type Translate } from '../i18n';

export type { Translate };

/** The catalogue's translator (KEHOACH_LANG by default); `notify:` keys word the messages. */
export function notifyTranslator(language?: Language): Translate {
  return translator(language);
}
import { formatDateVi, localDate, toLocal } from '../plan/calendar';
import type { NotificationContent } from './content';

export interface ComposedMessage {
  subject: string;
  text: string;
  html: string;
}

/** "17:00 ngày 18/11/2022" for a deadline with a time, "ngày 18/11/2022" for a date deadline (the midnight that ends it). */
export function deadlinePhrase(t: Translate, instant: string, timezone: string): string {
  const local = toLocal(instant, timezone);
  const endOfDay = local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
  if (endOfDay) return t('notify:deadline.date', { date: formatDateVi(localDate(Date.parse(instant) - 1, timezone)) });
  const time = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
  return t('notify:deadline.dateTime', { time, date: formatDateVi(local.date) });
}

/** How long is left before the deadline, in the largest whole unit (days, hours, minutes). */
export function remainingPhrase(t: Translate, fromIso: string, toIso: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (minutes >= 24 * 60 && minutes % (24 * 60) === 0) return t('notify:duration.days', { count: minutes / (24 * 60) });
  if (minutes >= 24 * 60) return t('notify:duration.days', { count: Math.floor(minutes / (24 * 60)) });
  if (minutes >= 60) return t('notify:duration.hours', { count: Math.floor(minutes / 60) });
  return t('notify:duration.minutes', { count: minutes });
}

export function overduePhrase(t: Translate, workingDays: number): string {
  return workingDays > 0 ? t('notify:overdue.days', { count: workingDays }) : t('notify:overdue.none');
}

/** Who the message is addressed to, by the role the plan gives them. */
export function recipientLabel(t: Translate, content: Pick<NotificationContent, 'target' | 'targetAgencyName' | 'targetLabel' | 'leadName'>): string {
  if (content.targetLabel) return content.targetLabel;
  const target = content.target;
  const agency = content.targetAgencyName ?? content.leadName;
  switch (target.kind) {
    case 'lead_staff':
      return t('notify:recipient.leadStaff', { agency });
    case 'lead_head':
      return t('notify:recipient.leadHead', { agency });
    case 'agency':
      return agency;
    case 'role':
      if (target.role === 'standing_office') return t('notify:recipient.standingOffice');
      if (target.role === 'chair') return t('notify:recipient.chair');
      return target.contact?.name ?? content.targetAgencyName ?? target.role;
  }
}

/** The plan's reference as official documents cite it: its code ("771/KH-UBND"). */
const planRef = (content: Pick<NotificationContent, 'planCode' | 'planId'>) => content.planCode || content.planId;

export function taskLink(baseUrl: string | undefined, content: Pick<NotificationContent, 'planId' | 'taskId'>): string | undefined {
  if (!baseUrl) return undefined;
  return `${baseUrl.replace(/\/+$/, '')}/api/plans/${encodeURIComponent(content.planId)}/tasks/${encodeURIComponent(content.taskId)}`;
}

/** The lines of one reminder or escalation, without greeting and signature. */
function bodyLines(t: Translate, content: NotificationContent, baseUrl: string | undefined): string[] {
  const deadline = deadlinePhrase(t, content.deadlineAt, content.timezone);
  const common = { plan: planRef(content), planTitle: content.planTitle, task: content.taskTitle, lead: content.leadName, deadline };
  const lines: string[] = [];
  if (content.kind === 'reminder') {
    lines.push(t('notify:reminder.opening', { ...common, remaining: remainingPhrase(t, content.at, content.deadlineAt) }));
  } else {
    lines.push(t('notify:escalation.opening', { ...common, overdue: overduePhrase(t, content.overdueWorkingDays) }));
  }
  if (content.unitName && content.unitName !== content.leadName) lines.push(t('notify:unit', { unit: content.unitName }));
  lines.push(t('notify:output', { output: content.output }));
  if (content.kind === 'reminder') {
    lines.push(t('notify:reminder.request', { lead: content.leadName }));
  } else {
    lines.push(t('notify:escalation.action', { action: content.action, level: content.level }));
    const toLead = content.target.kind === 'lead_head' || content.target.kind === 'lead_staff';
    lines.push(
      toLead
        ? t('notify:escalation.requestLead', { lead: content.leadName })
        : t('notify:escalation.requestOversight', { recipient: recipientLabel(t, content), lead: content.leadName }),
    );
  }
  if (content.catchUp) lines.push(t('notify:catchUp'));
  const link = taskLink(baseUrl, content);
  if (link) lines.push(t('notify:link', { link }));
  return lines;
}

export function subjectOf(t: Translate, content: NotificationContent): string {
  const deadline = deadlinePhrase(t, content.deadlineAt, content.timezone);
  if (content.kind === 'reminder') return t('notify:reminder.subject', { plan: planRef(content), task: content.taskTitle, deadline });
  return t('notify:escalation.subject', {
    action: content.action,
    plan: planRef(content),
    task: content.taskTitle,
    overdue: overduePhrase(t, content.overdueWorkingDays),
    deadline,
  });
}

/** One reminder or escalation as an e-mail. */
export function composeMessage(t: Translate, content: NotificationContent, baseUrl?: string): ComposedMessage {
  const paragraphs = [t('notify:greeting', { recipient: recipientLabel(t, content) }), ...bodyLines(t, content, baseUrl)];
  return finish(t, subjectOf(t, content), paragraphs);
}

/** Several catch-up notifications of one plan for one recipient, as one e-mail. */
export function composeSummary(t: Translate, contents: NotificationContent[], baseUrl?: string): ComposedMessage {
  const first = contents[0];
  if (!first) throw new Error('a summary needs at least one notification');
  const plan = planRef(first);
  const count = contents.length;
  const recipient = recipientLabel(t, first);
  const items = contents.map((content, index) => {
    const deadline = deadlinePhrase(t, content.deadlineAt, content.timezone);
    const line =
      content.kind === 'reminder'
        ? t('notify:summary.itemReminder', {
            index: index + 1,
            task: content.taskTitle,
            lead: content.leadName,
            deadline,
            tag: t('notify:reminder.tag'),
          })
        : t('notify:summary.itemEscalation', {
            index: index + 1,
            task: content.taskTitle,
            lead: content.leadName,
            deadline,
            overdue: overduePhrase(t, content.overdueWorkingDays),
            action: content.action,
            level: content.level,
          });
    const link = taskLink(baseUrl, content);
    return link ? `${line}\n   ${link}` : line;
  });
  const paragraphs = [
    t('notify:greeting', { recipient }),
    t('notify:summary.opening', { plan, planTitle: first.planTitle, count }),
    items.join('\n'),
    t('notify:summary.request', { recipient }),
  ];
  return finish(t, t('notify:summary.subject', { plan, count }), paragraphs);
}

function finish(t: Translate, subject: string, paragraphs: string[]): ComposedMessage {
  const all = [...paragraphs, t('notify:signature')];
  const text = `${all.join('\n\n')}\n`;
  const html =
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>` +
    all.map((paragraph) => `<p>${linkify(escapeHtml(paragraph)).replace(/\n/g, '<br>')}</p>`).join('') +
    '</body></html>';
  return { subject, text, html };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}
