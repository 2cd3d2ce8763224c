/** A task with units seen as one task: where the whole stands, from its members at the same instant. */
import t from 'tap';
import { rollupCategory, rollupDeadlineState } from '../../src/domain';

t.test('the category of the whole', async (t) => {
  t.equal(rollupCategory(['done_on_time', 'done_on_time']), 'done_on_time');
  t.equal(rollupCategory(['done_on_time', 'done_late']), 'done_late', 'done late when one unit was');
  t.equal(rollupCategory(['done_on_time', 'open_overdue', 'open_on_time']), 'open_overdue', 'overdue as soon as one open unit is');
  t.equal(rollupCategory(['done_on_time', 'open_on_time']), 'open_on_time');
  t.equal(rollupCategory(['no_deadline', 'done_on_time']), 'no_deadline');
  t.equal(rollupCategory([undefined, 'open_on_time']), 'open_on_time', 'a cancelled unit counts nowhere');
  t.equal(rollupCategory([undefined]), undefined);
});

t.test('the deadline state of the whole: the most urgent open unit', async (t) => {
  t.equal(
    rollupDeadlineState([
      { progress: 'done', deadlineState: 'overdue' },
      { progress: 'in_progress', deadlineState: 'due_soon' },
      { progress: 'not_started', deadlineState: 'on_track' },
    ]),
    'due_soon',
    'a unit reported late no longer drives the whole',
  );
  t.equal(
    rollupDeadlineState([
      { progress: 'done', deadlineState: 'on_track' },
      { progress: 'awaiting_confirmation', deadlineState: 'on_track' },
    ]),
    'on_track',
  );
  t.equal(
    rollupDeadlineState([
      { progress: 'not_started', deadlineState: 'waiting' },
      { progress: 'cancelled', deadlineState: 'overdue' },
    ]),
    'waiting',
  );
});
