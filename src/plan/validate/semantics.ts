/**
 * The semantic pass: what a schema cannot check. Duplicate ids, references to agencies, roles,
 * calendars and tasks, real dates, the order of reminders and ladder levels, per-unit targets,
 * deadline vs recurrence, and calendar coverage of every instant (a warning).
 */
import { isMap, isPair, isScalar, type YAMLMap } from 'yaml';
import { formatDeadlineVi, isKnownTimezone, unannouncedYears } from '../calendar';
import { compileUnhashed } from '../compile';
import { parseDuration } from '../duration';
import type { CalendarData } from '../model';
import { ISSUE_ANCHOR, RESERVED_ANCHORS, durationSchema, type Plan } from '../schema';
import { deadlineAfterDate, deadlineLocal, taskTimetable } from '../timetable';
import { selectUnits, type AgencyNode } from '../units';
import { checkCycles } from './cycles';
import type { PlanDocument } from './document';
import { closest, quoteList } from './suggest';
import type { Path, Plain, ValidateTranslate } from './types';
import { DATE_SHAPE, DEFAULT_TIMEZONE, durationSeconds, isRealDate, isPlain, isSlug } from './values';

export class SemanticChecks {
  /** The plan's calendar once checked, for the timetable check after the final parse. */
  private calendar: CalendarData | undefined;
  /** "<task index>:<year>" already warned about, so a year is named once per task. */
  private readonly warnedYears = new Set<string>();

  private readonly t: ValidateTranslate;

  constructor(private readonly plan: PlanDocument) {
    this.t = plan.t;
  }

  run(): void {
    if (!isPlain(this.plan.root)) return;
    const plan = this.plan.root;
    const agencies = Array.isArray(plan.agencies) ? plan.agencies : [];
    const tasks = Array.isArray(plan.tasks) ? plan.tasks : [];
    const agencyIds = this.collectIds(agencies, 'agencies', 'agency');
    const taskIds = this.collectIds(tasks, 'tasks', 'task');
    const roleNames = isPlain(plan.roles) ? new Set(Object.keys(plan.roles)) : new Set<string>();

    const checkAgency = (path: Path, what: () => string): void => {
      const value = this.plan.valueAt(path);
      if (!isSlug(value) || agencyIds.has(value)) return;
      const suggestion = closest(value, [...agencyIds.keys()]);
      this.plan.error(
        'unknown-reference',
        this.plan.nodeAt(path),
        suggestion
          ? this.t('validate:semantics.unknownAgencySuggestion', { what: what(), value, suggestion })
          : this.t('validate:semantics.unknownAgency', { what: what(), value }),
      );
    };

    agencies.forEach((agency, index) => {
      if (isPlain(agency) && agency.parent !== undefined)
        checkAgency(['agencies', index, 'parent'], () =>
          this.t('validate:semantics.agencyParent', { owner: this.plan.describe(['agencies', index]) }),
        );
    });
    if (isPlain(plan.roles)) {
      for (const [name, role] of Object.entries(plan.roles)) {
        if (isPlain(role) && role.agency !== undefined)
          checkAgency(['roles', name, 'agency'], () => this.t('validate:semantics.rolePoints', { name }));
      }
    }
    this.checkEscalation(['escalation'], checkAgency, roleNames);

    const issuedOn =
      typeof plan.issuedOn === 'string' && isRealDate(plan.issuedOn) && /^\d{4}-\d{2}-\d{2}$/.test(plan.issuedOn) ? plan.issuedOn : undefined;
    const calendar = this.checkCalendar(plan);
    this.calendar = calendar;
    this.checkTimezone(plan);

    tasks.forEach((task, index) => {
      if (!isPlain(task)) return;
      const path: Path = ['tasks', index];
      const name = this.plan.describe(path);
      if (task.lead !== undefined) checkAgency([...path, 'lead'], () => this.t('validate:semantics.lead', { owner: name }));
      if (Array.isArray(task.support)) {
        task.support.forEach((_, i) => checkAgency([...path, 'support', i], () => this.t('validate:semantics.support', { owner: name })));
      }
      if (Array.isArray(task.units)) {
        task.units.forEach((_, i) => checkAgency([...path, 'units', i], () => this.t('validate:semantics.units', { owner: name })));
      } else if (isPlain(task.units)) {
        this.checkUnitsSelector(task.units, [...path, 'units'], agencies, checkAgency);
      }
      if (Array.isArray(task.dependsOn)) {
        task.dependsOn.forEach((dependency, i) => {
          if (isSlug(dependency) && !taskIds.has(dependency)) this.unknownTask([...path, 'dependsOn', i], dependency, taskIds);
        });
      }
      this.checkTarget(task, path);
      this.checkEscalation([...path, 'escalation'], checkAgency, roleNames);
      this.checkDeadline(task, path, taskIds, issuedOn, calendar);
      this.checkRecurrence(task, path, calendar);
    });

    checkCycles(this.plan, tasks);
  }

