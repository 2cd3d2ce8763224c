/**
 * A task's whole life on the time-skipping test server: weeks of reminders and escalation levels
 * in seconds of wall time, with the real workflow code and an in-memory projection.
 */
import t from 'tap';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { addDays, endOfLocalDay } from '../../src/plan/calendar';
import type { CalendarData, TaskSpec } from '../../src/plan/model';
import { deadlineInstant, taskTimetable } from '../../src/plan/timetable';
import { taskWorkflowId } from '../../src/workflows/ids';
import {
  amend,
  cancelTask,
  complete,
  confirm,
  decideExtension,
  getState,
  pause,
  release,
  reportProgress,
  requestExtension,
  resume,
  returnTask,
  taskWorkflowInput,
} from '../../src/workflows/messages';
import type { TaskStateView } from '../../src/domain';
import type { taskWorkflow } from '../../src/workflows/task';
import { actors, makeSpec, RecordingActivities, skipTo, standardPolicy, startTimeSkipping, TZ, vnCalendar, rejection } from '../helpers/temporal';
import { eventually, freshPlanId } from '../helpers/wait';
import { bundleWorkflows } from '../../src/temporal/worker';

const DAY = 86_400_000;
const taskQueue = 'task-workflow-test';

let env: TestWorkflowEnvironment;
const recorder = new RecordingActivities();

// Tasks started alone warn that they have no plan workflow to tell; keep the test output readable.
Runtime.install({ logger: new DefaultLogger('ERROR') });

t.before(async () => {
  const bundle = await bundleWorkflows();
  env = await startTimeSkipping();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recorder.activities,
  });
  const running = worker.run();
  t.teardown(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
  });
});

async function startTask(spec: TaskSpec): Promise<WorkflowHandle<typeof taskWorkflow>> {
  const handle = await env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
    taskQueue,
    workflowId: taskWorkflowId(spec),
    args: [taskWorkflowInput(spec, 1)],
  });
  // The first record is written before anything else happens.
  await eventually(() => recorder.changes.some((change) => change.state.workflowId === handle.workflowId), 15_000, 'the start record');
  return handle;
}

/** Timers fire a few milliseconds after their instant; compare to the second. */
const roundToSecond = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();

const state = (handle: WorkflowHandle<typeof taskWorkflow>): Promise<TaskStateView> => handle.query(getState);
const noteKeys = (workflowId: string) => recorder.notifications(workflowId).map((note) => note.idempotencyKey.slice(workflowId.length + 1));

/** A deadline `days` calendar days from the server's now, as the end of that local day. */
async function deadlineInDays(days: number): Promise<string> {
  const now = await env.currentTimeMs();
  const date = new Date(now + days * DAY).toLocaleDateString('en-CA', { timeZone: TZ });
  return endOfLocalDay(date, TZ);
}

/**
 * Tết Quý Mão (20–26/01/2023) moved forward by whole weeks until it lies ahead of the test
 * server's clock: weekdays and the Vietnam offset are unchanged, so every instant of the 2023
 * timetable moves by exactly the same amount and can be compared with hand-computed 2023 dates.
 */
function tet2023Shifted(nowMs: number): { calendar: CalendarData; shiftDays: number } {
  const tetStart = Date.parse('2023-01-20T00:00:00Z');
  const weeks = Math.ceil((nowMs + 30 * DAY - tetStart) / (7 * DAY));
  const shiftDays = weeks * 7;
  const holidays = vnCalendar.holidays.filter((date) => date.startsWith('2023-')).map((date) => addDays(date, shiftDays));
  const years = [...new Set(holidays.map((date) => Number(date.slice(0, 4))))];
  return { calendar: { name: 'vn-tet-2023-shifted', weekend: [6, 7], holidays, workingWeekends: [], years }, shiftDays };
}

