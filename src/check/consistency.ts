/**
 * The read model against the truth: every task workflow of every applied plan is asked for its
 * state (the `getState` query; for one not yet run, the first record its input names) and
 * compared with its row in Postgres, and each plan's applied version with the `plans` row. With
 * `repair`, rows that differ are projected again from the workflow, through the same projection
 * activity the workflows use.
 */
import type { Client } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import type { ProjectionActivities, TaskStateView } from '../domain';
import { readAppliedPlan } from '../apply/apply';
import type { Database } from '../db/client';
import { plans, tasks } from '../db/schema';
import { createPlanStore } from '../db/plan-store';
import { taskWorkflowId } from '../workflows/ids';
import { readTaskWorkflowState } from '../temporal/task-state';
import { cliText } from '../i18n';

export interface Difference {
  planId: string;
  /** The task workflow, or the plan's own id for a version difference. */
  workflowId: string;
  /** What differs: field names, or "missing row". */
  fields: { field: string; row: unknown; workflow: unknown }[];
  repaired?: boolean;
}

export interface CheckReport {
  plans: number;
  tasks: number;
  differences: Difference[];
}

type TaskRow = typeof tasks.$inferSelect;

const iso = (value: Date | null | undefined): string | undefined => (value ? value.toISOString() : undefined);
const instantOf = (value: string | undefined): string | undefined => (value ? new Date(value).toISOString() : undefined);

/** The columns an API answer or a report reads, row against workflow. */
function compareTask(row: TaskRow, state: TaskStateView): Difference['fields'] {
  const pairs: [string, unknown, unknown][] = [
    ['seq', row.seq, state.seq],
    ['progress', row.progress, state.progress],
    ['category', row.category, state.category],
    ['deadlineState', row.deadlineState, state.deadlineState],
    ['deadlineAt', iso(row.deadlineAt), instantOf(state.deadlineAt)],
    ['deadlineVersion', row.deadlineVersion, state.deadlineVersion],
    ['escalationLevel', row.escalationLevel, state.escalationLevel],
    ['progressValue', row.progressValue ?? undefined, state.progressValue],
    ['completedAt', iso(row.completedAt), instantOf(state.completedAt)],
    ['confirmedAt', iso(row.confirmedAt), instantOf(state.confirmedAt)],
    ['title', row.title, state.spec.title],
    ['lead', row.lead, state.spec.lead],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([field, rowValue, workflowValue]) => ({ field, row: rowValue, workflow: workflowValue }));
}

export interface CheckOptions {
  db: Database;
  client: Client;
  /** Needed only to repair. */
  projection?: ProjectionActivities;
  repair?: boolean;
  /** Only these plans (default: every plan in the read model). */
  planIds?: string[];
}

export async function checkReadModel(options: CheckOptions): Promise<CheckReport> {
  const { db, client } = options;
  const planRows = await db.select({ id: plans.id, version: plans.currentVersion }).from(plans);
  const report: CheckReport = { plans: 0, tasks: 0, differences: [] };
  for (const planRow of planRows) {
    if (options.planIds && !options.planIds.includes(planRow.id)) continue;
    report.plans += 1;
    const applied = await readAppliedPlan(client, createPlanStore(db), planRow.id);
    if (!applied) {
      report.differences.push({
        planId: planRow.id,
        workflowId: planRow.id,
        fields: [{ field: 'plan workflow', row: planRow.version, workflow: undefined }],
      });
      continue;
    }
    if (applied.state.version !== planRow.version) {
      report.differences.push({
        planId: planRow.id,
        workflowId: planRow.id,
        fields: [{ field: 'version', row: planRow.version, workflow: applied.state.version }],
      });
    }
    const rows = new Map((await db.select().from(tasks).where(eq(tasks.planId, planRow.id))).map((row) => [row.workflowId, row]));
    for (const spec of applied.specs) {
      report.tasks += 1;
      const workflowId = taskWorkflowId(spec);
      const state = await readTaskWorkflowState(client, workflowId);
      const row = rows.get(workflowId);
      const fields = row ? compareTask(row, state) : [{ field: 'missing row', row: undefined, workflow: state.seq }];
      if (fields.length === 0) continue;
      const difference: Difference = { planId: planRow.id, workflowId, fields };
      if (options.repair && options.projection) {
        // The projection only ever moves a row forward by seq; a row changed behind its back may
        // carry any seq, so it is set back first and then projected from the workflow's state.
        await db
          .update(tasks)
          .set({ seq: sql`-1` })
          .where(eq(tasks.workflowId, workflowId));
        await options.projection.recordTaskChange({ state, events: [], notifications: [] });
        difference.repaired = true;
      }
      report.differences.push(difference);
    }
  }
  return report;
}

export function formatCheckReport(report: CheckReport, repair: boolean): string {
  const lines = report.differences.map((d) => {
    const what = d.fields
      .map((f) => cliText('check.field', { field: f.field, row: JSON.stringify(f.row), workflow: JSON.stringify(f.workflow) }))
      .join('; ');
    return `${d.workflowId}: ${what}${d.repaired ? ` ${cliText('check.repaired')}` : ''}`;
  });
  const counts = { plans: report.plans, tasks: report.tasks, count: report.differences.length };
  const summary =
    report.differences.length === 0 ? cliText('check.clean', counts) : cliText(repair ? 'check.differRepaired' : 'check.differ', counts);
  return [...lines, summary].join('\n');
}
