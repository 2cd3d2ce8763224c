/**
 * The plan format: the single source of truth for what a plan file may say.
 * Types are inferred from these schemas; the JSON Schema for editors is generated from them
 * (see json-schema.ts). Semantic rules that need the whole document (references, cycles,
 * calendars) live in validate.ts, not here.
 *
 * Never import this module from src/workflows: zod in workflow code leaks memory in the
 * workflow cache. Workflows use `import type` only.
 */
import * as z from 'zod';

/** ASCII identifier used in workflow IDs and URLs: lower-case letters, digits, '-' and '_'. */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  message: 'must be an ASCII id: lower-case letters, digits, "-" or "_" (for example "so-tu-phap")',
});

export const dateSchema = z.iso.date({ message: 'must be a real date written YYYY-MM-DD (for example 2022-11-07)' });

/** A local date-time in the plan's timezone, or with an explicit offset. */
export const dateTimeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$/, {
  message: 'must be a date-time written YYYY-MM-DDTHH:MM (for example 2022-11-30T17:00)',
});

export const DURATION_UNITS = ['working day', 'day', 'hour', 'minute', 'second'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/**
 * A duration written as plain words: "3 working days", "1 working day", "30 days", "4 hours",
 * "15 minutes", "20 seconds". Minutes and seconds exist for drills and tests.
 */
export const durationSchema = z.string().regex(/^(0|[1-9]\d{0,3}) (working days?|days?|hours?|minutes?|seconds?)$/, {
  message: 'must be a number and a unit, for example "3 working days", "30 days", "4 hours" or "15 minutes"',
});

export const AGENCY_KINDS = [
  'provincial_committee',
  'department',
  'police',
  'office',
  'district_committee',
  'commune_committee',
  'enterprise',
  'other',
] as const;

export const contactSchema = z.strictObject({
  role: z.enum(['staff', 'head']),
  channel: z.enum(['email', 'webhook']),
  address: z.string().min(1),
  name: z.string().min(1).optional(),
  digest: z.enum(['daily', 'weekly']).optional().meta({
    description:
      "Instead of one message per reminder or escalation, one digest of the plan's due-soon and overdue tasks: daily (08:00 on working days) or weekly (Monday 08:00); the standing office's weekly digest is the giao ban summary",
  }),
});

export const agencySchema = z.strictObject({
  id: slugSchema.meta({ description: 'ASCII id used everywhere else in the plan, e.g. "so-tu-phap"' }),
  name: z.string().min(1).meta({ description: 'Full Vietnamese name, e.g. "Sở Tư pháp"' }),
  kind: z.enum(AGENCY_KINDS),
  /** The agency this one rolls up into (a commune into its district, a district into the province). */
  parent: slugSchema
    .optional()
    .meta({ description: 'The agency this one rolls up into (a commune into its district, a district into the province)' }),
  contacts: z.array(contactSchema).default([]).meta({ description: 'Who is notified: role staff or head, by email or webhook' }),
});

/** A role points at an agency (its head is notified) or directly at a person's contact. */
export const roleSchema = z.union([
  z.strictObject({ agency: slugSchema }),
  z.strictObject({ contact: contactSchema.omit({ role: true }).extend({ name: z.string().min(1) }) }),
]);

export const rolesSchema = z
  .object({
    /** Cơ quan thường trực: in practice Công an tỉnh. */
    standing_office: roleSchema,
    /** Tổ trưởng: Chủ tịch UBND tỉnh. */
    chair: roleSchema,
  })
  .catchall(roleSchema);

export const BUILT_IN_TARGETS = ['lead_staff', 'lead_head', 'standing_office', 'chair'] as const;

export const escalationTargetSchema = z.union([
  z.enum(BUILT_IN_TARGETS),
  z.strictObject({ agency: slugSchema }),
  z.strictObject({ role: slugSchema }),
]);

export const ladderLevelSchema = z.strictObject({
  /** Delay after the deadline. */
  after: durationSchema.meta({ description: 'Delay after the deadline, e.g. "3 working days"' }),
  to: escalationTargetSchema,
  /** What is asked of the target: nhắc nhở, đôn đốc, yêu cầu giải trình, báo cáo Tổ trưởng… */
  action: z.string().min(1),
});

export const escalationSchema = z.strictObject({
  /** A task is "sắp đến hạn" (due soon) within this much of its deadline. */
  dueSoon: durationSchema
    .optional()
    .meta({ description: 'A task is "sắp đến hạn" (due soon) within this much of its deadline; default "3 working days"' }),
  /** Reminders sent before the deadline, each as the time before it. */
  reminders: z
    .array(durationSchema)
    .optional()
    .meta({ description: 'Reminders before the deadline, earliest first; default ["3 working days", "1 working day"]' }),
  ladder: z.array(ladderLevelSchema).min(1).optional().meta({ description: 'Escalation levels after the deadline, each later than the one before' }),
  /** Reminders and ladder steps counted in calendar days that land on a weekend or holiday. */
  onRestDay: z.enum(['move', 'keep']).optional().meta({
    description:
      'A reminder or escalation counted in calendar days ("2 days") that lands on a weekend or holiday: "move" (default) sends it at 08:00 on the next working day; "keep" sends it on the day counted',
  }),
});

/**
 * Reserved words in `after:`. `issue`: the plan's issue date (working and calendar days count
 * from the end of that day; hours, minutes and seconds from its start). `applied`: the instant
 * the plan was first applied (for drills whose deadlines are minutes away).
 * Any other value is the id of a task whose completion starts the clock.
 */
export const ISSUE_ANCHOR = 'issue';
export const APPLIED_ANCHOR = 'applied';
export const RESERVED_ANCHORS = [ISSUE_ANCHOR, APPLIED_ANCHOR] as const;

export const relativeDeadlineSchema = z.strictObject({
  within: durationSchema,
  /** "issue", "applied", or the id of a task whose completion starts the clock. */
  after: slugSchema,
});

export const deadlineSchema = z.union([z.literal('none'), dateSchema, dateTimeSchema, relativeDeadlineSchema]);

/** One unit's own target in a task with units: its value, and for percentages its base. */
export const unitTargetSchema = z.strictObject({
  agency: slugSchema.meta({ description: "The unit (one of the task's units)" }),
  value: z.number().optional().meta({ description: "This unit's value to reach; default the target's value" }),
  base: z
    .number()
    .positive()
    .optional()
    .meta({ description: 'What a percentage is of for this unit (its eligible citizens, its records…); weights it in roll-ups' }),
  baseline: z.number().optional().meta({ description: "This unit's value at the start" }),
});

export const targetSchema = z.strictObject({
  metric: z.string().min(1),
  /** "%" marks a percentage (weighted by base in roll-ups, never added up); anything else is a count. */
  unit: z.string().min(1),
  baseline: z.number().optional(),
  /** Required unless every unit has its own value under perUnit. */
  value: z.number().optional(),
  base: z.number().positive().optional(),
  perUnit: z.array(unitTargetSchema).min(1).optional(),
});

export const unitsSelectorSchema = z.union([
  z.array(slugSchema).min(1),
  z.strictObject({
    kind: z.enum(AGENCY_KINDS),
    /** Only the agencies directly under this one. */
    parent: slugSchema.optional(),
    /** The agencies anywhere under this one: the communes of a province through its districts. */
    within: slugSchema.optional(),
  }),
]);

export const recurrenceSchema = z.strictObject({
  every: z.enum(['week', 'month', 'quarter']),
  /** Day of the month (month: that month; quarter: the quarter's last month). Clamped to the month's end. */
  day: z.number().int().min(1).max(31).optional(),
  /** ISO weekday for weekly recurrences: 1 = Monday … 7 = Sunday. */
  weekday: z.number().int().min(1).max(7).optional(),
  from: dateSchema,
  until: dateSchema,
});

export const taskSchema = z.strictObject({
  id: slugSchema.meta({ description: 'ASCII task id, unique in the plan, e.g. "t05"' }),
  title: z.string().min(1).meta({ description: 'The task (nhiệm vụ) in Vietnamese' }),
  lead: slugSchema.meta({ description: 'Id of the lead agency (cơ quan chủ trì)' }),
  support: z.array(slugSchema).default([]).meta({ description: 'Ids of the supporting agencies (cơ quan phối hợp)' }),
  /** Required unless the task has a recurrence (each occurrence then has its own deadline). */
  deadline: deadlineSchema.optional().meta({
    description:
      'A date (2022-12-25, the end of that day), a date-time (2022-12-25T17:00), "none" for ongoing work (thường xuyên), or { within: "10 working days", after: issue | applied | <task id> }. Required unless the task has a recurrence.',
  }),
  dependsOn: z.array(slugSchema).default([]).meta({ description: 'Ids of tasks that must be done before this one starts' }),
  output: z.string().min(1).meta({ description: 'The expected result (sản phẩm): a report, a system connected, a data set cleaned…' }),
  target: targetSchema.optional().meta({
    description:
      'A measurable target: metric, unit ("%" for a percentage), optional baseline and base, value; a task with units may give each unit its own value and base under perUnit',
  }),
  confirmation: z
    .boolean()
    .default(false)
    .meta({ description: 'When true, a reported completion counts only once the tracking office confirms it (chờ xác nhận)' }),
  escalation: escalationSchema.optional().meta({ description: "Overrides the plan's escalation policy for this task" }),
  units: unitsSelectorSchema.optional().meta({
    description:
      'The same task carried by each listed unit (district or commune), each with its own progress: a list of agency ids, or { kind, parent } (directly under an agency) or { kind, within } (anywhere under it)',
  }),
  recurrence: recurrenceSchema
    .optional()
    .meta({ description: 'A periodic task (e.g. a monthly report due on the 20th); each occurrence has its own deadline. Use instead of deadline.' }),
  /** Whether the task is taken from the published text or reconstructed. */
  provenance: z.enum(['published', 'reconstructed']).optional(),
  note: z.string().optional(),
});

export const sourceSchema = z.strictObject({
  title: z.string().min(1),
  url: z.string().optional(),
  note: z.string().optional(),
});

/** How the plan's notifications are sent (src/notify). */
export const notifySchema = z.strictObject({
  catchUp: z.enum(['summary', 'none']).default('summary').meta({
    description:
      'Reminders and levels already past when a task is applied or its deadline moves: "summary" sends each recipient one summary, "none" sends nothing (they stay in the history)',
  }),
  workingHours: z.boolean().default(true).meta({
    description:
      "true: reminders and anything to the chair wait for 08:00–17:00 of a working day of the plan's calendar; false: everything goes out at once (drills)",
  }),
});

export const planSchema = z.strictObject({
  id: slugSchema.meta({ description: 'ASCII plan id, e.g. "nghe-an-771"' }),
  code: z.string().min(1).meta({ description: 'The document number, e.g. "771/KH-UBND"' }),
  title: z.string().min(1).meta({ description: 'The plan title in Vietnamese' }),
  issuer: z.string().min(1).meta({ description: 'Who issued it, e.g. "UBND tỉnh Nghệ An"' }),
  issuedOn: dateSchema.meta({ description: 'Issue date, YYYY-MM-DD; "after: issue" deadlines count from it' }),
  timezone: z.string().default('Asia/Ho_Chi_Minh').meta({ description: 'IANA timezone of the dates in this plan' }),
  calendar: slugSchema.meta({ description: 'Working-day calendar: the name of a file in calendars/, e.g. "vn"' }),
  description: z.string().optional(),
  sources: z.array(sourceSchema).optional(),
  agencies: z
    .array(agencySchema)
    .min(1)
    .meta({ description: 'Every agency the plan names: departments, Công an tỉnh, district and commune committees' }),
  roles: rolesSchema.meta({ description: 'Roles the escalation refers to: standing_office (cơ quan thường trực), chair (Tổ trưởng) and any others' }),
  escalation: escalationSchema
    .optional()
    .meta({ description: 'Default policy for every task: dueSoon, reminders before the deadline, ladder after it' }),
  tasks: z.array(taskSchema).min(1).meta({ description: 'The tasks (nhiệm vụ)' }),
  notify: notifySchema.optional().meta({ description: 'How notifications are sent: catch-up summaries, working hours' }),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Agency = z.infer<typeof agencySchema>;
export type Contact = z.infer<typeof contactSchema>;
export type NotifyOptions = z.infer<typeof notifySchema>;
export type Role = z.infer<typeof roleSchema>;
export type Task = z.infer<typeof taskSchema>;
export type Deadline = z.infer<typeof deadlineSchema>;
export type RelativeDeadline = z.infer<typeof relativeDeadlineSchema>;
export type Escalation = z.infer<typeof escalationSchema>;
export type LadderLevel = z.infer<typeof ladderLevelSchema>;
export type EscalationTarget = z.infer<typeof escalationTargetSchema>;
export type Recurrence = z.infer<typeof recurrenceSchema>;
export type UnitsSelector = z.infer<typeof unitsSelectorSchema>;
export type Target = z.infer<typeof targetSchema>;
export type UnitTarget = z.infer<typeof unitTargetSchema>;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

/** The policy used when neither the plan nor the task says otherwise. */
export const DEFAULT_ESCALATION = {
  dueSoon: '3 working days',
  reminders: ['3 working days', '1 working day'],
  ladder: [
    { after: '0 working days', to: 'lead_head', action: 'Nhắc nhở' },
    { after: '3 working days', to: 'standing_office', action: 'Đôn đốc' },
    { after: '7 working days', to: 'chair', action: 'Báo cáo Tổ trưởng' },
  ],
  onRestDay: 'move',
} as const satisfies Required<Escalation>;
