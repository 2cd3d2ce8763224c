/**
 * The read model: the single source of the tables. Migrations in ./migrations are generated from
 * this file with `npm run db:generate`; never edit a generated migration by hand.
 *
 * Workflows own the truth; these tables are a projection written by src/activities/projection.ts
 * and read by the API. Everything here can be rebuilt from the workflows except the audit log,
 * the outbox, the tokens and the idempotency records.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ResolvedTarget } from '../plan/model';
import type { Actor, Category, DeadlineKind, DeadlineState, Progress, TaskEventType, StoredTaskState } from '../domain';
import type { Contact } from '../plan/schema';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const plans = pgTable('plans', {
  id: text('id').primaryKey(),
  code: text('code').notNull(),
  title: text('title').notNull(),
  issuer: text('issuer').notNull(),
  issuedOn: date('issued_on', { mode: 'string' }).notNull(),
  timezone: text('timezone').notNull(),
  calendar: text('calendar').notNull(),
  currentVersion: integer('current_version').notNull(),
  contentHash: text('content_hash').notNull(),
  gitCommit: text('git_commit'),
  appliedAt: instant('applied_at').notNull(),
  document: jsonb('document').notNull(),
});

export const planVersions = pgTable(
  'plan_versions',
  {
    planId: text('plan_id').notNull(),
    version: integer('version').notNull(),
    contentHash: text('content_hash').notNull(),
    gitCommit: text('git_commit'),
    appliedAt: instant('applied_at').notNull(),
    appliedBy: jsonb('applied_by').$type<Actor>().notNull(),
    document: jsonb('document').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.version] })],
);

export const agencies = pgTable(
  'agencies',
  {
    planId: text('plan_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    parent: text('parent'),
    contacts: jsonb('contacts').$type<Contact[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.planId, t.id] })],
);

/** The current state of every task workflow (one row per task, unit copy and occurrence). */
export const tasks = pgTable(
  'tasks',
  {
    workflowId: text('workflow_id').primaryKey(),
    planId: text('plan_id').notNull(),
    taskId: text('task_id').notNull(),
    unitId: text('unit_id'),
    occurrence: text('occurrence'),
    title: text('title').notNull(),
    lead: text('lead').notNull(),
    support: text('support')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    progress: text('progress').$type<Progress>().notNull(),
    deadlineState: text('deadline_state').$type<DeadlineState>().notNull(),
    category: text('category').$type<Category>().notNull(),
    /** The facts of src/domain/facts.ts: see task-rule-sql.ts for the rule evaluated over them. */
    deadlineKind: text('deadline_kind').$type<DeadlineKind>().notNull().default('fixed'),
    /** The deadline in force, moved by the time spent in earlier pauses. */
    deadlineAt: instant('deadline_at'),
    dueSoonAt: instant('due_soon_at'),
    pausedAt: instant('paused_at'),
    deadlineVersion: integer('deadline_version').notNull(),
    escalationLevel: integer('escalation_level').notNull(),
    /** Prerequisites still open. */
    waitingFor: text('waiting_for')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    progressValue: doublePrecision('progress_value'),
    completedAt: instant('completed_at'),
    confirmedAt: instant('confirmed_at'),
    seq: integer('seq').notNull(),
    state: jsonb('state').$type<StoredTaskState>().notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    index('tasks_plan_lead_idx').on(t.planId, t.lead),
    index('tasks_plan_unit_idx').on(t.planId, t.unitId),
    index('tasks_plan_category_idx').on(t.planId, t.category),
    index('tasks_plan_deadline_idx').on(t.planId, t.deadlineAt, t.workflowId),
    index('tasks_plan_task_idx').on(t.planId, t.taskId),
    index('tasks_support_idx').using('gin', t.support),
  ],
);

/**
 * Append-only audit log. Besides what happened, each row keeps the task's progress and deadline
 * right after the event, so that reports as of any past date can be computed from this table alone.
 */
