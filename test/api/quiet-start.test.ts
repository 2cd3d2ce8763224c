/**
 * Quiet starts, end to end on the real stack: a task that nothing but its clock and Updates can
 * reach starts with its first workflow task delayed until its clock's first wake. Until then its
 * row (written by the reconciliation) is its state: the API reads it, `kehoach check` finds it
 * consistent, an Update runs it at once, and at its wake it runs and records what fell due,
 * stamped with that instant. A task that another task signals (a prerequisite's release, a
 * roll-up hearing its members) runs its first workflow task a short while after its start, once
 * the apply's other starts are done: a signal does not end a start delay, Temporal keeps it for
 * the first workflow task.
 */
import t from 'tap';
import { and, asc, eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { pageStartOf, SIGNALLED_START_DELAY_MS, taskStartOptions } from '../../src/activities/task-control';
import { checkReadModel } from '../../src/check/consistency';
import { taskEvents, tasks } from '../../src/db/schema';
import { taskWorkflowId } from '../../src/workflows/ids';
import { reportProgress } from '../../src/workflows/messages';
import type { taskWorkflow } from '../../src/workflows/task';
import { makeSpec, rejection } from '../helpers/temporal';
import { vietnamMinuteAtOrAfter } from '../helpers/national-plan';
import { startStack } from '../helpers/stack';

const PLAN = 'khoi-dong-yen';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function planText(soonDeadline: string, extraTasks = ''): string {
  return `id: ${PLAN}
code: "9/KH-UBND"
title: Kế hoạch thử khởi động yên lặng
issuer: UBND tỉnh Thử Nghiệm
issuedOn: 2026-11-02
calendar: vn
agencies:
  - { id: ubnd-tinh, name: UBND tỉnh, kind: provincial_committee }
  - { id: cong-an-tinh, name: Công an tỉnh, kind: police, parent: ubnd-tinh }
  - { id: so-tu-phap, name: Sở Tư pháp, kind: department, parent: ubnd-tinh }
  - { id: huyen-a, name: UBND huyện A, kind: district_committee, parent: ubnd-tinh }
  - { id: huyen-b, name: UBND huyện B, kind: district_committee, parent: ubnd-tinh }
roles:
  standing_office: { agency: cong-an-tinh }
  chair: { agency: ubnd-tinh }
notify:
  catchUp: none
  workingHours: false
escalation:
  dueSoon: 0 minutes
  reminders: []
  ladder:
    - { after: 0 minutes, to: lead_head, action: Nhắc nhở }
tasks:
  - id: ra-soat
    title: Rà soát dữ liệu hộ tịch
    lead: so-tu-phap
    deadline: 2027-06-30
    output: Báo cáo
  - id: trien-khai
    title: Triển khai sau rà soát
    lead: cong-an-tinh
    dependsOn: [ra-soat]
    deadline: 2027-07-30
    output: Kế hoạch
  - id: cccd
    title: Cấp căn cước công dân
    lead: cong-an-tinh
    units: [huyen-a, huyen-b]
    deadline: 2027-06-30
    output: Báo cáo tỷ lệ
  - id: sap-den-han
    title: Nhiệm vụ sắp đến hạn
    lead: so-tu-phap
    deadline: ${soonDeadline}
    output: Báo cáo
${extraTasks}`;
}

/** Whether a workflow has completed a workflow task: one started quiet has not before its wake. */
async function hasRun(client: Client, workflowId: string): Promise<boolean> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).some((event) => event.workflowTaskCompletedEventAttributes);
}

