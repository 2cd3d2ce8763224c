/**
 * The projection: writes what the workflows decide into the Postgres read model. Temporal may run
 * an activity more than once and in any order relative to an older attempt, so every write here is
 * idempotent (unique idempotency keys) and the task row only ever moves forward (by state.seq).
 *
 * The task workflow records as a local activity, inside the workflow task that decided the change.
 * When that workflow task is lost (its worker killed after the record, before the task completed),
 * Temporal runs it again later and the workflow decides the same change anew: the same seq, a
 * later `updatedAt` (the workflow's clock), perhaps other instants in it. Only the second decision
 * is in the history, so a record of the same seq with a later `updatedAt` replaces the earlier one,
 * events included, and an attempt older than the record in place changes nothing.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { and, count, eq, getTableColumns, inArray, notInArray, sql, type SQL, type WithSubquery } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { allInOrder, type Database, type Queryable } from '../db/client';
import { agencies, deliveries, escalations, notifications, planVersions, plans, taskEvents, tasks, type NotificationRecipient } from '../db/schema';
import { composeMessage, notifyTranslator, recipientLabel } from '../notify/compose';
import type { NotificationContent } from '../notify/content';
import { deliveryKey, digestKey, nextWorkingInstant, overdueWorkingDays, summaryKey, waitsForWorkingHours } from '../notify/rules';
import { describeTarget } from '../plan/compile';
import type { ResolvedTarget } from '../plan/model';
import type { Agency, Contact, NotifyOptions, Plan, Role } from '../plan/schema';
import {
  storedTaskState,
  taskDoneAt,
  type CompletionLookup,
  type FirstRecordWriter,
  type NotificationRequest,
  type PlanVersionRecord,
  type ProjectionActivities,
  type TaskChange,
  type TaskStateView,
} from '../domain';
import { UNSTORABLE_RECORD } from '../domain/activity-contracts';

export function createProjectionActivities(db: Database): ProjectionActivities {
  const planContexts = createPlanContextCache();
  return {
    recordTaskChange: (change) => failUnstorable(() => recordTaskChange(db, change, planContexts)),
    recordPlanVersion: (record) => failUnstorable(() => recordPlanVersion(db, record)),
  };
}

export function createFirstRecordWriter(db: Database): FirstRecordWriter {
  const planContexts = createPlanContextCache();
  return {
    async lastRecorded(workflowIds) {
      if (workflowIds.length === 0) return {};
      const rows = await db
        .select({ workflowId: tasks.workflowId, seq: tasks.seq, deadlineVersion: tasks.deadlineVersion, updatedAt: tasks.updatedAt })
        .from(tasks)
        .where(inArray(tasks.workflowId, [...workflowIds]));
      return Object.fromEntries(
        rows.map((row) => [row.workflowId, { seq: row.seq, deadlineVersion: row.deadlineVersion, updatedAt: row.updatedAt.toISOString() }]),
      );
    },

    async recordFirstChanges(changes) {
      try {
        await failUnstorable(() => recordFirstChanges(db, changes, planContexts));
      } catch (error) {
        if (!(error instanceof ApplicationFailure && error.type === UNSTORABLE_RECORD)) throw error;
        // One record Postgres refuses as data must not hold back the page's others: each alone.
        const refused: string[] = [];
        for (const change of changes) {
          await failUnstorable(() => recordFirstChanges(db, [change], planContexts)).catch((failure: unknown) => {
            if (!(failure instanceof ApplicationFailure && failure.type === UNSTORABLE_RECORD)) throw failure;
            refused.push(change.state.workflowId);
          });
        }
        return refused;
      }
      return [];
    },
  };
}

/** Which tasks the read model shows done as a whole (every row of the task, roll-up and members). */
export function createCompletionLookup(db: Database): CompletionLookup {
  return {
    async doneAt(planId, taskIds) {
      if (taskIds.length === 0) return {};
      const rows = await db
        .select({ taskId: tasks.taskId, progress: tasks.progress, completedAt: tasks.completedAt })
        .from(tasks)
        .where(and(eq(tasks.planId, planId), inArray(tasks.taskId, [...taskIds])));
      const result: Record<string, string> = {};
      for (const taskId of taskIds) {
        const doneAt = taskDoneAt(
          rows.filter((row) => row.taskId === taskId).map((row) => ({ progress: row.progress, completedAt: row.completedAt?.toISOString() ?? null })),
        );
        if (doneAt) result[taskId] = doneAt;
      }
      return result;
    },
  };
}