t.test('whole life across Tết: reminders 3 and 1 working days before, levels at +0, +3 and +7 working days, late completion', async (t) => {
  // Hand-computed for a deadline of 30/01/2023 (Monday after Tết), Asia/Ho_Chi_Minh = UTC+7:
  // 3 working days before 30/01 skips Tết (20–26/01): 27/01, 19/01, 18/01 → 18/01 08:00;
  // 1 working day before → Friday 27/01 08:00; due soon from the start of 18/01;
  // +3 working days → end of 02/02; +7 → 31/01, 01–03/02, 06–08/02 → end of 08/02.
  const expected2023 = {
    due_soon: '2023-01-17T17:00:00.000Z',
    r1: '2023-01-18T01:00:00.000Z',
    r2: '2023-01-27T01:00:00.000Z',
    deadline: '2023-01-30T17:00:00.000Z',
    l1: '2023-01-30T17:00:00.000Z',
    l2: '2023-02-02T17:00:00.000Z',
    l3: '2023-02-08T17:00:00.000Z',
  };
  const pure2023 = taskTimetable({ deadlineAt: expected2023.deadline, policy: standardPolicy, calendar: vnCalendar, timezone: TZ });
  t.same(
    pure2023.map((entry) => entry.at),
    [expected2023.due_soon, expected2023.r1, expected2023.r2, expected2023.deadline, expected2023.l1, expected2023.l2, expected2023.l3],
    'the pure timetable agrees with the hand-computed 2023 dates',
  );

  const { calendar, shiftDays } = tet2023Shifted(await env.currentTimeMs());
  const shift = (iso: string) => new Date(Date.parse(iso) + shiftDays * DAY).toISOString();
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't01', calendar, deadline: { kind: 'instant', at: shift(expected2023.deadline) } });
  const timetable = taskTimetable({
    deadlineAt: spec.deadline.kind === 'instant' ? spec.deadline.at : '',
    policy: standardPolicy,
    calendar,
    timezone: TZ,
  });
  t.same(
    timetable.map((entry) => entry.at),
    pure2023.map((entry) => shift(entry.at)),
    'the shifted calendar gives the same timetable, shifted',
  );

  const handle = await startTask(spec);
  const wf = handle.workflowId;
  let view = await state(handle);
  t.equal(view.progress, 'in_progress');
  t.equal(view.category, 'open_on_time');
  t.equal(view.deadlineVersion, 1);
  t.same(
    view.upcoming.map((entry) => entry.at),
    timetable.map((entry) => entry.at),
    'upcoming lists the whole timetable',
  );

  await skipTo(env, shift('2023-01-18T00:30:00.000Z'));
  await eventually(async () => {
    const current = await state(handle);
    return current.deadlineState === 'due_soon' && current;
  });
  t.same(noteKeys(wf), [], 'no reminder before 08:00 on the third working day before');

  await skipTo(env, shift('2023-01-26T12:00:00.000Z'));
  await eventually(() => recorder.notifications(wf).length === 1);
  t.same(noteKeys(wf), ['d1:r1'], 'the first reminder fired, none during Tết');

  await skipTo(env, shift('2023-02-08T12:00:00.000Z'));
  await eventually(() => recorder.notifications(wf).length === 4, 15_000, 'four notifications').catch(async (error) => {
    t.comment(JSON.stringify({ keys: noteKeys(wf), now: new Date(await env.currentTimeMs()).toISOString(), state: await state(handle) }));
    throw error;
  });
  const notes = recorder.notifications(wf);
  t.same(noteKeys(wf), ['d1:r1', 'd1:r2', 'd1:l1', 'd1:l2'], 'each once, in order');
  t.same(
    notes.map((note) => roundToSecond(note.at)),
    [shift(expected2023.r1), shift(expected2023.r2), shift(expected2023.l1), shift(expected2023.l2)],
    'each at its hand-computed instant',
  );
  t.ok(
    notes.every((note) => !note.catchUp),
    'none is a catch-up',
  );
  t.same(notes[1]!.to, { kind: 'lead_staff', agency: 'so-tu-phap' }, 'reminders go to the lead');
  t.equal(notes[3]!.action, 'Đôn đốc');
  t.equal(notes[0]!.action, '', 'a reminder carries no wording of its own: the message and the task page word it in the language of their reader');

  await skipTo(env, shift('2023-02-10T00:00:00.000Z'));
  await eventually(() => recorder.notifications(wf).length === 5, 15_000, 'level 3');
  t.equal(roundToSecond(recorder.notifications(wf)[4]!.at), shift(expected2023.l3), 'level 3 at the end of the seventh working day after');
  view = await state(handle);
  t.equal(view.escalationLevel, 3);
  t.equal(view.deadlineState, 'overdue');
  t.equal(view.category, 'open_overdue');
  t.same(view.upcoming, [], 'nothing ahead');
  const types = recorder.events(wf).map((event) => event.type);
  t.same(
    types.filter((type) => type === 'due_soon' || type === 'overdue'),
    ['due_soon', 'overdue'],
  );
  // Each event is placed at the instant it is for, with the processing time beside it.
  const timed = recorder.events(wf).filter((event) => ['due_soon', 'overdue', 'reminder', 'escalation'].includes(event.type));
  t.same(
    timed.map((event) => [event.type, event.at]),
    [
      ['due_soon', shift(expected2023.due_soon)],
      ['reminder', shift(expected2023.r1)],
      ['reminder', shift(expected2023.r2)],
      ['overdue', shift(expected2023.deadline)],
      ['escalation', shift(expected2023.l1)],
      ['escalation', shift(expected2023.l2)],
      ['escalation', shift(expected2023.l3)],
    ],
    'stamped with their scheduled instants',
  );
  t.ok(
    timed.every((event) => typeof event.data.processedAt === 'string' && Date.parse(event.data.processedAt as string) >= Date.parse(event.at)),
    'processedAt beside each',
  );

  const done = await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff, note: 'Đã số hoá xong' }] });
  t.equal(done.progress, 'done');
  t.equal(done.category, 'done_late', 'reported after the deadline');
  const seqs = recorder.changes.filter((change) => change.state.workflowId === wf).map((change) => change.state.seq);
  t.same(
    seqs,
    seqs.map((_, index) => index + 1),
    'one record per state change, seq without gaps',
  );

  await skipTo(env, shift('2023-03-01T00:00:00.000Z'));
  t.equal(recorder.notifications(wf).length, 5, 'nothing more after completion');
});

