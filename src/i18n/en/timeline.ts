import type { CatalogueOf } from '../catalogue';
import type { timeline as vi } from '../vi/timeline';

/** English adds the `_one` plural forms that Vietnamese does not need. */
type English = CatalogueOf<typeof vi> & {
  duration: { working_day_one: string; day_one: string; hour_one: string; minute_one: string; second_one: string };
};

export const timeline: English = {
  usage: [
    'Usage: kehoach timeline <plan file> [--task id] [--applied-at instant] [--json]',
    '',
    'Prints, without any server, the timetable the plan implies for each task (and each unit and',
    'occurrence): deadline, due-soon, reminders and each escalation level with who receives it,',
    "in the plan's timezone.",
    '',
    'Options:',
    '  --task id     only this task (repeatable)',
    '  --applied-at  the instant the plan is (or was) first applied, e.g. 2023-01-12T09:00+07:00;',
    '                "after: applied" deadlines count from it (default: the start of the issue date)',
    '  --json        print the timetable as JSON',
    '  -h, --help    show this help',
    '',
    'Exit status: 0 printed, 1 the plan is invalid, 2 usage error.',
  ].join('\n'),
  weekday: { '1': 'Mon', '2': 'Tue', '3': 'Wed', '4': 'Thu', '5': 'Fri', '6': 'Sat', '7': 'Sun' },
  localTime: '{{weekday}} {{date}} {{time}}',
  duration: {
    working_day_one: '{{count}} working day',
    working_day_other: '{{count}} working days',
    day_one: '{{count}} day',
    day_other: '{{count}} days',
    hour_one: '{{count}} hour',
    hour_other: '{{count}} hours',
    minute_one: '{{count}} minute',
    minute_other: '{{count}} minutes',
    second_one: '{{count}} second',
    second_other: '{{count}} seconds',
  },
  entry: {
    dueSoon: 'Due soon ({{duration}} left)',
    reminder: 'Reminder ({{duration}} before)',
    deadline: 'Deadline',
    level: 'Level {{level}}: {{action}}',
  },
  deadline: {
    none: 'no deadline (ongoing)',
    afterTask: '{{duration}} after {{task}} is done',
  },
  target: {
    leadStaff: 'Staff in charge at {{agency}}',
    chairOf: 'Chair of {{agency}}',
    directorOf: 'Director of {{agency}}',
    chiefOf: 'Chief of {{agency}}',
    chiefOfOffice: 'Chief of {{agency}}',
    headOf: 'Head of {{agency}}',
    standing_office: 'Standing office',
    chair: 'Steering group chair',
    otherRole: 'Role "{{role}}"',
    roleOf: '{{role}} ({{who}})',
  },
  text: {
    plan: 'Plan {{code}}: {{title}}',
    issued: '{{issuer}}, issued {{date}}; working calendar "{{calendar}}", time zone {{timezone}}',
    appliedAtAssumed:
      'Deadlines counted from when the plan is applied are counted from the start of the issue date for now (use --applied-at to choose the instant).',
    unit: 'unit {{unit}}',
    occurrence: 'period {{occurrence}}',
    lead: 'Lead: {{lead}}',
    deadline: 'Deadline: {{deadline}}',
    projected: 'If {{task}} is done on time ({{completedAt}}), the deadline is {{deadline}}:',
    waitsForPrerequisite: 'Reminders and escalations are scheduled once the prerequisite task is done.',
    warning: 'Warning: {{warning}}',
  },
  unannounced: {
    withStatutory:
      'The working calendar "{{calendar}}" has no holiday announcement for {{years}}: the statutory holidays of the 2019 Labour Code are counted, but the Tết holidays and the day next to National Day (2/9) are provisional defaults, with no swapped or make-up days. Add {{years}} to calendars/{{calendar}}.yaml once the official announcement is out.',
    weekendsOnly:
      'The working calendar "{{calendar}}" has no holiday announcement for {{years}}: only weekends are counted, with no holidays or Tết. Add {{years}} to calendars/{{calendar}}.yaml once the official announcement is out.',
  },
  error: {
    nameOneFile: 'name one plan file',
    onlyOneFile: 'name only one plan file',
    appliedAt: '--applied-at "{{value}}" is not a date-time; write it like 2023-01-12T09:00+07:00',
    invalidPlan: '{{file}} is not a valid plan; fix the problems above (see kehoach validate)',
    unknownTask: 'no task {{tasks}} in {{file}}; tasks: {{known}}',
  },
};
