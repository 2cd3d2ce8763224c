/**
 * The API's queries of the Postgres read model (tables in src/db/schema.ts). Reads never go
 * to Temporal: the projection is written before an update returns, so it is already current.
 *
 * Where a task stands is never read from a stored verdict: every query evaluates the one rule
 * (src/domain/facts.ts) over the task's stored facts at the request's instant, in SQL through its
 * twin (src/db/task-rule-sql.ts) for counts, filters and pagination, in TypeScript for the rows
 * it returns.
 */
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { agencies, plans, taskEvents, tasks } from '../db/schema';
import {
  categorySql,
  countedTaskRow,
  deadlineStateSql,
  factsFromColumns,
  instantParam,
  nextJudgementChangeSql,
  taskFactColumns,
  taskFactSelection,
  type FactValues,
} from '../db/task-rule-sql';
import { endOfLocalDay, startOfLocalDay } from '../plan/calendar';
import {
  CATEGORIES,
  isCounted,
  isOpen,
  PROGRESS,
  rollUpAgencies,
  type AgencyNode,
  type Category,
  type DeadlineState,
  type Progress,
  type RollupRow,
  type TaskFacts,
  type TreeRollupOptions,
} from '../domain';
import type { StoredTaskState } from '../domain';
import type { CategoryCounts } from './schemas';

const OPEN_PROGRESS: Progress[] = PROGRESS.filter(isOpen);
/** Not yet accepted as done: what an agency still has on its desk. */
const UNFINISHED_PROGRESS: Progress[] = PROGRESS.filter((p) => isCounted(p) && p !== 'done');

/** A task as the API reads it: the workflow's view and the facts the rule judges. */
export interface TaskRow {
  state: StoredTaskState;
  facts: TaskFacts;
}

const taskRowSelection = { state: tasks.state, ...taskFactSelection };
const toTaskRow = (row: { state: StoredTaskState } & FactValues): TaskRow => ({ state: row.state, facts: factsFromColumns(row) });

export function emptyCounts(): CategoryCounts {
  return {
    done_on_time: 0,
    done_late: 0,
    open_on_time: 0,
    open_overdue: 0,
    no_deadline: 0,
    total: 0,
    awaiting_confirmation: 0,
    due_soon: 0,
    waiting: 0,
    paused: 0,
  };
}

export function addCounts(into: CategoryCounts, from: CategoryCounts): void {
  for (const key of Object.keys(into) as (keyof CategoryCounts)[]) into[key] += from[key];
}

export async function listPlans(db: Database) {
  return db.select().from(plans).orderBy(asc(plans.id));
}

export async function getPlan(db: Database, planId: string) {
  const [row] = await db.select().from(plans).where(eq(plans.id, planId));
  return row;
}
export type PlanRow = NonNullable<Awaited<ReturnType<typeof getPlan>>>;

/** Whether the plan exists, without reading its document (tens of kilobytes for a province). */
export async function planExists(db: Database, planId: string): Promise<boolean> {
  const [row] = await db.select({ id: plans.id }).from(plans).where(eq(plans.id, planId));
  return row !== undefined;
}

/** One owner agency's tasks by category at the instant, with the "of which" figures. */
interface OwnerCounts {
  owner: string;
  category: Category | null;
  n: number;
  awaiting: number;
  dueSoon: number;
  waiting: number;
  paused: number;
}

/**
 * The first instant after `at` at which any task of the plan may change category or deadline
 * state by itself (nextJudgementChange, for every row: roll-ups and cancelled copies too, since
 * lists show them), or null when only a new fact can change any of them.
 */
function planNextChangeSql(planId: string, instant: SQL): SQL<string | null> {
  return sql<string | null>`(select min(${nextJudgementChangeSql(taskFactColumns, instant)}) from ${tasks} where ${tasks.planId} = ${planId})`;
}

const toMs = (value: string | Date | null): number | undefined => (value === null ? undefined : new Date(value).getTime());

/** Until when what the plan's tasks show at `at` holds (Infinity when only a new fact changes it). */
export async function planNextChange(db: Database, planId: string, at: Date): Promise<number> {
  const [row] = await db.select({ next: planNextChangeSql(planId, instantParam(at)) }).from(sql`(select 1) as one`);
  return toMs(row?.next ?? null) ?? Number.POSITIVE_INFINITY;
}

/**
 * The plan, its agencies and its tasks counted at `at`, in one round trip. Counts are per owner
 * agency (a unit's copy counts for the unit), rolled up along the agency tree as `rollup` asks.
 * `nextChangeMs` says until when the counts hold (Infinity: until a new fact).
 */