t.test('on-time completion with confirmation, a return and the rejections around it', async (t) => {
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't02', confirmation: true, deadline: { kind: 'instant', at: await deadlineInDays(20) } });
  const handle = await startTask(spec);

  const forbidden = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.otherStaff }] }));
  t.equal(forbidden.type, 'Forbidden');
  t.match(forbidden.message, /so-tu-phap/);
  const backdatedByStaff = await rejection(
    handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff, completedAt: new Date(Date.now() - DAY).toISOString() }] }),
  );
  t.equal(backdatedByStaff.type, 'Forbidden', 'only an admin may back-date');
  const early = await rejection(handle.executeUpdate(confirm, { args: [{ actor: actors.leader }] }));
  t.equal(early.type, 'InvalidState', 'nothing to confirm yet');

  await env.sleep('2 days');
  let view = await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff, evidence: 'cv-123' }] });
  t.equal(view.progress, 'awaiting_confirmation');
  t.equal(view.category, 'open_on_time', 'awaiting confirmation still counts as open');
  const again = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] }));
  t.equal(again.type, 'InvalidState');
  t.match(again.message, /\d{2}\/\d{2}\/\d{4}/, 'the message names the day it was reported');

  const staffConfirm = await rejection(handle.executeUpdate(confirm, { args: [{ actor: actors.leadStaff }] }));
  t.equal(staffConfirm.type, 'Forbidden');
  const noReason = await rejection(handle.executeUpdate(returnTask, { args: [{ actor: actors.leader, reason: '  ' }] }));
  t.equal(noReason.type, 'InvalidInput');

  view = await handle.executeUpdate(returnTask, { args: [{ actor: actors.leader, reason: 'Thiếu số liệu xã Nghi Lộc' }] });
  t.equal(view.progress, 'returned');
  t.equal(view.returnReason, 'Thiếu số liệu xã Nghi Lộc');
  t.equal(view.category, 'open_on_time');

  await env.sleep('3 days');
  view = await handle.executeUpdate(reportProgress, { args: [{ actor: actors.supportStaff, value: 80 }] });
  t.equal(view.progressValue, 80, 'a supporting agency may report progress');
  const negative = await rejection(handle.executeUpdate(reportProgress, { args: [{ actor: actors.leadStaff, value: -1 }] }));
  t.equal(negative.type, 'InvalidInput');

  view = await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
  const reportedAt = view.completedAt!;
  await env.sleep('30 days');
  view = await handle.executeUpdate(confirm, { args: [{ actor: actors.leader }] });
  t.equal(view.progress, 'done');
  t.equal(view.category, 'done_on_time', 'the report time decides, not the (late) confirmation');
  t.equal(view.completedAt, reportedAt);
  t.same(
    noteKeys(handle.workflowId).filter((key) => key.includes(':l')),
    [],
    'no level fires while awaiting confirmation',
  );
});

