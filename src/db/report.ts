/**
 * The QĐ 42/2014 report of a plan as its tasks stood at an instant, computed from the audit log
 * (task_events) so that any past date gives the picture of that day, not today's.
 *
 * Rules:
 * - A past day is judged as it ended: the facts of each task after its last event (in the order
 *   the workflow wrote them, by seq) among those whose `at` is at or before the midnight that
 *   closes the day in the plan's timezone, judged by the one rule (categoryAt, src/domain/facts.ts)
 *   at the last moment of that day. Today is judged now, so it matches the plan's live counts.
 *   Events are placed by when they hold (back-dated completions and confirmations keep their
 *   historical `at`).
 * - A task (each unit copy and occurrence is one; the roll-up of a task with units is not, its
 *   members are) counts when the plan was issued on or before the
 *   day and the task was not cancelled by then. Before any of its events had happened, a task is
 *   open with the deadline its first event gave it.
 * - What each category means is the rule's: a completion awaiting confirmation is not yet done
 *   (and never overdue when reported in time); a paused task's clock stopped; a task whose deadline
 *   waits for a prerequisite is open and on time.
 * - Rows are per agency (a unit's copy of a task counts for the unit), rolled up along the agency
 *   tree when asked: communes into their district, districts into the province.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Database } from './client';
import { agencies, plans, taskEvents, tasks } from './schema';
import { endOfLocalDay, localDate } from '../plan/calendar';
import { countedTaskRow, factsFromColumns, taskFactSelection } from './task-rule-sql';
import {
  categoryAt,
  deadlineStateAt,
  isDueSoonAt,
  rollUpAgencies,
  type AgencyLevel,
  type RollupRow,
  type Category,
  type TaskFacts,
  type TreeRollupOptions,
} from '../domain';
import { labelsFor, languageFromEnv, type Language } from '../i18n';

/** The figures of a report row: the five QĐ 42 columns, the total, and what the open ones include. */
export const REPORT_COUNT_FIELDS = [
  'doneOnTime',
  'doneLate',
  'openOnTime',
  'openOverdue',
  'noDeadline',
  'total',
  'awaitingConfirmation',
  'dueSoon',
  'waiting',
  'paused',
] as const;
type CountField = (typeof REPORT_COUNT_FIELDS)[number];

export type ReportCounts = Record<CountField, number> & {
  /** (done on time + done late) / total, in percent with one decimal; 0 when there is no task. */
  percentDone: number;
};

/** The heading of each figure in the reader's language, from the catalogue's labels (src/i18n). */
export function reportColumns(language: Language = languageFromEnv()): Record<CountField | 'percentDone', string> {
  const { category, report } = labelsFor(language);
  return {
    doneOnTime: category.done_on_time,
    doneLate: category.done_late,
    openOnTime: category.open_on_time,
    openOverdue: category.open_overdue,
    noDeadline: category.no_deadline,
    total: report.total,
    percentDone: report.percentDone,
    awaitingConfirmation: `${report.ofWhich}: ${report.awaitingConfirmation}`,
    dueSoon: `${report.ofWhich}: ${report.dueSoon}`,
    waiting: `${report.ofWhich}: ${report.waiting}`,
    paused: `${report.ofWhich}: ${report.paused}`,
  };
}

const CATEGORY_FIELD: Record<Category, CountField> = {
  done_on_time: 'doneOnTime',
  done_late: 'doneLate',
  open_on_time: 'openOnTime',
  open_overdue: 'openOverdue',
  no_deadline: 'noDeadline',
};

/** One row of the report: an agency (or a subtree of the agency tree) and its figures. */
export type AgencyReportRow = Omit<RollupRow<ReportCounts>, 'counts'> & ReportCounts;

export interface PlanReport {
  planId: string;
  /** The day, YYYY-MM-DD. */
  asOf: string;
  /** The instant judged (ISO, UTC): the end of that day in the plan's timezone, or now for today. */
  asOfInstant: string;
  timezone: string;
  level: 'agency' | AgencyLevel;
  parent?: string;
  columns: Record<string, string>;
  agencies: AgencyReportRow[];
  totals: ReportCounts;
}

