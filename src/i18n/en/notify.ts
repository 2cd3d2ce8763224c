import type { CatalogueOf } from '../catalogue';
import type { notify as vi } from '../vi/notify';

export const notify: CatalogueOf<typeof vi> = {
  deadline: {
    date: '{{date}}',
    dateTime: '{{time}} on {{date}}',
  },
  duration: {
    days_one: '{{count}} day',
    days_other: '{{count}} days',
    hours_one: '{{count}} hour',
    hours_other: '{{count}} hours',
    minutes_one: '{{count}} minute',
    minutes_other: '{{count}} minutes',
  },
  overdue: {
    none: 'is overdue',
    days_one: 'is {{count}} working day overdue',
    days_other: 'is {{count}} working days overdue',
  },
  reminder: {
    tag: 'Deadline reminder',
    subject: '[Reminder] {{plan}}: task «{{task}}» is due {{deadline}}',
    opening: 'Under plan {{plan}} ({{planTitle}}), task «{{task}}», led by {{lead}}, is due {{deadline}} ({{remaining}} left).',
    request: '{{lead}} is asked to complete it and report the result on time.',
  },
  escalation: {
    subject: '[{{action}}] {{plan}}: task «{{task}}» {{overdue}} (due {{deadline}})',
    opening: 'Under plan {{plan}} ({{planTitle}}), task «{{task}}», led by {{lead}}, was due {{deadline}} and {{overdue}}: it is not done.',
    action: 'Action: {{action}} (level {{level}}).',
    requestLead: '{{lead}} is asked to complete it urgently and report; if it cannot be completed, to explain why and by when it will be.',
    requestOversight: 'Reported to {{recipient}} to follow up and direct {{lead}} to complete it.',
  },
  greeting: 'To: {{recipient}}.',
  unit: 'Carried out by: {{unit}}.',
  output: 'Output: {{output}}.',
  link: 'Task details: {{link}}',
  catchUp:
    'Note: this step had already passed when the notice was made (the plan was applied, or the deadline changed, after it); this notice stands for the notices of the steps that passed.',
  catchUpSkipped: 'Not sent: the plan asks for no notice of steps already past (notify.catchUp: none).',
  signature: 'Plan tracking system (automatic message, please do not reply).',
  summary: {
    subject_one: '[Summary] {{plan}}: {{count}} task past its reminder or escalation steps',
    subject_other: '[Summary] {{plan}}: {{count}} tasks past their reminder or escalation steps',
    opening_one:
      'When plan {{plan}} ({{planTitle}}) was taken into tracking, {{count}} task below was past its reminder or escalation steps. Instead of one notice per step, here is one summary:',
    opening_other:
      'When plan {{plan}} ({{planTitle}}) was taken into tracking, {{count}} tasks below were past their reminder or escalation steps. Instead of one notice per step, here is one summary:',
    itemReminder: '{{index}}. «{{task}}», led by {{lead}}; due {{deadline}}: {{tag}}.',
    itemEscalation: '{{index}}. «{{task}}», led by {{lead}}; due {{deadline}}, {{overdue}}: {{action}} (level {{level}}).',
    request: '{{recipient}} is asked to review these tasks, direct their completion and report.',
  },
  digest: {
    subjectDaily: '[Daily digest] {{plan}}: {{overdue}} tasks overdue, {{dueSoon}} due soon',
    subjectWeekly: '[Weekly digest] {{plan}}: {{overdue}} tasks overdue, {{dueSoon}} due soon',
    subjectGiaoBan: '[Weekly progress meeting] {{plan}}: progress as of {{date}}',
    opening: 'Tasks of plan {{plan}} ({{planTitle}}) as of {{time}} on {{date}}:',
    openingGiaoBan: 'For the weekly progress meeting, plan {{plan}} ({{planTitle}}) as of {{time}} on {{date}}:',
    overdueHeading: 'Overdue tasks (longest overdue first):',
    dueSoonHeading: 'Tasks due soon:',
    none: 'No task is overdue or due soon.',
    itemOverdue: '{{index}}. «{{task}}», led by {{lead}}; due {{deadline}}, {{overdue}}.',
    itemDueSoon: '{{index}}. «{{task}}», led by {{lead}}; due {{deadline}}.',
    countsHeading: 'Figures by lead agency:',
    countsRow:
      '- {{agency}}: {{total}} in all; done on time {{doneOnTime}}, done late {{doneLate}}; not done within deadline {{openOnTime}}, not done overdue {{openOverdue}}; no deadline {{noDeadline}}.',
    totalName: 'Whole plan',
    changesHeading: 'Changes since {{since}}:',
    changeCompleted: '- «{{task}}» ({{lead}}): reported done on {{date}}.',
    changeOverdue: '- «{{task}}» ({{lead}}): became overdue on {{date}}.',
    noChanges: 'No task was completed or became overdue this week.',
  },
  recipient: {
    leadStaff: 'Tracking officer of {{agency}}',
    leadHead: 'Head of {{agency}}',
    standingOffice: 'Standing office of the working group',
    chair: 'Head of the working group',
  },
  missingContact: '{{target}} has no contact address in the plan: add contacts for this agency and apply the plan again.',
  error: {
    noSecret: 'No signing secret for webhook {{address}}: set KEHOACH_WEBHOOK_SECRETS (or KEHOACH_WEBHOOK_SECRET) and restart the worker.',
    status: 'Webhook {{address}} answered HTTP {{status}}.',
    unreachable: 'Could not connect to {{address}}: {{reason}}',
    smtp: 'The mail server refused it: {{reason}}',
    gaveUp_one: 'Tried {{count}} time, not sent: {{reason}}',
    gaveUp_other: 'Tried {{count}} times, not sent: {{reason}}',
  },
};