t.test('an administrator back-dates a completion before the deadline', async (t) => {
  const deadlineAt = await deadlineInDays(5);
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't03', deadline: { kind: 'instant', at: deadlineAt } });
  const handle = await startTask(spec);
  await env.sleep('10 days');
  const future = await rejection(
    handle.executeUpdate(complete, { args: [{ actor: actors.admin, completedAt: new Date((await env.currentTimeMs()) + DAY).toISOString() }] }),
  );
  t.equal(future.type, 'InvalidInput');
  const completedAt = new Date(Date.parse(deadlineAt) - DAY).toISOString();
  const view = await handle.executeUpdate(complete, { args: [{ actor: actors.admin, completedAt }] });
  t.equal(view.category, 'done_on_time');
  t.equal(view.completedAt, completedAt);
  const event = recorder.events(handle.workflowId).find((candidate) => candidate.type === 'completed')!;
  t.equal(event.at, completedAt, 'the audit log carries the recorded completion time');
});

t.test('a record the read model refuses as data refuses the write and leaves the task where it stood', async (t) => {
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't05', deadline: { kind: 'instant', at: await deadlineInDays(10) } });
  const handle = await startTask(spec);
  const before = await state(handle);
  recorder.refuseWhen = (change) => change.events.some((event) => (event.data as { note?: string }).note === 'không lưu được');
  t.teardown(() => {
    recorder.refuseWhen = undefined;
  });
  const refused = await handle.executeUpdate(reportProgress, { args: [{ actor: actors.leadStaff, value: 40, note: 'không lưu được' }] }).then(
    () => undefined,
    (error: unknown) => error,
  );
  t.ok(refused instanceof WorkflowUpdateFailedError, 'the write is refused');
  const after = await state(handle);
  t.equal(after.seq, before.seq, 'the task did not move ahead of its record');
  t.equal(after.progressValue, before.progressValue, 'nor took the refused value');
  const accepted = await handle.executeUpdate(reportProgress, { args: [{ actor: actors.leadStaff, value: 50, note: 'lưu được' }] });
  t.equal(accepted.seq, before.seq + 1, 'the next write takes the next seq: no gap in the records');
  t.equal(accepted.progressValue, 50);
  t.same(
    recorder.events(handle.workflowId).map((event) => event.type),
    ['started', 'progress_reported'],
    'only what was recorded is in the history',
  );
});

t.test('pause stops the clock and the ladder; resume shifts the timetable by the paused time', async (t) => {
  const deadlineAt = await deadlineInDays(14);
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't04', deadline: { kind: 'instant', at: deadlineAt } });
  const handle = await startTask(spec);
  const wf = handle.workflowId;
  const original = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ });

  const byStaff = await rejection(handle.executeUpdate(pause, { args: [{ actor: actors.leadStaff, reason: 'x' }] }));
  t.equal(byStaff.type, 'Forbidden');
  await env.sleep('1 day');
  let view = await handle.executeUpdate(pause, { args: [{ actor: actors.leader, reason: 'Chờ kinh phí' }] });
  t.equal(view.progress, 'paused');
  const pausedAt = await env.currentTimeMs();
  const blocked = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] }));
  t.equal(blocked.type, 'InvalidState');

  await env.sleep('40 days');
  t.same(noteKeys(wf), [], 'nothing fires while paused, though every instant has passed');
  view = await handle.executeUpdate(resume, { args: [{ actor: actors.leader }] });
  const pausedMs = (await env.currentTimeMs()) - pausedAt;
  t.equal(view.progress, 'in_progress');
  t.ok(Math.abs(view.pausedMs - pausedMs) < 60_000, 'the paused time is counted');
  t.same(noteKeys(wf), [], 'resuming fires nothing: the timetable moved with the pause');
  const shifted = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ, pausedMs: view.pausedMs });
  const firstReminder = shifted.find((entry) => entry.kind === 'reminder')!;
  t.equal(Date.parse(firstReminder.at) - Date.parse(original.find((entry) => entry.kind === 'reminder')!.at), view.pausedMs);

  await skipTo(env, new Date(Date.parse(firstReminder.at) + 60_000).toISOString());
  await eventually(() => recorder.notifications(wf).length === 1, 15_000, 'the shifted reminder');
  const note = recorder.notifications(wf)[0]!;
  t.equal(note.idempotencyKey, `${wf}:d1:r1`);
  t.ok(Math.abs(Date.parse(note.at) - Date.parse(firstReminder.at)) < 1000, 'the reminder fires at its shifted instant');
  t.equal(note.catchUp, false);
});

