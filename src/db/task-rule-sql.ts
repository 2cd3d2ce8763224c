/**
 * The SQL twin of src/domain/facts.ts, for the views that must filter, count and paginate in
 * Postgres. It is the same rule written once more because SQL cannot call TypeScript; the property
 * test in test/db/task-rule-sql.test.ts evaluates both over thousands of random (facts, instant)
 * pairs and fails on any difference. Change one, change the other.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DeadlineKind, Progress, TaskFacts } from '../domain';
import { tasks } from './schema';

/** The columns that hold a task's facts: the tasks table, or any row source with the same shape. */
export interface FactColumns {
  progress: SQL | typeof tasks.progress;
  deadlineKind: SQL | typeof tasks.deadlineKind;
  deadlineAt: SQL | typeof tasks.deadlineAt;
  dueSoonAt: SQL | typeof tasks.dueSoonAt;
  pausedAt: SQL | typeof tasks.pausedAt;
  completedAt: SQL | typeof tasks.completedAt;
}

/** The tasks table's fact columns, for a drizzle select as much as for the rule. */
export const taskFactSelection = {
  progress: tasks.progress,
  deadlineKind: tasks.deadlineKind,
  deadlineAt: tasks.deadlineAt,
  dueSoonAt: tasks.dueSoonAt,
  pausedAt: tasks.pausedAt,
  completedAt: tasks.completedAt,
};

export const taskFactColumns: FactColumns = taskFactSelection;

/** `at` as a timestamptz parameter. */
export function instantParam(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

/** The clock a task stands at: a paused task's stopped when it paused (clockMs in facts.ts). */
function clock(c: FactColumns, at: SQL): SQL {
  return sql`(case when ${c.progress} = 'paused' and ${c.pausedAt} is not null then least(${at}, ${c.pausedAt}) else ${at} end)`;
}

function reportedLate(c: FactColumns): SQL {
  return sql`(${c.deadlineAt} is not null and ${c.completedAt} is not null and ${c.completedAt} > ${c.deadlineAt})`;
}

/** categoryAt: null for a cancelled task. */
export function categorySql(c: FactColumns, at: SQL): SQL<string | null> {
  return sql<string | null>`(case
    when ${c.progress} = 'cancelled' then null
    when ${c.progress} = 'done' then case when ${reportedLate(c)} then 'done_late' else 'done_on_time' end
    when ${c.deadlineKind} = 'none' then 'no_deadline'
    when ${c.progress} = 'awaiting_confirmation' then case when ${reportedLate(c)} then 'open_overdue' else 'open_on_time' end
    when ${c.deadlineAt} is null then 'open_on_time'
    when ${clock(c, at)} >= ${c.deadlineAt} then 'open_overdue'
    else 'open_on_time' end)`;
}

/** deadlineStateAt. */
export function deadlineStateSql(c: FactColumns, at: SQL): SQL<string> {
  return sql<string>`(case
    when ${c.deadlineKind} = 'none' then 'no_deadline'
    when ${c.deadlineAt} is null then 'waiting'
    when ${c.progress} in ('done', 'awaiting_confirmation', 'cancelled') then case when ${reportedLate(c)} then 'overdue' else 'on_track' end
    when ${clock(c, at)} >= ${c.deadlineAt} then 'overdue'
    when ${c.dueSoonAt} is not null and ${clock(c, at)} >= ${c.dueSoonAt} then 'due_soon'
    else 'on_track' end)`;
}

/** nextJudgementChange: null when only a new fact can change the task's judgement. */
export function nextJudgementChangeSql(c: FactColumns, at: SQL): SQL<Date | null> {
  return sql<Date | null>`(case
    when ${c.deadlineKind} = 'none' or ${c.deadlineAt} is null or ${c.progress} in ('done', 'awaiting_confirmation', 'cancelled') then null
    else least(case when ${c.dueSoonAt} > ${at} then ${c.dueSoonAt} end, case when ${c.deadlineAt} > ${at} then ${c.deadlineAt} end) end)`;
}

/** The fact columns as drizzle reads them, from a task row or an event row's `*_after` columns. */
export interface FactValues {
  progress: Progress;
  deadlineKind: DeadlineKind;
  deadlineAt: Date | null;
  dueSoonAt: Date | null;
  pausedAt: Date | null;
  completedAt: Date | null;
}

/** Stored fact columns → the TaskFacts the rule in TypeScript judges. */
export function factsFromColumns(row: FactValues): TaskFacts {
  return {
    progress: row.progress,
    deadlineKind: row.deadlineKind,
    ...(row.deadlineAt ? { deadlineAt: row.deadlineAt.toISOString() } : {}),
    ...(row.dueSoonAt ? { dueSoonAt: row.dueSoonAt.toISOString() } : {}),
    ...(row.pausedAt ? { pausedAt: row.pausedAt.toISOString() } : {}),
    ...(row.completedAt ? { completedAt: row.completedAt.toISOString() } : {}),
  };
}

/**
 * A task workflow that counts in plan counts and reports: every plain task, unit copy and
 * occurrence, but not the roll-up of a task with units (its members count, each for its unit).
 */
export const countedTaskRow = sql`((${tasks.state} #> '{spec,members}') is null)`;
