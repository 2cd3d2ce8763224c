import t from 'tap';
import type { ApplicationFailure } from '@temporalio/common';
import { asc, eq, inArray } from 'drizzle-orm';
import { createFirstRecordWriter, createProjectionActivities, recordedAsNextSeq, UNSTORABLE_RECORD } from '../../src/activities/projection';
import {
  commitChange,
  completeTask,
  firstChange,
  storedTaskState,
  taskWorkflowId,
  type NotificationRequest,
  type TaskStateView,
} from '../../src/domain';
import { agencies, deliveries, escalations, notifications, plans, planVersions, taskEvents, tasks } from '../../src/db/schema';
import { withPostgres } from '../helpers/postgres';
import { change, event, planDocument, planVersion, SYSTEM, taskState } from '../helpers/read-model';
import { makeSpec } from '../helpers/temporal';

const DEADLINE = '2022-11-30T17:00:00.000Z'; // the midnight that ends 30/11/2022 in Vietnam

/** A task's state done at `at`, its record's seq `seq`. */
const doneState = (ref: { taskId: string; unitId?: string }, seq: number, at: string) =>
  taskState(ref, { seq, progress: 'done', deadlineAt: DEADLINE, completedAt: at, updatedAt: at });

/** The first reminder of a task's first deadline version, to the head of the lead, at the state's instant. */
function firstReminderToTheHead(state: TaskStateView): NotificationRequest {
  return {
    idempotencyKey: `${state.workflowId}:d1:r1`,
    workflowId: state.workflowId,
    planId: state.planId,
    taskId: state.taskId,
    kind: 'reminder',
    level: 1,
    deadlineVersion: 1,
    deadlineAt: DEADLINE,
    to: { kind: 'lead_head', agency: 'so-tu-phap' },
    action: '',
    catchUp: false,
    at: state.updatedAt,
  };
}