  /** A { kind, parent | within } selector that picks no agency would silently drop the task from every unit. */
  private checkUnitsSelector(units: Plain, path: Path, agencies: unknown[], checkAgency: (path: Path, what: () => string) => void): void {
    const name = this.plan.describe(path.slice(0, 2));
    if (units.parent !== undefined) checkAgency([...path, 'parent'], () => this.t('validate:semantics.unitsUnder', { owner: name }));
    if (units.within !== undefined) checkAgency([...path, 'within'], () => this.t('validate:semantics.unitsWithin', { owner: name }));
    if (typeof units.kind !== 'string') return;
    const { parent, within } = units;
    const exists = (id: unknown): boolean => agencies.some((agency) => isPlain(agency) && agency.id === id);
    if ((parent !== undefined && !exists(parent)) || (within !== undefined && !exists(within))) return;
    if (this.selectedUnits(units).length === 0) {
      const under =
        (parent === undefined ? '' : this.t('validate:semantics.emptyUnitsUnder', { id: String(parent) })) +
        (within === undefined ? '' : this.t('validate:semantics.emptyUnitsWithin', { id: String(within) }));
      this.plan.error(
        'empty-units',
        this.plan.nodeAt(path),
        this.t('validate:semantics.emptyUnits', { owner: name, kind: units.kind, under, parent: parent === undefined ? '<id>' : String(parent) }),
      );
    }
  }

  /** The unit ids a task's `units` picks, from the unchecked document (ids that are not slugs drop out). */
  private selectedUnits(units: unknown): string[] {
    if (Array.isArray(units)) return units.filter(isSlug);
    if (!isPlain(units) || typeof units.kind !== 'string') return [];
    const agencies = isPlain(this.plan.root) && Array.isArray(this.plan.root.agencies) ? this.plan.root.agencies : [];
    const nodes: AgencyNode[] = agencies
      .filter((agency): agency is Plain => isPlain(agency) && isSlug(agency.id) && typeof agency.kind === 'string')
      .map((agency) => ({ id: agency.id as string, kind: agency.kind as string, ...(isSlug(agency.parent) ? { parent: agency.parent } : {}) }));
    const parent = isSlug(units.parent) ? units.parent : undefined;
    const within = isSlug(units.within) ? units.within : undefined;
    return selectUnits({ kind: units.kind, ...(parent ? { parent } : {}), ...(within ? { within } : {}) }, nodes);
  }