t.test('an approved extension re-arms the ladder from the new deadline; a denied one moves nothing', async (t) => {
  const deadlineAt = await deadlineInDays(3);
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't05', deadline: { kind: 'instant', at: deadlineAt } });
  const handle = await startTask(spec);
  const wf = handle.workflowId;
  await skipTo(env, new Date(Date.parse(deadlineAt) + 3_600_000).toISOString());
  await eventually(() => noteKeys(wf).includes('d1:l1'), 15_000, 'level 1');

  const newDate = new Date(Date.parse(deadlineAt) + 20 * DAY).toLocaleDateString('en-CA', { timeZone: TZ });
  const earlier = await rejection(
    handle.executeUpdate(requestExtension, { args: [{ actor: actors.leadStaff, newDeadline: '2020-01-01', reason: 'x' }] }),
  );
  t.equal(earlier.type, 'InvalidInput');
  let view = await handle.executeUpdate(requestExtension, { args: [{ actor: actors.leadStaff, newDeadline: newDate, reason: 'Chờ dữ liệu C06' }] });
  const request = view.extensionRequests[0]!;
  t.equal(request.status, 'pending');
  t.equal(request.newDeadline, endOfLocalDay(newDate, TZ), 'a date means the end of that local day');
  const second = await rejection(
    handle.executeUpdate(requestExtension, { args: [{ actor: actors.leadStaff, newDeadline: newDate, reason: 'again' }] }),
  );
  t.equal(second.type, 'InvalidState', 'one pending request at a time');
  const byStaff = await rejection(
    handle.executeUpdate(decideExtension, { args: [{ actor: actors.leadStaff, extensionId: request.id, approve: true }] }),
  );
  t.equal(byStaff.type, 'Forbidden');
  const unknown = await rejection(handle.executeUpdate(decideExtension, { args: [{ actor: actors.leader, extensionId: 'e99', approve: true }] }));
  t.equal(unknown.type, 'NotFound');

  view = await handle.executeUpdate(decideExtension, { args: [{ actor: actors.leader, extensionId: request.id, approve: true }] });
  t.equal(view.deadlineAt, request.newDeadline);
  t.equal(view.deadlineVersion, 2);
  t.equal(view.escalationLevel, 0);
  t.equal(view.category, 'open_on_time', 'back within the deadline');

  await skipTo(env, new Date(Date.parse(request.newDeadline) + 3_600_000).toISOString());
  await eventually(() => noteKeys(wf).includes('d2:l1'), 15_000, 'level 1 of the new deadline');
  t.same(
    noteKeys(wf).filter((key) => key.startsWith('d2:')),
    ['d2:r1', 'd2:r2', 'd2:l1'],
    'the reminders and level 1 fire again for the new deadline version',
  );
  t.equal(noteKeys(wf).filter((key) => key === 'd1:l1').length, 1);

  view = await handle.executeUpdate(requestExtension, {
    args: [{ actor: actors.leadStaff, newDeadline: new Date(Date.parse(request.newDeadline) + 10 * DAY).toISOString(), reason: 'Thêm thời gian' }],
  });
  view = await handle.executeUpdate(decideExtension, {
    args: [{ actor: actors.leader, extensionId: view.extensionRequests[1]!.id, approve: false, note: 'Không đồng ý' }],
  });
  t.equal(view.deadlineVersion, 2, 'a denied extension moves nothing');
  t.equal(view.deadlineAt, request.newDeadline);
  t.equal(view.extensionRequests[1]!.status, 'denied');
});

t.test('a task applied after several instants passed fires one catch-up event, not a burst', async (t) => {
  const now = await env.currentTimeMs();
  const deadlineAt = endOfLocalDay(new Date(now - 8 * DAY).toLocaleDateString('en-CA', { timeZone: TZ }), TZ);
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't06', deadline: { kind: 'instant', at: deadlineAt } });
  const timetable = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ });
  const handle = await startTask(spec);
  const startedAt = await env.currentTimeMs();
  const passedLevels = timetable.filter((entry) => entry.kind === 'escalation' && Date.parse(entry.at) <= startedAt);
  t.ok(passedLevels.length >= 2, 'the scenario has several levels behind it');
  const highest = passedLevels[passedLevels.length - 1]!;

  const notes = await eventually(() => recorder.notifications(handle.workflowId).length > 0 && recorder.notifications(handle.workflowId));
  t.equal(notes.length, 1, 'exactly one notification');
  t.equal(notes[0]!.kind, 'escalation');
  t.equal(notes[0]!.level, highest.kind === 'escalation' ? highest.level : -1, 'the highest passed level');
  t.equal(notes[0]!.catchUp, true);
  const view = await state(handle);
  t.equal(view.escalationLevel, notes[0]!.level);
  t.equal(view.category, 'open_overdue');
  const escalationEvents = recorder.events(handle.workflowId).filter((event) => event.type === 'escalation' || event.type === 'reminder');
  t.equal(escalationEvents.length, 1, 'one event in the audit log');
});

