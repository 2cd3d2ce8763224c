/**
 * The API's queries of the Postgres read model (tables in src/db/schema.ts). Reads never go
 * to Temporal: the projection is written before an update returns, so it is already current.
 */
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { agencies, plans, taskEvents, tasks } from '../db/schema';
import type { Category, DeadlineState, Progress, TaskStateView } from '../domain';
import { CATEGORIES, type CategoryCounts } from './schemas';

export const OPEN_PROGRESS: Progress[] = ['not_started', 'in_progress', 'awaiting_confirmation', 'returned', 'paused'];

/**
 * Category as the report sees it now: an open task past its deadline is overdue even if its timer
 * has not fired yet (the workflow moves it at the deadline; a read may come a moment before).
 */
const liveCategory = sql<Category>`case
  when ${tasks.category} = 'open_on_time' and ${tasks.deadlineAt} < now() then 'open_overdue'
  else ${tasks.category} end`;
const liveDeadlineState = sql<DeadlineState>`case when ${tasks.progress} in ('not_started','in_progress','returned') and ${tasks.deadlineAt} < now() then 'overdue' else ${tasks.deadlineState} end`;

export function emptyCounts(): CategoryCounts {
  return { done_on_time: 0, done_late: 0, open_on_time: 0, open_overdue: 0, no_deadline: 0, total: 0 };
}

export async function listPlans(db: Database) {
  return db.select().from(plans).orderBy(asc(plans.id));
}

export async function getPlan(db: Database, planId: string) {
  const [row] = await db.select().from(plans).where(eq(plans.id, planId));
  return row;
}

/** Counts by reporting category, overall and per lead agency (cancelled tasks are not counted). */
export async function planCounts(db: Database, planId: string) {
  const rows = await db
    .select({ lead: tasks.lead, category: liveCategory, n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(and(eq(tasks.planId, planId), sql`${tasks.progress} <> 'cancelled'`))
    .groupBy(tasks.lead, liveCategory);
  const names = await db.select({ id: agencies.id, name: agencies.name }).from(agencies).where(eq(agencies.planId, planId));
  const overall = emptyCounts();
  const byAgency = new Map<string, CategoryCounts>();
  for (const row of rows) {
    const counts = byAgency.get(row.lead) ?? emptyCounts();
    byAgency.set(row.lead, counts);
    if ((CATEGORIES as readonly string[]).includes(row.category)) {
      counts[row.category] += row.n;
      overall[row.category] += row.n;
    }
    counts.total += row.n;
    overall.total += row.n;
  }
  const nameOf = new Map(names.map((a) => [a.id, a.name]));
  return {
    counts: overall,
    agencies: [...byAgency.entries()]
      .map(([id, counts]) => ({ id, name: nameOf.get(id) ?? id, counts }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

export interface TaskFilters {
  agency?: string;
  category?: Category;
  progress?: Progress;
  escalationLevel?: number;
  deadlineBefore?: Date;
  deadlineAfter?: Date;
}

interface Cursor {
  /** Deadline (ms) of the last row, or null when it had none (those sort last). */
  d: number | null;
  w: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.w !== 'string' || (value.d !== null && typeof value.d !== 'number')) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');
const sortDeadline = sql`coalesce(${tasks.deadlineAt}, ${FAR_FUTURE.toISOString()}::timestamptz)`;

/** Tasks of a plan by deadline (none last), then workflow id; keyset pagination. */
export async function listTasks(db: Database, planId: string, filters: TaskFilters, limit: number, cursor?: Cursor) {
  const conditions: SQL[] = [eq(tasks.planId, planId)];
  if (filters.agency) {
    conditions.push(or(eq(tasks.lead, filters.agency), sql`${filters.agency} = any(${tasks.support})`) as SQL);
  }
  if (filters.category) conditions.push(sql`${liveCategory} = ${filters.category}`);
  if (filters.progress) conditions.push(eq(tasks.progress, filters.progress));
  if (filters.escalationLevel !== undefined) conditions.push(eq(tasks.escalationLevel, filters.escalationLevel));
  if (filters.deadlineBefore) conditions.push(sql`${tasks.deadlineAt} < ${filters.deadlineBefore.toISOString()}::timestamptz`);
  if (filters.deadlineAfter) conditions.push(sql`${tasks.deadlineAt} > ${filters.deadlineAfter.toISOString()}::timestamptz`);
  if (cursor) {
    const d = new Date(cursor.d ?? FAR_FUTURE.getTime()).toISOString();
    conditions.push(sql`(${sortDeadline}, ${tasks.workflowId}) > (${d}::timestamptz, ${cursor.w})`);
  }
  const rows = await db
    .select({ state: tasks.state, deadlineAt: tasks.deadlineAt, workflowId: tasks.workflowId })
    .from(tasks)
    .where(and(...conditions))
    .orderBy(sortDeadline, asc(tasks.workflowId))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? encodeCursor({ d: last.deadlineAt ? last.deadlineAt.getTime() : null, w: last.workflowId }) : undefined;
  return { states: page.map((r) => r.state), next };
}

export async function getTask(db: Database, workflowId: string) {
  const [row] = await db.select({ state: tasks.state, planId: tasks.planId }).from(tasks).where(eq(tasks.workflowId, workflowId));
  return row?.state;
}

export async function taskEventsOf(db: Database, workflowId: string) {
  return db
    .select({
      seq: taskEvents.seq,
      type: taskEvents.type,
      at: taskEvents.at,
      actor: taskEvents.actor,
      requestId: taskEvents.requestId,
      data: taskEvents.data,
    })
    .from(taskEvents)
    .where(eq(taskEvents.workflowId, workflowId))
    .orderBy(asc(taskEvents.seq), asc(taskEvents.id));
}

const URGENCY = sql`case ${liveDeadlineState} when 'overdue' then 0 when 'due_soon' then 1 when 'on_track' then 2 else 3 end`;

/** Open tasks an agency leads or supports, most urgent first (overdue, due soon, on track, no deadline), then by deadline. */
export async function agencyOpenTasks(db: Database, agency: string, limit: number): Promise<TaskStateView[]> {
  const rows = await db
    .select({ state: tasks.state })
    .from(tasks)
    .where(
      and(
        inArray(tasks.progress, OPEN_PROGRESS),
        or(eq(tasks.lead, agency), sql`${agency} = any(${tasks.support})`),
      ),
    )
    .orderBy(URGENCY, sortDeadline, asc(tasks.workflowId))
    .limit(limit);
  return rows.map((r) => r.state);
}

/** The agencies a plan names, for checking a token's agency or a filter. */
export async function planHasAgency(db: Database, agency: string): Promise<boolean> {
  const [row] = await db.select({ id: agencies.id }).from(agencies).where(eq(agencies.id, agency)).limit(1);
  return Boolean(row);
}