export async function planWithCounts(db: Database, planId: string, at: Date, rollup: TreeRollupOptions = {}) {
  const instant = instantParam(at);
  const category = categorySql(taskFactColumns, instant);
  const state = deadlineStateSql(taskFactColumns, instant);
  const open = sql.raw(`(${OPEN_PROGRESS.map((p) => `'${p}'`).join(',')})`);
  const counts = sql`(select coalesce(json_agg(c), '[]'::json) from (
      select coalesce(${tasks.unitId}, ${tasks.lead}) as owner, ${category} as category, count(*)::int as n,
        (count(*) filter (where ${tasks.progress} = 'awaiting_confirmation'))::int as awaiting,
        (count(*) filter (where ${tasks.progress} in ${open} and ${state} = 'due_soon'))::int as "dueSoon",
        (count(*) filter (where ${state} = 'waiting'))::int as waiting,
        (count(*) filter (where ${tasks.progress} = 'paused'))::int as paused
      from ${tasks}
      where ${tasks.planId} = ${planId} and ${tasks.progress} <> 'cancelled' and ${countedTaskRow}
      group by 1, 2) c)`;
  const agencyList = sql`(select coalesce(json_agg(json_build_object('id', a.id, 'name', a.name, 'kind', a.kind, 'parent', a.parent)), '[]'::json)
      from ${agencies} a where a.plan_id = ${planId})`;
  const [row] = await db
    .select({
      plan: plans,
      counts: sql<OwnerCounts[]>`${counts}`,
      agencies: sql<AgencyNode[]>`${agencyList}`,
      nextChange: planNextChangeSql(planId, instant),
    })
    .from(plans)
    .where(eq(plans.id, planId));
  if (!row) return undefined;
  const overall = emptyCounts();
  const byOwner = new Map<string, CategoryCounts>();
  for (const c of row.counts) {
    const owned = byOwner.get(c.owner) ?? emptyCounts();
    byOwner.set(c.owner, owned);
    const add = (into: CategoryCounts) => {
      if (c.category && (CATEGORIES as readonly string[]).includes(c.category)) into[c.category] += c.n;
      into.total += c.n;
      into.awaiting_confirmation += c.awaiting;
      into.due_soon += c.dueSoon;
      into.waiting += c.waiting;
      into.paused += c.paused;
    };
    add(owned);
  }
  const agencyNodes = orderedAgencies(row.plan.document, row.agencies);
  const rows = rollUpAgencies(agencyNodes, byOwner, emptyCounts, addCounts, rollup);
  for (const r of rows) addCounts(overall, r.counts);
  return { plan: row.plan, counts: overall, agencies: rows, nextChangeMs: toMs(row.nextChange) ?? Number.POSITIVE_INFINITY };
}

