/**
 * The QĐ 42/2014 report of a plan as its tasks stood at the end of a given day, computed from
 * the audit log (task_events) so that any past date gives the picture of that day, not today's.
 *
 * Rules:
 * - The day ends at the local midnight that closes it (the plan's timezone); an event counts when
 *   its `at` is at or before that instant. Back-dated completions carry their historical `at`.
 * - A task (each unit copy and occurrence is one) counts when the plan was issued on or before the
 *   day and the task was not cancelled by then.
 * - Its state at the instant is the state after its last event (in the order the workflow wrote
 *   them, by seq) among those that had happened by then; each event row keeps that state.
 *   Before any of its events, a task is open with its first known deadline.
 * - Done means `done`. A completion awaiting confirmation is NOT yet done (QĐ 42 practice: the
 *   tracking office has not accepted the result), and a `returned` task is open again.
 * - Done on time when the reported completion time is at or before the deadline in force at
 *   completion; a done task without a deadline counts as on time. Open tasks are overdue when the
 *   deadline in force at the instant has passed; open tasks without a deadline are "không thời hạn".
 * - Rows are per lead agency; a unit's copy of a task counts for the unit's agency.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Database } from './client';
import { agencies, plans, taskEvents, tasks } from './schema';
import { endOfLocalDay } from '../plan/calendar';
import type { Progress } from '../domain';

export interface ReportCounts {
  doneOnTime: number;
  doneLate: number;
  openOnTime: number;
  openOverdue: number;
  noDeadline: number;
  total: number;
  /** (done on time + done late) / total, in percent with one decimal; 0 when there is no task. */
  percentDone: number;
}

export interface AgencyReportRow extends ReportCounts {
  agency: string;
  name: string;
}

export interface PlanReport {
  planId: string;
  /** The day, YYYY-MM-DD. */
  asOf: string;
  /** The instant the day ends in the plan's timezone (ISO, UTC). */
  asOfInstant: string;
  timezone: string;
  agencies: AgencyReportRow[];
  totals: ReportCounts;
}

type Bucket = 'doneOnTime' | 'doneLate' | 'openOnTime' | 'openOverdue' | 'noDeadline';

const emptyCounts = (): ReportCounts => ({
  doneOnTime: 0,
  doneLate: 0,
  openOnTime: 0,
  openOverdue: 0,
  noDeadline: 0,
  total: 0,
  percentDone: 0,
});

function withPercent(counts: ReportCounts): ReportCounts {
  const done = counts.doneOnTime + counts.doneLate;
  return { ...counts, percentDone: counts.total === 0 ? 0 : Math.round((done / counts.total) * 1000) / 10 };
}

interface TaskAtInstant {
  progress: Progress;
  deadlineAt: Date | null;
  completedAt: Date | null;
}

/** Which column a task falls in at `instant`. */
export function bucketOf(task: TaskAtInstant, instant: Date): Bucket {
  if (task.progress === 'done') {
    if (!task.deadlineAt) return 'doneOnTime';
    const completedAt = task.completedAt ?? instant;
    return completedAt.getTime() <= task.deadlineAt.getTime() ? 'doneOnTime' : 'doneLate';
  }
  if (!task.deadlineAt) return 'noDeadline';
  return task.deadlineAt.getTime() < instant.getTime() ? 'openOverdue' : 'openOnTime';
}

export class PlanNotFoundError extends Error {
  constructor(planId: string) {
    super(`There is no plan "${planId}" in the read model: apply it first (kehoach apply).`);
    this.name = 'PlanNotFoundError';
  }
}

