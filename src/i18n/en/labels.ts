import type { CatalogueOf } from '../catalogue';
import type { labels as vi } from '../vi/labels';

export const labels: CatalogueOf<typeof vi> = {
  categoryGroup: { done: 'Done', open: 'Not done' },
  categoryShort: {
    done_on_time: 'on time',
    done_late: 'late',
    open_on_time: 'within deadline',
    open_overdue: 'overdue',
    no_deadline: 'No deadline',
  },
  category: {
    done_on_time: 'Done on time',
    done_late: 'Done late',
    open_on_time: 'Not done, within deadline',
    open_overdue: 'Not done, overdue',
    no_deadline: 'No deadline',
  },
  progress: {
    not_started: 'Not started',
    in_progress: 'In progress',
    awaiting_confirmation: 'Awaiting confirmation',
    done: 'Done',
    returned: 'Returned',
    paused: 'Paused',
    cancelled: 'Cancelled',
  },
  deadlineState: {
    no_deadline: 'No deadline',
    waiting: 'Waiting for a prerequisite',
    on_track: 'On track',
    due_soon: 'Due soon',
    overdue: 'Overdue',
  },
  report: {
    agency: 'Agency',
    total: 'Total',
    percentDone: 'Done (%)',
    grandTotal: 'All agencies',
    ofWhich: 'Of which',
    awaitingConfirmation: 'Awaiting confirmation',
    dueSoon: 'Due soon',
    waiting: 'Waiting for a prerequisite',
    paused: 'Paused',
    title: 'Plan {{plan}}: where it stood at the end of {{date}}',
  },
};
