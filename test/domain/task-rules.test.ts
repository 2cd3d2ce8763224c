/** The task's rules as plain functions, without Temporal. */
import t from 'tap';
import { unannouncedYearsFor } from '../../src/domain/task-transitions';
import { endOfLocalDay } from '../../src/plan/calendar';
import type { TaskSpec, TimetableEntry } from '../../src/plan/model';
import { taskTimetable } from '../../src/plan/timetable';
import {
  amendTask,
  announcesStart,
  changedFields,
  checkComplete,
  checkConfirm,
  checkConfirmOrReturn,
  checkDecideExtension,
  checkPause,
  checkReportProgress,
  checkRequestExtension,
  checkResume,
  checkSystem,
  completeTask,
  confirmTask,
  deadlineAnchor,
  hearMember,
  formatDeadlineDate,
  formatLocalDate,
  initialMemory,
  nextWake,
  parseRequestedDeadline,
  pauseTask,
  releaseTask,
  resumeTask,
  roleRefusal,
  selectDue,
  setDeadline,
  taskFacts,
  timetableKey,
  upcomingEntries,
  verdictAt,
  firstChange,
  quietUntil,
  timetableOf,
  type TaskStateView,
  type TaskWrite,
} from '../../src/domain';
import { actors, makeSpec, standardPolicy, TZ, vnCalendar } from '../helpers/temporal';
import { rejectionText } from '../../src/i18n';
import type { Rejection } from '../../src/domain/rejections';

/** What the caller reads for a refusal, in Vietnamese. */
const wording = (rejection: Rejection | undefined) => (rejection ? rejectionText(rejection.key, rejection.values, 'vi') : undefined);

const deadlineAt = '2023-01-30T17:00:00.000Z';
const timetable = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ });
const ms = (iso: string) => Date.parse(iso);
const at = (entries: TimetableEntry[], key: string) => ms(entries.find((entry) => timetableKey(entry) === key)!.at);

function viewWith(overrides: Partial<TaskStateView> = {}): TaskStateView {
  const spec = makeSpec({ planId: 'kh-771', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } });
  return { ...initialMemory(spec, 1, '2023-01-01T00:00:00.000Z').view, ...overrides };
}

t.test('keys count reminders from 1 and levels by number', async (t) => {
  t.same(timetable.map(timetableKey), ['due_soon', 'r1', 'r2', 'deadline', 'l1', 'l2', 'l3']);
});

t.test('a timer wake announces the one instant it slept for', async (t) => {
  const selection = selectDue(timetable, ['r1'], at(timetable, 'r2'), true);
  t.equal(selection.fire?.entry.kind, 'reminder');
  t.same(selection.handled, ['r2']);
  t.equal(selection.fire?.catchUp, false);
  t.same(selectDue(timetable, ['r1', 'r2'], at(timetable, 'r2') + 1000, true), { handled: [] }, 'nothing twice');
});

t.test('catch-up: only the highest passed level, marked catch-up; lower ones handled silently', async (t) => {
  const selection = selectDue(timetable, [], at(timetable, 'l2') + 1000, false);
  t.equal(selection.fire?.entry.kind === 'escalation' && selection.fire.entry.level, 2);
  t.equal(selection.fire?.catchUp, true);
  t.same(selection.handled.sort(), ['l1', 'l2', 'r1', 'r2']);
});

t.test('catch-up before the deadline announces the latest reminder only', async (t) => {
  const selection = selectDue(timetable, [], at(timetable, 'r2') + 1000, false);
  t.equal(selection.fire?.entry.kind === 'reminder' && selection.fire.entry.index, 1, 'the second reminder (index 1)');
  t.equal(selection.fire?.catchUp, true);
  t.same(selection.handled, ['r1', 'r2']);
});

t.test('a single instant passed at a recomputation is still a catch-up', async (t) => {
  const selection = selectDue(timetable, [], at(timetable, 'r1') + 1000, false);
  t.equal(selection.fire?.catchUp, true);
});

t.test('stale reminders after the deadline with no level due are dropped silently', async (t) => {
  const noLadder = taskTimetable({ deadlineAt, policy: { ...standardPolicy, ladder: [] }, calendar: vnCalendar, timezone: TZ });
  const selection = selectDue(noLadder, [], ms(deadlineAt) + 1000, false);
  t.equal(selection.fire, undefined);
  t.same(selection.handled, ['r1', 'r2']);
});

