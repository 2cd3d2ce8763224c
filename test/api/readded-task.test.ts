/**
 * A task removed from its plan and added back in a later version, end to end on the real stack:
 * its workflow id is the same, so its new run must continue the earlier run's record. Otherwise
 * the row keeps the earlier run's "cancelled" (a higher seq than the new run's first records)
 * while the workflow reminds and escalates as in progress; and its deadlines must count after the
 * earlier run's, or its reminders and escalations take the earlier run's keys and are never sent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { asc, eq } from 'drizzle-orm';
import { notifications, taskEvents, tasks } from '../../src/db/schema';
import { storedTaskState } from '../../src/domain';
import { getState } from '../../src/workflows/messages';
import { startStack } from '../helpers/stack';

const PLAN = 'mot-su-that';
const WORKFLOW_ID = `task:${PLAN}:tam-dung`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const FIXTURE = readFileSync(path.join(__dirname, '..', 'fixtures', 'one-truth.yaml'), 'utf8');

/** The stack, the plan applied with the task, without it, then with it again (`withTask`: the plan's text). */
async function removeAndAddBack(t: Test, withTask: string) {
  const stack = await startStack(t, { updateTimeoutMs: 10_000 });
  const admin = (await stack.token({ role: 'admin', name: 'Quản trị' })).token;
  const withoutTask = withTask.replace(/ {2}- id: tam-dung\n( {4}.*\n)+/, '');
  t.not(withoutTask, withTask, 'the second version leaves the task out');

  const apply = async (text: string) => {
    const res = await stack.inject({
      method: 'POST',
      url: '/api/plans',
      token: admin,
      headers: { 'content-type': 'application/yaml' },
      payload: text,
    });
    t.equal(res.statusCode, 200, res.payload);
    t.ok(res.json().reconciliation?.finishedAt, 'the reconciliation finished within the request');
  };
  const row = async () => (await stack.db.db.select().from(tasks).where(eq(tasks.workflowId, WORKFLOW_ID)))[0];
  const until = async (what: string, done: () => Promise<boolean>) => {
    for (let i = 0; !(await done()); i++) {
      if (i > 120) throw new Error(`${what}: not within 30 s`);
      await sleep(250);
    }
  };
  const detail = async () => (await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/tasks/tam-dung`, token: admin })).json().task;

  await apply(withTask);
  await until('the first row', async () => (await row()) !== undefined);
  const first = (await row())!;
  await apply(withoutTask);
  await until('the cancellation recorded', async () => (await row())?.progress === 'cancelled');
  t.equal((await detail()).progress, 'cancelled');
  const cancelledSeq = (await row())!.seq;

  await apply(withTask);
  const handle = stack.temporal.client.workflow.getHandle(WORKFLOW_ID);
  await until('the new run recorded', async () => ((await row())?.seq ?? 0) > cancelledSeq);
  return { stack, admin, first, cancelledSeq, handle, row, detail };
}

t.test('a task added back to its plan: its row follows the new run', async (t) => {
  const { stack, admin, cancelledSeq, handle, row, detail } = await removeAndAddBack(t, FIXTURE);
  const view = await handle.query(getState);
  const readded = (await row())!;
  t.equal(view.progress, 'in_progress', 'a new run holds the task');
  t.equal(readded.seq, view.seq, "the row is at the new run's seq");
  t.same(readded.state, { ...storedTaskState(view), upcoming: readded.state.upcoming }, "the row is the new run's state");
  t.equal((await detail()).progress, 'in_progress', 'the API reads the task as in progress again');

  const done = await stack.inject({
    method: 'POST',
    url: `/api/plans/${PLAN}/tasks/tam-dung/complete`,
    token: admin,
    payload: { completedAt: '2026-12-01T10:00:00+07:00' },
  });
  t.equal(done.statusCode, 200, done.payload);
  t.equal(done.json().progress, 'done');
  t.equal((await detail()).progress, 'done', "the new run's later records land too");

  const events = await stack.db.db
    .select({ seq: taskEvents.seq, type: taskEvents.type })
    .from(taskEvents)
    .where(eq(taskEvents.workflowId, WORKFLOW_ID))
    .orderBy(asc(taskEvents.seq), asc(taskEvents.id));
  t.same(
    events.filter((event) => ['started', 'cancelled', 'completed'].includes(event.type)),
    [
      { seq: 1, type: 'started' },
      { seq: cancelledSeq, type: 'cancelled' },
      { seq: cancelledSeq + 1, type: 'started' },
      { seq: view.seq + 1, type: 'completed' },
    ],
    'one history: started, cancelled, started again, completed, in seq order',
  );
});

t.test("a task added back past its deadline: the new run's catch-up notices are its own and are recorded", async (t) => {
  // Its deadline passed before either run started: each run starts by catching up on its overdue
  // escalation levels, each a notification.
  const passed = FIXTURE.replace(/( {2}- id: tam-dung\n(?: {4}.*\n)*? {4}deadline: )2026-12-30/, '$12022-11-30');
  t.not(passed, FIXTURE, 'the task is due on 30/11/2022');
  const { stack, first, handle, row } = await removeAndAddBack(t, passed);
  const keys = async () =>
    (await stack.db.db.select({ key: notifications.idempotencyKey }).from(notifications).where(eq(notifications.workflowId, WORKFLOW_ID)))
      .map((notification) => notification.key)
      .sort();
  const view = await handle.query(getState);
  t.equal(first.deadlineVersion, 1, 'the first run: deadline version 1');
  t.equal(view.deadlineVersion, 2, "the new run counts its deadline after the earlier run's");
  t.equal((await row())!.deadlineVersion, 2);
  const all = await keys();
  const earlier = all.filter((key) => key.includes(':d1:'));
  const later = all.filter((key) => key.includes(':d2:'));
  t.ok(earlier.length > 0, 'the first run caught up on its levels');
  t.same(
    later.map((key) => key.replace(':d2:', ':d1:')),
    earlier,
    'the new run recorded the same catch-up under keys of its own',
  );
});