export async function planReport(db: Database, planId: string, asOf: string): Promise<PlanReport> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) {
    throw new RangeError(`asOf must be a date written YYYY-MM-DD, got "${asOf}"`);
  }
  const [plan] = await db
    .select({ issuedOn: plans.issuedOn, timezone: plans.timezone, document: plans.document })
    .from(plans)
    .where(eq(plans.id, planId));
  if (!plan) throw new PlanNotFoundError(planId);

  const instant = new Date(endOfLocalDay(asOf, plan.timezone));
  const report: PlanReport = {
    planId,
    asOf,
    asOfInstant: instant.toISOString(),
    timezone: plan.timezone,
    agencies: [],
    totals: emptyCounts(),
  };
  if (plan.issuedOn > asOf) return report;

  const [taskRows, lastEvents, firstEvents, agencyRows] = await Promise.all([
    db
      .select({
        workflowId: tasks.workflowId,
        lead: tasks.lead,
        unitId: tasks.unitId,
        progress: tasks.progress,
        deadlineAt: tasks.deadlineAt,
        completedAt: tasks.completedAt,
      })
      .from(tasks)
      .where(eq(tasks.planId, planId)),
    // The state of each task after its last event that had happened by the instant.
    db
      .selectDistinctOn([taskEvents.workflowId], {
        workflowId: taskEvents.workflowId,
        progress: taskEvents.progressAfter,
        deadlineAt: taskEvents.deadlineAtAfter,
        completedAt: taskEvents.completedAtAfter,
        at: taskEvents.at,
      })
      .from(taskEvents)
      .where(and(eq(taskEvents.planId, planId), lte(taskEvents.at, instant)))
      .orderBy(taskEvents.workflowId, sql`${taskEvents.seq} desc`, sql`${taskEvents.id} desc`),
    // The first deadline each task had, for tasks whose events all came after the instant.
    db
      .selectDistinctOn([taskEvents.workflowId], {
        workflowId: taskEvents.workflowId,
        deadlineAt: taskEvents.deadlineAtAfter,
      })
      .from(taskEvents)
      .where(eq(taskEvents.planId, planId))
      .orderBy(taskEvents.workflowId, asc(taskEvents.seq), asc(taskEvents.id)),
    db.select({ id: agencies.id, name: agencies.name }).from(agencies).where(eq(agencies.planId, planId)),
  ]);

  const last = new Map(lastEvents.map((row) => [row.workflowId, row]));
  const first = new Map(firstEvents.map((row) => [row.workflowId, row]));
  const byAgency = new Map<string, ReportCounts>();

  for (const task of taskRows) {
    const event = last.get(task.workflowId);
    let state: TaskAtInstant;
    if (event) {
      state = { progress: event.progress, deadlineAt: event.deadlineAt, completedAt: event.completedAt ?? event.at };
    } else {
      const firstDeadline = first.has(task.workflowId) ? first.get(task.workflowId)!.deadlineAt : task.deadlineAt;
      state = { progress: 'not_started', deadlineAt: firstDeadline, completedAt: null };
    }
    if (state.progress === 'cancelled') continue;

    const agency = task.unitId ?? task.lead;
    const counts = byAgency.get(agency) ?? emptyCounts();
    counts[bucketOf(state, instant)] += 1;
    counts.total += 1;
    byAgency.set(agency, counts);
    report.totals[bucketOf(state, instant)] += 1;
    report.totals.total += 1;
  }

  const names = new Map(agencyRows.map((row) => [row.id, row.name]));
  // Rows follow the order of agencies in the plan file, as the published plan lists them.
  const documentOrder = ((plan.document as { agencies?: { id: string }[] }).agencies ?? []).map((agency) => agency.id);
  const rank = (id: string) => {
    const index = documentOrder.indexOf(id);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  report.agencies = [...byAgency.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([agency, counts]) => ({ agency, name: names.get(agency) ?? agency, ...withPercent(counts) }));
  report.totals = withPercent(report.totals);
  return report;
}

export const REPORT_CSV_HEADERS = [
  'Cơ quan',
  'Đã hoàn thành đúng hạn',
  'Đã hoàn thành quá hạn',
  'Chưa hoàn thành trong hạn',
  'Chưa hoàn thành quá hạn',
  'Không thời hạn',
  'Tổng số',
  'Tỷ lệ hoàn thành (%)',
] as const;

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
      counts.doneOnTime,
      counts.doneLate,
      counts.openOnTime,
      counts.openOverdue,
      counts.noDeadline,
      counts.total,
      // Whole numbers without a decimal mark read the same in every Excel locale (vi-VN uses a comma).
      Number.isInteger(counts.percentDone) ? String(counts.percentDone) : counts.percentDone.toFixed(1),
    ]
      .map(csvField)
      .join(',');
  const lines = [
    REPORT_CSV_HEADERS.map(csvField).join(','),
    ...report.agencies.map((agency) => row(agency.name, agency)),
    row('Tổng cộng', report.totals),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