t.test('nextWake: the next instant ahead, or now for an instant missed while no worker ran', async (t) => {
  const view = viewWith();
  t.equal(nextWake(view, timetable, [], ms('2023-01-01T00:00:00Z')), at(timetable, 'due_soon'));
  t.equal(nextWake(view, timetable, ['r1'], at(timetable, 'r1') + 5), at(timetable, 'r2'));
  const late = at(timetable, 'l2') + 60_000;
  t.equal(nextWake(view, timetable, ['r1', 'r2', 'l1'], late), late, 'level 2 is overdue for announcing');
  t.equal(nextWake(viewWith({ progress: 'done' }), timetable, [], 0), undefined, 'a done task sleeps without timers');
  t.equal(nextWake(viewWith({ progress: 'paused' }), timetable, [], 0), undefined, 'a paused task too');
  t.equal(nextWake(view, timetable, ['r1', 'r2', 'l1', 'l2', 'l3'], at(timetable, 'l3') + 1), undefined);
});

t.test('upcoming lists what is still ahead and not yet announced', async (t) => {
  t.same(upcomingEntries(timetable, ['r1'], at(timetable, 'r1') + 1).map(timetableKey), ['r2', 'deadline', 'l1', 'l2', 'l3']);
});

/** The rule's verdict for a view at an instant, through the facts the workflow records. */
const judge = (view: TaskStateView, entries: TimetableEntry[], atMs: number) => verdictAt(taskFacts(view, entries), view.category, atMs);

t.test('facts and verdict: on track, due soon, overdue, no deadline; done tasks keep their verdict', async (t) => {
  const view = viewWith();
  t.same(judge(view, timetable, ms('2023-01-10T00:00:00Z')), { deadlineState: 'on_track', category: 'open_on_time' });
  t.same(judge(view, timetable, at(timetable, 'due_soon')), { deadlineState: 'due_soon', category: 'open_on_time' });
  t.same(judge(view, timetable, ms(deadlineAt)), { deadlineState: 'overdue', category: 'open_overdue' }, 'overdue from the deadline instant');
  const noDeadline = viewWith({ spec: makeSpec({ planId: 'kh', taskId: 'x' }) });
  delete noDeadline.deadlineAt;
  t.same(judge(noDeadline, [], 0), { deadlineState: 'no_deadline', category: 'no_deadline' });
  t.same(
    judge({ ...noDeadline, progress: 'done' }, [], 0),
    { deadlineState: 'no_deadline', category: 'done_on_time' },
    'a done task without a deadline is done on time',
  );
  const done = viewWith({ progress: 'done', completedAt: '2023-01-29T00:00:00.000Z' });
  t.same(judge(done, timetable, ms(deadlineAt) + 10 * 86_400_000), { deadlineState: 'on_track', category: 'done_on_time' });
  const waiting = viewWith({
    spec: makeSpec({ planId: 'kh', taskId: 'y', deadline: { kind: 'after_task', taskId: 'x', within: { amount: 3, unit: 'working_day' } } }),
  });
  delete waiting.deadlineAt;
  t.same(judge(waiting, [], 0), { deadlineState: 'waiting', category: 'open_on_time' }, 'an unknown deadline is not late');
});

t.test('facts: the deadline and due-soon line moved by paused time, the pause, the reported completion', async (t) => {
  const paused = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ, pausedMs: 86_400_000 });
  const view = viewWith({ pausedMs: 86_400_000, progress: 'paused', pausedAt: '2023-01-20T00:00:00.000Z' });
  const facts = taskFacts(view, paused);
  t.equal(facts.deadlineAt, '2023-01-31T17:00:00.000Z', 'the deadline in force, shifted');
  t.equal(facts.dueSoonAt, paused.find((entry) => entry.kind === 'due_soon')!.at);
  t.equal(facts.pausedAt, '2023-01-20T00:00:00.000Z');
  t.equal(facts.deadlineKind, 'fixed');
  t.equal(taskFacts(viewWith({ completedAt: '2023-01-05T00:00:00.000Z' }), timetable).completedAt, undefined, 'an open task has no completion fact');
  t.equal(judge(view, paused, ms(deadlineAt) + 5 * 86_400_000).category, 'open_on_time', 'a paused task never falls overdue');
});

