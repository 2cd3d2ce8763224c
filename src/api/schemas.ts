/**
 * The API's wire shapes. Routes declare these for their params, bodies and responses; the
 * OpenAPI document is generated from them, so a change here is a change to the contract.
 */
import * as z from 'zod';
import type { DeliveryListRow } from '../db/notifications';
import { CATEGORIES, DEADLINE_STATES, PROGRESS, categoryAt, deadlineAtInstant, deadlineStateAt, type TaskFacts } from '../domain';
import type { StoredTaskState } from '../domain';
import { apiText } from '../i18n';
import { labelsFor } from '../i18n';

export { CATEGORIES, DEADLINE_STATES, PROGRESS };
export const ROLES = ['staff', 'leader', 'admin'] as const;

export const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: () => apiText('field.slug') });
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

const targetSchema = z
  .object({ metric: z.string(), unit: z.string(), baseline: z.number().optional(), value: z.number(), base: z.number().optional() })
  .meta({ id: 'Target' });

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
    category: z.enum(CATEGORIES).optional().describe('The QĐ 42 category at the instant of the answer; absent for a cancelled task'),
    labels: z
      .object({ progress: z.string(), deadlineState: z.string(), category: z.string().optional() })
      .describe('The same three in the terms of QĐ 42, in the language of KEHOACH_LANG (Vietnamese by default)'),
    deadlineAt: z.string().optional().describe('The deadline in force at the instant of the answer, moved by the time spent paused'),
    dueSoonAt: z.string().optional(),
    pausedAt: z.string().optional().describe('When the current pause began'),
    deadlineVersion: z.number().int(),
    escalationLevel: z.number().int(),
    progressValue: z.number().optional(),
    target: targetSchema.optional(),
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

/** The address of one task workflow in a URL: `taskId`, `taskId@unit`, `taskId#occurrence` (URL-encoded). */
export function taskKey(ref: { taskId: string; unitId?: string | null; occurrence?: string | null }): string {
  return `${ref.taskId}${ref.unitId ? `@${ref.unitId}` : ''}${ref.occurrence ? `#${ref.occurrence}` : ''}`;
}

export function parseTaskKey(key: string): { taskId: string; unitId?: string; occurrence?: string } | undefined {
  const match = /^([a-z0-9][a-z0-9_-]*)(?:@([a-z0-9][a-z0-9_-]*))?(?:#([A-Za-z0-9][A-Za-z0-9_.-]*))?$/.exec(key);
  if (!match?.[1]) return undefined;
  return { taskId: match[1], ...(match[2] ? { unitId: match[2] } : {}), ...(match[3] ? { occurrence: match[3] } : {}) };
}

/**
 * The one mapping from a task to the wire, used by GETs and by write responses alike. Where the
 * task stands is the rule over its stored facts at `at` (the request's instant), never a verdict
 * stored earlier.
 */
export function toTaskOut(state: StoredTaskState, facts: TaskFacts, at: Date = new Date()): TaskOut {
  const atMs = at.getTime();
  const category = categoryAt(facts, atMs);
  const deadlineState = deadlineStateAt(facts, atMs);
  const deadlineMs = deadlineAtInstant(facts, atMs);
  const words = labelsFor();
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
    progress: facts.progress,
    deadlineState,
    ...(category ? { category } : {}),
    labels: {
      progress: words.progress[facts.progress],
      deadlineState: words.deadlineState[deadlineState],
      ...(category ? { category: words.category[category] } : {}),
    },
    ...(deadlineMs !== undefined ? { deadlineAt: new Date(deadlineMs).toISOString() } : {}),
    ...(facts.dueSoonAt ? { dueSoonAt: facts.dueSoonAt } : {}),
    ...(facts.pausedAt ? { pausedAt: facts.pausedAt } : {}),
    deadlineVersion: state.deadlineVersion,
    escalationLevel: state.escalationLevel,
    ...(state.progressValue !== undefined ? { progressValue: state.progressValue } : {}),
    ...(state.spec.target ? { target: state.spec.target } : {}),
    ...(facts.completedAt ? { completedAt: facts.completedAt } : {}),
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
    awaiting_confirmation: z.number().int().describe('Of the open tasks: reported done, awaiting the tracking office ("Chờ xác nhận")'),
    due_soon: z.number().int().describe('Of the open tasks: inside the due-soon window ("Sắp đến hạn")'),
    waiting: z.number().int().describe('Of the open tasks: their "after task" deadline waits for a prerequisite'),
    paused: z.number().int().describe('Of the open tasks: paused (their clock stopped)'),
  })
  .meta({ id: 'CategoryCounts' });