export { UNSTORABLE_RECORD } from '../domain/activity-contracts';

/**
 * Postgres data exceptions (SQLSTATE class 22: a NUL in text, a value out of range) fail the same
 * way on every attempt; retried forever they would block the task behind them. They fail the
 * activity for good instead, so the caller hears of it. drizzle wraps the postgres.js error.
 */
async function failUnstorable<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const refused = postgresRefusal(error, /^22[0-9A-Z]{3}$/);
    if (refused)
      throw ApplicationFailure.nonRetryable(`Postgres refused the record (SQLSTATE ${refused.code}: ${refused.message})`, UNSTORABLE_RECORD);
    throw error;
  }
}

/** The Postgres error of a SQLSTATE matching `codes` that `error` is or wraps (drizzle wraps postgres.js's), if any. */
function postgresRefusal(error: unknown, codes: RegExp): { code: string; message: string } | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && codes.test(code)) return { code, message: (current as Error).message };
  }
  return undefined;
}

const toDate = (iso: string | undefined): Date | null => (iso ? new Date(iso) : null);

/** What a later decision of the same change may say differently in an event of the same key. */
const REDECIDED_EVENT_COLUMNS = [
  'at',
  'actor',
  'actorId',
  'requestId',
  'data',
  'progressAfter',
  'deadlineKindAfter',
  'deadlineAtAfter',
  'dueSoonAtAfter',
  'pausedAtAfter',
  'deadlineVersionAfter',
  'completedAtAfter',
] as const;

/** Agency rows per INSERT (six parameters each, well under Postgres's 65,535). */
const AGENCY_CHUNK = 1_000;

/** The task's row in the read model as of a recorded state. */
function taskRow(state: TaskStateView) {
  const { facts } = state;
  return {
    workflowId: state.workflowId,
    planId: state.planId,
    taskId: state.taskId,
    unitId: state.unitId ?? null,
    occurrence: state.occurrence ?? null,
    title: state.spec.title,
    lead: state.spec.lead,
    support: state.spec.support,
    progress: state.progress,
    deadlineState: state.deadlineState,
    category: state.category,
    // The facts every view judges the task by (src/domain/facts.ts, src/db/task-rule-sql.ts).
    deadlineKind: facts.deadlineKind,
    deadlineAt: toDate(facts.deadlineAt),
    dueSoonAt: toDate(facts.dueSoonAt),
    pausedAt: toDate(facts.pausedAt),
    completedAt: toDate(facts.completedAt),
    waitingFor: state.waitingFor,
    deadlineVersion: state.deadlineVersion,
    escalationLevel: state.escalationLevel,
    progressValue: state.progressValue ?? null,
    confirmedAt: toDate(state.confirmedAt),
    seq: state.seq,
    state: storedTaskState(state),
    updatedAt: new Date(state.updatedAt),
  };
}

/** A change's events as rows, each with the task's facts after the change. */
function eventRows(change: TaskChange) {
  const { state } = change;
  const { facts } = state;
  return change.events.map((event) => ({
    idempotencyKey: event.idempotencyKey,
    workflowId: event.workflowId,
    planId: event.planId,
    taskId: event.taskId,
    unitId: event.unitId ?? null,
    occurrence: event.occurrence ?? null,
    seq: event.seq,
    type: event.type,
    at: new Date(event.at),
    actor: event.actor,
    actorId: event.actor.id,
    requestId: event.requestId ?? null,
    data: event.data,
    // The facts after the change, so that reports as of any date need only this table.
    progressAfter: facts.progress,
    deadlineKindAfter: facts.deadlineKind,
    deadlineAtAfter: toDate(facts.deadlineAt),
    dueSoonAtAfter: toDate(facts.dueSoonAt),
    pausedAtAfter: toDate(facts.pausedAt),
    deadlineVersionAfter: state.deadlineVersion,
    completedAtAfter: toDate(facts.completedAt),
  }));
}