t.test('completion: the report time against the deadline in force then', async (t) => {
  const judged = (completedAt: string, confirmation: boolean) => {
    const spec = makeSpec({ planId: 'kh', taskId: 't01', confirmation, deadline: { kind: 'instant', at: deadlineAt } });
    const memory = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
    completeTask(memory, { actor: actors.admin, completedAt }, '2023-03-01T00:00:00.000Z');
    return judge(memory.view, timetable, ms('2023-03-01T00:00:00.000Z')).category;
  };
  t.equal(judged('2023-01-30T16:59:59.999Z', false), 'done_on_time');
  t.equal(judged(deadlineAt, false), 'done_on_time', 'at the deadline instant is still on time');
  t.equal(judged('2023-01-30T17:00:00.001Z', false), 'done_late');
  t.equal(judged('2023-01-30T17:00:00.001Z', true), 'open_overdue', 'awaiting confirmation stays open');
  t.equal(judged('2023-01-20T00:00:00.000Z', true), 'open_on_time', 'reported on time and awaiting confirmation never turns overdue');
  const spec = makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } });
  const memory = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
  const step = completeTask(memory, { actor: actors.admin, completedAt: '2023-01-20T10:00:00+07:00' }, '2023-03-01T00:00:00.000Z');
  t.equal(step.drafts[0]!.at, '2023-01-20T03:00:00.000Z', 'a back-dated completion is stamped with its instant');
  const paused = taskTimetable({ deadlineAt, policy: standardPolicy, calendar: vnCalendar, timezone: TZ, pausedMs: 86_400_000 });
  const late = viewWith({ progress: 'done', completedAt: '2023-01-31T00:00:00.000Z', pausedMs: 86_400_000 });
  t.equal(judge(late, paused, 0).category, 'done_on_time', 'paused time extends the deadline');
});

t.test('confirmation: back-dated by an admin, not before the completion, not in the future', async (t) => {
  const now = ms('2024-06-01T00:00:00Z');
  const awaiting = viewWith({ progress: 'awaiting_confirmation', completedAt: '2023-01-20T03:00:00.000Z' });
  t.equal(checkConfirm(awaiting, { actor: actors.admin, confirmedAt: '2023-02-01T03:00:00Z' }, now), undefined);
  t.equal(checkConfirm(awaiting, { actor: actors.leader, confirmedAt: '2023-02-01T03:00:00Z' }, now)?.type, 'Forbidden');
  t.equal(checkConfirm(awaiting, { actor: actors.admin, confirmedAt: '2023-01-19T03:00:00Z' }, now)?.type, 'InvalidInput');
  t.equal(checkConfirm(awaiting, { actor: actors.admin, confirmedAt: '2024-07-01T00:00:00Z' }, now)?.type, 'InvalidInput');
  t.equal(checkConfirm(awaiting, { actor: actors.admin, confirmedAt: 'tuần trước' }, now)?.type, 'InvalidInput');
  const spec = makeSpec({ planId: 'kh', taskId: 't01', confirmation: true, deadline: { kind: 'instant', at: deadlineAt } });
  const memory = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
  completeTask(memory, { actor: actors.admin, completedAt: '2023-01-20T03:00:00.000Z' }, '2024-06-01T00:00:00.000Z');
  const step = confirmTask(memory, { actor: actors.admin, confirmedAt: '2023-02-01T03:00:00Z' }, '2024-06-01T00:00:00.000Z');
  t.equal(step.drafts[0]!.at, '2023-02-01T03:00:00.000Z', 'stamped with the confirmation instant');
  t.equal(memory.view.confirmedAt, '2023-02-01T03:00:00.000Z');
  t.equal(judge(memory.view, timetable, ms('2023-02-02T00:00:00Z')).category, 'done_on_time');
});

t.test('a completion dated before the plan was issued is refused in Vietnamese', async (t) => {
  const spec = makeSpec({ planId: 'kh', taskId: 't01', issuedOn: '2022-12-26', deadline: { kind: 'instant', at: deadlineAt } });
  const view = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z').view;
  const refused = checkComplete(view, { actor: actors.admin, completedAt: '2022-12-25T10:00:00+07:00' }, ms('2023-01-20T00:00:00Z'));
  t.equal(refused?.type, 'InvalidInput');
  t.match(wording(refused), /25\/12\/2022 trước ngày ban hành kế hoạch \(26\/12\/2022\)/);
  t.equal(
    checkComplete(view, { actor: actors.admin, completedAt: '2022-12-26T00:00:00+07:00' }, ms('2023-01-20T00:00:00Z')),
    undefined,
    'the issue day itself is fine',
  );
});