t.test('a task nothing but its clock and Updates can reach starts quiet until its first wake', async (t) => {
  const stack = await startStack(t);
  const admin = (await stack.token({ role: 'admin', name: 'Quản trị' })).token;
  const client = stack.temporal.client;
  // Far enough that the apply is over before it, near enough to wait for.
  const soon = vietnamMinuteAtOrAfter(Date.now() + 25_000);
  const applied = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    payload: planText(soon.text),
  });
  t.equal(applied.statusCode, 200, applied.payload);
  t.ok(applied.json().reconciliation?.finishedAt, 'the reconciliation finished within the request');

  const id = (taskId: string, unitId?: string) => taskWorkflowId({ planId: PLAN, taskId, ...(unitId ? { unitId } : {}) });
  const row = async (workflowId: string) => (await stack.db.db.select().from(tasks).where(eq(tasks.workflowId, workflowId)))[0];

  // The rows are there at once, written by the reconciliation.
  for (const workflowId of [id('ra-soat'), id('cccd', 'huyen-a'), id('sap-den-han')]) {
    t.equal((await row(workflowId))?.progress, 'in_progress', `${workflowId} is visible in progress`);
  }

  // Quiet: no workflow task yet, its first one scheduled for its clock's first wake (the deadline,
  // this policy having no reminder before it). The task due in seconds may have run already on a
  // loaded machine; its first workflow task's time says it started quiet all the same.
  for (const workflowId of [id('ra-soat'), id('cccd', 'huyen-a'), id('cccd', 'huyen-b'), id('sap-den-han')]) {
    if (workflowId !== id('sap-den-han')) t.notOk(await hasRun(client, workflowId), `${workflowId} has not run`);
    const { executionTime } = await client.workflow.getHandle(workflowId).describe();
    const firstWake = Date.parse((await row(workflowId))!.state.upcoming[0]!.at);
    t.ok(Math.abs(executionTime!.getTime() - firstWake) < 5_000, `${workflowId} runs first at its first wake`);
  }
  // Reachable by signals: their first workflow task a short while after their start.
  for (const workflowId of [id('trien-khai'), id('cccd')]) {
    const { startTime, executionTime } = await client.workflow.getHandle(workflowId).describe();
    t.equal(
      executionTime!.getTime() - startTime.getTime(),
      SIGNALLED_START_DELAY_MS,
      `${workflowId} runs first ${SIGNALLED_START_DELAY_MS} ms after its start`,
    );
    let ran = await hasRun(client, workflowId);
    for (let i = 0; i < 40 && !ran; i++) {
      await sleep(250);
      ran = await hasRun(client, workflowId);
    }
    t.ok(ran, `${workflowId} ran its first workflow task`);
  }

  const options = { db: stack.db.db, client };
  // A check reads the rows, then asks the workflows: a task that records in between differs for
  // that check, so it is run again until the system holds still.
  const checked = async () => {
    let report = await checkReadModel(options);
    for (let i = 0; i < 40 && report.differences.length > 0; i++) {
      await sleep(250);
      report = await checkReadModel(options);
    }
    return report;
  };
  t.same(await checked(), { plans: 1, tasks: 6, differences: [] }, 'kehoach check finds quiet tasks consistent');
  t.notOk(await hasRun(client, id('ra-soat')), 'the check did not wake it');

  // An Update runs a quiet task at once; the release it sends reaches its dependant.
  const done = await stack.inject({ method: 'POST', url: `/api/plans/${PLAN}/tasks/ra-soat/complete`, token: admin, payload: {} });
  t.equal(done.statusCode, 200, done.payload);
  t.equal(done.json().progress, 'done');
  let dependant = await row(id('trien-khai'));
  for (let i = 0; i < 40 && dependant?.progress !== 'in_progress'; i++) {
    await sleep(250);
    dependant = await row(id('trien-khai'));
  }
  t.equal(dependant?.progress, 'in_progress', 'the dependant was released');

  // At its wake the quiet task runs and records what fell due, stamped with the instant.
  const deadlineAt = new Date(soon.instantMs).toISOString();
  const recordedBy = soon.instantMs + 30_000;
  let events: { type: string; at: Date }[] = [];
  while (Date.now() < recordedBy) {
    events = await stack.db.db
      .select({ type: taskEvents.type, at: taskEvents.at })
      .from(taskEvents)
      .where(eq(taskEvents.workflowId, id('sap-den-han')))
      .orderBy(asc(taskEvents.seq), asc(taskEvents.id));
    if (events.some((event) => event.type === 'escalation')) break;
    await sleep(250);
  }
  const stamped = (type: string) => events.find((event) => event.type === type)?.at.toISOString();
  t.equal(stamped('overdue'), deadlineAt, 'overdue, stamped with the deadline');
  t.equal(stamped('escalation'), deadlineAt, 'the first level, stamped with the deadline');
  t.equal((await row(id('sap-den-han')))?.deadlineState, 'overdue');
  t.ok(await hasRun(client, id('sap-den-han')), 'it ran at its wake');
  t.same(await checked(), { plans: 1, tasks: 6, differences: [] }, 'and the check still agrees');

  // A dependant added once its prerequisite is done: the start releases it from the read model,
  // a signal sent while its first workflow task waits, which it hears when that task runs.
  const completedAt = (await row(id('ra-soat')))!.completedAt!.toISOString();
  const amended = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    payload: planText(
      soon.text,
      [
        '  - id: tong-hop',
        '    title: Tổng hợp sau rà soát',
        '    lead: so-tu-phap',
        '    dependsOn: [ra-soat]',
        '    deadline: 2027-08-30',
        '    output: Báo cáo',
        '',
      ].join('\n'),
    ),
  });
  t.equal(amended.statusCode, 200, amended.payload);
  let released = await row(id('tong-hop'));
  for (let i = 0; i < 40 && released?.progress !== 'in_progress'; i++) {
    await sleep(250);
    released = await row(id('tong-hop'));
  }
  t.equal(released?.progress, 'in_progress', 'the added dependant was released');
  const [release] = await stack.db.db
    .select({ at: taskEvents.at })
    .from(taskEvents)
    .where(and(eq(taskEvents.workflowId, id('tong-hop')), eq(taskEvents.type, 'released')));
  t.equal(release?.at.toISOString(), completedAt, 'released as of the completion of its prerequisite');
  const history = (await client.workflow.getHandle(id('tong-hop')).fetchHistory()).events ?? [];
  const signalled = history.findIndex((event) => event.workflowExecutionSignaledEventAttributes);
  const firstTask = history.findIndex((event) => event.workflowTaskScheduledEventAttributes);
  t.ok(signalled >= 0 && signalled < firstTask, 'the release was sent before its first workflow task, and kept for it');
  t.same(await checked(), { plans: 1, tasks: 7, differences: [] }, 'the check agrees with the added task');
});