async function recordTaskChange(db: Database, change: TaskChange, planContexts: PlanContextCache): Promise<void> {
  const { state } = change;
  if (change.notifications.length === 0 && (await recordedAsNextSeq(db, change))) return;
  const row = taskRow(state);
  await db.transaction(async (tx) => {
    // The row as recorded so far, locked: a record of the same seq must know whether it replaces
    // it. Sent together with the plan's applied version, which says whether the notification
    // context this worker keeps is still the plan's.
    const needsContext = change.notifications.length > 0;
    const [[recorded], [applied]] = await Promise.all([
      tx.select({ seq: tasks.seq, updatedAt: tasks.updatedAt }).from(tasks).where(eq(tasks.workflowId, state.workflowId)).for('update'),
      needsContext ? tx.select({ contentHash: plans.contentHash }).from(plans).where(eq(plans.id, state.planId)) : [],
    ]);
    const sameSeq = recorded?.seq === state.seq;
    // A lost attempt of this very change, decided earlier: the history holds the later decision.
    if (sameSeq && recorded.updatedAt.getTime() > row.updatedAt.getTime()) return;
    const redecided = sameSeq && recorded.updatedAt.getTime() < row.updatedAt.getTime();
    const context = needsContext && applied ? await planContexts.at(tx, state.planId, applied.contentHash) : undefined;

    // The statements below do not depend on each other's results: sent together, they cost one
    // round trip to Postgres instead of one each, and Postgres runs them in the order sent.
    const statements: PromiseLike<unknown>[] = [
      upsertTaskRow(tx, row, sql`${tasks.seq} < excluded.seq OR (${tasks.seq} = excluded.seq AND ${tasks.updatedAt} < excluded.updated_at)`),
    ];

    if (redecided) {
      // The lost attempt's events of this seq go; this decision's replace them below.
      const keys = change.events.map((event) => event.idempotencyKey);
      statements.push(
        tx
          .delete(taskEvents)
          .where(
            and(
              eq(taskEvents.workflowId, state.workflowId),
              eq(taskEvents.seq, state.seq),
              ...(keys.length > 0 ? [notInArray(taskEvents.idempotencyKey, keys)] : []),
            ),
          ),
      );
    }

    if (change.events.length > 0) {
      const insertEvents = tx.insert(taskEvents).values(eventRows(change));
      statements.push(
        redecided
          ? insertEvents.onConflictDoUpdate({
              target: taskEvents.idempotencyKey,
              set: Object.fromEntries(REDECIDED_EVENT_COLUMNS.map((column) => [column, sql.raw(`excluded.${taskEvents[column].name}`)])),
            })
          : insertEvents.onConflictDoNothing({ target: taskEvents.idempotencyKey }),
      );
    }

    statements.push(
      ...insertNotificationRows(
        tx,
        notificationRows([change], () => context, new Date().toISOString()),
      ),
    );
    await allInOrder(statements);
  });
}