t.test('pause and resume: the clock stops, the paused time moves the deadline on', async (t) => {
  const spec = makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } });
  const memory = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
  pauseTask(memory, { actor: actors.leader, reason: 'Chờ kinh phí' }, '2023-01-10T00:00:00.000Z');
  t.equal(memory.view.progress, 'paused');
  t.equal(memory.view.pausedAt, '2023-01-10T00:00:00.000Z');
  const step = resumeTask(memory, { actor: actors.leader }, '2023-01-13T00:00:00.000Z');
  t.equal(memory.view.pausedMs, 3 * 86_400_000);
  t.equal(memory.view.progress, 'in_progress');
  t.equal(memory.view.pausedAt, undefined);
  t.equal(step.drafts[0]!.data.pausedMs, 3 * 86_400_000);
  t.ok(step.timetableMoved);
});

t.test('release: stamped with the prerequisite\'s completion; dates an "after task" deadline', async (t) => {
  const spec = makeSpec({
    planId: 'kh',
    taskId: 't02',
    dependsOn: ['t01'],
    deadline: { kind: 'after_task', taskId: 't01', within: { amount: 5, unit: 'working_day' } },
  });
  const memory = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
  const step = releaseTask(memory, 't01', '2023-01-05T03:00:00.000Z', '2023-01-09T00:00:00.000Z');
  t.equal(step?.drafts[0]!.at, '2023-01-05T03:00:00.000Z');
  t.equal(memory.view.progress, 'in_progress');
  t.ok(memory.view.deadlineAt, 'the deadline counts from the completion');
  t.equal(releaseTask(memory, 't01', '2023-01-05T03:00:00.000Z', '2023-01-09T00:00:00.000Z'), undefined, 'a second release changes nothing');
  t.equal(releaseTask(memory, 'tx', '2023-01-05T03:00:00.000Z', '2023-01-09T00:00:00.000Z'), undefined, 'nor one from a task it does not wait for');
});

t.test('amendment: a done task keeps the deadline it was judged against', async (t) => {
  const spec = makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } });
  const memory = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
  completeTask(memory, { actor: actors.leadStaff }, '2023-01-20T00:00:00.000Z');
  const earlier = makeSpec({ ...spec, deadline: { kind: 'instant', at: '2023-01-10T17:00:00.000Z' }, specHash: 'other' });
  amendTask(memory, { actor: actors.system, spec: earlier, planVersion: 2 }, '2023-02-01T00:00:00.000Z');
  t.equal(memory.view.deadlineAt, deadlineAt);
  t.equal(judge(memory.view, timetable, ms('2023-02-01T00:00:00Z')).category, 'done_on_time');
  const open = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
  amendTask(open, { actor: actors.system, spec: earlier, planVersion: 2 }, '2023-01-05T00:00:00.000Z');
  t.equal(open.view.deadlineAt, '2023-01-10T17:00:00.000Z', 'an open task takes the new deadline');
});

