/** The one rule: where a task stands at an instant, decided from its stored facts. */
import t from 'tap';
import { categoryAt, deadlineAtInstant, deadlineStateAt, isDueSoonAt, type TaskFacts } from '../../src/domain';

const deadline = '2022-11-30T17:00:00.000Z'; // end of 30/11/2022, Asia/Ho_Chi_Minh
const dueSoon = '2022-11-27T17:00:00.000Z';
const ms = (iso: string) => Date.parse(iso);
const before = ms('2022-11-20T03:00:00Z');
const after = ms('2022-12-05T03:00:00Z');

const open = (extra: Partial<TaskFacts> = {}): TaskFacts => ({
  progress: 'in_progress',
  deadlineKind: 'fixed',
  deadlineAt: deadline,
  dueSoonAt: dueSoon,
  ...extra,
});

t.test('an open task is on time, due soon, then overdue from its deadline instant', async (t) => {
  t.equal(categoryAt(open(), before), 'open_on_time');
  t.equal(deadlineStateAt(open(), before), 'on_track');
  t.equal(deadlineStateAt(open(), ms('2022-11-29T03:00:00Z')), 'due_soon');
  t.ok(isDueSoonAt(open(), ms('2022-11-29T03:00:00Z')));
  t.equal(categoryAt(open(), ms(deadline)), 'open_overdue');
  t.equal(deadlineStateAt(open(), after), 'overdue');
  t.notOk(isDueSoonAt(open(), after), 'an overdue task is no longer "due soon"');
});

t.test('awaiting confirmation: not done, and never overdue when reported before the deadline', async (t) => {
  const reportedOnTime = open({ progress: 'awaiting_confirmation', completedAt: '2022-11-25T03:00:00Z' });
  t.equal(categoryAt(reportedOnTime, after), 'open_on_time');
  t.equal(deadlineStateAt(reportedOnTime, after), 'on_track');
  const reportedLate = open({ progress: 'awaiting_confirmation', completedAt: '2022-12-02T03:00:00Z' });
  t.equal(categoryAt(reportedLate, after), 'open_overdue');
  t.equal(categoryAt({ ...reportedOnTime, progress: 'done' }, after), 'done_on_time', 'confirmation keeps the verdict');
  t.equal(categoryAt({ ...reportedLate, progress: 'done' }, after), 'done_late');
});

t.test('a paused task is judged where its clock stopped, and its deadline moves on', async (t) => {
  const paused = open({ progress: 'paused', pausedAt: '2022-11-25T03:00:00Z' });
  t.equal(categoryAt(paused, after), 'open_on_time', 'paused before the deadline: not overdue however long it waits');
  t.equal(deadlineStateAt(paused, after), 'on_track');
  t.equal(deadlineAtInstant(paused, after), ms(deadline) + (after - ms('2022-11-25T03:00:00Z')));
  const pausedLate = open({ progress: 'paused', pausedAt: '2022-12-02T03:00:00Z' });
  t.equal(categoryAt(pausedLate, after), 'open_overdue', 'paused after the deadline: it was already overdue');
});

t.test('deadlines that wait, and tasks without one', async (t) => {
  const waiting: TaskFacts = { progress: 'not_started', deadlineKind: 'after_task' };
  t.equal(categoryAt(waiting, after), 'open_on_time');
  t.equal(deadlineStateAt(waiting, after), 'waiting');
  const none: TaskFacts = { progress: 'in_progress', deadlineKind: 'none' };
  t.equal(categoryAt(none, after), 'no_deadline');
  t.equal(deadlineStateAt(none, after), 'no_deadline');
  t.equal(categoryAt({ ...none, progress: 'done', completedAt: '2022-11-25T03:00:00Z' }, after), 'done_on_time');
  t.equal(categoryAt({ ...none, progress: 'awaiting_confirmation', completedAt: '2022-11-25T03:00:00Z' }, after), 'no_deadline');
});

t.test('cancelled tasks are counted nowhere; returned ones are open again', async (t) => {
  t.equal(categoryAt(open({ progress: 'cancelled' }), after), undefined);
  t.equal(categoryAt(open({ progress: 'returned' }), after), 'open_overdue');
});
