/**
 * Applying a plan whose deadlines are long past, end to end: the API applies it, the page that
 * starts the real task workflows records each one's catch-up with its first record and dispatches
 * the deliveries, and each recipient gets
 * one summary (a real SMTP server and a signature-verifying HTTP receiver count them).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { eq } from 'drizzle-orm';
import { deliveries } from '../../src/db/schema';
import { startMailCatcher } from '../../src/notify/mail-catcher';
import { summaryKey, summaryWorkflowId } from '../../src/notify/rules';
import { startStack } from '../helpers/stack';
import { readMailbox, startWebhookReceiver } from '../helpers/receivers';

const PLAN = 'bu-thong-bao';
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('a plan dated in the past: one summary per recipient', async (t) => {
  const mailDir = await mkdtemp(path.join(tmpdir(), 'kehoach-mail-'));
  t.teardown(() => rm(mailDir, { recursive: true, force: true }));
  const catcher = await startMailCatcher({ dir: mailDir, port: 0 });
  t.teardown(() => catcher.stop());
  const hook = await startWebhookReceiver({ secret });
  t.teardown(() => hook.close());
  const stack = await startStack(t, {
    delivery: { smtpUrl: catcher.url, webhookSecret: secret, summaryCollectMs: 3000, retry: { maximumAttempts: 3, initialIntervalMs: 200 } },
  });
  const admin = (await stack.token({ role: 'admin' })).token;

  const text = readFileSync(path.join(__dirname, '..', 'fixtures', 'notify', 'catch-up.yaml'), 'utf8').replace('WEBHOOK_URL', hook.url);
  const applied = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    payload: text,
  });
  t.equal(applied.statusCode, 200, applied.payload);

  // 5 tasks reach the standing office (e-mail and webhook), 2 reach the head of Sở Tư pháp.
  for (let i = 0; (await stack.db.db.select().from(deliveries).where(eq(deliveries.planId, PLAN))).length < 12; i++) {
    if (i > 240) throw new Error('the twelve deliveries were not written within a minute');
    await sleep(250);
  }
  const recipients = [
    { channel: 'email', address: 'giamdoc@congan.example' },
    { channel: 'webhook', address: hook.url },
    { channel: 'email', address: 'giamdoc@stp.example' },
  ] as const;
  const results = [];
  for (const recipient of recipients) {
    results.push(await stack.temporal.client.workflow.getHandle(summaryWorkflowId(summaryKey(PLAN, recipient))).result());
  }
  t.same(results, [
    { sent: 5, dead: 0 },
    { sent: 5, dead: 0 },
    { sent: 2, dead: 0 },
  ]);

  const mails = await readMailbox(mailDir);
  t.equal(mails.length, 2, 'two e-mails for seven catch-up notices by e-mail');
  const standing = mails.find((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === 'giamdoc@congan.example');
  t.equal(standing?.subject, '[Tổng hợp] 15/KH-UBND: 5 nhiệm vụ đã qua mốc nhắc hạn, đôn đốc');
  t.match(standing?.text ?? '', /^Kính gửi: Cơ quan thường trực \(Công an tỉnh\)\./);
  t.match(
    standing?.text ?? '',
    /1\. «Rà soát dữ liệu hộ tịch», chủ trì: Sở Tư pháp; hạn ngày 10\/04\/2023, đã quá hạn \d+ ngày làm việc: Đôn đốc \(cấp 2\)\./,
  );
  t.match(standing?.text ?? '', /5\. «Cấp căn cước cho học sinh», chủ trì: Công an tỉnh; hạn ngày 01\/06\/2023/);
  const stp = mails.find((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === 'giamdoc@stp.example');
  t.equal(stp?.subject, '[Tổng hợp] 15/KH-UBND: 2 nhiệm vụ đã qua mốc nhắc hạn, đôn đốc');
  t.match(stp?.text ?? '', /Kính gửi: Giám đốc Sở Tư pháp\./);
  t.match(stp?.text ?? '', /Yêu cầu giải trình \(cấp 1\)/);

  t.equal(hook.received.length, 1, 'one webhook');
  const payload = hook.received[0]?.verified as { type: string; data: { items: { taskId: string; catchUp: boolean }[] } } | undefined;
  t.equal(payload?.type, 'plan.catch_up_summary');
  t.same(
    payload?.data.items.map((item) => [item.taskId, item.catchUp]),
    ['t1', 't2', 't3', 't4', 't5'].map((id) => [id, true]),
  );

  const list = await stack.inject({ method: 'GET', url: `/api/notifications?plan=${PLAN}&state=sent&limit=500`, token: admin });
  t.equal(list.json().items.length, 12, 'every delivery recorded sent');
  t.ok(
    list.json().items.every((item: { catchUp: boolean }) => item.catchUp),
    'each one as part of a summary',
  );
});
