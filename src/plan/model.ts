/**
 * Plain-data shapes that cross from the plan module into workflows and activities.
 * This file has no runtime imports so that workflow code can use it freely; the pure time
 * functions (calendar.ts, timetable.ts) take and return these shapes.
 */

export type DurationUnitKey = 'working_day' | 'day' | 'hour' | 'minute' | 'second';

/** A parsed duration ("3 working days" → { amount: 3, unit: 'working_day' }). */
export interface Duration {
  amount: number;
  unit: DurationUnitKey;
}

/**
 * A working-day calendar as loaded from calendars/<name>.yaml: rules plus what each year's
 * announcement adds, kept small because it travels in every task spec.
 */
export interface CalendarData {
  name: string;
  /** ISO weekdays that are rest days (6 = Saturday, 7 = Sunday). */
  weekend: number[];
  /**
   * The law whose public holidays are derived for every year ('vn-labour-code-2019': Bộ luật Lao
   * động 2019, Điều 111–112; see statutory-holidays.ts). Absent: only the days listed below.
   */
  statutoryHolidays?: 'vn-labour-code-2019';
  /**
   * Rest weekdays the announcements add, YYYY-MM-DD: the Tết days and the day next to 2/9 of
   * announced years, swapped days. Without `statutoryHolidays`, every holiday.
   */
  holidays: string[];
  /** Weekend days that are working days (make-up Saturdays, "làm bù"), YYYY-MM-DD. */
  workingWeekends: string[];
  /** Years whose announcement is recorded; other years use the law's defaults (and a warning says so). */
  years: number[];
}

/** Who a reminder or an escalation level goes to, resolved against the plan. */
export type ResolvedTarget =
  | { kind: 'lead_staff'; agency: string }
  | { kind: 'lead_head'; agency: string }
  | { kind: 'role'; role: string; agency?: string; contact?: { name: string; channel: 'email' | 'webhook'; address: string } }
  | { kind: 'agency'; agency: string };

export interface ResolvedLadderLevel {
  /** 1-based level number. */
  level: number;
  after: Duration;
  to: ResolvedTarget;
  action: string;
}

/**
 * What happens to a reminder or ladder step counted in calendar days that lands on a rest day:
 * `move` to 08:00 on the next working day, or `keep` it where it was counted.
 */
export type RestDayRule = 'move' | 'keep';

export interface ResolvedEscalationPolicy {
  dueSoon: Duration;
  /** Durations before the deadline, in the order written. */
  reminders: Duration[];
  ladder: ResolvedLadderLevel[];
  /** Absent: 'move' (present only when the plan asks to keep). */
  onRestDay?: RestDayRule;
}

/**
 * A task's deadline in resolved form. Absolute forms are already instants (ISO UTC);
 * "after task" stays relative until the prerequisite is done.
 */
export type DeadlineRule = { kind: 'none' } | { kind: 'instant'; at: string } | { kind: 'after_task'; taskId: string; within: Duration };

/** Everything a task workflow needs, as plain JSON. Produced by the plan compiler. */
export interface TaskSpec {
  planId: string;
  taskId: string;
  /** For tasks with units: the unit (agency id) this workflow carries. */
  unitId?: string;
  /** For recurring tasks: the occurrence key, e.g. "2023-01". */
  occurrence?: string;
  title: string;
  lead: string;
  support: string[];
  output: string;
  dependsOn: string[];
  confirmation: boolean;
  /**
   * What the task (or this unit's copy of it) must reach. A unit's copy carries its own value when
   * the plan gives one per unit. `unit: '%'` marks a percentage: roll-ups weight it by `base` (the
   * unit's own base, such as its eligible citizens) or average it when no base is given, and never
   * add percentages up; any other unit is a count, and counts add up.
   */
  target?: { metric: string; unit: string; baseline?: number; value: number; base?: number };
  deadline: DeadlineRule;
  escalation: ResolvedEscalationPolicy;
  timezone: string;
  /** The plan's issue date (YYYY-MM-DD): nothing of the plan can be done before it. */
  issuedOn?: string;
  calendar: CalendarData;
  /**
   * A roll-up (the task as a whole over its units or occurrences) lists its members; it has no
   * ladder of its own and aggregates what its members signal.
   */
  members?: { unitId?: string; occurrence?: string }[];
  /** The tasks that depend on this one: released straight from its workflow once it is done. */
  dependants?: string[];
  /** Hash of this spec, so that an unchanged task is not amended. */
  specHash: string;
}

/** One instant in a task's timetable. */
export type TimetableEntry =
  | { kind: 'due_soon'; at: string }
  | { kind: 'reminder'; index: number; before: Duration; at: string }
  | { kind: 'deadline'; at: string }
  | { kind: 'escalation'; level: number; to: ResolvedTarget; action: string; at: string };
