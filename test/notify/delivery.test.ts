/**
 * Delivery end to end below the task workflow: notification requests recorded through the real
 * activities (Postgres projection + dispatcher), sent by the real delivery workflows on a Temporal
 * dev server, to a real SMTP server (the mail catcher) and a real HTTP receiver that verifies
 * signatures with the standardwebhooks library.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { deliveries, notifications } from '../../src/db/schema';
import type { NotificationRequest, TaskChange } from '../../src/domain';
import { messageIdFor, webhookIdFor } from '../../src/notify/ids';
import { startMailCatcher } from '../../src/notify/mail-catcher';
import { deliveryWorkflowId, nextWorkingInstant, summaryWorkflowId } from '../../src/notify/rules';
import { withPostgres } from '../helpers/postgres';
import { change, event, planDocument, planVersion, taskState } from '../helpers/read-model';
import { startDeliveryStack } from '../helpers/delivery-stack';
import { readMailbox, startWebhookReceiver } from '../helpers/receivers';

Runtime.install({ logger: new DefaultLogger('WARN') });

const DEADLINE = '2022-11-30T17:00:00.000Z'; // the end of 30/11/2022 in Vietnam
const secret = `whsec_${randomBytes(24).toString('base64')}`;

t.test('deliveries over SMTP and Standard Webhooks', async (t) => {
  const pg = await withPostgres(t);
  const mailDir = await mkdtemp(path.join(tmpdir(), 'kehoach-mail-'));
  t.teardown(() => rm(mailDir, { recursive: true, force: true }));
  const catcher = await startMailCatcher({ dir: mailDir, port: 0 });
  t.teardown(() => catcher.stop());
  // Good endpoint, and one that always answers 500.
  const hook = await startWebhookReceiver({ secret });
  const broken = await startWebhookReceiver({ secret, status: () => 500 });
  t.teardown(() => hook.close());
  t.teardown(() => broken.close());

  const { client, notifier, projection, activities } = await startDeliveryStack(t, pg.db, {
    smtpUrl: catcher.url,
    webhookSecret: secret,
    overrides: { retry: { maximumAttempts: 3, initialIntervalMs: 200 }, summaryCollectMs: 1500 },
  });

  const document = planDocument({
    agencies: [
      {
        id: 'cong-an-tinh',
        name: 'Công an tỉnh',
        kind: 'police',
        contacts: [{ role: 'head', channel: 'email', address: 'giamdoc@congan.example', name: 'Giám đốc Công an tỉnh' }],
      },
      {
        id: 'so-tu-phap',
        name: 'Sở Tư pháp',
        kind: 'department',
        contacts: [
          { role: 'head', channel: 'email', address: 'giamdoc@stp.example', name: 'Giám đốc Sở Tư pháp' },
          { role: 'head', channel: 'webhook', address: hook.url },
          { role: 'staff', channel: 'webhook', address: broken.url },
        ],
      },
    ],
  });
  await projection.recordPlanVersion(planVersion(1, document));

  function escalation(taskId: string, level: number, to: NotificationRequest['to'], extra: Partial<NotificationRequest> = {}): TaskChange {
    const state = taskState(
      { taskId, title: `Số hoá sổ hộ tịch ${taskId}` },
      { seq: level + 1, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-12-05T02:00:00Z' },
    );
    const request: NotificationRequest = {
      idempotencyKey: `${state.workflowId}:d1:l${level}`,
      workflowId: state.workflowId,
      planId: 'kh-test',
      taskId,
      kind: 'escalation',
      level,
      deadlineVersion: 1,
      deadlineAt: DEADLINE,
      to,
      action: level === 1 ? 'Nhắc nhở' : 'Đôn đốc',
      catchUp: false,
      at: '2022-12-05T02:00:00Z',
      ...extra,
    };
    return change(state, [event(state, 'escalation', request.at)], [request]);
  }

  async function outcome(key: string) {
    return client.workflow.getHandle(deliveryWorkflowId(key)).result();
  }

  t.test('an escalation reaches the head by e-mail and by a signed webhook, once', async (t) => {
    const recorded = escalation('t01', 1, { kind: 'lead_head', agency: 'so-tu-phap' });
    await activities.recordTaskChange(recorded);
    const rows = await pg.db.select().from(deliveries).where(eq(deliveries.taskId, 't01')).orderBy(asc(deliveries.channel));
    t.same(
      rows.map((row) => [row.channel, row.address]),
      [
        ['email', 'giamdoc@stp.example'],
        ['webhook', hook.url],
      ],
    );
    for (const row of rows) t.same(await outcome(row.key), { state: 'sent' }, `${row.channel} sent`);

    // The activity retried after a crash, the change recorded again: nothing is sent twice.
    await activities.recordTaskChange(recorded);
    await activities.recordTaskChange(recorded);
    for (const row of rows) t.same(await outcome(row.key), { state: 'sent' }, 'the second dispatch finds the first workflow');

    const mails = (await readMailbox(mailDir)).filter((mail) => mail.subject?.includes('t01'));
    t.equal(mails.length, 1, 'one e-mail');
    const mail = mails[0]!;
    const emailRow = rows[0]!;
    t.equal(mail.messageId, messageIdFor(emailRow.key, 'ubnd.example'), 'Message-ID derived from the delivery key');
    t.equal(mail.subject, '[Nhắc nhở] 771/KH-UBND: nhiệm vụ «Số hoá sổ hộ tịch t01» đã quá hạn 3 ngày làm việc (hạn ngày 30/11/2022)');
    t.match(mail.text ?? '', /^Kính gửi: Giám đốc Sở Tư pháp\./, 'the head titled as `kehoach timeline` titles it');
    t.match(mail.text ?? '', /Xem chi tiết nhiệm vụ: https:\/\/kehoach\.example\/api\/plans\/kh-test\/tasks\/t01/);
    t.match(String(mail.html), /<a href="https:\/\/kehoach\.example\/api\/plans\/kh-test\/tasks\/t01">/, 'an HTML part with the link');
    t.equal(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined, 'giamdoc@stp.example');
    t.equal(mail.from?.value[0]?.address, 'kehoach@ubnd.example');

    const hooks = hook.received.filter((received) => received.body.includes('"t01"'));
    t.equal(hooks.length, 1, 'one webhook');
    const webhookRow = rows[1]!;
    t.equal(hooks[0]?.headers['webhook-id'], webhookIdFor(webhookRow.key));
    t.ok(hooks[0]?.verified, 'signature verified by the standardwebhooks library');
    const payload = hooks[0]?.verified as { type: string; data: { subject: string; items: { taskId: string; overdueWorkingDays: number }[] } };
    t.equal(payload.type, 'task.escalation');
    t.equal(payload.data.subject, mail.subject, 'the same human-readable subject');
    t.same(
      payload.data.items.map((item) => [item.taskId, item.overdueWorkingDays]),
      [['t01', 3]],
    );

    const after = await pg.db.select().from(deliveries).where(eq(deliveries.taskId, 't01'));
    t.same(
      after.map((row) => [row.state, row.attempts, row.messageId !== null]),
      [
        ['sent', 1, true],
        ['sent', 1, true],
      ],
    );
    const [notification] = await pg.db.select().from(notifications).where(eq(notifications.taskId, 't01'));
    t.equal(notification?.status, 'sent', 'the notification is sent when every delivery is');
    t.ok(notification?.sentAt, 'with the instant');
  });

  t.test('a webhook that keeps failing is retried, then dead with the reason', async (t) => {
    await activities.recordTaskChange(escalation('t02', 2, { kind: 'lead_staff', agency: 'so-tu-phap' }));
    const [row] = await pg.db.select().from(deliveries).where(eq(deliveries.taskId, 't02'));
    t.ok(row);
    t.same(await outcome(row!.key), { state: 'dead' });
    const [dead] = await pg.db.select().from(deliveries).where(eq(deliveries.key, row!.key));
    t.equal(dead?.state, 'dead');
    t.equal(dead?.attempts, 3, 'three attempts, as the retry policy allows');
    t.equal(dead?.lastError, `Đã thử 3 lần, không gửi được: Webhook ${broken.url} trả lời HTTP 500.`);
    t.equal(broken.received.filter((received) => received.body.includes('"t02"')).length, 3, 'the receiver saw three attempts');
    const [notification] = await pg.db.select().from(notifications).where(eq(notifications.taskId, 't02'));
    t.equal(notification?.status, 'dead');
    t.equal(notification?.sentAt, null, 'a dead notification was never sent');
  });

  t.test('a reminder out of working hours waits for the next working morning', async (t) => {
    const recorded = escalation(
      't03',
      1,
      { kind: 'lead_head', agency: 'cong-an-tinh' },
      { kind: 'reminder', action: '', at: new Date().toISOString() },
    );
    const before = new Date().toISOString();
    await activities.recordTaskChange(recorded);
    const [row] = await pg.db.select().from(deliveries).where(eq(deliveries.taskId, 't03'));
    const expected = nextWorkingInstant(
      before,
      taskState({ taskId: 't03' }, { seq: 1, progress: 'in_progress', updatedAt: before }).spec.calendar,
      'Asia/Ho_Chi_Minh',
    );
    // The same rule as the projection applied (within the moment between the two readings of the clock).
    t.ok(Math.abs((row?.sendAfter.getTime() ?? 0) - Date.parse(expected)) < 60_000, `send after ${expected}`);
    if (Date.parse(expected) > Date.now() + 5000) {
      const description = await client.workflow.getHandle(deliveryWorkflowId(row!.key)).describe();
      t.equal(description.status.name, 'RUNNING', 'its workflow sleeps until then');
      t.equal(row?.state, 'pending');
    }
  });

  t.test('deliveries written while nothing could send them go out when a worker starts', async (t) => {
    // Recorded by the projection alone, as a worker without SMTP_URL does: nothing dispatched.
    await projection.recordTaskChange(escalation('t05', 2, { kind: 'role', role: 'standing_office' }));
    const [row] = await pg.db.select().from(deliveries).where(eq(deliveries.taskId, 't05'));
    t.equal(row?.state, 'pending');
    await t.rejects(client.workflow.getHandle(deliveryWorkflowId(row!.key)).describe(), 'not started');
    t.ok((await notifier.dispatcher.dispatchWaiting()) >= 1);
    t.same(await outcome(row!.key), { state: 'sent' });
    t.equal((await readMailbox(mailDir)).filter((mail) => mail.subject?.includes('t05')).length, 1);
  });

  t.test('catch-up notifications reach each recipient as one summary', async (t) => {
    const changes = ['t11', 't12', 't13'].map((taskId, index) =>
      escalation(taskId, 2, { kind: 'role', role: 'standing_office' }, { catchUp: true, at: `2022-12-0${index + 1}T02:00:00Z` }),
    );
    await Promise.all(changes.map((recorded) => activities.recordTaskChange(recorded)));
    const rows = await pg.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.address, 'giamdoc@congan.example'), inArray(deliveries.taskId, ['t11', 't12', 't13'])));
    t.equal(rows.length, 3);
    const summaryKey = rows[0]!.summaryKey!;
    t.ok(
      rows.every((row) => row.summaryKey === summaryKey),
      'all three join one summary',
    );
    t.same(await client.workflow.getHandle(summaryWorkflowId(summaryKey)).result(), { sent: 3, dead: 0 });

    const mails = (await readMailbox(mailDir)).filter((mail) => mail.subject?.startsWith('[Tổng hợp]'));
    t.equal(mails.length, 1, 'one e-mail, not three');
    t.equal(mails[0]?.subject, '[Tổng hợp] 771/KH-UBND: 3 nhiệm vụ đã qua mốc nhắc hạn, đôn đốc');
    for (const taskId of ['t11', 't12', 't13']) t.match(mails[0]?.text ?? '', `«Số hoá sổ hộ tịch ${taskId}»`);
    const sent = await pg.db.select().from(deliveries).where(eq(deliveries.summaryKey, summaryKey));
    t.ok(
      sent.every((row) => row.state === 'sent' && row.messageId === mails[0]?.messageId),
      'every delivery is sent, with the summary message id',
    );
  });
});