export type CategoryCounts = z.infer<typeof categoryCountsSchema>;

export const AGENCY_ROLLUP_LEVELS = ['agency', 'commune', 'district', 'province'] as const;

/** How rows roll up along the agency tree; shared by the plan status and the report. */
export const rollupQueryShape = {
  level: z
    .enum(AGENCY_ROLLUP_LEVELS)
    .default('agency')
    .describe(
      'agency: a row per agency, its own tasks; district: communes added into their district; province: everything into the province; commune: as agency',
    ),
  parent: slug
    .optional()
    .describe("Rows for the agencies directly under this one (a district's communes), each with its subtree, plus its own tasks"),
};

export const agencyRowShape = {
  level: z.enum(['province', 'district', 'commune']),
  parent: z.string().optional(),
  rolledUp: z.boolean().describe('The row adds up agencies below it: open it with ?parent=<agency>'),
  children: z.number().int().describe('Agencies below it whose tasks the row adds up'),
};

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
    asOf: z.string().describe('The instant the counts are for: the instant of the answer'),
    counts: categoryCountsSchema,
    level: z.enum(AGENCY_ROLLUP_LEVELS),
    parent: z.string().optional(),
    agencies: z.array(z.object({ id: z.string(), name: z.string(), ...agencyRowShape, counts: categoryCountsSchema })),
  })
  .meta({ id: 'PlanStatus' });

export const rollupSchema = z
  .object({
    total: z.number().int().describe('Units or occurrences counted (cancelled ones are not)'),
    done: z.number().int(),
    awaitingConfirmation: z.number().int(),
    started: z.number().int().describe('Members no longer not started'),
    target: z
      .object({
        metric: z.string(),
        unit: z.string(),
        nature: z.enum(['count', 'percent']),
        value: z.number().describe("Counts: the sum of the units' targets; percentages: their mean weighted by base, or plain"),
        progressValue: z.number().optional().describe('Aggregated the same way; absent until a unit reports a value'),
        reached: z.number().int().describe('Units whose progress reached their own target'),
        of: z.number().int().describe('Units counted'),
      })
      .optional(),
    members: z.array(
      z.object({
        key: z.string(),
        unitId: z.string().optional(),
        occurrence: z.string().optional(),
        lead: z.string(),
        progress: z.enum(PROGRESS),
        category: z.enum(CATEGORIES).optional(),
        deadlineState: z.enum(DEADLINE_STATES),
        deadlineAt: z.string().optional(),
        progressValue: z.number().optional(),
        target: targetSchema.optional(),
      }),
    ),
  })
  .meta({ id: 'TaskRollup' });
export type RollupOut = z.infer<typeof rollupSchema>;

export const DELIVERY_STATES = ['pending', 'sent', 'failed', 'dead'] as const;

export const deliverySchema = z
  .object({
    id: z.string(),
    planId: z.string(),
    taskId: z.string(),
    workflowId: z.string(),
    kind: z.enum(['reminder', 'escalation']),
    level: z.number().int().describe('Reminder index (1-based) or ladder level'),
    deadlineVersion: z.number().int(),
    catchUp: z.boolean().describe("Sent inside the recipient's catch-up summary rather than on its own"),
    channel: z.enum(['email', 'webhook']),
    recipient: z.object({ address: z.string(), name: z.string().optional() }),
    state: z.enum(DELIVERY_STATES).describe('pending: not sent yet; failed: the last attempt failed, another follows; sent; dead: no more attempts'),
    attempts: z.number().int(),
    reason: z.string().optional().describe('Why the last attempt failed, or why it was given up'),
    subject: z.string(),
    sendAfter: z.string().describe('Not sent before this instant (working hours)'),
    sentAt: z.string().optional(),
    messageId: z.string().optional().describe('The e-mail Message-ID or the webhook-id it was sent with'),
    createdAt: z.string(),
  })
  .meta({ id: 'Delivery' });

export type DeliveryOut = z.infer<typeof deliverySchema>;

