/**
 * The plan compiler: turns a validated plan into the plain TaskSpec list that `apply` starts
 * workflows from and `timeline` prints. One spec per task, per unit (`units`) and per occurrence
 * (`recurrence`); every policy, target and absolute deadline resolved, so that workflows never
 * need the plan itself. Runs outside workflows (it hashes with node:crypto).
 */
import { createHash } from 'node:crypto';
import { addDays, daysInMonth, endOfLocalDay, isoWeek, isoWeekday, startOfLocalDay } from './calendar';
import { parseDuration } from './duration';
import type { CalendarData, DeadlineRule, ResolvedEscalationPolicy, ResolvedTarget, TaskSpec } from './model';
import {
  APPLIED_ANCHOR,
  DEFAULT_ESCALATION,
  ISSUE_ANCHOR,
  type Agency,
  type Deadline,
  type Escalation,
  type EscalationTarget,
  type Plan,
  type Recurrence,
  type Task,
} from './schema';
import { deadlineAfterDate, deadlineAfterInstant, deadlineInstant } from './timetable';
import { canonicalJson } from '../canonical-json';
import { translator, type Translate } from '../i18n';
import { selectUnits } from './units';

export interface CompileOptions {
  /** When the plan was first applied (ISO instant): the anchor of `after: applied` deadlines. */
  firstAppliedAt?: string;
}

/** Resolves an escalation target for a task whose lead agency is `lead`. */
export function resolveTarget(target: EscalationTarget, plan: Plan, lead: string): ResolvedTarget {
  if (target === 'lead_staff' || target === 'lead_head') return { kind: target, agency: lead };
  if (typeof target === 'object' && 'agency' in target) return { kind: 'agency', agency: target.agency };
  const role = typeof target === 'string' ? target : target.role;
  const definition = (plan.roles as Record<string, Plan['roles']['chair'] | undefined>)[role];
  if (!definition) throw new Error(`role "${role}" is not defined under roles; the plan should have been validated first`);
  if ('agency' in definition) return { kind: 'role', role, agency: definition.agency };
  const { name, channel, address } = definition.contact;
  return { kind: 'role', role, contact: { name, channel, address } };
}

/**
 * The effective policy of a task: each field the task sets replaces the plan's, and each field
 * the plan sets replaces DEFAULT_ESCALATION's. Ladder targets are resolved against `lead`
 * (the unit agency for tasks with units).
 */
