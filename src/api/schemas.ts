/**
 * The API's wire shapes. Routes declare these for their params, bodies and responses; the
 * OpenAPI document is generated from them, so a change here is a change to the contract.
 */
import { z } from 'zod';
import type { TaskStateView } from '../domain';

import { CATEGORIES, DEADLINE_STATES, PROGRESS } from '../domain';
export { CATEGORIES, DEADLINE_STATES, PROGRESS };
export const ROLES = ['staff', 'leader', 'admin'] as const;

export const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'phải là mã ASCII: chữ thường, số, "-" hoặc "_"' });
// Dates are bounded to the years kehoach handles (fields.ts).
export { isoDate, isoInstant } from './fields';

export const actorSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    agency: z.string().optional(),
    role: z.enum(['staff', 'leader', 'admin', 'system']),
  })
  .meta({ id: 'Actor' });

export const extensionRequestSchema = z
  .object({
    id: z.string(),
    newDeadline: z.string(),
    reason: z.string(),
    requestedBy: actorSchema,
    requestedAt: z.string(),
    status: z.enum(['pending', 'approved', 'denied']),
    decidedBy: actorSchema.optional(),
    decidedAt: z.string().optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'ExtensionRequest' });

export const taskSchema = z
  .object({
    planId: z.string(),
    /** `taskId`, `taskId@unit`, `taskId#occurrence`: what the URL addresses. */
    key: z.string(),
    taskId: z.string(),
    unitId: z.string().optional(),
    occurrence: z.string().optional(),
    workflowId: z.string(),
    title: z.string(),
    lead: z.string(),
    support: z.array(z.string()),
    output: z.string().optional(),
    confirmation: z.boolean(),
    progress: z.enum(PROGRESS),
    deadlineState: z.enum(DEADLINE_STATES),
    category: z.enum(CATEGORIES),
    deadlineAt: z.string().optional(),
    deadlineVersion: z.number().int(),
    escalationLevel: z.number().int(),
    progressValue: z.number().optional(),
    target: z.object({ metric: z.string(), unit: z.string(), baseline: z.number().optional(), value: z.number() }).optional(),
    completedAt: z.string().optional(),
    completedBy: actorSchema.optional(),
    confirmedAt: z.string().optional(),
    returnReason: z.string().optional(),
    pauseReason: z.string().optional(),
    waitingFor: z.array(z.string()),
    extensionRequests: z.array(extensionRequestSchema),
    seq: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Task' });
export type TaskOut = z.infer<typeof taskSchema>;

export const taskEventSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    at: z.string(),
    actor: actorSchema,
    requestId: z.string().optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TaskEvent' });

export const taskDetailSchema = z.object({ task: taskSchema, events: z.array(taskEventSchema) }).meta({ id: 'TaskDetail' });

/** The address of one task workflow in a URL: `taskId`, `taskId@unit`, `taskId#occurrence` (URL-encoded). */
export function taskKey(ref: { taskId: string; unitId?: string | null; occurrence?: string | null }): string {
  return `${ref.taskId}${ref.unitId ? `@${ref.unitId}` : ''}${ref.occurrence ? `#${ref.occurrence}` : ''}`;
}

export function parseTaskKey(key: string): { taskId: string; unitId?: string; occurrence?: string } | undefined {
  const match = /^([a-z0-9][a-z0-9_-]*)(?:@([a-z0-9][a-z0-9_-]*))?(?:#([A-Za-z0-9][A-Za-z0-9_.-]*))?$/.exec(key);
  if (!match?.[1]) return undefined;
  return { taskId: match[1], ...(match[2] ? { unitId: match[2] } : {}), ...(match[3] ? { occurrence: match[3] } : {}) };
}

/** The one mapping from workflow state to the wire, used by GETs and by write responses alike. */
export function toTaskOut(state: TaskStateView, now: Date = new Date()): TaskOut {
  const overdueNow =
    state.deadlineAt !== undefined &&
    !['done', 'awaiting_confirmation', 'cancelled', 'paused'].includes(state.progress) &&
    Date.parse(state.deadlineAt) < now.getTime();
  return {
    planId: state.planId,
    key: taskKey(state),
    taskId: state.taskId,
    ...(state.unitId ? { unitId: state.unitId } : {}),
    ...(state.occurrence ? { occurrence: state.occurrence } : {}),
    workflowId: state.workflowId,
    title: state.spec.title,
    lead: state.spec.lead,
    support: state.spec.support ?? [],
    output: state.spec.output,
    confirmation: Boolean(state.spec.confirmation),
    progress: state.progress,
    // A timer may not have fired yet when the deadline has just passed; the clock decides.
    deadlineState: overdueNow ? 'overdue' : state.deadlineState,
    category:
      overdueNow && state.category === 'open_on_time'
        ? 'open_overdue'
        : state.progress === 'done' && state.category === 'no_deadline'
          ? 'done_on_time' // counted as done, as the report counts it
          : state.category,
    ...(state.deadlineAt ? { deadlineAt: state.deadlineAt } : {}),
    deadlineVersion: state.deadlineVersion,
    escalationLevel: state.escalationLevel,
    ...(state.progressValue !== undefined ? { progressValue: state.progressValue } : {}),
    ...(state.spec.target ? { target: state.spec.target } : {}),
    ...(state.completedAt ? { completedAt: state.completedAt } : {}),
    ...(state.completedBy ? { completedBy: state.completedBy } : {}),
    ...(state.confirmedAt ? { confirmedAt: state.confirmedAt } : {}),
    ...(state.returnReason ? { returnReason: state.returnReason } : {}),
    ...(state.pauseReason ? { pauseReason: state.pauseReason } : {}),
    waitingFor: state.waitingFor ?? [],
    extensionRequests: state.extensionRequests ?? [],
    seq: state.seq,
    updatedAt: state.updatedAt,
  };
}

export const categoryCountsSchema = z
  .object({
    done_on_time: z.number().int(),
    done_late: z.number().int(),
    open_on_time: z.number().int(),
    open_overdue: z.number().int(),
    no_deadline: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'CategoryCounts' });
export type CategoryCounts = z.infer<typeof categoryCountsSchema>;

export const planSummarySchema = z
  .object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    issuer: z.string(),
    issuedOn: z.string(),
    timezone: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    appliedAt: z.string(),
  })
  .meta({ id: 'PlanSummary' });

export const planStatusSchema = planSummarySchema
  .extend({
    asOf: z.string().describe('The instant the counts were taken'),
    counts: categoryCountsSchema,
    agencies: z.array(z.object({ id: z.string(), name: z.string(), counts: categoryCountsSchema })),
  })
  .meta({ id: 'PlanStatus' });

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    agency: z.string().optional(),
    role: z.enum(ROLES),
    createdAt: z.string(),
    lastUsedAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'Token' });