/** Agencies in the order the plan file lists them, as the published plan does. */
export function orderedAgencies(document: unknown, nodes: readonly AgencyNode[]): AgencyNode[] {
  const order = ((document as { agencies?: { id: string }[] }).agencies ?? []).map((a) => a.id);
  const rank = (id: string) => {
    const index = order.indexOf(id);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...nodes].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** The tasks with units an agency directs (it leads the task; each unit carries a copy). */
export function tasksDirectedBy(document: unknown, agency: string): string[] {
  const list = (document as { tasks?: { id: string; lead: string; units?: unknown }[] }).tasks ?? [];
  return list.filter((task) => task.lead === agency && task.units !== undefined).map((task) => task.id);
}

export interface TaskFilters {
  /** Tasks this agency leads or supports, and the unit copies of tasks it directs. */
  agency?: { id: string; directs: string[] };
  category?: Category;
  deadlineState?: DeadlineState;
  /** "Sắp đến hạn": open and inside the due-soon window (isDueSoonAt). */
  dueSoon?: boolean;
  progress?: Progress;
  escalationLevel?: number;
  /** Deadline at or before this instant. */
  deadlineBefore?: Date;
  /** Deadline after this instant. */
  deadlineAfter?: Date;
}

/**
 * A calendar date of a date filter, as a person reads a deadline: a task "due 04/12/2026" has its
 * deadline at the midnight ending that day, so the day D holds the deadlines in (start of D, end
 * of D] in the plan's timezone, and both bounds are inclusive.
 */
export function deadlineDayBounds(date: string, timezone: string): { after: Date; atOrBefore: Date } {
  return { after: new Date(startOfLocalDay(date, timezone)), atOrBefore: new Date(endOfLocalDay(date, timezone)) };
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

function agencyCondition(agency: { id: string; directs: string[] }): SQL {
  const conditions: SQL[] = [eq(tasks.lead, agency.id), sql`${agency.id} = any(${tasks.support})`];
  if (agency.directs.length > 0) conditions.push(and(sql`${tasks.unitId} is not null`, inArray(tasks.taskId, agency.directs)) as SQL);
  return or(...conditions) as SQL;
}

/** Tasks of a plan by deadline (none last), then workflow id; keyset pagination; judged at `at`. */
export async function listTasks(db: Database, planId: string, filters: TaskFilters, at: Date, limit: number, cursor?: Cursor) {
  const instant = instantParam(at);
  const conditions: SQL[] = [eq(tasks.planId, planId)];
  if (filters.agency) conditions.push(agencyCondition(filters.agency));
  if (filters.category) conditions.push(sql`${categorySql(taskFactColumns, instant)} = ${filters.category}`);
  if (filters.deadlineState) conditions.push(sql`${deadlineStateSql(taskFactColumns, instant)} = ${filters.deadlineState}`);
  if (filters.dueSoon !== undefined) {
    const dueSoon = sql`(${inArray(tasks.progress, OPEN_PROGRESS)} and ${deadlineStateSql(taskFactColumns, instant)} = 'due_soon')`;
    conditions.push(filters.dueSoon ? dueSoon : sql`not ${dueSoon}`);
  }
  if (filters.progress) conditions.push(eq(tasks.progress, filters.progress));
  if (filters.escalationLevel !== undefined) conditions.push(eq(tasks.escalationLevel, filters.escalationLevel));
  if (filters.deadlineBefore) conditions.push(sql`${tasks.deadlineAt} <= ${filters.deadlineBefore.toISOString()}::timestamptz`);
  if (filters.deadlineAfter) conditions.push(sql`${tasks.deadlineAt} > ${filters.deadlineAfter.toISOString()}::timestamptz`);
  if (cursor) {
    const d = new Date(cursor.d ?? FAR_FUTURE.getTime()).toISOString();
    conditions.push(sql`(${sortDeadline}, ${tasks.workflowId}) > (${d}::timestamptz, ${cursor.w})`);
  }
  const rows = await db
    .select({ ...taskRowSelection, workflowId: tasks.workflowId })
    .from(tasks)
    .where(and(...conditions))
    .orderBy(sortDeadline, asc(tasks.workflowId))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? encodeCursor({ d: last.deadlineAt ? last.deadlineAt.getTime() : null, w: last.workflowId }) : undefined;
  return { rows: page.map(toTaskRow), next };
}

export async function getTask(db: Database, workflowId: string): Promise<TaskRow | undefined> {
  const [row] = await db.select(taskRowSelection).from(tasks).where(eq(tasks.workflowId, workflowId));
  return row ? toTaskRow(row) : undefined;
}

/** Who answers for a task (its lead and support agencies), as a write checks its caller against them. */
export async function taskResponsibility(db: Database, workflowId: string): Promise<{ lead: string; support: string[] } | undefined> {
  const [row] = await db.select({ lead: tasks.lead, support: tasks.support }).from(tasks).where(eq(tasks.workflowId, workflowId));
  return row;
}

/** The unit copies and occurrences of a task, in the order of their keys. */
export async function taskMembers(db: Database, planId: string, taskId: string): Promise<TaskRow[]> {
  const rows = await db
    .select(taskRowSelection)
    .from(tasks)
    .where(and(eq(tasks.planId, planId), eq(tasks.taskId, taskId), sql`(${tasks.unitId} is not null or ${tasks.occurrence} is not null)`))
    .orderBy(asc(tasks.workflowId));
  return rows.map(toTaskRow);
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

/**
 * Unfinished tasks an agency leads or supports at `at`, most urgent first (overdue, due soon, on
 * track, waiting, no deadline), then by deadline.
 */
export async function agencyOpenTasks(db: Database, agency: string, at: Date, limit: number): Promise<TaskRow[]> {
  const urgency = sql`case ${deadlineStateSql(taskFactColumns, instantParam(at))} when 'overdue' then 0 when 'due_soon' then 1 when 'on_track' then 2 when 'waiting' then 3 else 4 end`;
  const rows = await db
    .select(taskRowSelection)
    .from(tasks)
    .where(and(inArray(tasks.progress, UNFINISHED_PROGRESS), or(eq(tasks.lead, agency), sql`${agency} = any(${tasks.support})`)))
    .orderBy(urgency, sortDeadline, asc(tasks.workflowId))
    .limit(limit);
  return rows.map(toTaskRow);
}

/** The agencies a plan names, for checking a token's agency or a filter. */
export async function planHasAgency(db: Database, agency: string): Promise<boolean> {
  const [row] = await db.select({ id: agencies.id }).from(agencies).where(eq(agencies.id, agency)).limit(1);
  return Boolean(row);
}

export type AgencyCountsRow = RollupRow<CategoryCounts>;
