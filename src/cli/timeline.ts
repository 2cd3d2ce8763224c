/**
 * `kehoach timeline <plan file> [--task id] [--json]`: the dated timetable a plan implies —
 * deadline, due-soon, reminders and every escalation level with who receives it — computed
 * locally with the same functions the task workflows use, so an author can review a policy
 * before applying it. No server is needed.
 */
import { loadCalendar } from '../plan/calendar-file';
import { durationText, translator, unannouncedYearsText, type Translate } from '../i18n';
import { formatDateVi, isoWeekday, toLocal, unannouncedYears } from '../plan/calendar';
import { compilePlan, describeTarget } from '../plan/compile';
import { loadPlanFile } from '../plan/load';
import type { CalendarData, ResolvedTarget, TaskSpec, TimetableEntry } from '../plan/model';
import type { Plan } from '../plan/schema';
import { deadlineInstant, taskTimetable } from '../plan/timetable';
import { parseCommandArgs, usageError as commandUsageError } from './args';
import { formatDiagnostic } from './validate';

export interface TimelineEntry {
  kind: TimetableEntry['kind'];
  /** ISO instant. */
  at: string;
  /** "Thứ Tư 18/01/2023 24:00" in the plan's timezone. */
  local: string;
  /** What happens, in the catalogue's language. */
  label: string;
  /** Who receives it (reminders and escalation levels). */
  to?: ResolvedTarget;
  toLabel?: string;
}

export interface TimelineTask {
  taskId: string;
  unitId?: string;
  occurrence?: string;
  title: string;
  lead: string;
  leadLabel: string;
  /** The deadline in words: "hết ngày Thứ Tư 18/01/2023", "không thời hạn (thường xuyên)"… */
  deadlineLabel: string;
  deadlineAt?: string;
  /** For deadlines after another task: the timetable if that task finishes exactly on its own deadline. */
  projected?: { prerequisite: string; completedAt: string };
  /** After another task, with no projection: the timetable is known only once that task is done. */
  waitsForPrerequisite?: true;
  entries: TimelineEntry[];
}

/**
 * Local date and time for people: "Thứ Tư 18/01/2023 17:00". A deadline or level falling on a
 * local midnight is shown as 24:00 of the day it ends, as official documents write it.
 */
export function formatLocal(at: string, timezone: string, midnightEndsDay = false, t: Translate = translator()): string {
  let local = toLocal(at, timezone);
  let time = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
  const midnight = local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
  if (midnightEndsDay && midnight) {
    local = toLocal(Date.parse(at) - 1, timezone);
    time = '24:00';
  }
  const weekday = t(`timeline:weekday.${isoWeekday(local.date) as 1 | 2 | 3 | 4 | 5 | 6 | 7}`);
  return t('timeline:localTime', { weekday, date: formatDateVi(local.date), time });
}

function agencyName(plan: Plan, id: string): string {
  return plan.agencies.find((agency) => agency.id === id)?.name ?? id;
}

function describeEntry(entry: TimetableEntry, spec: TaskSpec, plan: Plan, t: Translate): TimelineEntry {
  const midnightEndsDay = entry.kind === 'deadline' || entry.kind === 'escalation';
  const local = formatLocal(entry.at, spec.timezone, midnightEndsDay, t);
  switch (entry.kind) {
    case 'due_soon':
      return { kind: entry.kind, at: entry.at, local, label: t('timeline:entry.dueSoon', { duration: durationText(spec.escalation.dueSoon, t) }) };
    case 'reminder': {
      // Reminders go to the lead's staff, as the task workflow sends them.
      const to: ResolvedTarget = { kind: 'lead_staff', agency: spec.lead };
      return {
        kind: entry.kind,
        at: entry.at,
        local,
        label: t('timeline:entry.reminder', { duration: durationText(entry.before, t) }),
        to,
        toLabel: describeTarget(to, plan, t),
      };
    }
    case 'deadline':
      return { kind: entry.kind, at: entry.at, local, label: t('timeline:entry.deadline') };
    case 'escalation':
      return {
        kind: entry.kind,
        at: entry.at,
        local,
        label: t('timeline:entry.level', { level: entry.level, action: entry.action }),
        to: entry.to,
        toLabel: describeTarget(entry.to, plan, t),
      };
  }
}