t.test('complete: who and when', async (t) => {
  const now = ms('2023-01-20T00:00:00Z');
  t.equal(checkComplete(viewWith(), { actor: actors.leadStaff }, now), undefined);
  t.equal(checkComplete(viewWith(), { actor: actors.admin }, now), undefined);
  t.equal(checkComplete(viewWith(), { actor: actors.otherStaff }, now)?.type, 'Forbidden');
  t.equal(checkComplete(viewWith(), { actor: actors.leader }, now)?.type, 'Forbidden');
  t.equal(checkComplete(viewWith(), { actor: actors.leadStaff, completedAt: '2023-01-19T00:00:00Z' }, now)?.type, 'Forbidden');
  t.equal(checkComplete(viewWith(), { actor: actors.admin, completedAt: '2023-01-21T00:00:00Z' }, now)?.type, 'InvalidInput');
  t.equal(checkComplete(viewWith(), { actor: actors.admin, completedAt: 'hôm qua' }, now)?.type, 'InvalidInput');
  t.equal(checkComplete(viewWith(), { actor: actors.admin, completedAt: '2023-01-19T00:00:00Z' }, now), undefined);
  const waiting = checkComplete(viewWith({ progress: 'not_started', waitingFor: ['t03'] }), { actor: actors.leadStaff }, now);
  t.equal(waiting?.type, 'InvalidState');
  t.match(wording(waiting), /t03/);
  const done = checkComplete(viewWith({ progress: 'done', completedAt: '2023-01-18T03:00:00Z' }), { actor: actors.leadStaff }, now);
  t.equal(done?.type, 'InvalidState');
  t.match(wording(done), /18\/01\/2023/);
  t.equal(checkComplete(viewWith({ progress: 'returned' }), { actor: actors.leadStaff }, now), undefined, 'a returned task can be completed again');
  t.equal(checkComplete(viewWith({ progress: 'paused' }), { actor: actors.leadStaff }, now)?.type, 'InvalidState');
  t.equal(checkComplete(viewWith({ progress: 'cancelled' }), { actor: actors.leadStaff }, now)?.type, 'InvalidState');
});

t.test('the role rule: one table, asked by the API before an update and by every check inside it', async (t) => {
  const view = viewWith();
  const who = ['admin', 'leader', 'leadStaff', 'supportStaff', 'otherStaff'] as const;
  const allowed: Record<TaskWrite, (typeof who)[number][]> = {
    complete: ['admin', 'leadStaff'],
    'extension-request': ['admin', 'leadStaff'],
    progress: ['admin', 'leader', 'leadStaff', 'supportStaff'],
    confirm: ['admin', 'leader'],
    return: ['admin', 'leader'],
    'extension-decision': ['admin', 'leader'],
    pause: ['admin', 'leader'],
    resume: ['admin', 'leader'],
  };
  for (const [write, roles] of Object.entries(allowed) as [TaskWrite, (typeof who)[number][]][]) {
    for (const name of who) {
      const refusal = roleRefusal(actors[name], write, view.spec, 't01');
      t.equal(refusal === undefined, roles.includes(name), `${name} ${roles.includes(name) ? 'may' : 'may not'} ${write}`);
      if (refusal) t.equal(refusal.type, 'Forbidden');
    }
  }
  // The workflow's checks refuse with the very refusal the API gives before sending.
  const awaiting = viewWith({ progress: 'awaiting_confirmation' });
  t.same(
    checkComplete(view, { actor: actors.otherStaff }, Date.parse('2023-01-20T00:00:00Z')),
    roleRefusal(actors.otherStaff, 'complete', view.spec, 't01'),
  );
  t.same(checkReportProgress(view, { actor: actors.otherStaff }, 1), roleRefusal(actors.otherStaff, 'progress', view.spec, 't01'));
  t.same(checkConfirmOrReturn(awaiting, { actor: actors.leadStaff }, 'lý do'), roleRefusal(actors.leadStaff, 'return', view.spec, 't01'));
  t.same(checkPause(view, { actor: actors.leadStaff }, 'x'), roleRefusal(actors.leadStaff, 'pause', view.spec, 't01'));
  t.match(wording(roleRefusal(actors.otherStaff, 'complete', view.spec, 't01')), /so-tu-phap.*t01.*so-tai-chinh/);
});

t.test('confirm, return, progress, pause, resume, amend: roles and states', async (t) => {
  const awaiting = viewWith({ progress: 'awaiting_confirmation' });
  t.equal(checkConfirmOrReturn(awaiting, { actor: actors.leader }), undefined);
  t.equal(checkConfirmOrReturn(awaiting, { actor: actors.leadStaff })?.type, 'Forbidden');
  t.equal(checkConfirmOrReturn(viewWith(), { actor: actors.leader })?.type, 'InvalidState');
  t.equal(checkConfirmOrReturn(awaiting, { actor: actors.leader }, '')?.type, 'InvalidInput');
  t.equal(checkConfirmOrReturn(awaiting, { actor: actors.leader }, 'Thiếu minh chứng'), undefined);

  t.equal(checkReportProgress(viewWith(), { actor: actors.supportStaff }, 10), undefined);
  t.equal(checkReportProgress(viewWith(), { actor: actors.otherStaff }, 10)?.type, 'Forbidden');
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '10']) {
    t.equal(checkReportProgress(viewWith(), { actor: actors.leadStaff }, bad)?.type, 'InvalidInput', `rejects ${String(bad)}`);
  }

  t.equal(checkPause(viewWith(), { actor: actors.leader }, 'Chờ kinh phí'), undefined);
  t.equal(checkPause(viewWith(), { actor: actors.leader }, '')?.type, 'InvalidInput');
  t.equal(checkPause(viewWith(), { actor: actors.leadStaff }, 'x')?.type, 'Forbidden');
  t.equal(checkPause(viewWith({ progress: 'paused' }), { actor: actors.leader }, 'x')?.type, 'InvalidState');
  t.equal(checkResume(viewWith(), { actor: actors.leader })?.type, 'InvalidState');
  t.equal(checkResume(viewWith({ progress: 'paused' }), { actor: actors.admin }), undefined);

  t.equal(checkSystem(viewWith(), { actor: actors.system }), undefined);
  t.equal(checkSystem(viewWith(), { actor: actors.leader })?.type, 'Forbidden');
});