/** The rows that recording `changes`' notifications writes: escalations, notifications composed in each plan's context, deliveries. */
function notificationRows(changes: readonly TaskChange[], contextOf: (planId: string) => PlanContext | undefined, nowIso: string) {
  const rows = {
    escalations: [] as (typeof escalations.$inferInsert)[],
    notifications: [] as (typeof notifications.$inferInsert)[],
    deliveries: [] as ReturnType<typeof deliveryRows>,
  };
  for (const { state, notifications: requests } of changes) {
    const context = requests.length > 0 ? contextOf(state.planId) : undefined;
    // A catch-up the plan asked not to send is kept as skipped.
    const silenced = (request: NotificationRequest) => request.catchUp && context?.notify.catchUp === 'none';
    for (const request of requests) {
      rows.escalations.push({
        idempotencyKey: request.idempotencyKey,
        workflowId: request.workflowId,
        planId: request.planId,
        taskId: request.taskId,
        kind: request.kind,
        level: request.level,
        deadlineVersion: request.deadlineVersion,
        deadlineAt: new Date(request.deadlineAt),
        target: request.to,
        action: request.action,
        catchUp: request.catchUp,
        at: new Date(request.at),
      });
      const message = composeNotification(request, state, context);
      rows.notifications.push({
        idempotencyKey: request.idempotencyKey,
        escalationKey: request.idempotencyKey,
        workflowId: request.workflowId,
        planId: request.planId,
        taskId: request.taskId,
        channel: message.recipients[0]?.channel ?? ('none' as const),
        recipients: message.recipients,
        target: request.to,
        subject: message.subject,
        body: message.body,
        payload: message.payload,
        // Nobody to send it to: keep the row for the record, but do not retry it forever.
        status: silenced(request) ? ('skipped' as const) : message.recipients.length > 0 ? ('pending' as const) : ('failed' as const),
        lastError: silenced(request) ? message.skipped : message.recipients.length > 0 ? null : message.missingContact,
      });
      rows.deliveries.push(...deliveryRows(request, state, message, nowIso, context?.notify));
    }
  }
  return rows;
}

/**
 * The inserts of `notificationRows`, each kept where already written (a retried record writes the
 * same keys); one jsonb parameter a table, as a page's first records are (insertFromJson): a page
 * of catch-ups composes a few dozen notifications, each with its text.
 */
function insertNotificationRows(tx: Pick<Database, 'execute'>, rows: ReturnType<typeof notificationRows>): PromiseLike<unknown>[] {
  const statements: PromiseLike<unknown>[] = [];
  if (rows.escalations.length > 0)
    statements.push(tx.execute(insertFromJson(escalations, ESCALATION_COLUMNS, rows.escalations, { keepOnConflict: escalations.idempotencyKey })));
  if (rows.notifications.length > 0)
    statements.push(
      tx.execute(insertFromJson(notifications, NOTIFICATION_COLUMNS, rows.notifications, { keepOnConflict: notifications.idempotencyKey })),
    );
  if (rows.deliveries.length > 0)
    statements.push(tx.execute(insertFromJson(deliveries, DELIVERY_COLUMNS, rows.deliveries, { keepOnConflict: deliveries.key })));
  return statements;
}

/**
 * The common record, a change of a seq the row has not reached with nobody to notify, in one
 * statement (one round trip, no transaction to open and commit): the row written if it holds an
 * earlier seq or none, and the change's events with it. True when written; false, having written
 * nothing, when the row holds this seq or a later one (a redecided record, a lost attempt's, a late
 * one) or Postgres refused the statement: the transaction of recordTaskChange decides those, and
 * words a refusal, as it decides every record that notifies.
 */
export async function recordedAsNextSeq(db: Database, change: TaskChange): Promise<boolean> {
  const upsert = upsertTaskRow(db, taskRow(change.state), sql`${tasks.seq} < excluded.seq`).returning({ seq: tasks.seq });
  try {
    if (change.events.length === 0) return (await upsert).length > 0;
    const written = db.$with('written').as(upsert);
    const [outcome] = await db
      .with(written, db.$with('events', {}).as(insertEventsAfter(written, eventRows(change))))
      .select({ rows: count() })
      .from(written);
    return (outcome?.rows ?? 0) > 0;
  } catch (error) {
    // Refused as data or by a constraint: the transaction writes the record as ever, or words why not.
    if (postgresRefusal(error, /^2[23][0-9A-Z]{3}$/)) return false;
    throw error;
  }
}

/** The task's row inserted, or written over the row in place where `over` holds (of `tasks` and `excluded`). */
function upsertTaskRow(db: Pick<Database, 'insert'>, row: ReturnType<typeof taskRow>, over: SQL) {
  const { workflowId: _key, ...changes } = row;
  return db.insert(tasks).values(row).onConflictDoUpdate({ target: tasks.workflowId, set: changes, setWhere: over });
}

