/**
 * The answers the API keeps (src/api/read-cache.ts), on real Postgres through the real projection:
 * a kept answer is served again only while it is certainly true. A change written by anybody (here
 * plain SQL, as another process would), a deadline passing with no write at all, a revoked token
 * and a dropped change feed each make the next answer a fresh one.
 */
import t from 'tap';
import { CHANGE_FEED_APPLICATION } from '../../src/db/change-feed';
import { startStack } from '../helpers/stack';
import { history, planDocument, planVersion, recordChange } from '../helpers/read-model';

const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

t.test('kept answers', async (t) => {
  const stack = await startStack(t, { worker: false });
  await stack.projection.recordPlanVersion(planVersion(1, planDocument()));
  const started = '2022-11-07T03:00:00Z';
  for (const [taskId, deadlineAt] of [
    ['ho-tich', '2099-11-30T16:59:59.999Z'],
    ['cccd', '2099-12-15T16:59:59.999Z'],
  ] as const) {
    for (const c of history({ taskId, lead: 'so-tu-phap' }, [{ type: 'started', at: started, progress: 'in_progress', deadlineAt }])) {
      await recordChange(stack.db.db, c);
    }
  }
  const leader = await stack.token({ role: 'leader', agency: 'cong-an-tinh', name: 'Lãnh đạo' });
  const get = async (url: string, token = leader.token) => {
    const res = await stack.inject({ method: 'GET', url, token });
    return { status: res.statusCode, body: res.statusCode === 200 ? res.json() : undefined, type: res.headers['content-type'] };
  };
  const served = () => stack.app.readCache.counts.served;

  t.test('a summary and a list asked twice: the second is the kept answer, with its own instant', async (t) => {
    const first = await get('/api/plans/kh-test');
    const before = served();
    const second = await get('/api/plans/kh-test');
    t.equal(served(), before + 1, 'served from what was kept');
    t.equal(second.type, 'application/json; charset=utf-8');
    const { asOf: firstAsOf, ...firstRest } = first.body;
    const { asOf: secondAsOf, ...secondRest } = second.body;
    t.same(secondRest, firstRest, 'the same counts');
    t.ok(Date.parse(secondAsOf) >= Date.parse(firstAsOf), 'the instant is the answer’s own');
    await get('/api/plans/kh-test/tasks?category=open_on_time');
    const list = await get('/api/plans/kh-test/tasks?category=open_on_time');
    t.equal(served(), before + 2);
    t.same(
      list.body.items.map((task: { taskId: string }) => task.taskId),
      ['ho-tich', 'cccd'],
    );
  });

  t.test('a change written by another process is seen by the very next request', async (t) => {
    await get('/api/plans/kh-test');
    await stack.db.sql`update tasks set progress = 'done', completed_at = '2022-11-20T03:00:00Z' where task_id = 'cccd'`;
    const before = served();
    const after = await get('/api/plans/kh-test');
    t.equal(served(), before, 'computed again, not served');
    t.equal(after.body.counts.done_on_time, 1);
    t.equal(after.body.counts.open_on_time, 1);
    const list = await get('/api/plans/kh-test/tasks?category=open_on_time');
    t.same(
      list.body.items.map((task: { taskId: string }) => task.taskId),
      ['ho-tich'],
    );
  });

  t.test('requests that miss together share one computation', async (t) => {
    await stack.db.sql`update tasks set progress = progress where task_id = 'cccd'`;
    const before = { ...stack.app.readCache.counts };
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/api/plans/kh-test')));
    t.same(new Set(answers.map((a) => a.status)), new Set([200]));
    const { computed, shared } = stack.app.readCache.counts;
    t.ok(computed - before.computed < 20, `computed ${computed - before.computed} times for 20 requests`);
    t.ok(shared > before.shared, 'the others shared it');
    t.same(new Set(answers.map((a) => JSON.stringify(a.body.counts))).size, 1, 'one answer for all');
  });

  t.test('a deadline passing changes the answer with no write at all', async (t) => {
    const deadline = new Date(Date.now() + 3_000).toISOString();
    for (const c of history({ taskId: 'sap-het-han', lead: 'so-tu-phap' }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: deadline },
    ])) {
      await recordChange(stack.db.db, c);
    }
    const early = await get('/api/plans/kh-test');
    const earlyList = await get('/api/plans/kh-test/tasks?category=open_overdue');
    const before = served();
    const kept = await get('/api/plans/kh-test');
    t.ok(Date.parse(kept.body.asOf) < Date.parse(deadline), 'asked before the deadline');
    t.equal(served(), before + 1, 'kept until the deadline');
    t.equal(early.body.counts.open_overdue, 0);
    t.same(earlyList.body.items, []);
    await waitFor('the deadline to pass', () => Date.now() > Date.parse(deadline) + 10);
    const late = await get('/api/plans/kh-test');
    const lateList = await get('/api/plans/kh-test/tasks?category=open_overdue');
    t.equal(late.body.counts.open_overdue, 1, 'overdue from the deadline instant, by the clock alone');
    t.same(
      lateList.body.items.map((task: { taskId: string }) => task.taskId),
      ['sap-het-han'],
    );
  });

  t.test('a revoked token is refused at once, although its principal was kept', async (t) => {
    const staff = await stack.token({ role: 'staff', agency: 'so-tu-phap', name: 'Cán bộ' });
    t.equal((await get('/api/plans/kh-test', staff.token)).status, 200);
    t.equal((await get('/api/plans/kh-test', staff.token)).status, 200);
    await stack.db.sql`update api_tokens set revoked_at = now() where id = ${staff.id}`;
    t.equal((await get('/api/plans/kh-test', staff.token)).status, 401);
  });

  t.test('the change feed down: nothing kept is served, answers stay right; back up: kept again', async (t) => {
    await stack.db.sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${CHANGE_FEED_APPLICATION}`;
    // While it is down nothing can say what changed: a write now is seen all the same.
    await stack.db.sql`update tasks set progress = 'done', completed_at = '2022-11-21T03:00:00Z' where task_id = 'ho-tich'`;
    const before = served();
    const down = await get('/api/plans/kh-test');
    t.equal(down.body.counts.done_on_time, 2);
    t.equal(served(), before, 'nothing served from what was kept');
    await waitFor('answers to be kept again', async () => {
      await get('/api/plans/kh-test');
      return served() > before;
    });
    t.equal((await get('/api/plans/kh-test')).body.counts.done_on_time, 2);
  });
});