  /** Per-unit targets name units of the task, once each, and every copy has a value to reach. */
  private checkTarget(task: Plain, path: Path): void {
    const target = task.target;
    if (!isPlain(target)) return;
    const name = this.plan.describe(path);
    const targetPath = [...path, 'target'];
    const perUnit = Array.isArray(target.perUnit) ? target.perUnit : undefined;
    if (perUnit && task.units === undefined) {
      this.plan.error(
        'target-per-unit',
        this.plan.keyNodeAt([...targetPath, 'perUnit']),
        this.t('validate:semantics.perUnitWithoutUnits', { owner: name }),
      );
      return;
    }
    const units = task.units === undefined ? [] : this.selectedUnits(task.units);
    const firstIndex = new Map<string, number>();
    const withValue = new Set<string>();
    perUnit?.forEach((entry, index) => {
      if (!isPlain(entry) || !isSlug(entry.agency)) return;
      const entryPath = [...targetPath, 'perUnit', index, 'agency'];
      const first = firstIndex.get(entry.agency);
      if (first !== undefined) {
        this.plan.error(
          'target-per-unit',
          this.plan.nodeAt(entryPath),
          this.t('validate:semantics.perUnitTwice', {
            agency: entry.agency,
            owner: name,
            line: this.plan.position(this.plan.nodeAt([...targetPath, 'perUnit', first, 'agency'])).line,
          }),
        );
        return;
      }
      firstIndex.set(entry.agency, index);
      if (entry.value !== undefined) withValue.add(entry.agency);
      if (units.length > 0 && !units.includes(entry.agency)) {
        const suggestion = closest(entry.agency, units);
        this.plan.error(
          'target-per-unit',
          this.plan.nodeAt(entryPath),
          suggestion
            ? this.t('validate:semantics.perUnitNotUnitSuggestion', { agency: entry.agency, owner: name, suggestion })
            : this.t('validate:semantics.perUnitNotUnit', {
                agency: entry.agency,
                owner: name,
                units: `${quoteList(units.slice(0, 5))}${units.length > 5 ? ', …' : ''}`,
              }),
        );
      }
    });
    if (target.value !== undefined) return;
    const withoutValue = units.filter((unit) => !withValue.has(unit));
    if (task.units === undefined || withoutValue.length > 0) {
      const list = quoteList(withoutValue.slice(0, 5));
      const shown = withoutValue.length > 5 ? this.t('validate:semantics.andMore', { list, more: withoutValue.length - 5 }) : list;
      this.plan.error(
        'missing-key',
        this.plan.nodeAt(targetPath),
        withoutValue.length > 0
          ? this.t('validate:semantics.targetNoValueUnits', { owner: name, units: shown, count: withoutValue.length })
          : this.t('validate:semantics.targetNoValue', { owner: name }),
      );
    }
  }

  /** Ids in file order; the second of a duplicate is reported, naming the first's line. */
  private collectIds(items: unknown[], listKey: string, kind: string): Map<string, number> {
    const ids = new Map<string, number>();
    items.forEach((item, index) => {
      if (!isPlain(item) || !isSlug(item.id)) return;
      const first = ids.get(item.id);
      if (first === undefined) {
        ids.set(item.id, index);
        return;
      }
      const firstLine = this.plan.position(this.plan.nodeAt([listKey, first, 'id'])).line;
      this.plan.error(
        'duplicate-id',
        this.plan.nodeAt([listKey, index, 'id']),
        kind === 'agency'
          ? this.t('validate:semantics.duplicateAgencyId', { id: item.id, line: firstLine })
          : this.t('validate:semantics.duplicateTaskId', { id: item.id, line: firstLine }),
      );
    });
    return ids;
  }

  private unknownTask(path: Path, id: string, taskIds: Map<string, number>): void {
    const suggestion = closest(id, [...taskIds.keys()]);
    this.plan.error(
      'unknown-reference',
      this.plan.nodeAt(path),
      suggestion
        ? this.t('validate:semantics.unknownTaskSuggestion', { owner: this.plan.describe(path.slice(0, 2)), id, suggestion })
        : this.t('validate:semantics.unknownTask', { owner: this.plan.describe(path.slice(0, 2)), id }),
    );
  }

