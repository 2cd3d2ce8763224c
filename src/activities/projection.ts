/**
 * The projection: writes what the workflows decide into the Postgres read model. Temporal may run
 * an activity more than once and in any order relative to an older attempt, so every write here is
 * idempotent (unique idempotency keys) and the task row only ever moves forward (by state.seq).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { agencies, escalations, notifications, planVersions, plans, taskEvents, tasks, type NotificationRecipient } from '../db/schema';
import { formatDeadlineVi } from '../plan/calendar';
import type { ResolvedTarget } from '../plan/model';
import type { Agency, Contact, Plan, Role } from '../plan/schema';
import {
  taskDoneAt,
  type CompletionLookup,
  type NotificationRequest,
  type PlanVersionRecord,
  type ProjectionActivities,
  type TaskChange,
  type TaskStateView,
} from '../domain';
import { UNSTORABLE_RECORD } from '../domain/activity-contracts';

export function createProjectionActivities(db: Database): ProjectionActivities {
  return {
    recordTaskChange: (change) => failUnstorable(() => recordTaskChange(db, change)),
    recordPlanVersion: (record) => failUnstorable(() => recordPlanVersion(db, record)),
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
    for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) {
        throw ApplicationFailure.nonRetryable(`Postgres refused the record (SQLSTATE ${code}: ${(current as Error).message})`, UNSTORABLE_RECORD);
      }
    }
    throw error;
  }
}

const toDate = (iso: string | undefined): Date | null => (iso ? new Date(iso) : null);

/** Agency rows per INSERT (six parameters each, well under Postgres's 65,535). */
const AGENCY_CHUNK = 1_000;

async function recordTaskChange(db: Database, change: TaskChange): Promise<void> {
  const { state } = change;
  const { facts } = state;
  const context = change.notifications.length > 0 ? await loadPlanContext(db, state.planId) : undefined;

  await db.transaction(async (tx) => {
    const row = {
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
      state,
      updatedAt: new Date(state.updatedAt),
    };
    const { workflowId: _key, ...changes } = row;
    await tx
      .insert(tasks)
      .values(row)
      .onConflictDoUpdate({ target: tasks.workflowId, set: changes, setWhere: sql`${tasks.seq} < excluded.seq` });

    if (change.events.length > 0) {
      await tx
        .insert(taskEvents)
        .values(
          change.events.map((event) => ({
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
          })),
        )
        .onConflictDoNothing({ target: taskEvents.idempotencyKey });
    }

    if (change.notifications.length > 0) {
      await tx
        .insert(escalations)
        .values(
          change.notifications.map((request) => ({
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
          })),
        )
        .onConflictDoNothing({ target: escalations.idempotencyKey });

      await tx
        .insert(notifications)
        .values(
          change.notifications.map((request) => {
            const message = composeNotification(request, state, context);
            return {
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
              status: message.recipients.length > 0 ? ('pending' as const) : ('failed' as const),
              lastError: message.recipients.length > 0 ? null : message.missingContact,
            };
          }),
        )
        .onConflictDoNothing({ target: notifications.idempotencyKey });
    }
  });
}