export function resolveEscalationPolicy(plan: Plan, taskEscalation: Escalation | undefined, lead: string): ResolvedEscalationPolicy {
  const dueSoon = taskEscalation?.dueSoon ?? plan.escalation?.dueSoon ?? DEFAULT_ESCALATION.dueSoon;
  const reminders = taskEscalation?.reminders ?? plan.escalation?.reminders ?? DEFAULT_ESCALATION.reminders;
  const ladder = taskEscalation?.ladder ?? plan.escalation?.ladder ?? DEFAULT_ESCALATION.ladder;
  const onRestDay = taskEscalation?.onRestDay ?? plan.escalation?.onRestDay ?? DEFAULT_ESCALATION.onRestDay;
  return {
    dueSoon: parseDuration(dueSoon),
    reminders: reminders.map(parseDuration),
    ladder: ladder.map((level, index) => ({
      level: index + 1,
      after: parseDuration(level.after),
      to: resolveTarget(level.to, plan, lead),
      action: level.action,
    })),
    // Left out when it is the default, so that specs compiled before the option existed keep their hash.
    ...(onRestDay === 'keep' ? { onRestDay } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Who a target is, in words

/** The title of an agency's head: "Giám đốc Sở Tư pháp", "Chủ tịch UBND huyện Quỳnh Lưu". */
export function headTitle(agency: Pick<Agency, 'name' | 'kind'>, t: Translate = translator()): string {
  const name = agency.name.replace(/^(Ủy|Uỷ) ban nhân dân/, 'UBND');
  switch (agency.kind) {
    case 'provincial_committee':
    case 'district_committee':
    case 'commune_committee':
      return t('timeline:target.chairOf', { agency: name });
    case 'police':
      return t(/^Công an (tỉnh|thành phố)/.test(name) ? 'timeline:target.directorOf' : 'timeline:target.chiefOf', { agency: name });
    case 'office':
      return t(/^Văn phòng/.test(name) ? 'timeline:target.chiefOfOffice' : 'timeline:target.headOf', { agency: name });
    case 'department':
    case 'enterprise':
      return t(/^Ban /.test(name) ? 'timeline:target.chiefOf' : 'timeline:target.directorOf', { agency: name });
    default:
      return t('timeline:target.headOf', { agency: name });
  }
}

/**
 * Who a target is, in the catalogue's language: "Giám đốc Sở Tư pháp", "Cơ quan thường trực
 * (Công an tỉnh)", "Tổ trưởng (Chủ tịch UBND tỉnh Nghệ An)". The chair is a person, so the head's
 * title is shown; other roles name the agency.
 */
export function describeTarget(target: ResolvedTarget, plan: Plan, t: Translate = translator()): string {
  const agencyOf = (id: string): Agency | undefined => plan.agencies.find((agency) => agency.id === id);
  const nameOf = (id: string): string => agencyOf(id)?.name ?? id;
  switch (target.kind) {
    case 'lead_staff':
      return t('timeline:target.leadStaff', { agency: nameOf(target.agency) });
    case 'lead_head': {
      const agency = agencyOf(target.agency);
      return agency ? headTitle(agency, t) : t('timeline:target.headOf', { agency: target.agency });
    }
    case 'agency':
      return nameOf(target.agency);
    case 'role': {
      const label =
        target.role === 'standing_office' || target.role === 'chair'
          ? t(`timeline:target.${target.role}`)
          : t('timeline:target.otherRole', { role: target.role });
      if (target.contact) return t('timeline:target.roleOf', { role: label, who: target.contact.name });
      const agency = target.agency ? agencyOf(target.agency) : undefined;
      if (!agency) return target.agency ? t('timeline:target.roleOf', { role: label, who: target.agency }) : label;
      return t('timeline:target.roleOf', { role: label, who: target.role === 'chair' ? headTitle(agency, t) : agency.name });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Units and occurrences

/** The agencies a `units` selector names, in the order of the plan's agency list for selectors. */
export function expandUnits(task: Task, plan: Plan): string[] {
  return task.units ? selectUnits(task.units, plan.agencies) : [];
}

/**
 * The target a task's copy carries: the unit's own value, base and baseline where `perUnit`
 * gives them, the task's otherwise. Undefined for a task without a target.
 */
export function unitTarget(task: Task, unitId: string | undefined): TaskSpec['target'] {
  const target = task.target;
  if (!target) return undefined;
  const own = unitId === undefined ? undefined : target.perUnit?.find((entry) => entry.agency === unitId);
  const value = own?.value ?? target.value;
  // Validation requires a value for every copy; a plan that skipped it must not compile quietly.
  if (value === undefined) throw new Error(`task "${task.id}" has no target value for ${unitId ?? 'the task'}; validate the plan first`);
  const baseline = own?.baseline ?? target.baseline;
  const base = own?.base ?? target.base;
  return {
    metric: target.metric,
    unit: target.unit,
    ...(baseline !== undefined ? { baseline } : {}),
    value,
    ...(base !== undefined ? { base } : {}),
  };
}

/**
 * The target of a task as a whole over its copies: counts add up; a percentage stays the
 * percentage the task states, or the copies' average when only they state one (see
 * src/domain/rollup.ts, which aggregates the values reached the same way).
 */
function wholeTarget(task: Task, units: (string | undefined)[], occurrences: number): TaskSpec['target'] {
  const target = task.target!;
  const copies = units.map((unitId) => unitTarget(task, unitId)!);
  const values = copies.map((copy) => copy.value);
  const value =
    target.unit === '%'
      ? (target.value ?? values.reduce((sum, each) => sum + each, 0) / values.length)
      : values.reduce((sum, each) => sum + each, 0) * occurrences;
  const bases = copies.map((copy) => copy.base);
  const base = bases.every((each) => each !== undefined) ? bases.reduce((sum: number, each) => sum + each!, 0) : undefined;
  return { metric: target.metric, unit: target.unit, value, ...(base !== undefined ? { base } : {}) };
}

export interface Occurrence {
  /** "2023-01" (month), "2023-Q1" (quarter), "2023-W05" (ISO week). */
  key: string;
  /** The local date the occurrence is due (end of that day). */
  date: string;
}

// Without a day, a monthly or quarterly report is due at the end of its period; a weekly one on
// Friday, the last working day of an ordinary week.
const DEFAULT_WEEKDAY = 5;

/** Every occurrence of a recurrence whose due date lies in [from, until]. */
export function expandRecurrence(recurrence: Recurrence): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const inRange = (date: string): boolean => date >= recurrence.from && date <= recurrence.until;
  if (recurrence.every === 'week') {
    const weekday = recurrence.weekday ?? DEFAULT_WEEKDAY;
    let date = addDays(recurrence.from, (weekday - isoWeekday(recurrence.from) + 7) % 7);
    for (; inRange(date); date = addDays(date, 7)) {
      const { year, week } = isoWeek(date);
      occurrences.push({ key: `${year}-W${String(week).padStart(2, '0')}`, date });
    }
    return occurrences;
  }
  let year = Number(recurrence.from.slice(0, 4));
  let month = Number(recurrence.from.slice(5, 7));
  const lastYear = Number(recurrence.until.slice(0, 4));
  const lastMonth = Number(recurrence.until.slice(5, 7));
  for (; year < lastYear || (year === lastYear && month <= lastMonth); month === 12 ? ((month = 1), year++) : month++) {
    if (recurrence.every === 'quarter' && month % 3 !== 0) continue;
    const day = Math.min(recurrence.day ?? 31, daysInMonth(year, month));
    const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (!inRange(date)) continue;
    const key = recurrence.every === 'quarter' ? `${year}-Q${month / 3}` : `${year}-${String(month).padStart(2, '0')}`;
    occurrences.push({ key, date });
  }
  return occurrences;
}

// ---------------------------------------------------------------------------------------------
// Deadlines and hashing

/** Resolves a written deadline to the rule a task workflow follows. */
export function resolveDeadline(deadline: Deadline | undefined, plan: Plan, calendar: CalendarData, options: CompileOptions = {}): DeadlineRule {
  if (deadline === undefined || deadline === 'none') return { kind: 'none' };
  const timezone = plan.timezone;
  if (typeof deadline === 'string') {
    const at = deadlineInstant({
      rule: deadline.includes('T') ? { kind: 'date_time', dateTime: deadline } : { kind: 'date', date: deadline },
      calendar,
      timezone,
    });
    return at === undefined ? { kind: 'none' } : { kind: 'instant', at };
  }
  const within = parseDuration(deadline.within);
  if (deadline.after === ISSUE_ANCHOR) {
    return { kind: 'instant', at: deadlineAfterDate(plan.issuedOn, within, calendar, timezone) };
  }
  if (deadline.after === APPLIED_ANCHOR) {
    // Before the first apply there is no apply instant yet (diff, timeline): the start of the
    // issue date stands in for it, so the printed schedule has the right shape, not the right day.
    const anchor = options.firstAppliedAt ?? startOfLocalDay(plan.issuedOn, timezone);
    return { kind: 'instant', at: deadlineAfterInstant(anchor, within, calendar, timezone) };
  }
  return { kind: 'after_task', taskId: deadline.after, within };
}

/** sha256 of the canonical JSON of a spec without its specHash. */
export function hashSpec(spec: Omit<TaskSpec, 'specHash'> & { specHash?: string }): string {
  const { specHash: _ignored, ...rest } = spec;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The compiler

/**
 * Every task spec the plan implies. Assumes the plan passed validation (references exist, dates
 * are real); `calendar` is the plan's calendar.
 */
export function compilePlan(plan: Plan, calendar: CalendarData, options: CompileOptions = {}): TaskSpec[] {
  return compileUnhashed(plan, calendar, options).map((spec) => ({ ...spec, specHash: hashSpec(spec) }));
}

/**
 * The specs of compilePlan without their hash, for callers that only read the schedule (the
 * validator): hashing serialises the whole calendar once per spec, most of the cost of compiling.
 */
export function compileUnhashed(plan: Plan, calendar: CalendarData, options: CompileOptions = {}): Omit<TaskSpec, 'specHash'>[] {
  const specs: Omit<TaskSpec, 'specHash'>[] = [];
  const dependantsOf = new Map<string, string[]>();
  for (const task of plan.tasks) {
    for (const prerequisite of task.dependsOn) dependantsOf.set(prerequisite, [...(dependantsOf.get(prerequisite) ?? []), task.id]);
  }
  for (const task of plan.tasks) {
    const units: (string | undefined)[] = task.units ? expandUnits(task, plan) : [undefined];
    const occurrences: (Occurrence | undefined)[] = task.recurrence ? expandRecurrence(task.recurrence) : [undefined];
    const dependants = dependantsOf.get(task.id) ?? [];
    if (task.units || task.recurrence) {
      // The task as a whole: a roll-up over its members, released and releasing like a plain task.
      const escalation = resolveEscalationPolicy(plan, task.escalation, task.lead);
      const rollup: Omit<TaskSpec, 'specHash'> = {
        planId: plan.id,
        taskId: task.id,
        title: task.title,
        lead: task.lead,
        support: [...task.support],
        output: task.output,
        dependsOn: [...task.dependsOn],
        confirmation: false,
        ...(task.target ? { target: wholeTarget(task, units, occurrences.length) } : {}),
        deadline: task.recurrence ? { kind: 'none' } : resolveDeadline(task.deadline, plan, calendar, options),
        escalation: { dueSoon: escalation.dueSoon, reminders: [], ladder: [] },
        timezone: plan.timezone,
        issuedOn: plan.issuedOn,
        calendar,
        members: units.flatMap((unitId) =>
          occurrences.map((occurrence) => ({ ...(unitId !== undefined ? { unitId } : {}), ...(occurrence ? { occurrence: occurrence.key } : {}) })),
        ),
        ...(dependants.length > 0 ? { dependants } : {}),
      };
      specs.push(rollup);
    }
    for (const unitId of units) {
      const lead = unitId ?? task.lead;
      const escalation = resolveEscalationPolicy(plan, task.escalation, lead);
      for (const occurrence of occurrences) {
        const deadline: DeadlineRule = occurrence
          ? { kind: 'instant', at: endOfLocalDay(occurrence.date, plan.timezone) }
          : resolveDeadline(task.deadline, plan, calendar, options);
        const spec: Omit<TaskSpec, 'specHash'> = {
          planId: plan.id,
          taskId: task.id,
          ...(unitId !== undefined ? { unitId } : {}),
          ...(occurrence ? { occurrence: occurrence.key } : {}),
          title: task.title,
          lead,
          support: [...task.support],
          output: task.output,
          dependsOn: [...task.dependsOn],
          confirmation: task.confirmation,
          ...(task.target ? { target: unitTarget(task, unitId) } : {}),
          deadline,
          escalation,
          timezone: plan.timezone,
          issuedOn: plan.issuedOn,
          calendar,
          // Members leave releasing dependants to their roll-up.
          ...(dependants.length > 0 && !task.units && !task.recurrence ? { dependants } : {}),
        };
        specs.push(spec);
      }
    }
  }
  return specs;
}