  private checkEscalation(path: Path, checkAgency: (path: Path, what: () => string) => void, roleNames: Set<string>): void {
    const escalation = this.plan.valueAt(path);
    if (!isPlain(escalation)) return;
    const owner = this.plan.describe(path);
    if (Array.isArray(escalation.reminders)) {
      let previous: { seconds: number; text: string } | undefined;
      escalation.reminders.forEach((reminder, index) => {
        const seconds = durationSeconds(reminder);
        if (seconds === undefined) return;
        const node = this.plan.nodeAt([...path, 'reminders', index]);
        if (seconds === 0) {
          this.plan.error(
            'reminder-order',
            node,
            this.t('validate:semantics.reminderAtDeadline', { number: index + 1, owner, value: String(reminder) }),
          );
          return;
        }
        if (previous && seconds >= previous.seconds) {
          this.plan.error(
            'reminder-order',
            node,
            this.t('validate:semantics.reminderOrder', {
              number: index + 1,
              owner,
              value: String(reminder),
              previousNumber: index,
              previous: previous.text,
            }),
          );
        }
        previous = { seconds, text: String(reminder) };
      });
    }
    if (Array.isArray(escalation.ladder)) {
      let previous: { seconds: number; text: string } | undefined;
      escalation.ladder.forEach((level, index) => {
        if (!isPlain(level)) return;
        const levelPath = [...path, 'ladder', index];
        const seconds = durationSeconds(level.after);
        if (seconds !== undefined) {
          if (previous && seconds <= previous.seconds) {
            this.plan.error(
              'ladder-order',
              this.plan.nodeAt([...levelPath, 'after']),
              this.t('validate:semantics.ladderOrder', {
                number: index + 1,
                owner,
                value: String(level.after),
                previousNumber: index,
                previous: previous.text,
              }),
            );
          }
          previous = { seconds, text: String(level.after) };
        }
        const to = level.to;
        if (isPlain(to) && to.agency !== undefined)
          checkAgency([...levelPath, 'to', 'agency'], () => this.t('validate:semantics.ladderTo', { number: index + 1, owner }));
        if (isPlain(to) && isSlug(to.role) && !roleNames.has(to.role)) {
          const suggestion = closest(to.role, [...roleNames]);
          this.plan.error(
            'unknown-reference',
            this.plan.nodeAt([...levelPath, 'to', 'role']),
            suggestion
              ? this.t('validate:semantics.unknownRoleSuggestion', { number: index + 1, owner, role: to.role, suggestion })
              : this.t('validate:semantics.unknownRole', { number: index + 1, owner, role: to.role, roles: quoteList([...roleNames]) }),
          );
        }
      });
    }
  }

  private checkCalendar(plan: Plain): CalendarData | undefined {
    const source = this.plan.options.calendars;
    if (!source || !isSlug(plan.calendar)) return undefined;
    let calendar: CalendarData | undefined;
    try {
      calendar = source.load(plan.calendar, this.plan.language);
    } catch (error) {
      this.plan.error(
        'invalid-calendar',
        this.plan.nodeAt(['calendar']),
        this.t('validate:semantics.calendarBroken', { name: plan.calendar, reason: (error as Error).message }),
      );
      return undefined;
    }
    if (calendar) return calendar;
    const names = source.names();
    const suggestion = closest(plan.calendar, names);
    this.plan.error(
      'unknown-reference',
      this.plan.nodeAt(['calendar']),
      suggestion
        ? this.t('validate:semantics.unknownCalendarSuggestion', { name: plan.calendar, suggestion })
        : names.length > 0
          ? this.t('validate:semantics.unknownCalendarList', { name: plan.calendar, names: quoteList(names) })
          : this.t('validate:semantics.unknownCalendarNone', { name: plan.calendar }),
    );
    return undefined;
  }

  private checkTimezone(plan: Plain): void {
    if (typeof plan.timezone !== 'string' || isKnownTimezone(plan.timezone)) return;
    this.plan.error('invalid-value', this.plan.nodeAt(['timezone']), this.t('validate:semantics.badTimezone', { timezone: plan.timezone }));
  }