/** The columns of a task's row and of its events, by property. */
const TASK_COLUMNS = getTableColumns(tasks);
const EVENT_COLUMNS = getTableColumns(taskEvents);
const ESCALATION_COLUMNS = getTableColumns(escalations);
const NOTIFICATION_COLUMNS = getTableColumns(notifications);
const DELIVERY_COLUMNS = getTableColumns(deliveries);

/** Inserts `events` when the CTE `written` holds a row (see insertFromJson). */
function insertEventsAfter(written: WithSubquery, events: ReturnType<typeof eventRows>): SQL {
  return insertFromJson(taskEvents, EVENT_COLUMNS, events, { onlyIf: written, keepOnConflict: taskEvents.idempotencyKey });
}

/**
 * Inserts `rows` (their properties named as the table's columns by `columns`; the columns no row
 * names keep their defaults), keeping the row already there on a conflict over `keepOnConflict`,
 * and only if the CTE `onlyIf` holds a row when it is given. The rows travel as one jsonb array
 * keyed by column name and typed by the table's own row type: one parameter however many rows (a
 * page's first records were some 1,900 parameters as a multi-row VALUES, and building it took
 * most of their time), and a statement whose text is the same for any number of rows (one
 * prepared statement).
 */
function insertFromJson<Row extends Record<string, unknown>>(
  table: PgTable,
  columns: Record<keyof Row, PgColumn>,
  rows: readonly Row[],
  options: { onlyIf?: WithSubquery; keepOnConflict: PgColumn },
): SQL {
  const properties = Object.keys(rows[0]!) as (keyof Row)[];
  const columnNames = properties.map((property) => columns[property].name);
  const list = sql.join(
    columnNames.map((name) => sql.identifier(name)),
    sql`, `,
  );
  const byColumn = rows.map((row) => Object.fromEntries(properties.map((property, index) => [columnNames[index], row[property]])));
  return sql`insert into ${table} (${list})
    select ${list} from jsonb_populate_recordset(null::${table}, ${JSON.stringify(byColumn)}::jsonb)
    ${options.onlyIf ? sql`where exists (select from ${options.onlyIf})` : sql``}
    on conflict (${sql.identifier(options.keepOnConflict.name)}) do nothing`;
}

/**
 * See FirstRecordWriter. One statement however many tasks a page holds: the rows inserted where
 * none is (a data-modifying CTE), their events beside them, each kept where already recorded.
 * Records that notify (a catch-up to announce) add their escalations, notifications and
 * deliveries, composed as `recordTaskChange` composes them, in the same transaction.
 */
async function recordFirstChanges(db: Database, changes: readonly TaskChange[], planContexts: PlanContextCache): Promise<void> {
  if (changes.length === 0) return;
  const rows = insertFromJson(
    tasks,
    TASK_COLUMNS,
    changes.map((change) => taskRow(change.state)),
    { keepOnConflict: tasks.workflowId },
  );
  const events = changes.flatMap(eventRows);
  const firstRecords =
    events.length === 0
      ? rows
      : sql`with first_rows as (${rows}) ${insertFromJson(taskEvents, EVENT_COLUMNS, events, { keepOnConflict: taskEvents.idempotencyKey })}`;
  const notifying = changes.filter((change) => change.notifications.length > 0);
  if (notifying.length === 0) {
    await db.execute(firstRecords);
    return;
  }
  await db.transaction(async (tx) => {
    // The context of each plan as applied now (a page holds one plan's tasks).
    const contexts = new Map<string, PlanContext | undefined>();
    for (const planId of new Set(notifying.map((change) => change.state.planId))) {
      const [applied] = await tx.select({ contentHash: plans.contentHash }).from(plans).where(eq(plans.id, planId));
      contexts.set(planId, applied ? await planContexts.at(tx, planId, applied.contentHash) : undefined);
    }
    const notified = notificationRows(notifying, (planId) => contexts.get(planId), new Date().toISOString());
    await allInOrder([tx.execute(firstRecords), ...insertNotificationRows(tx, notified)]);
  });
}

