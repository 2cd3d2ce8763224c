/**
 * GET /api/notifications and the notifications of a task's detail: rows written by the real
 * projection (one per recipient), their states set as the delivery activities set them.
 */
import t from 'tap';
import { eq } from 'drizzle-orm';
import { deliveries } from '../../src/db/schema';
import type { NotificationRequest } from '../../src/domain';
import { startStack } from '../helpers/stack';
import { change, event, planDocument, planVersion, taskState } from '../helpers/read-model';

const DEADLINE = '2022-11-30T17:00:00.000Z';

t.test('notifications in the API', async (t) => {
  const stack = await startStack(t, { worker: false });
  await stack.projection.recordPlanVersion(planVersion(1, planDocument()));

  for (const [taskId, level, to] of [
    ['t01', 1, { kind: 'lead_head', agency: 'so-tu-phap' }],
    ['t01', 2, { kind: 'role', role: 'standing_office' }],
    ['t02', 1, { kind: 'lead_staff', agency: 'so-tu-phap' }],
  ] as const) {
    const state = taskState({ taskId }, { seq: level + 1, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-12-05T02:00:00Z' });
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
      action: 'Đôn đốc',
      catchUp: false,
      at: '2022-12-05T02:00:00Z',
    };
    await stack.projection.recordTaskChange(change(state, [event(state, 'escalation', request.at)], [request]));
  }
  // As the delivery activities leave them: one sent, one dead with its reason.
  await stack.db.db
    .update(deliveries)
    .set({ state: 'sent', attempts: 1, messageId: '<abc@ubnd.example>', sentAt: new Date('2022-12-05T02:00:05Z') })
    .where(eq(deliveries.address, 'giamdoc@stp.example'));
  await stack.db.db
    .update(deliveries)
    .set({ state: 'dead', attempts: 10, lastError: 'Đã thử 10 lần, không gửi được: Webhook https://stp.example/hook trả lời HTTP 500.' })
    .where(eq(deliveries.address, 'https://stp.example/hook'));

  const admin = await stack.token({ role: 'admin' });
  const leader = await stack.token({ role: 'leader', agency: 'cong-an-tinh' });
  const staff = await stack.token({ role: 'staff', agency: 'so-tu-phap' });

  t.test('leaders and admins list every delivery, newest first; staff may not', async (t) => {
    const res = await stack.inject({ method: 'GET', url: '/api/notifications', token: leader.token });
    t.equal(res.statusCode, 200);
    const items = res.json().items as { taskId: string; level: number; channel: string; recipient: { address: string }; state: string }[];
    t.same(
      items.map((item) => [item.taskId, item.level, item.recipient.address, item.state]),
      [
        ['t02', 1, 'https://stp.example/hook', 'dead'],
        ['t01', 2, 'giamdoc@congan.example', 'pending'],
        ['t01', 1, 'giamdoc@stp.example', 'sent'],
      ],
    );
    const forbidden = await stack.inject({ method: 'GET', url: '/api/notifications', token: staff.token });
    t.equal(forbidden.statusCode, 403);
    t.match(forbidden.headers['content-type'], /^application\/problem\+json/);
    t.match(forbidden.json().detail, /xem thông báo nhắc hạn, đôn đốc đã gửi/);
    t.equal((await stack.inject({ method: 'GET', url: '/api/notifications' })).statusCode, 401);
  });

  t.test('filters by plan, task, recipient and state; pages with a cursor', async (t) => {
    const get = async (query: string) => (await stack.inject({ method: 'GET', url: `/api/notifications?${query}`, token: admin.token })).json();
    t.same(
      (await get('plan=kh-test&task=t01')).items.map((item: { level: number }) => item.level),
      [2, 1],
    );
    t.same(
      (await get('recipient=giamdoc%40congan.example')).items.map((item: { taskId: string }) => item.taskId),
      ['t01'],
    );
    const dead = await get('state=dead');
    t.equal(dead.items.length, 1);
    t.equal(dead.items[0].reason, 'Đã thử 10 lần, không gửi được: Webhook https://stp.example/hook trả lời HTTP 500.');
    t.equal(dead.items[0].attempts, 10);
    const sent = await get('state=sent');
    t.match(sent.items[0], { messageId: '<abc@ubnd.example>', sentAt: '2022-12-05T02:00:05.000Z', subject: /^\[Đôn đốc\] 771\/KH-UBND: / });
    t.equal((await get('plan=other')).items.length, 0);

    const first = await get('limit=2');
    t.equal(first.items.length, 2);
    t.ok(first.nextCursor);
    const second = await get(`limit=2&cursor=${first.nextCursor}`);
    t.same(
      second.items.map((item: { level: number; taskId: string }) => [item.taskId, item.level]),
      [['t01', 1]],
    );
    t.notOk(second.nextCursor);

    const bad = await stack.inject({ method: 'GET', url: '/api/notifications?task=t01', token: admin.token });
    t.equal(bad.statusCode, 400);
    t.match(bad.json().detail, /cần có kế hoạch/);
    t.equal((await stack.inject({ method: 'GET', url: '/api/notifications?state=lost', token: admin.token })).statusCode, 400);
    // Text Postgres cannot hold (a NUL byte) or no address has (a control character) is refused before any query.
    for (const query of ['recipient=a%00b', 'plan=kh-test&task=t%00', 'recipient=a%07b']) {
      const refused = await stack.inject({ method: 'GET', url: `/api/notifications?${query}`, token: admin.token });
      t.equal(refused.statusCode, 400, query);
    }
  });

  t.test("a task's detail shows its notifications with their delivery state", async (t) => {
    const res = await stack.inject({ method: 'GET', url: '/api/plans/kh-test/tasks/t01', token: staff.token });
    t.equal(res.statusCode, 200);
    t.same(
      res.json().notifications.map((item: { level: number; state: string; channel: string }) => [item.level, item.channel, item.state]),
      [
        [2, 'email', 'pending'],
        [1, 'email', 'sent'],
      ],
    );
  });
});