t.test('extensions: a later deadline, one pending request, a known request id', async (t) => {
  const endOfDay = (date: string) => endOfLocalDay(date, TZ);
  t.equal(parseRequestedDeadline('2023-02-28', endOfDay), '2023-02-28T17:00:00.000Z', 'a date is the end of that local day');
  t.equal(parseRequestedDeadline('2023-02-28T10:00:00+07:00', endOfDay), '2023-02-28T03:00:00.000Z');
  t.equal(parseRequestedDeadline('2023-02-28T10:00', endOfDay), undefined, 'an instant must carry its offset');
  t.equal(parseRequestedDeadline('28/02/2023', endOfDay), undefined);

  const view = viewWith();
  const later = '2023-02-28T17:00:00.000Z';
  t.equal(checkRequestExtension(view, { actor: actors.leadStaff }, later, deadlineAt, '2023-02-28', 'Chờ dữ liệu'), undefined);
  t.equal(checkRequestExtension(view, { actor: actors.otherStaff }, later, deadlineAt, '2023-02-28', 'x')?.type, 'Forbidden');
  t.equal(checkRequestExtension(view, { actor: actors.leadStaff }, later, deadlineAt, '2023-02-28', '')?.type, 'InvalidInput');
  t.equal(checkRequestExtension(view, { actor: actors.leadStaff }, undefined, deadlineAt, 'mai', 'x')?.type, 'InvalidInput');
  const earlier = checkRequestExtension(view, { actor: actors.leadStaff }, '2023-01-20T17:00:00.000Z', deadlineAt, '2023-01-20', 'x');
  t.equal(earlier?.type, 'InvalidInput');
  t.match(wording(earlier), /30\/01\/2023/, 'the current deadline is named by its day');
  const pending = viewWith({
    extensionRequests: [{ id: 'e1', newDeadline: later, reason: 'x', requestedBy: actors.leadStaff, requestedAt: deadlineAt, status: 'pending' }],
  });
  t.equal(checkRequestExtension(pending, { actor: actors.leadStaff }, later, deadlineAt, '2023-02-28', 'x')?.type, 'InvalidState');
  t.equal(checkDecideExtension(pending, { actor: actors.leader }, 'e1'), undefined);
  t.equal(checkDecideExtension(pending, { actor: actors.leadStaff }, 'e1')?.type, 'Forbidden');
  t.equal(checkDecideExtension(pending, { actor: actors.leader }, 'e2')?.type, 'NotFound');
  const decided = viewWith({ extensionRequests: [{ ...pending.extensionRequests[0]!, status: 'denied' }] });
  t.equal(checkDecideExtension(decided, { actor: actors.leader }, 'e1')?.type, 'InvalidState');
});

t.test('a new deadline is a new version with a fresh ladder', async (t) => {
  const spec = makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } });
  const memory = initialMemory(spec, 1, '2023-01-01T00:00:00.000Z');
  t.equal(memory.view.deadlineVersion, 1);
  memory.view.escalationLevel = 2;
  memory.view.pausedMs = 5000;
  memory.clock.firedKeys = ['r1', 'r2', 'l1', 'l2'];
  t.equal(setDeadline(memory, deadlineAt, '2023-02-05T00:00:00.000Z'), false, 'the same instant is no change');
  t.equal(setDeadline(memory, '2023-02-28T17:00:00.000Z', '2023-02-05T00:00:00.000Z'), true);
  t.equal(memory.view.deadlineVersion, 2);
  t.equal(memory.view.escalationLevel, 0);
  t.equal(memory.view.pausedMs, 0);
  t.same(memory.clock.firedKeys, []);
});