async function recordPlanVersion(db: Database, record: PlanVersionRecord): Promise<void> {
  const document = record.document as Plan;
  await db.transaction(async (tx) => {
    // The version and the plan's row are sent together (pipelined); the agencies follow only when
    // this version is the plan's current one.
    const versionWritten = tx
      .insert(planVersions)
      .values({
        planId: record.planId,
        version: record.version,
        contentHash: record.contentHash,
        gitCommit: record.gitCommit ?? null,
        appliedAt: new Date(record.appliedAt),
        appliedBy: record.appliedBy,
        document: record.document,
      })
      // Recorded again by a later attempt of a lost workflow task: the later decision is the one kept.
      .onConflictDoUpdate({
        target: [planVersions.planId, planVersions.version],
        set: { appliedAt: sql`excluded.applied_at`, appliedBy: sql`excluded.applied_by`, gitCommit: sql`excluded.git_commit` },
        setWhere: sql`${planVersions.appliedAt} < excluded.applied_at`,
      })
      .execute();

    const plan = {
      id: record.planId,
      code: document.code,
      title: document.title,
      issuer: document.issuer,
      issuedOn: document.issuedOn,
      timezone: document.timezone ?? 'Asia/Ho_Chi_Minh',
      calendar: document.calendar,
      currentVersion: record.version,
      contentHash: record.contentHash,
      gitCommit: record.gitCommit ?? null,
      appliedAt: new Date(record.appliedAt),
      document: record.document,
    };
    const { id: _key, ...changes } = plan;
    // A late retry of an older version must not overwrite a newer one.
    const planWritten = tx
      .insert(plans)
      .values(plan)
      .onConflictDoUpdate({
        target: plans.id,
        set: changes,
        setWhere: sql`${plans.currentVersion} < excluded.current_version OR (${plans.currentVersion} = excluded.current_version AND ${plans.appliedAt} <= excluded.applied_at)`,
      })
      .returning({ version: plans.currentVersion })
      .execute();
    await allInOrder([versionWritten, planWritten]);
    const [current] = await planWritten;
    if (!current) return;

    const listed = document.agencies.map((agency) => agency.id);
    const statements: PromiseLike<unknown>[] = [tx.delete(agencies).where(and(eq(agencies.planId, record.planId), notInArray(agencies.id, listed)))];
    // In chunks, not a statement per agency: a national plan lists some 11,000 agencies.
    const rows = document.agencies.map((agency) => ({
      planId: record.planId,
      id: agency.id,
      name: agency.name,
      kind: agency.kind,
      parent: agency.parent ?? null,
      contacts: agency.contacts ?? [],
    }));
    for (let index = 0; index < rows.length; index += AGENCY_CHUNK) {
      statements.push(
        tx
          .insert(agencies)
          .values(rows.slice(index, index + AGENCY_CHUNK))
          .onConflictDoUpdate({
            target: [agencies.planId, agencies.id],
            set: { name: sql`excluded.name`, kind: sql`excluded.kind`, parent: sql`excluded.parent`, contacts: sql`excluded.contacts` },
          }),
      );
    }
    await allInOrder(statements);
  });
}

// ---------------------------------------------------------------------------------------------
// Notifications

export interface PlanContext {
  code: string;
  title: string;
  timezone: string;
  /** The content hash of the applied version the context was read at. */
  contentHash: string;
  agencies: Map<string, Pick<Agency, 'id' | 'name' | 'contacts'>>;
  roles: Record<string, Role>;
  notify: NotifyOptions;
  /** The plan as applied, for the compiler's wording of targets (`describeTarget`). */
  document: Plan;
}