async function recordPlanVersion(db: Database, record: PlanVersionRecord): Promise<void> {
  const document = record.document as Plan;
  await db.transaction(async (tx) => {
    await tx
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
      .onConflictDoNothing();

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
    const [current] = await tx
      .insert(plans)
      .values(plan)
      .onConflictDoUpdate({ target: plans.id, set: changes, setWhere: sql`${plans.currentVersion} <= excluded.current_version` })
      .returning({ version: plans.currentVersion });
    if (!current) return;

    const listed = document.agencies.map((agency) => agency.id);
    await tx.delete(agencies).where(and(eq(agencies.planId, record.planId), notInArray(agencies.id, listed)));
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
      await tx
        .insert(agencies)
        .values(rows.slice(index, index + AGENCY_CHUNK))
        .onConflictDoUpdate({
          target: [agencies.planId, agencies.id],
          set: { name: sql`excluded.name`, kind: sql`excluded.kind`, parent: sql`excluded.parent`, contacts: sql`excluded.contacts` },
        });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Notifications

export interface PlanContext {
  code: string;
  timezone: string;
  agencies: Map<string, Pick<Agency, 'id' | 'name' | 'contacts'>>;
  roles: Record<string, Role>;
}

async function loadPlanContext(db: Database, planId: string): Promise<PlanContext | undefined> {
  const [plan] = await db.select({ code: plans.code, timezone: plans.timezone, document: plans.document }).from(plans).where(eq(plans.id, planId));
  if (!plan) return undefined;
  const rows = await db
    .select({ id: agencies.id, name: agencies.name, contacts: agencies.contacts })
    .from(agencies)
    .where(eq(agencies.planId, planId));
  return {
    code: plan.code,
    timezone: plan.timezone,
    agencies: new Map(rows.map((row) => [row.id, row])),
    roles: ((plan.document as Partial<Plan>).roles ?? {}) as Record<string, Role>,
  };
}

const ROLE_NAMES: Record<string, string> = {
  standing_office: 'Cơ quan thường trực',
  chair: 'Tổ trưởng Tổ công tác',
};

function contactsOf(context: PlanContext | undefined, agencyId: string, prefer: Contact['role']): NotificationRecipient[] {
  const contacts = context?.agencies.get(agencyId)?.contacts ?? [];
  const preferred = contacts.filter((contact) => contact.role === prefer);
  // Someone must hear about it: fall back to the agency's other contacts.
  const chosen = preferred.length > 0 ? preferred : contacts;
  return chosen.map((contact) => ({
    channel: contact.channel,
    address: contact.address,
    ...(contact.name ? { name: contact.name } : {}),
  }));
}

/** Who receives a notification, from the plan's agency contacts. */
export function resolveRecipients(target: ResolvedTarget, context: PlanContext | undefined): NotificationRecipient[] {
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
}

function targetLabel(target: ResolvedTarget, context: PlanContext | undefined): string {
  const agencyName = (id: string) => context?.agencies.get(id)?.name ?? id;
  switch (target.kind) {
    case 'lead_staff':
      return `Cán bộ theo dõi của ${agencyName(target.agency)}`;
    case 'lead_head':
      return `Thủ trưởng ${agencyName(target.agency)}`;
    case 'agency':
      return agencyName(target.agency);
    case 'role':
      return ROLE_NAMES[target.role] ?? target.contact?.name ?? (target.agency ? agencyName(target.agency) : target.role);
  }
}

function planReference(code: string): string {
  return /^(KH|Kế hoạch) /.test(code) ? code : `KH ${code}`;
}

export interface ComposedNotification {
  recipients: NotificationRecipient[];
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  missingContact: string;
}

export function composeNotification(request: NotificationRequest, state: TaskStateView, context: PlanContext | undefined): ComposedNotification {
  const timeZone = context?.timezone ?? state.spec.timezone;
  const reference = planReference(context?.code ?? request.planId);
  const leadName = context?.agencies.get(state.spec.lead)?.name ?? state.spec.lead;
  const unitName = state.unitId ? (context?.agencies.get(state.unitId)?.name ?? state.unitId) : undefined;
  const deadline = formatDeadlineVi(request.deadlineAt, timeZone);
  const action = request.action.trim() || (request.kind === 'reminder' ? 'Nhắc nhở' : 'Đôn đốc');
  const subject = `[${action}] Nhiệm vụ «${state.spec.title}» (${reference})`;
  const headline = request.kind === 'reminder' ? `${subject} đến hạn ngày ${deadline}.` : `${subject} đã quá hạn (hạn ngày ${deadline}).`;
  const lines = [
    headline,
    `Cơ quan chủ trì: ${leadName}${unitName && unitName !== leadName ? `; đơn vị thực hiện: ${unitName}` : ''}.`,
    `Sản phẩm: ${state.spec.output}.`,
    request.kind === 'reminder'
      ? 'Đề nghị hoàn thành và báo cáo kết quả đúng hạn.'
      : `Nội dung: ${action} (mức ${request.level}). Đề nghị khẩn trương hoàn thành và báo cáo kết quả.`,
  ];
  if (request.catchUp) {
    lines.push('Ghi chú: thông báo gửi bù cho các mốc đã qua khi hệ thống chưa theo dõi nhiệm vụ.');
  }
  const recipients = resolveRecipients(request.to, context);
  return {
    recipients,
    subject,
    body: lines.join('\n'),
    payload: {
      kind: request.kind,
      level: request.level,
      action,
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
    },
    missingContact: `${targetLabel(request.to, context)} chưa có địa chỉ liên hệ trong kế hoạch: bổ sung contacts cho cơ quan này rồi áp dụng lại kế hoạch.`,
  };
}