t.test('projection into Postgres', async (t) => {
  const { db, reset } = await withPostgres(t);
  const projection = createProjectionActivities(db);

  t.beforeEach(async () => {
    await reset();
    await projection.recordPlanVersion(planVersion(1));
  });

  t.test('a replayed change writes nothing twice', async (t) => {
    const state = taskState({ taskId: 't01' }, { seq: 1, progress: 'not_started', deadlineAt: DEADLINE, updatedAt: '2022-11-07T03:00:00Z' });
    const reminder: NotificationRequest = {
      idempotencyKey: `${state.workflowId}:d1:r1`,
      workflowId: state.workflowId,
      planId: 'kh-test',
      taskId: 't01',
      kind: 'reminder',
      level: 1,
      deadlineVersion: 1,
      deadlineAt: DEADLINE,
      to: { kind: 'lead_head', agency: 'so-tu-phap' },
      action: 'Nhắc nhở',
      catchUp: false,
      at: '2022-11-25T01:00:00Z',
    };
    const first = change(state, [event(state, 'started', '2022-11-07T03:00:00Z')], [reminder]);
    await projection.recordTaskChange(first);
    await projection.recordTaskChange(first);
    await Promise.all([projection.recordTaskChange(first), projection.recordTaskChange(first)]);

    t.equal((await db.select().from(tasks)).length, 1);
    t.equal((await db.select().from(taskEvents)).length, 1);
    t.equal((await db.select().from(escalations)).length, 1);
    t.equal((await db.select().from(notifications)).length, 1);
    const [row] = await db.select().from(tasks);
    t.equal(row?.seq, 1);
    t.equal(row?.deadlineAt?.toISOString(), DEADLINE);
    t.same(row?.support, ['cong-an-tinh']);
    t.equal(row?.state.spec.title, 'Nhiệm vụ t01');
  });

  t.test("the stored state is the workflow's without the spec's calendar, which the plan store keeps", async (t) => {
    const state = taskState({ taskId: 't01' }, { seq: 1, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-11-07T03:00:00Z' });
    t.ok(state.spec.calendar, 'the workflow state carries its calendar');
    await projection.recordTaskChange(change(state, [event(state, 'started', '2022-11-07T03:00:00Z')]));
    const [row] = await db.select({ state: tasks.state }).from(tasks);
    t.notOk(row && 'calendar' in row.state.spec, 'no calendar in the stored spec');
    const { calendar: _calendar, ...specWithoutCalendar } = state.spec;
    t.same(row?.state, { ...state, spec: specWithoutCalendar }, 'everything else as the workflow had it');
  });

  t.test("a page's first record that announces a catch-up writes what the task's own record writes", async (t) => {
    const writer = createFirstRecordWriter(db);
    // Applied three weeks after the deadline: the task starts by catching up its highest level.
    const at = '2022-12-20T03:00:00.000Z';
    const spec = makeSpec({ planId: 'kh-test', taskId: 't30', deadline: { kind: 'instant', at: DEADLINE } });
    const first = firstChange(spec, 1, at).change;
    t.ok(first.notifications.length > 0 && first.notifications.every((request) => request.catchUp), 'the start announces catch-ups');
    const written = async () => ({
      escalations: (await db.select().from(escalations).orderBy(asc(escalations.idempotencyKey))).map(({ id: _id, ...row }) => row),
      notifications: (await db.select().from(notifications).orderBy(asc(notifications.idempotencyKey))).map(
        ({ id: _id, createdAt: _created, nextAttemptAt: _next, ...row }) => row,
      ),
      deliveries: (await db.select().from(deliveries).orderBy(asc(deliveries.key))).map(
        ({ id: _id, createdAt: _created, updatedAt: _updated, sendAfter, ...row }) => ({
          ...row,
          sentNow: Math.abs(sendAfter.getTime() - Date.now()) < 60_000,
        }),
      ),
    });

    t.same(await writer.recordFirstChanges([first]), []);
    t.same(await writer.recordFirstChanges([first]), [], 'a retried page writes nothing twice');
    const byPage = await written();
    t.equal(byPage.escalations.length, first.notifications.length);
    t.equal(byPage.notifications.length, first.notifications.length);
    t.ok(byPage.deliveries.length > 0, 'its recipients have deliveries');
    t.ok(
      byPage.deliveries.every((delivery) => delivery.summaryKey !== null),
      'each catch-up joins its recipient summary',
    );

    await reset();
    await projection.recordPlanVersion(planVersion(1));
    await projection.recordTaskChange(first);
    t.same(await written(), byPage, "the same rows as the task's own record of the change");
  });

  t.test("a page's first records land together, never over a row already there; one refused as data holds back no other", async (t) => {
    const writer = createFirstRecordWriter(db);
    const at = '2022-11-07T03:00:00.000Z';
    const specs = ['t01', 't02', 't03'].map((taskId) => makeSpec({ planId: 'kh-test', taskId, deadline: { kind: 'instant', at: DEADLINE } }));
    const firsts = specs.map((spec) => firstChange(spec, 1, at).change);
    t.same(
      firsts.map((first) => [first.state.seq, first.events.map((e) => e.type), first.notifications.length]),
      [
        [1, ['started'], 0],
        [1, ['started'], 0],
        [1, ['started'], 0],
      ],
    );
    // t02's workflow ran first and recorded a later change of its own: the page's record of its start must not undo it.
    const t02 = firstChange(specs[1]!, 1, at);
    const done = completeTask(t02.memory, { actor: { id: 'u1', agency: 'so-tu-phap', role: 'staff' } }, '2022-11-07T04:00:00.000Z')!;
    await projection.recordTaskChange(commitChange(t02.memory, done.drafts, [], Date.parse('2022-11-07T04:00:00.000Z')));

    t.same(await writer.recordFirstChanges(firsts), []);
    t.same(await writer.recordFirstChanges(firsts), [], 'a retried page writes nothing twice');
    const rows = await db.select({ taskId: tasks.taskId, seq: tasks.seq, progress: tasks.progress }).from(tasks).orderBy(asc(tasks.taskId));
    t.same(rows, [
      { taskId: 't01', seq: 1, progress: 'in_progress' },
      { taskId: 't02', seq: 2, progress: 'done' },
      { taskId: 't03', seq: 1, progress: 'in_progress' },
    ]);
    const events = await db
      .select({ taskId: taskEvents.taskId, seq: taskEvents.seq, type: taskEvents.type })
      .from(taskEvents)
      .orderBy(asc(taskEvents.taskId), asc(taskEvents.seq));
    t.same(events, [
      { taskId: 't01', seq: 1, type: 'started' },
      { taskId: 't02', seq: 1, type: 'started' },
      { taskId: 't02', seq: 2, type: 'completed' },
      { taskId: 't03', seq: 1, type: 'started' },
    ]);
    const [stored] = await db.select({ state: tasks.state }).from(tasks).where(eq(tasks.taskId, 't01'));
    t.same(stored?.state, storedTaskState(firsts[0]!.state), 'the row holds the state the workflow takes as its own');

    const hostile = makeSpec({ planId: 'kh-test', taskId: 't04', title: 'Nhiệm vụ\u0000t04' });
    const fine = makeSpec({ planId: 'kh-test', taskId: 't05' });
    const refused = await writer.recordFirstChanges([firstChange(hostile, 1, at).change, firstChange(fine, 1, at).change]);
    t.same(refused, [taskWorkflowId(hostile)], 'the record Postgres refuses is named');
    t.same(
      (
        await db
          .select({ taskId: tasks.taskId })
          .from(tasks)
          .where(inArray(tasks.taskId, ['t04', 't05']))
      ).map((row) => row.taskId),
      ['t05'],
      'the rest of the page is written',
    );
  });

  t.test('an older change arriving late never moves the task backwards', async (t) => {
    const ref = { taskId: 't02' };
    const s1 = taskState(ref, { seq: 1, progress: 'not_started', deadlineAt: DEADLINE, updatedAt: '2022-11-07T03:00:00Z' });
    const s2 = taskState(ref, { seq: 2, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-11-10T03:00:00Z' });
    const s3 = doneState(ref, 3, '2022-11-20T03:00:00Z');
    await projection.recordTaskChange(change(s1, [event(s1, 'started', s1.updatedAt)]));
    await projection.recordTaskChange(change(s3, [event(s3, 'completed', s3.updatedAt)]));
    await projection.recordTaskChange(change(s2, [event(s2, 'progress_reported', s2.updatedAt)]));

    const [row] = await db.select().from(tasks).where(eq(tasks.workflowId, s1.workflowId));
    t.equal(row?.seq, 3, 'still at seq 3');
    t.equal(row?.progress, 'done');
    t.equal(row?.completedAt?.toISOString(), '2022-11-20T03:00:00.000Z');
    const events = await db.select().from(taskEvents).where(eq(taskEvents.workflowId, s1.workflowId)).orderBy(asc(taskEvents.seq));
    t.same(
      events.map((e) => [e.seq, e.type, e.progressAfter]),
      [
        [1, 'started', 'not_started'],
        [2, 'progress_reported', 'in_progress'],
        [3, 'completed', 'done'],
      ],
      'the late event is still in the audit log, with the state it produced',
    );

    const s4 = taskState(ref, { seq: 4, progress: 'returned', deadlineAt: DEADLINE, updatedAt: '2022-11-21T03:00:00Z' });
    await projection.recordTaskChange(change(s4, [event(s4, 'returned', s4.updatedAt, { id: 'tok_leader', role: 'leader' })]));
    const [after] = await db.select().from(tasks).where(eq(tasks.workflowId, s1.workflowId));
    t.equal(after?.progress, 'returned', 'a newer change does move it forward');
    const [returned] = await db.select().from(taskEvents).where(eq(taskEvents.seq, 4));
    t.equal(returned?.actorId, 'tok_leader', 'the actor is recorded');
  });

  t.test('a change decided again after its workflow task was lost replaces the lost attempt, never the other way round', async (t) => {
    // The record runs inside the workflow task (a local activity): a worker killed after the record
    // and before the task completed leaves the first decision in Postgres, and Temporal's next
    // attempt decides the same change (the same seq) later, which is the one in the history.
    const ref = { taskId: 't09' };
    const s1 = taskState(ref, { seq: 1, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-11-30T16:00:00.000Z' });
    const lost = doneState(ref, 2, '2022-11-30T16:59:55.000Z');
    const decided = doneState(ref, 2, '2022-11-30T17:00:05.000Z');
    await projection.recordTaskChange(change(s1, [event(s1, 'progress_reported', s1.updatedAt)]));
    // The lost attempt said more than the later one (a reminder event the second did not make).
    await projection.recordTaskChange(change(lost, [event(lost, 'completed', lost.updatedAt), event(lost, 'reminder', lost.updatedAt)]));
    await projection.recordTaskChange(change(decided, [event(decided, 'completed', decided.updatedAt)]));

    const rowOf = async () => (await db.select().from(tasks).where(eq(tasks.workflowId, s1.workflowId)))[0];
    const eventsOf = async () =>
      (await db.select().from(taskEvents).where(eq(taskEvents.workflowId, s1.workflowId)).orderBy(asc(taskEvents.seq))).map((e) => [
        e.seq,
        e.type,
        e.at.toISOString(),
        e.completedAtAfter?.toISOString() ?? null,
      ]);
    const expectedEvents = [
      [1, 'progress_reported', '2022-11-30T16:00:00.000Z', null],
      [2, 'completed', '2022-11-30T17:00:05.000Z', '2022-11-30T17:00:05.000Z'],
    ];
    t.equal((await rowOf())?.completedAt?.toISOString(), '2022-11-30T17:00:05.000Z', 'the row holds the later decision');
    t.same(await eventsOf(), expectedEvents, "the lost attempt's events of that seq are replaced, the one it alone made is gone");

    // The lost attempt's record retried late (a partitioned worker) changes nothing.
    await projection.recordTaskChange(change(lost, [event(lost, 'completed', lost.updatedAt), event(lost, 'reminder', lost.updatedAt)]));
    t.equal((await rowOf())?.completedAt?.toISOString(), '2022-11-30T17:00:05.000Z');
    t.same(await eventsOf(), expectedEvents);
    // And the same record again is still a no-op.
    await projection.recordTaskChange(change(decided, [event(decided, 'completed', decided.updatedAt)]));
    t.same(await eventsOf(), expectedEvents);

    // A plan version recorded again by a later attempt keeps the later instant, not the other way round.
    const later = { ...planVersion(1), appliedAt: '2022-11-07T02:00:10.000Z' };
    await projection.recordPlanVersion(later);
    await projection.recordPlanVersion(planVersion(1));
    const [version] = await db.select().from(planVersions).where(eq(planVersions.version, 1));
    t.equal(version?.appliedAt.toISOString(), '2022-11-07T02:00:10.000Z');
    const [plan] = await db.select().from(plans);
    t.equal(plan?.appliedAt.toISOString(), '2022-11-07T02:00:10.000Z');
  });

  // A task's row and its events, column by column, without the task's own id (which two tasks
  // recorded alike differ by, and so their specs' hashes) and the columns the database fills in.
  const taskOf = async (taskId: string) => {
    const [row] = await db.select().from(tasks).where(eq(tasks.taskId, taskId));
    const same = JSON.parse(JSON.stringify(row).replaceAll(taskId, 'T')) as { state: { spec: { specHash?: string } } };
    delete same.state.spec.specHash;
    return same;
  };
  const eventsOf = async (taskId: string) =>
    (await db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(asc(taskEvents.seq), asc(taskEvents.type))).map(
      ({ id: _id, idempotencyKey, workflowId: _w, taskId: _t, recordedAt: _r, ...rest }) => ({
        ...rest,
        key: idempotencyKey.replaceAll(taskId, 'T'),
      }),
    );

  t.test("a page's first records are one statement, and write what a task's own record writes", async (t) => {
    const writer = createFirstRecordWriter(db);
    const at = '2022-11-07T03:00:00.000Z';
    // A unit with supporting agencies, a prerequisite still open, a deadline and no due-soon line:
    // arrays, instants and nulls among the columns.
    const firstOf = (taskId: string) =>
      firstChange(
        makeSpec({
          planId: 'kh-test',
          taskId,
          unitId: 'xa-1',
          support: ['so-tttt', 'cong-an-tinh'],
          dependsOn: ['t01'],
          deadline: { kind: 'instant', at: DEADLINE },
        }),
        1,
        at,
      ).change;
    const byPage = [firstOf('t31'), firstOf('t32')];
    t.same(await writer.recordFirstChanges(byPage), []);
    // The same first record through the transaction: a notification makes a record take it.
    const own = firstOf('t33');
    await projection.recordTaskChange({ ...own, notifications: [firstReminderToTheHead(own.state)] });

    const row = await taskOf('t31');
    t.same(row, await taskOf('t33'), 'the same row, column by column');
    t.same(await taskOf('t32'), row, 'each task of the page its own row');
    t.match(row, { support: ['so-tttt', 'cong-an-tinh'], waitingFor: ['t01'], unitId: 'xa-1', seq: 1 });
    const events = await eventsOf('t31');
    t.equal(events.length, 1);
    t.same(events, await eventsOf('t33'), 'the same events, column by column');
  });

  t.test('a change that notifies nobody is one statement, and writes what the transaction writes', async (t) => {
    const staff = { id: 'u7', agency: 'so-tu-phap', role: 'staff' } as const;
    const lifeOf = (taskId: string) => {
      const ref = { taskId, unitId: 'xa-1' };
      const s1 = taskState(ref, { seq: 1, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-11-07T03:00:00.000Z' });
      const s2 = doneState(ref, 2, '2022-11-20T03:00:00.000Z');
      const completed = {
        ...event(s2, 'completed', s2.updatedAt, staff),
        requestId: 'req-7',
        data: { note: 'Đã hoàn thành "đúng hạn"', files: [{ name: 'bao-cao.pdf' }], value: 42.5, none: null },
      };
      return {
        first: change(s1, [event(s1, 'started', s1.updatedAt)]),
        done: change(s2, [completed, event(s2, 'progress_reported', s2.updatedAt, staff)]),
      };
    };
    const alone = lifeOf('t21');
    t.equal(await recordedAsNextSeq(db, alone.first), true, 'a first record');
    t.equal(await recordedAsNextSeq(db, alone.done), true, 'the next seq');
    // The same life through the transaction: a notification makes a record take it.
    const inTransaction = lifeOf('t22');
    for (const step of [inTransaction.first, inTransaction.done]) {
      await projection.recordTaskChange({ ...step, notifications: [firstReminderToTheHead(step.state)] });
    }

    t.same(await taskOf('t21'), await taskOf('t22'), 'the same row');
    const events = await eventsOf('t21');
    t.equal(events.length, 3);
    t.same(events, await eventsOf('t22'), 'the same events, column by column');
    t.same(events.find((row) => row.type === 'completed')?.data, {
      note: 'Đã hoàn thành "đúng hạn"',
      files: [{ name: 'bao-cao.pdf' }],
      value: 42.5,
      none: null,
    });

    t.equal(await recordedAsNextSeq(db, alone.done), false, 'a seq the row holds is the transaction’s to judge');
    t.equal(await recordedAsNextSeq(db, alone.first), false, 'and an earlier one');
    t.equal((await eventsOf('t21')).length, 3, 'neither wrote anything');
    await projection.recordTaskChange(alone.done);
    t.equal((await eventsOf('t21')).length, 3, 'the same record again writes nothing twice');

    const twice = lifeOf('t23');
    await Promise.all([projection.recordTaskChange(twice.first), projection.recordTaskChange(twice.first)]);
    t.equal((await db.select().from(tasks).where(eq(tasks.taskId, 't23'))).length, 1, 'two attempts at once: one row');
    t.equal((await eventsOf('t23')).length, 1, 'and its event once');

    const hostile = lifeOf('t24');
    const refusedEvent = { ...hostile.first.events[0]!, data: { note: 'ghi chú\u0000' } };
    t.equal(await recordedAsNextSeq(db, { ...hostile.first, events: [refusedEvent] }), false, 'refused as data: left to the transaction');
    const refusal = await projection.recordTaskChange({ ...hostile.first, events: [refusedEvent] }).then(
      () => undefined,
      (error: unknown) => error as ApplicationFailure,
    );
    t.equal(refusal?.type, UNSTORABLE_RECORD, 'which refuses it for good');
    t.equal((await db.select().from(tasks).where(eq(tasks.taskId, 't24'))).length, 0, 'and writes none of it');
  });

  t.test('one outbox row per notification, addressed from the plan contacts, in Vietnamese', async (t) => {
    const state = taskState(
      { taskId: 't03', title: 'Số hoá dữ liệu hộ tịch' },
      { seq: 5, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-12-01T01:00:00Z' },
    );
    const base = {
      workflowId: state.workflowId,
      planId: 'kh-test',
      taskId: 't03',
      deadlineVersion: 1,
      deadlineAt: DEADLINE,
      catchUp: false,
      at: '2022-12-01T01:00:00Z',
    };
    const requests: NotificationRequest[] = [
      {
        ...base,
        idempotencyKey: `${state.workflowId}:d1:r1`,
        kind: 'reminder',
        level: 1,
        to: { kind: 'lead_head', agency: 'so-tu-phap' },
        action: 'Nhắc nhở',
      },
      {
        ...base,
        idempotencyKey: `${state.workflowId}:d1:r2`,
        kind: 'reminder',
        level: 2,
        to: { kind: 'lead_staff', agency: 'so-tu-phap' },
        action: 'Nhắc nhở',
      },
      {
        ...base,
        idempotencyKey: `${state.workflowId}:d1:l2`,
        kind: 'escalation',
        level: 2,
        to: { kind: 'role', role: 'standing_office' },
        action: 'Đôn đốc',
      },
      {
        ...base,
        idempotencyKey: `${state.workflowId}:d1:l3`,
        kind: 'escalation',
        level: 3,
        to: { kind: 'role', role: 'chair' },
        action: 'Báo cáo Tổ trưởng',
        catchUp: true,
      },
      {
        ...base,
        idempotencyKey: `${state.workflowId}:d1:l4`,
        kind: 'escalation',
        level: 4,
        to: { kind: 'agency', agency: 'ubnd-vinh' },
        action: 'Yêu cầu giải trình',
      },
    ];
    await projection.recordTaskChange(change(state, [event(state, 'escalation', base.at)], requests));

    const rows = await db.select().from(notifications).orderBy(asc(notifications.idempotencyKey));
    const byKey = new Map(rows.map((row) => [row.idempotencyKey.split(':').pop(), row]));
    t.equal(rows.length, 5);
    t.same(byKey.get('r1')?.recipients, [{ channel: 'email', address: 'giamdoc@stp.example' }], 'lead_head → the head of the lead');
    t.same(byKey.get('r2')?.recipients, [{ channel: 'webhook', address: 'https://stp.example/hook' }], 'lead_staff → its staff');
    t.equal(byKey.get('r2')?.channel, 'webhook');
    t.same(
      byKey.get('l2')?.recipients,
      [{ channel: 'email', address: 'giamdoc@congan.example', name: 'Giám đốc' }],
      'a role bound to an agency → its head',
    );
    t.same(
      byKey.get('l3')?.recipients,
      [{ channel: 'email', address: 'chutich@ubnd.example', name: 'Chủ tịch UBND tỉnh' }],
      'a role bound to a person → that contact',
    );
    t.equal(byKey.get('l4')?.status, 'failed', 'an agency without contacts cannot be notified');
    t.match(byKey.get('l4')?.lastError ?? '', /UBND TP Vinh chưa có địa chỉ liên hệ/);
    const deliveryRows = await db.select().from(deliveries).orderBy(asc(deliveries.key));
    t.same(
      deliveryRows.map((row) => [row.key.slice(`${state.workflowId}:d1:`.length), row.state, row.summaryKey !== null]),
      [
        ['l2>email:giamdoc@congan.example', 'pending', false],
        ['l3>email:chutich@ubnd.example', 'pending', true],
        ['r1>email:giamdoc@stp.example', 'pending', false],
        ['r2>webhook:https://stp.example/hook', 'pending', false],
      ],
      'one delivery per recipient; the catch-up joins its recipient summary; none for a target without contacts',
    );
    t.equal(byKey.get('r1')?.status, 'pending');

    // The deadline is a date (the midnight that ends 30/11/2022): "ngày 30/11/2022", never "ngày … ngày".
    t.equal(byKey.get('r1')?.subject, '[Nhắc hạn] 771/KH-UBND: nhiệm vụ «Số hoá dữ liệu hộ tịch» đến hạn ngày 30/11/2022');
    t.match(byKey.get('r1')?.body ?? '', /^Kính gửi: Giám đốc Sở Tư pháp\.\n/);
    t.match(
      byKey.get('r1')?.body ?? '',
      /Theo Kế hoạch số 771\/KH-UBND \(Kế hoạch thử nghiệm\), nhiệm vụ «Số hoá dữ liệu hộ tịch» do Sở Tư pháp chủ trì có thời hạn hoàn thành ngày 30\/11\/2022/,
    );
    t.notMatch(byKey.get('r1')?.body ?? '', /ngày \S+ ngày/, 'no doubled "ngày"');
    // 01/12/2022 is the first working day after the deadline's day.
    t.equal(byKey.get('l2')?.subject, '[Đôn đốc] 771/KH-UBND: nhiệm vụ «Số hoá dữ liệu hộ tịch» đã quá hạn 1 ngày làm việc (hạn ngày 30/11/2022)');
    t.match(byKey.get('l2')?.body ?? '', /^Kính gửi: Cơ quan thường trực \(Công an tỉnh\)\./);
    t.match(byKey.get('l2')?.body ?? '', /Nội dung: Đôn đốc \(cấp 2\)\./);
    t.match(
      byKey.get('l2')?.body ?? '',
      /Kính báo cáo Cơ quan thường trực \(Công an tỉnh\) để theo dõi, chỉ đạo Sở Tư pháp khẩn trương hoàn thành\./,
    );
    t.match(byKey.get('l3')?.body ?? '', /Ghi chú: mốc này đã qua khi thông báo được lập/);
    t.notMatch(byKey.get('l3')?.body ?? '', /chưa theo dõi/, 'a catch-up does not claim the task was not tracked');
    t.equal(byKey.get('l2')?.payload.deadlineAt, DEADLINE);

    const escalationRows = await db.select().from(escalations);
    t.equal(escalationRows.length, 5, 'each request is also in escalations');
    t.equal(escalationRows.find((row) => row.level === 3 && row.kind === 'escalation')?.catchUp, true);
  });

  t.test("the plan's notify options: no catch-up notices, no waiting for working hours", async (t) => {
    await reset();
    await projection.recordPlanVersion(planVersion(1, planDocument({ notify: { catchUp: 'none', workingHours: false } })));
    const state = taskState({ taskId: 't20' }, { seq: 2, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-12-05T02:00:00Z' });
    const base = {
      workflowId: state.workflowId,
      planId: 'kh-test',
      taskId: 't20',
      deadlineVersion: 1,
      deadlineAt: DEADLINE,
      to: { kind: 'lead_staff' as const, agency: 'so-tu-phap' },
      action: '',
      at: '2099-01-01T12:00:00.000Z',
    };
    const before = Date.now();
    await projection.recordTaskChange(
      change(
        state,
        [event(state, 'reminder', base.at)],
        [
          { ...base, idempotencyKey: `${state.workflowId}:d1:r1`, kind: 'reminder', level: 1, catchUp: true },
          { ...base, idempotencyKey: `${state.workflowId}:d1:r2`, kind: 'reminder', level: 2, catchUp: false, at: new Date(before).toISOString() },
        ],
      ),
    );
    const rows = await db.select().from(notifications).orderBy(asc(notifications.idempotencyKey));
    t.same(
      rows.map((row) => [row.status, row.lastError]),
      [
        ['skipped', 'Không gửi: kế hoạch quy định không gửi thông báo bù cho các mốc đã qua (notify.catchUp: none).'],
        ['pending', null],
      ],
    );
    const sent = await db.select().from(deliveries);
    t.equal(sent.length, 1, 'only the notice that is not a catch-up is delivered');
    t.ok(sent[0]!.sendAfter.getTime() - before < 60_000, 'a reminder goes out at once, whatever the hour');
  });

  t.test('plan versions: idempotent, newest wins, agencies follow the current version', async (t) => {
    await projection.recordPlanVersion(planVersion(1));
    const second = planDocument({
      title: 'Kế hoạch thử nghiệm (sửa đổi)',
      agencies: [
        { id: 'cong-an-tinh', name: 'Công an tỉnh Nghệ An', kind: 'police', contacts: [] },
        { id: 'so-tttt', name: 'Sở Thông tin và Truyền thông', kind: 'department', contacts: [] },
      ],
    });
    await projection.recordPlanVersion(planVersion(2, second));
    await projection.recordPlanVersion(planVersion(1)); // a late retry of version 1

    const [plan] = await db.select().from(plans);
    t.equal(plan?.currentVersion, 2);
    t.equal(plan?.title, 'Kế hoạch thử nghiệm (sửa đổi)');
    t.equal(plan?.issuedOn, '2022-11-07');
    t.equal(plan?.code, '771/KH-UBND');
    t.same(
      (await db.select().from(planVersions).orderBy(asc(planVersions.version))).map((v) => v.version),
      [1, 2],
    );
    const names = (await db.select().from(agencies).orderBy(asc(agencies.id))).map((a) => [a.id, a.name]);
    t.same(names, [
      ['cong-an-tinh', 'Công an tỉnh Nghệ An'],
      ['so-tttt', 'Sở Thông tin và Truyền thông'],
    ]);
  });

  t.test('a re-applied plan is notified with its new contacts at once (the worker keeps contexts per version)', async (t) => {
    const notifyHead = async (taskId: string, seq: number) => {
      const state = taskState({ taskId }, { seq, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-12-01T01:00:00Z' });
      await projection.recordTaskChange(change(state, [event(state, 'reminder', state.updatedAt)], [firstReminderToTheHead(state)]));
      const rows = await db.select().from(notifications);
      return rows.find((row) => row.taskId === taskId)?.recipients;
    };
    t.same(await notifyHead('t31', 1), [{ channel: 'email', address: 'giamdoc@stp.example' }]);
    const moved = planDocument();
    moved.agencies = moved.agencies.map((agency) =>
      agency.id === 'so-tu-phap' ? { ...agency, contacts: [{ role: 'head', channel: 'email', address: 'giamdoc.moi@stp.example' }] } : agency,
    );
    await projection.recordPlanVersion(planVersion(2, moved));
    t.same(await notifyHead('t32', 1), [{ channel: 'email', address: 'giamdoc.moi@stp.example' }]);
  });

  t.test('a change for a plan not yet projected still lands (no contacts to resolve)', async (t) => {
    await reset();
    const state = taskState({ taskId: 't09' }, { seq: 1, progress: 'not_started', deadlineAt: DEADLINE, updatedAt: '2022-11-07T03:00:00Z' });
    await projection.recordTaskChange(change(state, [event(state, 'started', state.updatedAt, SYSTEM)], [firstReminderToTheHead(state)]));
    const [row] = await db.select().from(notifications);
    t.equal(row?.status, 'failed');
    t.match(row?.subject ?? '', /^\[Nhắc hạn\] kh-test: /);
  });

  t.test('the facts the rule needs land on the task row and, as they were after it, on each event', async (t) => {
    const base = taskState({ taskId: 't10' }, { seq: 4, progress: 'paused', deadlineAt: DEADLINE, updatedAt: '2022-11-25T03:00:00Z' });
    const shifted = '2022-12-02T17:00:00.000Z';
    const state = {
      ...base,
      pausedAt: '2022-11-25T03:00:00.000Z',
      pausedMs: 2 * 86_400_000,
      waitingFor: ['t09'],
      facts: {
        progress: 'paused' as const,
        deadlineKind: 'fixed' as const,
        deadlineAt: shifted,
        dueSoonAt: '2022-11-29T17:00:00.000Z',
        pausedAt: '2022-11-25T03:00:00.000Z',
      },
    };
    await projection.recordTaskChange(change(state, [event(state, 'paused', state.updatedAt)]));
    const [row] = await db.select().from(tasks).where(eq(tasks.workflowId, state.workflowId));
    t.equal(row?.deadlineAt?.toISOString(), shifted, 'the deadline in force, moved by earlier pauses');
    t.equal(row?.dueSoonAt?.toISOString(), '2022-11-29T17:00:00.000Z');
    t.equal(row?.pausedAt?.toISOString(), '2022-11-25T03:00:00.000Z');
    t.equal(row?.deadlineKind, 'fixed');
    t.same(row?.waitingFor, ['t09']);
    const [after] = await db.select().from(taskEvents).where(eq(taskEvents.workflowId, state.workflowId));
    t.equal(after?.progressAfter, 'paused');
    t.equal(after?.deadlineAtAfter?.toISOString(), shifted);
    t.equal(after?.dueSoonAtAfter?.toISOString(), '2022-11-29T17:00:00.000Z');
    t.equal(after?.pausedAtAfter?.toISOString(), '2022-11-25T03:00:00.000Z');
    t.equal(after?.deadlineKindAfter, 'fixed');
  });
});