export const emptyReportCounts = (): ReportCounts => ({
  doneOnTime: 0,
  doneLate: 0,
  openOnTime: 0,
  openOverdue: 0,
  noDeadline: 0,
  total: 0,
  awaitingConfirmation: 0,
  dueSoon: 0,
  waiting: 0,
  paused: 0,
  percentDone: 0,
});

function addReportCounts(into: ReportCounts, from: ReportCounts): void {
  for (const field of REPORT_COUNT_FIELDS) into[field] += from[field];
}

function withPercent<C extends ReportCounts>(counts: C): C {
  const done = counts.doneOnTime + counts.doneLate;
  return { ...counts, percentDone: counts.total === 0 ? 0 : Math.round((done / counts.total) * 1000) / 10 };
}

/** Adds one task, judged at `atMs`, to a row; false when it counts nowhere (cancelled). */
export function tallyTask(counts: ReportCounts, facts: TaskFacts, atMs: number): boolean {
  const category = categoryAt(facts, atMs);
  if (category === undefined) return false;
  counts[CATEGORY_FIELD[category]] += 1;
  counts.total += 1;
  if (facts.progress === 'awaiting_confirmation') counts.awaitingConfirmation += 1;
  if (facts.progress === 'paused') counts.paused += 1;
  if (isDueSoonAt(facts, atMs)) counts.dueSoon += 1;
  if (deadlineStateAt(facts, atMs) === 'waiting') counts.waiting += 1;
  return true;
}

export class PlanNotFoundError extends Error {
  constructor(planId: string) {
    super(`There is no plan "${planId}" in the read model: apply it first (kehoach apply).`);
    this.name = 'PlanNotFoundError';
  }
}

/** Not yet begun: open, with the deadline it was first given. */
function notYetBegun(facts: TaskFacts): TaskFacts {
  const { completedAt: _c, pausedAt: _p, ...rest } = facts;
  return { ...rest, progress: 'not_started' };
}

const factsAfter = {
  progress: taskEvents.progressAfter,
  deadlineKind: taskEvents.deadlineKindAfter,
  deadlineAt: taskEvents.deadlineAtAfter,
  dueSoonAt: taskEvents.dueSoonAtAfter,
  pausedAt: taskEvents.pausedAtAfter,
  completedAt: taskEvents.completedAtAfter,
};

export interface ReportOptions extends TreeRollupOptions {
  /** The present instant; a report of today is judged at it. Default: the clock. */
  now?: Date;
}