t.test('a dependent task waits for its prerequisite; an after-task deadline counts from its completion', async (t) => {
  const planId = freshPlanId();
  const within = { amount: 5, unit: 'working_day' as const };
  const spec = makeSpec({ planId, taskId: 't08', dependsOn: ['t07'], deadline: { kind: 'after_task', taskId: 't07', within } });
  const handle = await startTask(spec);
  let view = await state(handle);
  t.equal(view.progress, 'not_started');
  t.same(view.waitingFor, ['t07']);
  t.equal(view.deadlineAt, undefined);
  const waiting = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] }));
  t.equal(waiting.type, 'InvalidState');
  t.match(waiting.message, /t07/);

  await env.sleep('4 days');
  const doneAt = new Date(await env.currentTimeMs()).toISOString();
  await handle.signal(release, { taskId: 't07', doneAt });
  view = await eventually(async () => {
    const current = await state(handle);
    return current.progress === 'in_progress' && current;
  });
  t.same(view.waitingFor, []);
  t.equal(view.deadlineAt, deadlineInstant({ rule: spec.deadline, anchorAt: doneAt, calendar: vnCalendar, timezone: TZ }));
  t.equal(view.deadlineVersion, 1);
  await handle.signal(release, { taskId: 't07', doneAt });
  await env.sleep('1 hour');
  t.equal(recorder.events(handle.workflowId).filter((event) => event.type === 'released').length, 1, 'a repeated release changes nothing');
});

t.test('amendment moves the deadline and the timers follow; the same spec changes nothing; cancel ends the workflow', async (t) => {
  const deadlineAt = await deadlineInDays(4);
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't09', deadline: { kind: 'instant', at: deadlineAt } });
  const handle = await startTask(spec);
  const wf = handle.workflowId;

  const byStaff = await rejection(handle.executeUpdate(amend, { args: [{ actor: actors.leadStaff, spec, planVersion: 2 }] }));
  t.equal(byStaff.type, 'Forbidden');
  const before = await state(handle);
  const same = await handle.executeUpdate(amend, { args: [{ actor: actors.system, spec, planVersion: 2 }] });
  t.equal(same.seq, before.seq, 'an unchanged spec is not a state change');

  const movedAt = new Date(Date.parse(deadlineAt) + 10 * DAY).toISOString();
  const moved = makeSpec({ ...spec, deadline: { kind: 'instant', at: movedAt } });
  const view = await handle.executeUpdate(amend, { args: [{ actor: actors.system, spec: moved, planVersion: 2 }] });
  t.equal(view.deadlineAt, movedAt);
  t.equal(view.deadlineVersion, 2);
  const amended = recorder.events(wf).find((event) => event.type === 'amended')!;
  t.same(amended.data.fields, ['deadline']);

  await skipTo(env, new Date(Date.parse(deadlineAt) + DAY).toISOString());
  t.notOk(noteKeys(wf).includes('d1:l1'), 'the old deadline passes silently');
  await skipTo(env, new Date(Date.parse(movedAt) + 60_000).toISOString());
  await eventually(() => noteKeys(wf).includes('d2:l1'), 15_000, 'level 1 at the amended deadline');

  const cancelled = await handle.executeUpdate(cancelTask, { args: [{ actor: actors.system, planVersion: 3, reason: 'Bỏ khỏi kế hoạch' }] });
  t.equal(cancelled.progress, 'cancelled');
  const result = await handle.result();
  t.equal(result.progress, 'cancelled', 'the workflow completes with its final state');
});