export function toDeliveryOut(row: DeliveryListRow): DeliveryOut {
  const payload = row.payload as { kind?: 'reminder' | 'escalation'; level?: number; deadlineVersion?: number; catchUp?: boolean };
  return {
    id: String(row.id),
    planId: row.planId,
    taskId: row.taskId,
    workflowId: row.workflowId,
    kind: payload.kind ?? 'escalation',
    level: payload.level ?? 0,
    deadlineVersion: payload.deadlineVersion ?? 0,
    catchUp: row.summaryKey !== null,
    channel: row.channel,
    recipient: { address: row.address, ...(row.name ? { name: row.name } : {}) },
    state: row.state,
    attempts: row.attempts,
    ...(row.lastError ? { reason: row.lastError } : {}),
    subject: row.subject,
    sendAfter: row.sendAfter.toISOString(),
    ...(row.sentAt ? { sentAt: row.sentAt.toISOString() } : {}),
    ...(row.messageId ? { messageId: row.messageId } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}

export const taskDetailSchema = z
  .object({
    task: taskSchema,
    events: z.array(taskEventSchema),
    notifications: z
      .array(deliverySchema)
      .describe('Every reminder and escalation of this task, one entry per recipient, with where its delivery stands (newest first)'),
    rollup: rollupSchema.optional().describe("For a task with units or occurrences: its members' summary (n/N done, per-unit targets and progress)"),
  })
  .meta({ id: 'TaskDetail' });

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

// ---------------------------------------------------------------------------------------------
// Validation messages, in the catalogue's language (src/i18n, `api:field.*`)

const TYPE_NAMES = ['string', 'number', 'int', 'boolean', 'object', 'array', 'date', 'undefined', 'null'] as const;
const typeName = (name: string) =>
  (TYPE_NAMES as readonly string[]).includes(name) ? apiText(`field.type.${name as (typeof TYPE_NAMES)[number]}`) : name;

const typeOf = (input: unknown) => (input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input);

/**
 * The message of each zod issue, saying what to send. Schemas that carry their own
 * message keep it; the problem's `errors[].path` names the field (e.g. `querystring.limit`).
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = typeName(issue.expected);
      if (issue.input === undefined) return apiText('field.missing', { expected });
      return apiText('field.wrongType', { expected, received: typeName(typeOf(issue.input)) });
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return apiText('field.minChars', { min });
      if (issue.origin === 'array' || issue.origin === 'set') return apiText('field.minItems', { min });
      return apiText(issue.inclusive === false ? 'field.greaterThan' : 'field.atLeast', { min });
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return apiText('field.maxChars', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return apiText('field.maxItems', { max });
      return apiText(issue.inclusive === false ? 'field.lessThan' : 'field.atMost', { max });
    }
    case 'invalid_value':
      return apiText('field.oneOf', { values: issue.values.map((v) => String(v)).join(', ') });
    case 'unrecognized_keys':
      return apiText(issue.keys.length > 1 ? 'field.unknownFields' : 'field.unknownField', { keys: issue.keys.map((k) => `"${k}"`).join(', ') });
    case 'invalid_format':
      return apiText('field.format', { format: issue.format });
    case 'not_multiple_of':
      return apiText('field.multipleOf', { divisor: String(issue.divisor) });
    case 'invalid_union':
      return apiText('field.noUnionMatch');
    default:
      return apiText('field.invalid');
  }
}

// fastify-type-provider-zod recognises its validation errors by this registered symbol.
const ZOD_FASTIFY_VALIDATION_ERROR = Symbol.for('ZodFastifySchemaValidationError');

/**
 * fastify-type-provider-zod's validator compiler with Vietnamese messages: the same error shape
 * (so the problem handler maps it to a 400 with `errors[]`), in the API's language.
 */
export const validatorCompiler =
  ({ schema }: { schema: z.ZodType }) =>
  (data: unknown) => {
    const result = schema.safeParse(data, { error: issueMessage });
    if (result.success) return { value: result.data };
    return {
      error: result.error.issues.map((issue) => ({
        [ZOD_FASTIFY_VALIDATION_ERROR]: true,
        keyword: issue.code,
        instancePath: `/${issue.path.join('/')}`,
        schemaPath: `#/${issue.path.join('/')}/${issue.code}`,
        message: issue.message,
        params: {},
      })) as unknown as Error,
    };
  };