export const taskEvents = pgTable(
  'task_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    planId: text('plan_id').notNull(),
    taskId: text('task_id').notNull(),
    unitId: text('unit_id'),
    occurrence: text('occurrence'),
    seq: integer('seq').notNull(),
    type: text('type').$type<TaskEventType>().notNull(),
    at: instant('at').notNull(),
    actor: jsonb('actor').$type<Actor>().notNull(),
    actorId: text('actor_id').notNull(),
    requestId: text('request_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    progressAfter: text('progress_after').$type<Progress>().notNull(),
    deadlineKindAfter: text('deadline_kind_after').$type<DeadlineKind>().notNull().default('fixed'),
    deadlineAtAfter: instant('deadline_at_after'),
    dueSoonAtAfter: instant('due_soon_at_after'),
    pausedAtAfter: instant('paused_at_after'),
    deadlineVersionAfter: integer('deadline_version_after').notNull(),
    completedAtAfter: instant('completed_at_after'),
    /** When the projection wrote the row; `at` is the instant the event is for (the lag is the difference). */
    recordedAt: instant('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('task_events_idempotency_key_idx').on(t.idempotencyKey),
    index('task_events_workflow_idx').on(t.workflowId, t.seq),
    index('task_events_plan_at_idx').on(t.planId, t.at),
  ],
);

/** Every reminder and escalation level that fired, once per deadline version. */
export const escalations = pgTable(
  'escalations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    planId: text('plan_id').notNull(),
    taskId: text('task_id').notNull(),
    kind: text('kind').$type<'reminder' | 'escalation'>().notNull(),
    level: integer('level').notNull(),
    deadlineVersion: integer('deadline_version').notNull(),
    deadlineAt: instant('deadline_at').notNull(),
    target: jsonb('target').$type<ResolvedTarget>().notNull(),
    action: text('action').notNull(),
    catchUp: boolean('catch_up').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [
    uniqueIndex('escalations_idempotency_key_idx').on(t.idempotencyKey),
    index('escalations_plan_idx').on(t.planId, t.at),
    index('escalations_workflow_idx').on(t.workflowId),
  ],
);

export interface NotificationRecipient {
  channel: 'email' | 'webhook';
  address: string;
  name?: string;
  /** The contact takes a digest instead of single messages. */
  digest?: 'daily' | 'weekly';
}

/**
 * pending: not every delivery has ended yet; sent: every recipient's delivery was sent; failed: no
 * recipient to send it to (the plan names no contact); dead: at least one delivery gave up;
 * skipped: a catch-up the plan asked not to send (`notify.catchUp: none`).
 */
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'dead' | 'skipped';

/** The outbox: one row per notification request; each recipient's delivery is a `deliveries` row. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** The escalations row this notification belongs to. */
    escalationKey: text('escalation_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    planId: text('plan_id').notNull(),
    taskId: text('task_id').notNull(),
    /** The channel of the first recipient; "none" when the target has no contact. */
    channel: text('channel').$type<'email' | 'webhook' | 'none'>().notNull(),
    recipients: jsonb('recipients').$type<NotificationRecipient[]>().notNull(),
    target: jsonb('target').$type<ResolvedTarget>().notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<NotificationStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    createdAt: instant('created_at').notNull().defaultNow(),
    sentAt: instant('sent_at'),
  },
  (t) => [uniqueIndex('notifications_idempotency_key_idx').on(t.idempotencyKey), index('notifications_due_idx').on(t.status, t.nextAttemptAt)],
);

/**
 * pending: waiting to be sent (for working hours, a catch-up summary or its first attempt);
 * failed: the last attempt failed and another will follow (`last_error` says why); sent; dead: the
 * last attempt failed and no other will follow (`last_error` says why).
 */
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'dead';