t.test('an Update refused while a quiet start waits leaves the task reachable: the next Updates answer', async (t) => {
  const stack = await startStack(t);
  const client = stack.temporal.client;
  // Started as a reconciliation page starts a task it records: every level passed, nothing left
  // for its clock, so its first workflow task waits a second.
  const spec = makeSpec({ planId: 'khoi-dong-tu-choi', taskId: 't01', deadline: { kind: 'instant', at: '2022-11-30T17:00:00.000Z' } });
  const now = Date.now();
  const options = taskStartOptions(spec, 1, pageStartOf(spec, 1, new Date(now).toISOString(), undefined), now);
  t.equal(options.startDelay, SIGNALLED_START_DELAY_MS, 'its start is delayed');
  await client.workflow.start<typeof taskWorkflow>('taskWorkflow', options);
  // As the API sends Updates: to the workflow id, whichever run is current.
  const handle = client.workflow.getHandle(options.workflowId);
  // Temporal held such a task back when an Update's validator refused it during the delay: the
  // next Update waited for the workflow task's timeout (10 s). An answer takes milliseconds.
  const answered = <T>(promise: Promise<T>, what: string) =>
    Promise.race([promise, sleep(3_000).then(() => Promise.reject(new Error(`${what}: no answer within 3 s`)))]);
  const negative = () => handle.executeUpdate(reportProgress, { args: [{ actor: { id: 'qt', role: 'admin' }, value: -5 }] });
  for (const what of ['the refused Update', 'the next one, during the delay', 'one after the delay']) {
    if (what === 'one after the delay') await sleep(SIGNALLED_START_DELAY_MS + 500);
    const refused = await answered(rejection(negative()), what);
    t.equal(refused.type, 'InvalidInput', `${what}: refused with the error of any other time`);
  }
  const history = await handle.fetchHistory();
  t.ok(
    history.events?.some((event) => event.workflowTaskCompletedEventAttributes),
    'the task ran its first workflow task',
  );
});
