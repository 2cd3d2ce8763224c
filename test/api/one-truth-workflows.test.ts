/**
 * The same answer in every view, end to end: test/fixtures/one-truth.yaml applied through the API
 * on a real Temporal dev server with the real workflows, worker and projection. The task workflow
 * writes the facts; detail, write responses, counts, list filters and reports judge them alike.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { and, eq } from 'drizzle-orm';
import { taskEvents, tasks } from '../../src/db/schema';
import { storedTaskState, type TaskStateView } from '../../src/domain';
import { readTaskWorkflowState } from '../../src/temporal/task-state';
import { startStack } from '../helpers/stack';

const PLAN = 'mot-su-that';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('one truth, written by the workflows', async (t) => {
  const stack = await startStack(t, { updateTimeoutMs: 10_000 });
  const admin = (await stack.token({ role: 'admin', name: 'Quản trị' })).token;
  const leader = (await stack.token({ role: 'leader', agency: 'cong-an-tinh', name: 'Lãnh đạo' })).token;
  const get = async (url: string) => (await stack.inject({ method: 'GET', url, token: admin })).json();
  const post = (url: string, token: string, payload: object) =>
    stack.inject({ method: 'POST', url: `/api/plans/${PLAN}/tasks/${url}`, token, payload });
  const keys = async (query: string) =>
    ((await get(`/api/plans/${PLAN}/tasks?limit=500&${query}`)).items as { key: string }[]).map((i) => i.key).sort();

  const text = readFileSync(path.join(__dirname, '..', 'fixtures', 'one-truth.yaml'), 'utf8');
  const applied = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    payload: text,
  });
  t.equal(applied.statusCode, 200, applied.payload);
  // Every row, not a count of them: the roll-up and its two units make six, so "five" could leave one out.
  const projected = (rows: string[]) =>
    ['bao-cao', 'tam-dung', 'sau-bao-cao'].every((key) => rows.includes(key)) && rows.filter((key) => key.startsWith('cccd@')).length === 2;
  for (let i = 0; !projected(await keys('')); i++) {
    if (i > 240) throw new Error('the task workflows were not all projected within a minute');
    await sleep(250);
  }

  t.test('each task row holds the state its workflow holds, the first record written with its page included', async (t) => {
    // A roll-up records as an activity, after what its members told it: its row catches up a moment later.
    const rowsOf = () =>
      stack.db.db.select({ workflowId: tasks.workflowId, seq: tasks.seq, state: tasks.state }).from(tasks).where(eq(tasks.planId, PLAN));
    let rows = await rowsOf();
    const views = new Map<string, TaskStateView>();
    for (let i = 0; ; i++) {
      for (const row of rows) views.set(row.workflowId, await readTaskWorkflowState(stack.temporal.client, row.workflowId));
      if (i >= 40 || rows.every((row) => row.seq === views.get(row.workflowId)?.seq)) break;
      await sleep(250);
      rows = await rowsOf();
    }
    t.equal(rows.length, 6);
    for (const row of rows) {
      const view = views.get(row.workflowId)!;
      t.same(row.state, { ...storedTaskState(view), upcoming: row.state.upcoming }, `${row.workflowId}: the row is the workflow's state`);
    }
    const started = await stack.db.db
      .select({ seq: taskEvents.seq })
      .from(taskEvents)
      .where(and(eq(taskEvents.planId, PLAN), eq(taskEvents.type, 'started')));
    t.same(
      started.map((event) => event.seq),
      rows.map(() => 1),
      'one start a task, as its first record',
    );
  });

  t.test('a completion reported before the deadline awaits confirmation: open on time everywhere', async (t) => {
    // Reported on 25/11/2022, before its 30/11/2022 deadline, by an admin recording history.
    const res = await post('bao-cao/complete', admin, { completedAt: '2022-11-25T10:00:00+07:00' });
    t.equal(res.statusCode, 200, res.payload);
    t.match(res.json(), { progress: 'awaiting_confirmation', category: 'open_on_time', labels: { progress: 'Chờ xác nhận' } });
    const detail = await get(`/api/plans/${PLAN}/tasks/bao-cao`);
    t.same(detail.task, res.json(), 'the answer and an immediate GET agree');
    t.ok((await keys('category=open_on_time')).includes('bao-cao'));
    t.notOk((await keys('category=open_overdue')).includes('bao-cao'));
    const status = await get(`/api/plans/${PLAN}`);
    t.equal(status.counts.awaiting_confirmation, 1);
    t.equal(status.counts.open_overdue, 0);
    const today = await get(`/api/plans/${PLAN}/report`);
    t.match(today.totals, { openOnTime: status.counts.open_on_time, openOverdue: 0, awaitingConfirmation: 1 });
    const past = await get(`/api/plans/${PLAN}/report?asOf=2022-12-05`);
    t.match(past.totals, { openOverdue: 0, awaitingConfirmation: 1 }, 'not overdue on 05/12/2022 either');
  });

  t.test('a task waiting for its prerequisite: open on time and waiting, in counts and the report', async (t) => {
    t.match((await get(`/api/plans/${PLAN}/tasks/sau-bao-cao`)).task, { category: 'open_on_time', deadlineState: 'waiting' });
    t.same(await keys('deadlineState=waiting'), ['sau-bao-cao']);
    const status = await get(`/api/plans/${PLAN}`);
    t.equal(status.counts.waiting, 1);
    t.equal(status.counts.no_deadline, 0);
    const today = await get(`/api/plans/${PLAN}/report`);
    t.match(today.totals, { waiting: 1, noDeadline: 0 });
  });

  t.test('a paused task: its own figure, never overdue', async (t) => {
    const res = await post('tam-dung/pause', leader, { reason: 'Chờ hướng dẫn của Bộ' });
    t.equal(res.statusCode, 200, res.payload);
    t.match(res.json(), { progress: 'paused', category: 'open_on_time', pausedAt: String });
    t.equal((await get(`/api/plans/${PLAN}`)).counts.paused, 1);
    t.equal((await get(`/api/plans/${PLAN}/report`)).totals.paused, 1);
  });

  t.test('the task of a task with units answers as a whole', async (t) => {
    const whole = await get(`/api/plans/${PLAN}/tasks/cccd`);
    t.match(whole.task, { key: 'cccd', taskId: 'cccd', lead: 'cong-an-tinh' });
    t.match(whole.rollup, { total: 2, done: 0, target: { nature: 'percent', unit: '%', value: 100, of: 2 } });
    t.same(
      whole.rollup.members.map((m: { key: string }) => m.key),
      ['cccd@huyen-a', 'cccd@huyen-b'],
    );
    const district = await get(`/api/plans/${PLAN}?level=province`);
    t.equal(district.agencies.length, 1);
    t.equal(district.agencies[0].counts.total, 5, 'the province row counts every task workflow');
  });
});