  private warnCalendarYear(calendar: CalendarData | undefined, year: number, path: Path, what: () => string): void {
    if (!calendar || calendar.years.includes(year)) return;
    const key = `${String(path[1])}:${year}`;
    if (this.warnedYears.has(key)) return;
    this.warnedYears.add(key);
    const values = { what: what(), year, calendar: calendar.name, years: calendar.years.join(', ') };
    this.plan.report(
      'warning',
      'calendar-year',
      this.plan.nodeAt(path),
      calendar.statutoryHolidays
        ? this.t('validate:semantics.calendarYearUnannounced', values)
        : this.t('validate:semantics.calendarYearNoData', values),
    );
  }

  private checkDeadline(
    task: Plain,
    path: Path,
    taskIds: Map<string, number>,
    issuedOn: string | undefined,
    calendar: CalendarData | undefined,
  ): void {
    const name = this.plan.describe(path);
    const hasDeadline = task.deadline !== undefined && task.deadline !== null;
    const hasRecurrence = task.recurrence !== undefined && task.recurrence !== null;
    if (hasDeadline && hasRecurrence) {
      this.plan.error(
        'deadline-or-recurrence',
        this.plan.keyNodeAt([...path, 'recurrence']),
        this.t('validate:semantics.deadlineAndRecurrence', { owner: name }),
      );
    } else if (!hasDeadline && !hasRecurrence && !this.hasUnknownKeyLike(path, ['deadline', 'recurrence'])) {
      this.plan.error('deadline-or-recurrence', this.plan.nodeAt(path), this.t('validate:semantics.noDeadline', { owner: name }));
    }
    const deadline = task.deadline;
    if (typeof deadline === 'string' && DATE_SHAPE.test(deadline) && isRealDate(deadline)) {
      // A date-time is compared by its date: a deadline on the issue day is fine at any hour.
      const date = deadline.slice(0, 10);
      if (issuedOn && date < issuedOn) {
        this.plan.error(
          'deadline-before-issue',
          this.plan.nodeAt([...path, 'deadline']),
          this.t('validate:semantics.deadlineBeforeIssue', { owner: name, date, issuedOn }),
        );
      }
      this.warnCalendarYear(calendar, Number(date.slice(0, 4)), [...path, 'deadline'], () =>
        this.t('validate:semantics.deadlineOf', { owner: name }),
      );
    }
    if (isPlain(deadline) && deadline.after === ISSUE_ANCHOR && issuedOn && calendar) {
      const date = this.dateAfterIssue(issuedOn, deadline.within, calendar);
      if (date)
        this.warnCalendarYear(calendar, Number(date.slice(0, 4)), [...path, 'deadline'], () =>
          this.t('validate:semantics.deadlineOfDate', { owner: name, date }),
        );
    }
    if (isPlain(deadline) && isSlug(deadline.after)) {
      const anchor = deadline.after;
      if (!(RESERVED_ANCHORS as readonly string[]).includes(anchor) && !taskIds.has(anchor)) {
        const suggestion = closest(anchor, [...RESERVED_ANCHORS, ...taskIds.keys()]);
        this.plan.error(
          'unknown-reference',
          this.plan.nodeAt([...path, 'deadline', 'after']),
          suggestion
            ? this.t('validate:semantics.unknownAnchorSuggestion', { owner: name, anchor, suggestion })
            : this.t('validate:semantics.unknownAnchor', { owner: name, anchor }),
        );
      }
    }
  }

  /** The local date a "within … after issue" deadline lands on, when it can be computed. */
  private dateAfterIssue(issuedOn: string, within: unknown, calendar: CalendarData): string | undefined {
    if (typeof within !== 'string' || !durationSchema.safeParse(within).success) return undefined;
    const timezone = isPlain(this.plan.root) && typeof this.plan.root.timezone === 'string' ? this.plan.root.timezone : DEFAULT_TIMEZONE;
    try {
      return deadlineLocal(deadlineAfterDate(issuedOn, parseDuration(within), calendar, timezone), timezone).date;
    } catch {
      // An invalid timezone is reported on its own line; the year cannot be known without it.
      return undefined;
    }
  }