/** The deadline a spec would have if every prerequisite chain finished exactly on time. */
function projectedDeadline(
  spec: TaskSpec,
  specsByTask: Map<string, TaskSpec[]>,
  calendar: CalendarData,
  /** Tasks on the current chain, so that a cycle (rejected by validation anyway) cannot recurse forever. */
  seen: Set<string> = new Set(),
): { deadlineAt?: string; prerequisiteDoneAt?: string } {
  if (spec.deadline.kind === 'none') return {};
  if (spec.deadline.kind === 'instant') return { deadlineAt: spec.deadline.at };
  const prerequisites = specsByTask.get(spec.deadline.taskId) ?? [];
  // A prerequisite with units or occurrences finishes when its last copy does.
  if (seen.has(spec.taskId) || prerequisites.length === 0) return {};
  seen.add(spec.taskId);
  let doneAt: string | undefined;
  let known = true;
  for (const prerequisite of prerequisites) {
    const { deadlineAt } = projectedDeadline(prerequisite, specsByTask, calendar, seen);
    if (deadlineAt === undefined) known = false;
    else if (doneAt === undefined || deadlineAt > doneAt) doneAt = deadlineAt;
  }
  seen.delete(spec.taskId);
  if (!known || doneAt === undefined) return {};
  // Finishing "on time" means within the deadline: an end-of-day deadline is met during that day.
  const completedAt = new Date(Date.parse(doneAt) - 1).toISOString();
  const deadlineAt = deadlineInstant({ rule: spec.deadline, anchorAt: completedAt, calendar, timezone: spec.timezone });
  return { deadlineAt, prerequisiteDoneAt: completedAt };
}

/** The timeline of every spec of the plan (optionally only some tasks), in plan order. */
export function buildTimeline(
  plan: Plan,
  calendar: CalendarData,
  options: { taskIds?: string[]; firstAppliedAt?: string } = {},
  t: Translate = translator(),
): TimelineTask[] {
  // The copies that carry the work and their ladders; a roll-up over units or occurrences has none.
  const specs = compilePlan(plan, calendar, { firstAppliedAt: options.firstAppliedAt }).filter((spec) => !spec.members);
  const specsByTask = new Map<string, TaskSpec[]>();
  for (const spec of specs) specsByTask.set(spec.taskId, [...(specsByTask.get(spec.taskId) ?? []), spec]);
  const wanted = options.taskIds && options.taskIds.length > 0 ? new Set(options.taskIds) : undefined;

  return specs
    .filter((spec) => !wanted || wanted.has(spec.taskId))
    .map((spec) => {
      const base = {
        taskId: spec.taskId,
        ...(spec.unitId !== undefined ? { unitId: spec.unitId } : {}),
        ...(spec.occurrence !== undefined ? { occurrence: spec.occurrence } : {}),
        title: spec.title,
        lead: spec.lead,
        leadLabel: agencyName(plan, spec.lead),
      };
      const rule = spec.deadline;
      if (rule.kind === 'none') {
        return { ...base, deadlineLabel: t('timeline:deadline.none'), entries: [] };
      }
      const { deadlineAt, prerequisiteDoneAt } = projectedDeadline(spec, specsByTask, calendar);
      const deadlineLabel =
        rule.kind === 'after_task'
          ? t('timeline:deadline.afterTask', { duration: durationText(rule.within, t), task: rule.taskId })
          : formatLocal(rule.at, spec.timezone, true, t);
      const entries =
        deadlineAt === undefined
          ? []
          : taskTimetable({ deadlineAt, policy: spec.escalation, calendar, timezone: spec.timezone }).map((entry) =>
              describeEntry(entry, spec, plan, t),
            );
      return {
        ...base,
        deadlineLabel,
        ...(deadlineAt !== undefined ? { deadlineAt } : {}),
        ...(rule.kind === 'after_task' && prerequisiteDoneAt ? { projected: { prerequisite: rule.taskId, completedAt: prerequisiteDoneAt } } : {}),
        ...(rule.kind === 'after_task' && deadlineAt === undefined ? { waitsForPrerequisite: true as const } : {}),
        entries,
      };
    });
}

