/** The one rule: where a task stands at an instant, decided from its stored facts. */
import t from 'tap';
import {
  categoryAt,
  deadlineAtInstant,
  deadlineStateAt,
  DEADLINE_KINDS,
  isDueSoonAt,
  nextJudgementChange,
  PROGRESS,
  type TaskFacts,
} from '../../src/domain';

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

t.test('the next change: the due-soon line, then the deadline, then nothing', async (t) => {
  t.equal(nextJudgementChange(open(), before), ms(dueSoon));
  t.equal(nextJudgementChange(open(), ms(dueSoon)), ms(deadline), 'at the line itself, the next change is the deadline');
  t.equal(nextJudgementChange(open(), ms(deadline)), undefined, 'overdue stays overdue until a new fact');
  t.equal(nextJudgementChange(open({ progress: 'awaiting_confirmation', completedAt: '2022-11-25T03:00:00Z' }), before), undefined);
  t.equal(nextJudgementChange({ progress: 'not_started', deadlineKind: 'after_task' }, before), undefined, 'waiting for a prerequisite');
});

// Whatever the facts, the judgement found at an instant holds at every instant before the next
// change that nextJudgementChange announces (and for ever when it announces none): the promise the
// API's kept answers rest on. Instants are drawn at the boundaries, a millisecond either side, and
// at random, with a fixed seed so that a failure replays.
t.test('no judgement changes before the announced next change', async (t) => {
  let seed = 20221107;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const T0 = ms('2022-11-07T02:00:00.000Z');
  const DAY = 86_400_000;
  let checked = 0;
  let failures = 0;
  for (let i = 0; i < 5_000; i++) {
    const deadlineMs = T0 + Math.floor(random() * 30 * DAY);
    const facts: TaskFacts = { progress: pick(PROGRESS), deadlineKind: pick(DEADLINE_KINDS) };
    if (random() < 0.8) facts.deadlineAt = new Date(deadlineMs).toISOString();
    if (random() < 0.6) facts.dueSoonAt = new Date(deadlineMs - Math.floor(random() * 5 * DAY)).toISOString();
    if (random() < 0.5) facts.pausedAt = new Date(deadlineMs + Math.floor((random() - 0.5) * 10 * DAY)).toISOString();
    if (random() < 0.5) facts.completedAt = new Date(deadlineMs + Math.floor((random() - 0.5) * 10 * DAY)).toISOString();
    const boundaries = [facts.deadlineAt, facts.dueSoonAt, facts.pausedAt].filter((v): v is string => v !== undefined).map(ms);
    const atMs = boundaries.length > 0 && random() < 0.6 ? pick(boundaries) + pick([-1, 0, 1]) : deadlineMs + Math.floor((random() - 0.5) * 20 * DAY);
    const next = nextJudgementChange(facts, atMs);
    if (next !== undefined && next <= atMs) failures += 1;
    const until = next ?? atMs + 400 * DAY;
    const probes = [
      atMs + 1,
      until - 1,
      ...boundaries.filter((b) => b > atMs && b < until),
      ...[0.25, 0.5, 0.75].map((f) => atMs + Math.floor((until - atMs) * f)),
    ];
    for (const probe of probes.filter((p) => p >= atMs && p < until)) {
      checked += 1;
      if (categoryAt(facts, probe) !== categoryAt(facts, atMs) || deadlineStateAt(facts, probe) !== deadlineStateAt(facts, atMs)) {
        failures += 1;
        if (failures <= 5)
          t.fail('the judgement changed before the announced change', {
            facts,
            instant: new Date(atMs).toISOString(),
            probe: new Date(probe).toISOString(),
          });
      }
    }
  }
  t.equal(failures, 0, `the judgement held at ${checked} probed instants`);
  t.ok(checked > 20_000, 'enough instants were probed');
});