t.test('initial state, anchors, changed fields and dates', async (t) => {
  const dependent = makeSpec({
    planId: 'kh',
    taskId: 't02',
    dependsOn: ['t01'],
    deadline: { kind: 'after_task', taskId: 't01', within: { amount: 5, unit: 'working_day' } },
  });
  const memory = initialMemory(dependent, 1, '2023-01-01T00:00:00.000Z');
  t.equal(memory.view.progress, 'not_started');
  t.same(memory.view.waitingFor, ['t01']);
  t.equal(memory.view.deadlineVersion, 0);
  t.equal(memory.view.workflowId, 'task:kh:t02');
  t.equal(deadlineAnchor(dependent, {}), undefined);
  t.equal(deadlineAnchor(dependent, { t01: '2023-01-05T03:00:00Z' }), '2023-01-05T03:00:00Z');
  const moved = makeSpec({ ...dependent, title: 'Khác', dependsOn: [] });
  t.same(changedFields(dependent, moved), ['dependsOn', 'title']);
  t.equal(formatLocalDate('2023-01-30T17:30:00.000Z', TZ), '31/01/2023', 'the local day in Việt Nam');
  t.equal(formatDeadlineDate(deadlineAt, TZ), '30/01/2023', 'a deadline is known by the day it ends');
});

t.test('an extension into a year whose holidays are not announced yet names that year', async (t) => {
  const spec = makeSpec({ planId: 'p', taskId: 't1', deadline: { kind: 'instant', at: '2026-06-30T17:00:00.000Z' } });
  t.same(unannouncedYearsFor(spec, '2026-10-30T17:00:00.000Z'), [], 'within an announced year: nothing to say');
  t.same(unannouncedYearsFor(spec, '2031-03-31T17:00:00.000Z'), [2031]);
});

t.test('a roll-up takes unheard members to be as they start; a member announces only what its roll-up cannot assume', async (t) => {
  const now = '2023-01-01T00:00:00.000Z';
  const whole = makeSpec({ planId: 'kh-771', taskId: 't05', members: [{ unitId: 'ubnd-a' }, { unitId: 'ubnd-b' }] });
  const summary = (memory: ReturnType<typeof initialMemory>) => [memory.view.progress, memory.view.rollup?.started, memory.view.rollup?.total];
  t.same(
    summary(initialMemory(whole, 1, now, { unheardAsStarting: true })),
    ['in_progress', 2, 2],
    'members without prerequisites start in progress',
  );
  t.same(summary(initialMemory(whole, 1, now)), ['not_started', 0, 2], 'a roll-up started before the rule still waits to hear');
  const waiting = makeSpec({ planId: 'kh-771', taskId: 't05', dependsOn: ['t01'], members: [{ unitId: 'ubnd-a' }] });
  t.same(
    summary(initialMemory(waiting, 1, now, { unheardAsStarting: true })),
    ['not_started', 0, 1],
    'members waiting on a prerequisite start not started',
  );

  const member = initialMemory(makeSpec({ planId: 'kh-771', taskId: 't05', unitId: 'ubnd-a' }), 1, now).view;
  t.notOk(announcesStart(member), 'a member as it started has nothing to tell');
  t.ok(announcesStart({ ...member, spec: { ...member.spec, target: { metric: 'Hồ sơ', unit: 'hồ sơ', value: 10 } } }), 'its own target is news');
  t.ok(announcesStart({ ...member, progressValue: 3 }), 'a value is news');
  t.ok(announcesStart({ ...member, progress: 'done', completedAt: now }), 'done is news');
});