/** The report of `asOf` (YYYY-MM-DD; default today in the plan's timezone). */
export async function planReport(db: Database, planId: string, asOf: string | undefined, options: ReportOptions = {}): Promise<PlanReport> {
  if (asOf !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`)))) {
    throw new RangeError(`asOf must be a date written YYYY-MM-DD, got "${asOf}"`);
  }
  const [plan] = await db
    .select({ issuedOn: plans.issuedOn, timezone: plans.timezone, document: plans.document })
    .from(plans)
    .where(eq(plans.id, planId));
  if (!plan) throw new PlanNotFoundError(planId);

  const now = options.now ?? new Date();
  const today = localDate(now.getTime(), plan.timezone);
  const day = asOf ?? today;
  const endOfDay = new Date(endOfLocalDay(day, plan.timezone));
  // Today is judged now; a past (or future) day at its last moment, so a task due that day is still in time.
  const live = day === today;
  const eventsUntil = live ? now : endOfDay;
  const judgedAtMs = live ? now.getTime() : endOfDay.getTime() - 1;
  const level = options.level ?? 'agency';
  const report: PlanReport = {
    planId,
    asOf: day,
    asOfInstant: eventsUntil.toISOString(),
    timezone: plan.timezone,
    level,
    ...(options.parent ? { parent: options.parent } : {}),
    columns: { agency: labelsFor().report.agency, ...reportColumns() },
    agencies: [],
    totals: emptyReportCounts(),
  };
  if (plan.issuedOn > day) return report;

  const [taskRows, lastEvents, firstEvents, agencyRows] = await Promise.all([
    db
      .select({
        workflowId: tasks.workflowId,
        lead: tasks.lead,
        unitId: tasks.unitId,
        ...taskFactSelection,
      })
      .from(tasks)
      .where(and(eq(tasks.planId, planId), countedTaskRow)),
    // The facts of each task after its last event that had happened by then.
    db
      .selectDistinctOn([taskEvents.workflowId], { workflowId: taskEvents.workflowId, ...factsAfter })
      .from(taskEvents)
      .where(and(eq(taskEvents.planId, planId), lte(taskEvents.at, eventsUntil)))
      .orderBy(taskEvents.workflowId, sql`${taskEvents.seq} desc`, sql`${taskEvents.id} desc`),
    // The facts each task's first event gave it, for tasks whose events all came later.
    db
      .selectDistinctOn([taskEvents.workflowId], { workflowId: taskEvents.workflowId, ...factsAfter })
      .from(taskEvents)
      .where(eq(taskEvents.planId, planId))
      .orderBy(taskEvents.workflowId, asc(taskEvents.seq), asc(taskEvents.id)),
    db
      .select({ id: agencies.id, name: agencies.name, kind: agencies.kind, parent: agencies.parent })
      .from(agencies)
      .where(eq(agencies.planId, planId)),
  ]);

  const last = new Map(lastEvents.map((row) => [row.workflowId, row]));
  const first = new Map(firstEvents.map((row) => [row.workflowId, row]));
  const byOwner = new Map<string, ReportCounts>();

  for (const task of taskRows) {
    const event = last.get(task.workflowId);
    const facts = event ? factsFromColumns(event) : notYetBegun(factsFromColumns(first.get(task.workflowId) ?? task));
    const owner = task.unitId ?? task.lead;
    const counts = byOwner.get(owner) ?? emptyReportCounts();
    if (tallyTask(counts, facts, judgedAtMs)) byOwner.set(owner, counts);
  }

  // Rows follow the order of agencies in the plan file, as the published plan lists them.
  const order = ((plan.document as { agencies?: { id: string }[] }).agencies ?? []).map((agency) => agency.id);
  const rank = (id: string) => (order.indexOf(id) === -1 ? Number.MAX_SAFE_INTEGER : order.indexOf(id));
  const nodes = [...agencyRows].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  const rows = rollUpAgencies(nodes, byOwner, emptyReportCounts, addReportCounts, options);
  for (const row of rows) addReportCounts(report.totals, row.counts);
  report.agencies = rows.map(({ counts, ...row }) => ({ ...row, ...withPercent(counts) }));
  report.totals = withPercent(report.totals);
  return report;
}

/** The figures of the CSV and the .xlsx, in order: the QĐ 42 columns, the total and the rate, then the "of which" figures. */
const TOTAL_AT = REPORT_COUNT_FIELDS.indexOf('total') + 1;
export const CSV_FIELDS = [...REPORT_COUNT_FIELDS.slice(0, TOTAL_AT), 'percentDone', ...REPORT_COUNT_FIELDS.slice(TOTAL_AT)] as const;

export function reportCsvHeaders(language: Language = languageFromEnv()): string[] {
  const columns = reportColumns(language);
  return [labelsFor(language).report.agency, ...CSV_FIELDS.map((field) => columns[field])];
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads the Vietnamese
 * headers as Latin-1), CRLF line ends, one row per agency and a total row.
 */
export function reportCsv(report: PlanReport): string {
  const row = (name: string, counts: ReportCounts) =>
    [
      name,
      ...CSV_FIELDS.map((field) =>
        field === 'percentDone'
          ? // Whole numbers without a decimal mark read the same in every Excel locale (vi-VN uses a comma).
            Number.isInteger(counts.percentDone)
            ? String(counts.percentDone)
            : counts.percentDone.toFixed(1)
          : counts[field],
      ),
    ]
      .map(csvField)
      .join(',');
  const lines = [
    reportCsvHeaders().map(csvField).join(','),
    ...report.agencies.map((agency) => row(agency.name, agency)),
    row(labelsFor().report.grandTotal, report.totals),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