  /** An unknown key that is a typo of one of these names already explains what is missing. */
  private hasUnknownKeyLike(path: Path, names: string[]): boolean {
    const node = this.plan.nodeAt(path);
    if (!isMap(node)) return false;
    return (node as YAMLMap).items.some((pair) => {
      if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value !== 'string') return false;
      const key = pair.key.value;
      return !names.includes(key) && closest(key, names) !== undefined;
    });
  }

  private checkRecurrence(task: Plain, path: Path, calendar: CalendarData | undefined): void {
    const recurrence = task.recurrence;
    if (!isPlain(recurrence)) return;
    const recurrencePath = [...path, 'recurrence'];
    const name = this.plan.describe(path);
    const every = recurrence.every;
    if (recurrence.weekday !== undefined && every !== 'week' && typeof every === 'string') {
      this.plan.error(
        'recurrence',
        this.plan.keyNodeAt([...recurrencePath, 'weekday']),
        this.t('validate:semantics.weekdayNotWeekly', { owner: name, every }),
      );
    }
    if (recurrence.day !== undefined && every === 'week') {
      this.plan.error('recurrence', this.plan.keyNodeAt([...recurrencePath, 'day']), this.t('validate:semantics.dayWeekly', { owner: name }));
    }
    const { from, until } = recurrence;
    const realDate = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isRealDate(value);
    if (realDate(from) && realDate(until)) {
      if (until < from) {
        this.plan.error(
          'recurrence',
          this.plan.nodeAt([...recurrencePath, 'until']),
          this.t('validate:semantics.recurrenceEndsBeforeStart', { owner: name, until, from }),
        );
        return;
      }
      for (let year = Number(from.slice(0, 4)); year <= Number(until.slice(0, 4)); year++) {
        this.warnCalendarYear(calendar, year, [...recurrencePath, year === Number(from.slice(0, 4)) ? 'from' : 'until'], () =>
          this.t('validate:semantics.recurrenceOf', { owner: name }),
        );
      }
    }
  }

  /**
   * Reminders and ladder steps land around the deadline, sometimes in the next year: warn about
   * those in a year the calendar has no announcement for, as for deadlines. Needs a parsed plan.
   */
  warnTimetableYears(plan: Plan): void {
    const calendar = this.calendar;
    if (!calendar) return;
    const indexOf = new Map(plan.tasks.map((task, index) => [task.id, index]));
    // The copies of a task with units share its deadline and its delays: check each once.
    const checked = new Set<string>();
    // Roll-ups (no ladder of their own) are left out: their copies carry the instants.
    for (const spec of compileUnhashed(plan, calendar).filter((candidate) => !candidate.members)) {
      if (spec.deadline.kind !== 'instant' || checked.has(`${spec.taskId}@${spec.deadline.at}`)) continue;
      checked.add(`${spec.taskId}@${spec.deadline.at}`);
      const index = indexOf.get(spec.taskId)!;
      const entries = taskTimetable({ deadlineAt: spec.deadline.at, policy: spec.escalation, calendar, timezone: spec.timezone });
      for (const entry of entries) {
        const [year] = unannouncedYears(calendar, [entry.at], spec.timezone);
        if (year === undefined) continue;
        const where = plan.tasks[index]!.recurrence ? 'recurrence' : 'deadline';
        const what = (): string => {
          const values = { owner: this.plan.describe(['tasks', index]), when: formatDeadlineVi(entry.at, spec.timezone) };
          return entry.kind === 'escalation'
            ? this.t('validate:semantics.timetableEscalation', { ...values, level: entry.level })
            : entry.kind === 'reminder'
              ? this.t('validate:semantics.timetableReminder', values)
              : this.t('validate:semantics.timetableDeadline', values);
        };
        this.warnCalendarYear(calendar, year, ['tasks', index, where], what);
      }
    }
  }
}