t.test('a unit removed and added back is heard afresh: its new run counts from seq 1', async (t) => {
  const now = '2023-01-01T00:00:00.000Z';
  const both = makeSpec({ planId: 'kh-771', taskId: 't05', members: [{ unitId: 'ubnd-a' }, { unitId: 'ubnd-b' }] });
  const onlyB = makeSpec({ ...both, members: [{ unitId: 'ubnd-b' }] });
  const memberA = 'task:kh-771:t05@ubnd-a';
  const memory = initialMemory(both, 1, now, { unheardAsStarting: true });
  const counts = () => [memory.view.rollup?.total, memory.view.rollup?.started];
  hearMember(memory, { workflowId: memberA, progress: 'in_progress', progressValue: 4, seq: 6 }, now);
  hearMember(memory, { workflowId: memberA, progress: 'cancelled', seq: 7 }, now);
  t.same(counts(), [1, 1], 'the cancelled unit is counted nowhere');
  amendTask(memory, { actor: actors.system, spec: onlyB, planVersion: 2 }, now);
  amendTask(memory, { actor: actors.system, spec: both, planVersion: 3 }, now);
  t.same(counts(), [2, 2], 'added back, it starts as every unit does');
  hearMember(memory, { workflowId: memberA, progress: 'done', completedAt: now, seq: 2 }, now);
  t.equal(memory.view.rollup?.done, 1, "its new run's report is heard although its seq is lower than the old run's");
});

t.test("a task added back to its plan: its reminders and escalations have keys of their own, after the earlier run's", async (t) => {
  const deadlineAt = '2022-11-30T10:00:00.000Z';
  const late = '2022-12-05T02:00:00.000Z';
  const spec = makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } });
  const first = firstChange(spec, 1, late).change;
  const keysOf = (change: typeof first) => change.notifications.map((notification) => notification.idempotencyKey);
  t.ok(first.notifications.length > 0, 'started past its deadline, the task catches up on what it missed');
  t.equal(first.state.deadlineVersion, 1);

  // The earlier run reached deadline version 2 (one extension) and recorded up to seq 9.
  const again = firstChange(spec, 3, late, { seqAfter: 9, deadlineVersionAfter: 2 }).change;
  t.equal(again.state.deadlineVersion, 3, "counted after the earlier run's deadlines");
  t.equal(again.state.seq > 9, true, "its records follow the earlier run's");
  t.equal(again.notifications.length, first.notifications.length, 'the same catch-up');
  t.same(
    keysOf(again).filter((key) => keysOf(first).includes(key) || key.includes(':d2:')),
    [],
    'none of its notification keys is one the earlier run can have used (versions 1 and 2)',
  );

  const relative = makeSpec({
    planId: 'kh',
    taskId: 't02',
    dependsOn: ['t01'],
    deadline: { kind: 'after_task', taskId: 't01', within: { amount: 5, unit: 'working_day' } },
  });
  t.equal(initialMemory(relative, 1, late, { deadlineVersionAfter: 2 }).view.deadlineVersion, 2, 'no deadline yet: its first one will be version 3');
});

t.test('quietUntil: the first wake of a task only its clock and Updates reach', async (t) => {
  const at = '2022-11-07T02:00:00.000Z';
  const deadlineAt = '2022-11-30T10:00:00.000Z';
  const quiet = (overrides: Partial<TaskSpec>) => {
    const spec = makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt }, ...overrides });
    return quietUntil(firstChange(spec, 1, at).memory, at);
  };
  const plain = firstChange(makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } }), 1, at).memory;
  const firstEntry = upcomingEntries(timetableOf(plain.view), plain.clock.firedKeys, Date.parse(at))[0]!;
  t.ok(
    Date.parse(firstEntry.at) > Date.parse(at) && Date.parse(firstEntry.at) < Date.parse(deadlineAt),
    'the standard policy reminds before the deadline',
  );
  t.equal(quiet({}), Date.parse(firstEntry.at), 'a plain task: its first reminder');
  t.equal(quiet({ unitId: 'huyen-a' }), Date.parse(firstEntry.at), "a unit's copy: the same");
  t.equal(quiet({ dependsOn: ['t00'] }), undefined, 'a task with prerequisites hears their release: it is not quiet');
  t.equal(quiet({ members: [{ unitId: 'huyen-a' }] }), undefined, 'a roll-up hears its members: it is not quiet');
  t.equal(quiet({ deadline: { kind: 'none' } }), undefined, 'a task without a deadline has no wake');
  const late = '2022-12-05T02:00:00.000Z';
  const overdue = firstChange(makeSpec({ planId: 'kh', taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } }), 1, late).memory;
  t.ok((quietUntil(overdue, late) ?? 0) > Date.parse(late), 'started past its deadline: its next level, ahead');
});