t.test('units and occurrences of one task are separate workflows', async (t) => {
  const planId = freshPlanId();
  const deadline = { kind: 'instant' as const, at: await deadlineInDays(30) };
  const specs = [
    makeSpec({ planId, taskId: 't10', unitId: 'ubnd-vinh', lead: 'ubnd-vinh', deadline }),
    makeSpec({ planId, taskId: 't10', unitId: 'ubnd-quynh-luu', lead: 'ubnd-quynh-luu', deadline }),
    makeSpec({ planId, taskId: 't11', occurrence: '2026-12', deadline }),
    makeSpec({ planId, taskId: 't11', occurrence: '2027-01', deadline }),
  ];
  const handles = await Promise.all(specs.map(startTask));
  t.same(
    handles.map((handle) => handle.workflowId),
    [`task:${planId}:t10@ubnd-vinh`, `task:${planId}:t10@ubnd-quynh-luu`, `task:${planId}:t11#2026-12`, `task:${planId}:t11#2027-01`],
  );
  const vinh = { id: 'u-vinh', agency: 'ubnd-vinh', role: 'staff' as const };
  const done = await handles[0]!.executeUpdate(complete, { args: [{ actor: vinh }] });
  t.equal(done.unitId, 'ubnd-vinh');
  t.equal(done.progress, 'done');
  const other = await rejection(handles[1]!.executeUpdate(complete, { args: [{ actor: vinh }] }));
  t.equal(other.type, 'Forbidden', "one unit cannot report another's copy");
  const occurrence = await handles[2]!.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
  t.equal(occurrence.occurrence, '2026-12');
  t.equal((await state(handles[3]!)).progress, 'in_progress', 'the other occurrence is untouched');
});

t.test('state carried by continue-as-new: nothing fires twice, the ladder and seq carry on', async (t) => {
  const deadlineAt = await deadlineInDays(3);
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't12', deadline: { kind: 'instant', at: deadlineAt } });
  const first = await startTask(spec);
  await skipTo(env, new Date(Date.parse(deadlineAt) + 3_600_000).toISOString());
  await eventually(() => noteKeys(first.workflowId).includes('d1:l1'), 15_000, 'level 1 in the first run');
  const carried = await state(first);
  const firedBefore = noteKeys(first.workflowId);
  await first.terminate('replaced by a run with the carried state');
  const changesBefore = recorder.changes.length;

  // What continueAsNew passes: the view and the timer bookkeeping.
  const second = await env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
    taskQueue,
    workflowId: first.workflowId,
    args: [
      { ...taskWorkflowInput(spec, 1), carried, carriedClock: { firedKeys: firedBefore.map((key) => key.split(':')[1]!), prerequisitesDoneAt: {} } },
    ],
  });
  const timetable = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ });
  const levelTwo = timetable.find((entry) => entry.kind === 'escalation' && entry.level === 2)!;
  await skipTo(env, new Date(Date.parse(levelTwo.at) + 60_000).toISOString());
  await eventually(() => noteKeys(second.workflowId).includes('d1:l2'), 15_000, 'level 2 in the second run');
  t.same(noteKeys(second.workflowId), [...firedBefore, 'd1:l2'], 'nothing announced twice');
  const next = recorder.changes.slice(changesBefore).find((change) => change.state.workflowId === second.workflowId)!;
  t.equal(next.state.seq, carried.seq + 1, 'seq continues');
  t.equal(next.notifications[0]!.catchUp, false);
  const view = await state(second);
  t.equal(view.escalationLevel, 2);
  t.equal(view.deadlineVersion, 1);
});

t.test('a task returned after its deadline passed goes straight to its current level, once', async (t) => {
  const deadlineAt = await deadlineInDays(10);
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't13', confirmation: true, deadline: { kind: 'instant', at: deadlineAt } });
  const handle = await startTask(spec);
  const wf = handle.workflowId;
  await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
  const timetable = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ });
  const levelTwo = timetable.find((entry) => entry.kind === 'escalation' && entry.level === 2)!;
  await skipTo(env, new Date(Date.parse(levelTwo.at) + 3_600_000).toISOString());
  t.same(noteKeys(wf), [], 'nothing fires while the report awaits confirmation');
  const view = await handle.executeUpdate(returnTask, { args: [{ actor: actors.leader, reason: 'Chưa đạt chỉ tiêu' }] });
  t.equal(view.category, 'open_overdue');
  t.equal(view.escalationLevel, 2);
  const notes = recorder.notifications(wf);
  t.same(noteKeys(wf), ['d1:l2'], 'one event for the highest passed level');
  t.equal(notes[0]!.catchUp, true);
});