/** The timeline as text for a terminal. */
export function renderTimeline(plan: Plan, tasks: TimelineTask[], options: { appliedAtKnown?: boolean } = {}, t: Translate = translator()): string {
  const lines: string[] = [
    t('timeline:text.plan', { code: plan.code, title: plan.title }),
    t('timeline:text.issued', { issuer: plan.issuer, date: formatDateVi(plan.issuedOn), calendar: plan.calendar, timezone: plan.timezone }),
  ];
  const countsFromApply = plan.tasks.some((task) => typeof task.deadline === 'object' && task.deadline.after === 'applied');
  if (countsFromApply && !options.appliedAtKnown) lines.push(t('timeline:text.appliedAtAssumed'));
  for (const task of tasks) {
    const copy = [
      task.unitId ? t('timeline:text.unit', { unit: task.unitId }) : '',
      task.occurrence ? t('timeline:text.occurrence', { occurrence: task.occurrence }) : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push('', `${task.taskId}${copy ? ` (${copy})` : ''}: ${task.title}`);
    lines.push(`  ${t('timeline:text.lead', { lead: task.leadLabel })}`);
    lines.push(`  ${t('timeline:text.deadline', { deadline: task.deadlineLabel })}`);
    if (task.projected) {
      const completedAt = formatLocal(task.projected.completedAt, plan.timezone, false, t);
      const deadline = formatLocal(task.deadlineAt!, plan.timezone, true, t);
      lines.push(`  ${t('timeline:text.projected', { task: task.projected.prerequisite, completedAt, deadline })}`);
    } else if (task.waitsForPrerequisite) {
      lines.push(`  ${t('timeline:text.waitsForPrerequisite')}`);
    }
    const width = Math.max(0, ...task.entries.map((entry) => entry.local.length));
    for (const entry of task.entries) {
      lines.push(`    ${entry.local.padEnd(width)}  ${entry.label}${entry.toLabel ? ` → ${entry.toLabel}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function usageError(message: string, t: Translate): number {
  return commandUsageError('timeline', message, t('timeline:usage'));
}

export async function run(args: string[]): Promise<number> {
  const t = translator();
  const parsed = parseCommandArgs(
    'timeline',
    args,
    { json: { type: 'boolean' }, task: { type: 'string', multiple: true }, 'applied-at': { type: 'string' } },
    t('timeline:usage'),
  );
  if (!parsed.ok) return parsed.exitCode;
  const json = parsed.values.json ?? false;
  const appliedAt = parsed.values['applied-at'];
  const taskIds = parsed.values.task ?? [];
  const files = parsed.positionals;
  if (files.length !== 1) return usageError(t(files.length === 0 ? 'timeline:error.nameOneFile' : 'timeline:error.onlyOneFile'), t);
  let firstAppliedAt: string | undefined;
  if (appliedAt !== undefined) {
    const ms = Date.parse(appliedAt);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(appliedAt) || Number.isNaN(ms)) {
      return usageError(t('timeline:error.appliedAt', { value: appliedAt }), t);
    }
    firstAppliedAt = new Date(ms).toISOString();
  }

  const file = files[0]!;
  const { plan, diagnostics } = await loadPlanFile(file);
  for (const diagnostic of diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
  if (!plan) {
    process.stderr.write(`kehoach timeline: ${t('timeline:error.invalidPlan', { file })}\n`);
    return 1;
  }
  const unknown = taskIds.filter((id) => !plan.tasks.some((task) => task.id === id));
  if (unknown.length > 0) {
    const values = { tasks: unknown.map((id) => `"${id}"`).join(', '), file, known: plan.tasks.map((task) => task.id).join(', ') };
    return usageError(t('timeline:error.unknownTask', values), t);
  }

  const calendar = loadCalendar(plan.calendar);
  const tasks = buildTimeline(plan, calendar, { taskIds, firstAppliedAt }, t);
  // Dates in a year whose holiday announcement is not recorded may still move (Tết, swapped days).
  const years = unannouncedYears(
    calendar,
    tasks.flatMap((task) => task.entries.map((entry) => entry.at)),
    plan.timezone,
  );
  const warning = unannouncedYearsText(calendar, years, t);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ planId: plan.id, code: plan.code, timezone: plan.timezone, tasks, warnings: warning ? [warning] : [] }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(renderTimeline(plan, tasks, { appliedAtKnown: firstAppliedAt !== undefined }, t));
    if (warning) process.stderr.write(`${t('timeline:text.warning', { warning })}\n`);
  }
  return 0;
}