/** What notifying about a plan's tasks needs: its contacts, roles and options (the projection's and the digests'). */
export async function loadPlanContext(db: Queryable, planId: string): Promise<PlanContext | undefined> {
  const [plan] = await db
    .select({ code: plans.code, title: plans.title, timezone: plans.timezone, contentHash: plans.contentHash, document: plans.document })
    .from(plans)
    .where(eq(plans.id, planId));
  if (!plan) return undefined;
  const rows = await db
    .select({ id: agencies.id, name: agencies.name, contacts: agencies.contacts })
    .from(agencies)
    .where(eq(agencies.planId, planId));
  return {
    code: plan.code,
    title: plan.title,
    timezone: plan.timezone,
    contentHash: plan.contentHash,
    agencies: new Map(rows.map((row) => [row.id, row])),
    roles: ((plan.document as Partial<Plan>).roles ?? {}) as Record<string, Role>,
    notify: { catchUp: 'summary', workingHours: true, ...(plan.document as Partial<Plan>).notify },
    document: plan.document as Plan,
  };
}

/** Plans whose notification context a worker keeps at once: a national plan's is megabytes (its document and ~11,000 agencies). */
const PLAN_CONTEXTS_KEPT = 8;

interface PlanContextCache {
  /**
   * The context of the plan as applied at `contentHash`, read with `db` (the record's own
   * transaction: a record waiting for a second connection while holding one could exhaust the pool).
   */
  at(db: Queryable, planId: string, contentHash: string): Promise<PlanContext | undefined>;
}

/**
 * The notification context of the plans a worker is notifying about, kept per applied version (its
 * content hash): a deadline shared by thousands of tasks otherwise reads the whole plan once per
 * task. The record reads the current hash in the round trip that locks its row; the agencies
 * change only with the version, in the transaction that records it.
 */
function createPlanContextCache(): PlanContextCache {
  const kept = new Map<string, { contentHash: string; context: PlanContext }>();
  return {
    async at(db, planId, contentHash) {
      const cached = kept.get(planId);
      if (cached?.contentHash === contentHash) {
        // Most recently used last, so the oldest is the first to go.
        kept.delete(planId);
        kept.set(planId, cached);
        return cached.context;
      }
      const context = await loadPlanContext(db, planId);
      if (!context) return undefined;
      kept.delete(planId);
      if (kept.size >= PLAN_CONTEXTS_KEPT) kept.delete(kept.keys().next().value!);
      kept.set(planId, { contentHash: context.contentHash, context });
      return context;
    },
  };
}

function contactsOf(context: PlanContext | undefined, agencyId: string, prefer: Contact['role']): NotificationRecipient[] {
  const contacts = context?.agencies.get(agencyId)?.contacts ?? [];
  const preferred = contacts.filter((contact) => contact.role === prefer);
  // Someone must hear about it: fall back to the agency's other contacts.
  const chosen = preferred.length > 0 ? preferred : contacts;
  return chosen.map((contact) => ({
    channel: contact.channel,
    address: contact.address,
    ...(contact.name ? { name: contact.name } : {}),
    ...(contact.digest ? { digest: contact.digest } : {}),
  }));
}

