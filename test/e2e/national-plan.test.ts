/**
 * The largest real plan applies: the country's 10,035 communes × 2 tasks (20,072 task workflows
 * with the two roll-ups) in one file, through the API onto a real Temporal dev server, worker and
 * Postgres. The apply answers 202 at once with where to follow it; the plan workflow starts every
 * task workflow page by page, and neither its history nor any payload in it carries the plan.
 */
import t from 'tap';
import { temporal } from '@temporalio/proto';
import { taskWorkflowId } from '../../src/domain';
import { planWorkflowId } from '../../src/workflows/ids';
import { getPlanState } from '../../src/workflows/messages';
import { createPlanStore } from '../../src/db/plan-store';
import { COUNTRY_2024, nationalPlanYaml } from '../helpers/national-plan';
import { startStack } from '../helpers/stack';

// Starting 20,072 workflows, each of which runs and projects itself, is bound by the Temporal dev
// server on this 2-core machine: about 13 to 35 a second depending on what else runs. The test
// prints its figures; BENCHMARKS.md says where the time goes.
t.setTimeout(1_800_000);

const PLAN = 'quoc-gia-2024';
const TASK_WORKFLOWS = COUNTRY_2024.communes * 2 + 2;

t.test('a plan of the whole country (10,035 communes × 2 tasks) validates, applies and starts every task workflow', async (t) => {
  // The API's own wait before it answers 202, not the tests' longer one.
  const stack = await startStack(t, { updateTimeoutMs: 60_000, applyAnswerWaitMs: undefined });
  const admin = await stack.token({ role: 'admin' });
  const text = nationalPlanYaml({ id: PLAN });

  const diff = await stack.inject({
    method: 'POST',
    url: '/api/plans/diff',
    token: admin.token,
    headers: { 'content-type': 'application/yaml' },
    payload: text,
  });
  t.equal(diff.statusCode, 200, diff.body.slice(0, 500));
  t.equal(diff.json().diff.added, TASK_WORKFLOWS, 'valid, and it compiles to 20,072 task workflows');

  const began = Date.now();
  const applied = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin.token,
    headers: { 'content-type': 'application/yaml' },
    payload: text,
  });
  const answeredMs = Date.now() - began;
  t.equal(applied.statusCode, 202, `answered ${applied.statusCode} after ${answeredMs} ms: ${applied.body.slice(0, 300)}`);
  t.equal(applied.headers.location, `/api/plans/${PLAN}/reconciliation`, 'with where to follow it');
  const body = applied.json();
  t.equal(body.version, 1);
  t.equal(body.reconciliation.total, TASK_WORKFLOWS);
  t.equal(body.changes.length, TASK_WORKFLOWS);
  t.comment(`apply answered in ${answeredMs} ms`);

  let status = body.reconciliation;
  let reported = 0;
  while (!status.finishedAt) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const response = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/reconciliation`, token: admin.token });
    if (response.statusCode !== 200) t.fail(`the progress answered ${response.statusCode}: ${response.body}`);
    status = response.json();
    if (status.lastError) t.comment(`retrying: ${status.lastError}`);
    const done = status.started + status.amended + status.cancelled;
    if (Math.floor(done / 2_000) > reported) {
      reported = Math.floor(done / 2_000);
      t.comment(`${done}/${status.total} after ${((Date.now() - began) / 1000).toFixed(0)} s`);
    }
  }
  const seconds = (Date.now() - began) / 1000;
  t.comment(`${status.started} task workflows started in ${seconds.toFixed(0)} s (${(status.started / seconds).toFixed(0)}/s)`);
  t.same(
    [status.started, status.amended, status.cancelled, status.errors],
    [TASK_WORKFLOWS, 0, 0, 0],
    'every task workflow was started, none refused',
  );

  const client = stack.temporal.client;
  const visible = await (async () => {
    for (let attempt = 0; attempt < 60; attempt++) {
      const { count } = await client.workflow.count(`WorkflowId STARTS_WITH 'task:${PLAN}:'`);
      if (count >= TASK_WORKFLOWS) return count;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return (await client.workflow.count(`WorkflowId STARTS_WITH 'task:${PLAN}:'`)).count;
  })();
  t.equal(visible, TASK_WORKFLOWS, 'Temporal lists every task workflow');

  // The plan workflow holds hashes and a cursor: its state, its history and every payload in it stay small.
  const handle = client.workflow.getHandle(planWorkflowId(PLAN));
  const state = await handle.query(getPlanState);
  t.equal(state.taskCount, TASK_WORKFLOWS);
  t.ok(JSON.stringify(state).length < 1_000, `the plan workflow's state is ${JSON.stringify(state).length} bytes`);
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  // Encoded as Temporal stores them: the bytes each event takes on the wire and in the history.
  const sizes = events.map((event) => temporal.api.history.v1.HistoryEvent.encode(event).finish().length);
  const largest = Math.max(...sizes);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  t.ok(events.length < 1_000, `the plan workflow's history has ${events.length} events`);
  t.ok(largest < 16_384, `its largest event is ${largest} bytes`);
  t.ok(total < 1_000_000, `its whole history is ${(total / 1e6).toFixed(2)} MB`);

  const stored = await createPlanStore(stack.db.db).specsOf(state.specSet!);
  t.equal(stored.length, TASK_WORKFLOWS, 'the spec set in Postgres holds every task workflow');
  const sample = stored[stored.length - 1]!;
  const description = await client.workflow.getHandle(taskWorkflowId(sample)).describe();
  t.equal(description.status.name, 'RUNNING', `${taskWorkflowId(sample)} runs`);
});