/**
 * One delivery per (task, deadline version, level, recipient): the unit of "exactly once". Sent
 * by its own Temporal workflow (`deliver:<key>`, src/workflows/delivery.ts); a catch-up delivery
 * is sent inside its recipient's summary (`summary_key`) instead.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** `${notificationKey}>${channel}:${address}`; the e-mail Message-ID and the webhook-id derive from it. */
    key: text('key').notNull(),
    notificationKey: text('notification_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    planId: text('plan_id').notNull(),
    taskId: text('task_id').notNull(),
    channel: text('channel').$type<'email' | 'webhook'>().notNull(),
    address: text('address').notNull(),
    name: text('name'),
    state: text('state').$type<DeliveryState>().notNull().default('pending'),
    /** Catch-up deliveries of one plan and recipient travel together in one summary. */
    summaryKey: text('summary_key'),
    /** Not before this instant (working hours of the plan's calendar). */
    sendAfter: instant('send_after').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** The Message-ID or webhook-id it was sent with (a summary's, for catch-up deliveries). */
    messageId: text('message_id'),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    uniqueIndex('deliveries_key_idx').on(t.key),
    index('deliveries_notification_idx').on(t.notificationKey),
    index('deliveries_plan_task_idx').on(t.planId, t.taskId),
    index('deliveries_summary_idx').on(t.summaryKey, t.state),
    index('deliveries_address_idx').on(t.address),
  ],
);

export type TokenRole = 'staff' | 'leader' | 'admin';

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    agency: text('agency'),
    role: text('role').$type<TokenRole>().notNull(),
    /** sha256 of the token, hex; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_token_hash_idx').on(t.tokenHash)],
);

export const idempotencyRecords = pgTable(
  'idempotency_records',
  {
    key: text('key').notNull(),
    /** The token id of the caller: keys are scoped per caller. */
    principal: text('principal').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request with this key is still running (the key is claimed). */
    statusCode: integer('status_code'),
    responseBody: jsonb('response_body'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>().notNull().default({}),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.key, t.principal] }), index('idempotency_records_created_idx').on(t.createdAt)],
);

/**
 * The compiled task specs of every applied plan version, content-addressed by their spec hash and
 * written by the apply path before any workflow starts: the plan workflow and its activities pass
 * hashes, never the specs. The calendar is stored once in `plan_calendars`; `body` carries its
 * hash (`calendarHash`) in place of the calendar.
 */
export const planSpecs = pgTable('plan_specs', {
  hash: text('hash').primaryKey(),
  body: jsonb('body').notNull(),
});

/** The working-day calendars the specs refer to, content-addressed (one row per calendar version). */
export const planCalendars = pgTable('plan_calendars', {
  hash: text('hash').primaryKey(),
  body: jsonb('body').notNull(),
});

/** A version's task workflows: its spec set (hashed over its workflow ids and spec hashes). */
export const planSpecSets = pgTable(
  'plan_spec_sets',
  {
    setHash: text('set_hash').notNull(),
    workflowId: text('workflow_id').notNull(),
    specHash: text('spec_hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.setHash, t.workflowId] })],
);

/** Plan documents by content hash, stored by the apply path; the version record reads them from here. */
export const planDocuments = pgTable('plan_documents', {
  contentHash: text('content_hash').primaryKey(),
  body: jsonb('body').notNull(),
});

/**
 * How far the plan workflow got reconciling each applied version: written by its activities as
 * they start, amend and cancel task workflows, read by the API (`GET /api/plans/:id/reconciliation`).
 */
export const planReconciliations = pgTable(
  'plan_reconciliations',
  {
    planId: text('plan_id').notNull(),
    version: integer('version').notNull(),
    total: integer('total').notNull(),
    toStart: integer('to_start').notNull(),
    toAmend: integer('to_amend').notNull(),
    toCancel: integer('to_cancel').notNull(),
    started: integer('started').notNull().default(0),
    amended: integer('amended').notNull().default(0),
    cancelled: integer('cancelled').notNull().default(0),
    /** Task workflows that refused their amendment or cancellation (final; logged by the worker). */
    errors: integer('errors').notNull().default(0),
    /** The last failure of a page that is being retried, cleared by the next page that succeeds. */
    lastError: text('last_error'),
    beganAt: instant('began_at').notNull(),
    finishedAt: instant('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.planId, t.version] })],
);
