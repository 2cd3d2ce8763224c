/**
 * Digests as Temporal Schedules: contacts that take a digest get one message for many tasks, sent
 * by a schedule run (triggered here rather than awaited until 08:00), and the standing office's
 * weekly digest is the giao ban summary whose counts are the report's for the same day.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { planReport } from '../../src/db/report';
import { deliveries, planDocuments } from '../../src/db/schema';
import type { NotificationRequest, Progress } from '../../src/domain';
import { startMailCatcher } from '../../src/notify/mail-catcher';
import { deliveryWorkflowId, digestKey } from '../../src/notify/rules';
import { withPostgres } from '../helpers/postgres';
import { change, event, planDocument, planVersion, taskState } from '../helpers/read-model';
import { startDeliveryStack } from '../helpers/delivery-stack';
import { readMailbox, startWebhookReceiver } from '../helpers/receivers';

Runtime.install({ logger: new DefaultLogger('WARN') });

// Monday 30/11/2026, 09:00 in Vietnam: a working day.
const NOW = new Date('2026-11-30T02:00:00.000Z');
const secret = `whsec_${randomBytes(24).toString('base64')}`;

t.test('digests and the weekly giao ban summary', async (t) => {
  const pg = await withPostgres(t);
  const mailDir = await mkdtemp(path.join(tmpdir(), 'kehoach-mail-'));
  t.teardown(() => rm(mailDir, { recursive: true, force: true }));
  const catcher = await startMailCatcher({ dir: mailDir, port: 0 });
  t.teardown(() => catcher.stop());
  const hook = await startWebhookReceiver({ secret });
  t.teardown(() => hook.close());

  const { client, activities } = await startDeliveryStack(t, pg.db, {
    smtpUrl: catcher.url,
    webhookSecret: secret,
    mailFrom: 'kehoach <kehoach@ubnd.example>',
    overrides: { now: () => NOW },
  });

  const stpHead = { channel: 'email' as const, address: 'giamdoc@stp.example' };
  const officeMail = { channel: 'email' as const, address: 'giamdoc@congan.example' };
  const officeHook = { channel: 'webhook' as const, address: hook.url };
  // As an apply does: the document goes to the plan store, the version record names it by hash.
  const version = planVersion(
    1,
    planDocument({
      agencies: [
        {
          id: 'cong-an-tinh',
          name: 'Công an tỉnh',
          kind: 'police',
          contacts: [
            { role: 'head', ...officeMail, name: 'Giám đốc Công an tỉnh', digest: 'weekly' },
            { role: 'head', ...officeHook, digest: 'weekly' },
          ],
        },
        {
          id: 'so-tu-phap',
          name: 'Sở Tư pháp',
          kind: 'department',
          contacts: [{ role: 'head', ...stpHead, name: 'Giám đốc Sở Tư pháp', digest: 'daily' }],
        },
      ],
      roles: { standing_office: { agency: 'cong-an-tinh' }, chair: { agency: 'cong-an-tinh' } },
    }),
  );
  await pg.db.insert(planDocuments).values({ contentHash: version.contentHash, body: version.document });
  await activities.recordPlanVersion(version);

  t.test('a plan version creates one Temporal Schedule per contact that takes a digest', async (t) => {
    for (const recipient of [stpHead, officeMail, officeHook]) {
      const description = await client.schedule.getHandle(digestKey('kh-test', recipient)).describe();
      t.equal(description.action.type, 'startWorkflow');
      t.equal(description.spec.timezone, 'Asia/Ho_Chi_Minh');
    }
  });

  // Ten overdue tasks of Sở Tư pháp, each escalated to its head; two tasks of Công an tỉnh, one done on time.
  const record = async (taskId: string, lead: string, progress: Progress, deadlineAt: string, completedAt?: string) => {
    const state = taskState(
      { taskId, lead, title: `Nhiệm vụ ${taskId}` },
      { seq: 2, progress, deadlineAt, updatedAt: '2026-11-20T02:00:00Z', ...(completedAt ? { completedAt } : {}) },
    );
    const requests: NotificationRequest[] =
      progress === 'done'
        ? []
        : [
            {
              idempotencyKey: `${state.workflowId}:d1:l1`,
              workflowId: state.workflowId,
              planId: 'kh-test',
              taskId,
              kind: 'escalation',
              level: 1,
              deadlineVersion: 1,
              deadlineAt,
              to: { kind: 'lead_head', agency: lead },
              action: 'Nhắc nhở',
              catchUp: false,
              at: deadlineAt,
            },
          ];
    await activities.recordTaskChange(
      change(state, [event(state, progress === 'done' ? 'completed' : 'escalation', completedAt ?? '2026-11-20T02:00:00Z')], requests),
    );
  };
  for (let i = 1; i <= 10; i++)
    await record(`stp-${String(i).padStart(2, '0')}`, 'so-tu-phap', 'in_progress', `2026-11-${String(i + 2).padStart(2, '0')}T17:00:00.000Z`);
  await record('ca-1', 'cong-an-tinh', 'in_progress', '2026-11-10T17:00:00.000Z');
  await record('ca-2', 'cong-an-tinh', 'done', '2026-11-27T17:00:00.000Z', '2026-11-25T02:00:00.000Z');

  async function runSchedule(recipient: { channel: 'email' | 'webhook'; address: string }) {
    const handle = client.schedule.getHandle(digestKey('kh-test', recipient));
    await handle.trigger();
    for (let i = 0; i < 100; i++) {
      const action = (await handle.describe()).info.recentActions[0];
      if (action) return client.workflow.getHandle(action.action.workflow.workflowId).result();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the schedule did not run');
  }

  t.test('ten overdue tasks of one agency: one digest, not ten messages', async (t) => {
    const held = await pg.db.select().from(deliveries).where(eq(deliveries.address, stpHead.address));
    t.equal(held.length, 10);
    t.ok(
      held.every((row) => row.state === 'pending' && row.summaryKey === digestKey('kh-test', stpHead)),
      'all ten held for the digest',
    );
    await t.rejects(client.workflow.getHandle(deliveryWorkflowId(held[0]!.key)).describe(), 'no delivery workflow of their own');

    t.same(await runSchedule(stpHead), { sent: true });
    const mails = (await readMailbox(mailDir)).filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === stpHead.address);
    t.equal(mails.length, 1, 'one e-mail');
    t.equal(mails[0]?.subject, '[Tổng hợp hằng ngày] 771/KH-UBND: 10 nhiệm vụ quá hạn, 0 nhiệm vụ sắp đến hạn');
    const text = mails[0]?.text ?? '';
    t.match(text, /^Kính gửi: Giám đốc Sở Tư pháp\./);
    t.match(
      text,
      /Nhiệm vụ quá hạn \(quá hạn lâu nhất trước\):\n1\. «Nhiệm vụ stp-01», chủ trì: Sở Tư pháp; hạn ngày 03\/11\/2026, đã quá hạn \d+ ngày làm việc\./,
    );
    t.match(text, /10\. «Nhiệm vụ stp-10»/);
    t.notMatch(text, /ca-1/, "another agency's tasks are not in it");
    const sent = await pg.db.select().from(deliveries).where(eq(deliveries.address, stpHead.address));
    t.ok(
      sent.every((row) => row.state === 'sent' && row.messageId === mails[0]?.messageId),
      'the ten deliveries are sent with the digest',
    );
  });

  t.test("the standing office's weekly digest is the giao ban summary, with the report's counts", async (t) => {
    const report = await planReport(pg.db, 'kh-test', undefined, { now: NOW });
    t.same(await runSchedule(officeHook), { sent: true });
    t.same(await runSchedule(officeMail), { sent: true });

    t.equal(hook.received.length, 1);
    const payload = hook.received[0]?.verified as {
      type: string;
      data: { counts: Record<string, unknown>[]; totals: Record<string, number>; overdue: { taskId: string }[] };
    };
    t.equal(payload.type, 'plan.giao_ban');
    const figures = (row: { doneOnTime: number; doneLate: number; openOnTime: number; openOverdue: number; noDeadline: number; total: number }) => [
      row.doneOnTime,
      row.doneLate,
      row.openOnTime,
      row.openOverdue,
      row.noDeadline,
      row.total,
    ];
    t.same(
      payload.data.counts.map((row) => [row.agency, ...figures(row as never)]),
      report.agencies.map((row) => [row.agency, ...figures(row)]),
      'the counts per agency are the report for the same day',
    );
    t.same(figures(payload.data.totals as never), figures(report.totals));
    t.same(payload.data.totals, { doneOnTime: 1, doneLate: 0, openOnTime: 0, openOverdue: 11, noDeadline: 0, total: 12 });
    t.equal(payload.data.overdue[0]?.taskId, 'stp-01', 'oldest overdue first');
    t.equal(payload.data.overdue.length, 11, 'the whole plan');

    const mail = (await readMailbox(mailDir)).find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === officeMail.address);
    t.equal(mail?.subject, '[Giao ban tuần] 771/KH-UBND: tình hình thực hiện đến ngày 30/11/2026');
    t.match(
      mail?.text ?? '',
      /- Sở Tư pháp: tổng số 10; đã hoàn thành đúng hạn 0, quá hạn 0; chưa hoàn thành trong hạn 0, quá hạn 10; không thời hạn 0\./,
    );
    t.match(mail?.text ?? '', /- Toàn kế hoạch: tổng số 12;/);
    t.match(mail?.text ?? '', /Thay đổi từ ngày 23\/11\/2026:\n- «Nhiệm vụ ca-2» \(Công an tỉnh\): báo cáo hoàn thành ngày 25\/11\/2026\./);
  });
});