/** Who receives a notification, from the plan's agency contacts (one delivery per distinct channel and address). */
export function resolveRecipients(target: ResolvedTarget, context: PlanContext | undefined): NotificationRecipient[] {
  const all = ((): NotificationRecipient[] => {
    switch (target.kind) {
      case 'lead_staff':
        return contactsOf(context, target.agency, 'staff');
      case 'lead_head':
      case 'agency':
        return contactsOf(context, target.agency, 'head');
      case 'role': {
        if (target.contact) return [{ ...target.contact }];
        const role = context?.roles[target.role];
        if (role && 'contact' in role) return [{ ...role.contact }];
        const agency = target.agency ?? (role && 'agency' in role ? role.agency : undefined);
        return agency ? contactsOf(context, agency, 'head') : [];
      }
    }
  })();
  const seen = new Set<string>();
  return all.filter((recipient) => {
    const key = deliveryKey('', recipient);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The agency a target points at, for its name in the greeting. */
function targetAgency(target: ResolvedTarget, context: PlanContext | undefined): string | undefined {
  if (target.kind === 'role') {
    if (target.agency) return target.agency;
    const role = context?.roles[target.role];
    return role && 'agency' in role ? role.agency : undefined;
  }
  return target.agency;
}

/** What the notification says, as data: composed into text when it is sent (src/notify/compose.ts). */
export function notificationContent(request: NotificationRequest, state: TaskStateView, context: PlanContext | undefined): NotificationContent {
  const timezone = context?.timezone ?? state.spec.timezone;
  const name = (id: string) => context?.agencies.get(id)?.name ?? id;
  const agency = targetAgency(request.to, context);
  return {
    kind: request.kind,
    level: request.level,
    action: request.kind === 'escalation' ? request.action.trim() : '',
    catchUp: request.catchUp,
    planId: request.planId,
    planCode: context?.code ?? request.planId,
    planTitle: context?.title ?? request.planId,
    taskId: request.taskId,
    workflowId: request.workflowId,
    taskTitle: state.spec.title,
    output: state.spec.output,
    leadName: name(state.spec.lead),
    ...(state.unitId ? { unitName: name(state.unitId) } : {}),
    target: request.to,
    ...(agency ? { targetAgencyName: name(agency) } : {}),
    // Worded as the compiler words it for `kehoach timeline`: one name for one target everywhere.
    ...(context
      ? { targetLabel: describeTarget(request.to.kind === 'role' && agency ? { ...request.to, agency } : request.to, context.document) }
      : {}),
    deadlineAt: request.deadlineAt,
    timezone,
    at: request.at,
    overdueWorkingDays: request.kind === 'escalation' ? overdueWorkingDays(request.deadlineAt, request.at, state.spec.calendar, timezone) : 0,
  };
}

export interface ComposedNotification {
  recipients: NotificationRecipient[];
  content: NotificationContent;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  missingContact: string;
  skipped: string;
}

export function composeNotification(request: NotificationRequest, state: TaskStateView, context: PlanContext | undefined): ComposedNotification {
  const t = notifyTranslator();
  const content = notificationContent(request, state, context);
  const message = composeMessage(t, content);
  return {
    recipients: resolveRecipients(request.to, context),
    content,
    subject: message.subject,
    body: message.text,
    payload: {
      kind: request.kind,
      level: request.level,
      action: request.action,
      catchUp: request.catchUp,
      planId: request.planId,
      planCode: context?.code ?? null,
      taskId: request.taskId,
      workflowId: request.workflowId,
      unitId: state.unitId ?? null,
      title: state.spec.title,
      lead: state.spec.lead,
      deadlineAt: request.deadlineAt,
      deadlineVersion: request.deadlineVersion,
      target: request.to,
      at: request.at,
      content,
    },
    missingContact: t('notify:missingContact', { target: recipientLabel(t, content) }),
    skipped: t('notify:catchUpSkipped'),
  };
}

/** The deliveries of a notification: one per recipient, held for working hours or a catch-up summary. */
export function deliveryRows(
  request: NotificationRequest,
  state: TaskStateView,
  message: ComposedNotification,
  nowIso: string,
  notify: NotifyOptions = { catchUp: 'summary', workingHours: true },
) {
  // The plan asked for no catch-up notices: the notification stays in the history, unsent.
  if (request.catchUp && notify.catchUp === 'none') return [];
  const timezone = message.content.timezone;
  // Not before it fired: a catch-up for an instant long past is sent now, not at its old instant.
  const due = Date.parse(request.at) > Date.parse(nowIso) ? request.at : nowIso;
  const sendAfter =
    notify.workingHours && waitsForWorkingHours(request.kind, request.to) ? nextWorkingInstant(due, state.spec.calendar, timezone) : due;
  return message.recipients.map((recipient) => ({
    key: deliveryKey(request.idempotencyKey, recipient),
    notificationKey: request.idempotencyKey,
    workflowId: request.workflowId,
    planId: request.planId,
    taskId: request.taskId,
    channel: recipient.channel,
    address: recipient.address,
    name: recipient.name ?? null,
    state: 'pending' as const,
    // A contact that takes a digest hears of it there; a catch-up goes into the recipient's summary.
    summaryKey: recipient.digest ? digestKey(request.planId, recipient) : request.catchUp ? summaryKey(request.planId, recipient) : null,
    sendAfter: new Date(sendAfter),
  }));
}
