/** The roll-up rule: a task as a whole over its units or occurrences. */
import t from 'tap';
import { rollUp, rollupProgress, taskDoneAt, type RollupMember } from '../../src/domain';

const member = (id: string, fields: Partial<RollupMember> = {}): RollupMember => ({
  workflowId: `task:kh:t@${id}`,
  unitId: id,
  progress: 'in_progress',
  seq: 1,
  ...fields,
});

t.test('done when every member is done, at the last completion; cancelled members count nowhere', async (t) => {
  const members = [
    member('a', { progress: 'done', completedAt: '2023-01-10T03:00:00.000Z' }),
    member('b', { progress: 'awaiting_confirmation', completedAt: '2023-01-11T03:00:00.000Z' }),
    member('c', { progress: 'cancelled' }),
  ];
  const half = rollUp(members);
  t.same([half.total, half.done, half.awaitingConfirmation, half.completedAt], [2, 1, 1, undefined]);
  t.equal(rollupProgress(half), 'in_progress', 'awaiting confirmation is not yet done');
  const whole = rollUp([members[0]!, { ...members[1]!, progress: 'done' }, members[2]!]);
  t.equal(rollupProgress(whole), 'done');
  t.equal(whole.completedAt, '2023-01-11T03:00:00.000Z');
  t.equal(rollupProgress(rollUp([member('a', { progress: 'not_started' })])), 'not_started');
});

t.test('counts add up; "reached the target" is n of N against each member\'s own target', async (t) => {
  const target = { metric: 'hồ sơ', unit: 'hồ sơ', value: 100 };
  const summary = rollUp(
    [member('a', { progressValue: 120 }), member('b', { progressValue: 40, targetValue: 50 }), member('c', { progressValue: 30 })],
    target,
  );
  t.equal(summary.value, 190);
  t.equal(summary.targetValue, 250, 'each member its own target, added up');
  t.equal(summary.reached, 1, 'only a reached its 100; b is at 40 of 50');
  t.equal(rollUp([member('a')], target).value, undefined, 'no value until one is reported');
});

t.test('percentages are weighted by base, or averaged without one, never summed', async (t) => {
  const percent = { metric: 'tỷ lệ', unit: '%', value: 100 };
  const six = Array.from({ length: 6 }, (_, index) => member(`d${index}`, { progressValue: 100 }));
  t.equal(rollUp(six, percent).value, 100, 'six districts at 100% are 100%, not 600%');
  t.equal(rollUp(six, percent).reached, 6);
  const weighted = rollUp([member('a', { progressValue: 100, targetBase: 3000 }), member('b', { progressValue: 50, targetBase: 1000 })], percent);
  t.equal(weighted.value, 87.5, "weighted by each unit's base");
  const averaged = rollUp([member('a', { progressValue: 100, targetBase: 3000 }), member('b', { progressValue: 50 })], percent);
  t.equal(averaged.value, 75, 'averaged when a base is missing');
  t.equal(averaged.targetValue, 100, 'the target stays a percentage');
});

t.test('taskDoneAt: the read model\'s answer to "is this prerequisite done, and when"', async (t) => {
  t.equal(taskDoneAt([]), undefined, 'not started yet');
  t.equal(taskDoneAt([{ progress: 'done', completedAt: '2023-01-10T03:00:00.000Z' }, { progress: 'in_progress' }]), undefined);
  t.equal(
    taskDoneAt([
      { progress: 'done', completedAt: '2023-01-10T03:00:00.000Z' },
      { progress: 'done', completedAt: '2023-01-12T03:00:00.000Z' },
      { progress: 'cancelled', completedAt: null },
    ]),
    '2023-01-12T03:00:00.000Z',
  );
});
