/**
 * What a task read or write does, apart from HTTP: the JSON routes in routes/tasks.ts and the web
 * pages in src/web call these same functions, so both go through the same checks (the domain's
 * role rule before the update, the workflow's validators inside it) and answer from the same rule.
 */
import type { UpdateDefinition } from '@temporalio/common';
import * as z from 'zod';
import type { Database } from '../db/client';
import { listDeliveries } from '../db/notifications';
import { taskWorkflowId } from '../workflows/ids';
import { complete, confirm, decideExtension, pause, reportProgress, requestExtension, resume, returnTask } from '../workflows/messages';
import type { TaskStateView, TaskWrite, WriteContext } from '../domain';
import { roleRefusal, rollUp, rollupCategory, rollupDeadlineState, rollupProgress } from '../domain';
import { apiText, labelsFor, rejectionText } from '../i18n';
import { actorOf, type Principal } from './plugins/auth';
import { ProblemError } from './problem';
import { getPlan, getTask, taskEventsOf, taskMembers, taskResponsibility, type PlanRow, type TaskRow } from './read-model';
import { isoDate, isoInstant, parseTaskKey, slug, toDeliveryOut, toTaskOut, issueMessage, type RollupOut, type TaskOut } from './schemas';
import { multiLineText } from './fields';
import { rejectionProblem, sendUpdate } from './temporal-errors';
import type { RouteDeps } from './app';

export const taskParams = z.strictObject({
  planId: slug,
  taskId: z.string().min(1).max(200).describe('taskId, or taskId@unit / taskId#occurrence for a unit or occurrence copy (URL-encoded)'),
});

const optionalNote = multiLineText().optional();
const reason = multiLineText();

export function resolveWorkflowId(planId: string, key: string): { workflowId: string; key: string } {
  const ref = parseTaskKey(key);
  if (!ref) {
    throw new ProblemError('validation', apiText('taskKeyInvalid', { key }), {
      errors: [{ path: 'params.taskId', message: apiText('invalid') }],
    });
  }
  return { workflowId: taskWorkflowId({ planId, ...ref }), key };
}

/**
 * One task (the API's answer) with its roll-up (for a task with units or occurrences), its full
 * history and its notifications with where each delivery stands, judged now.
 */
export async function readTaskDetail(db: Database, planId: string, key: string) {
  const { workflowId } = resolveWorkflowId(planId, key);
  const ref = parseTaskKey(key)!;
  const whole = !ref.unitId && !ref.occurrence;
  // One round trip's time: the row, its events and, for a task as a whole, its members at once.
  const [row, events, members, plan, sent] = await Promise.all([
    getTask(db, workflowId),
    taskEventsOf(db, workflowId),
    whole ? taskMembers(db, planId, ref.taskId) : Promise.resolve([]),
    whole ? getPlan(db, planId) : Promise.resolve(undefined),
    // A task as a whole shows its units' and occurrences' notifications too.
    listDeliveries(db, whole ? { planId, taskId: ref.taskId, limit: 500 } : { workflowId, limit: 500 }),
  ]);
  if (!row && members.length === 0) throw new ProblemError('not-found', apiText('taskNotFound', { plan: planId, task: key }));
  const now = new Date();
  const rolled = members.length > 0 ? rollupOf(members, now) : undefined;
  const task = row ? toTaskOut(row.state, row.facts, now) : rolledUpTask(workflowId, plan, members, rolled!);
  const detail = {
    task,
    ...(rolled ? { rollup: rolled.out } : {}),
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: e.at.toISOString(),
      actor: e.actor,
      ...(e.requestId ? { requestId: e.requestId } : {}),
      data: e.data ?? {},
    })),
    notifications: sent.map(toDeliveryOut),
  };
  /** `state`: the workflow's own view (its timetable ahead, its spec), absent for a task computed from its members. */
  return { detail, state: row?.state, plan };
}

interface WriteSpec<Body extends z.ZodType, Input extends WriteContext> {
  path: string;
  write: TaskWrite;
  summary: string;
  body: Body;
  params?: z.ZodType;
  update: UpdateDefinition<TaskStateView, [Input]>;
  toInput(body: z.output<Body>, context: WriteContext, params: Record<string, string>): Input;
}

/** The generic parameters are checked here, where each spec is written; the table erases them. */
function defineWrite<Body extends z.ZodType, Input extends WriteContext>(spec: WriteSpec<Body, Input>): WriteSpec<z.ZodType, WriteContext> {
  return spec as unknown as WriteSpec<z.ZodType, WriteContext>;
}

/** The eight writes: path, body schema, the update they send and how the body becomes its input. */
export const TASK_WRITES: Record<TaskWrite, WriteSpec<z.ZodType, WriteContext>> = {
  complete: defineWrite({
    path: '/complete',
    write: 'complete',
    summary: 'Report the task done (lead agency staff; admins may back-date completedAt)',
    body: z.strictObject({
      note: optionalNote,
      evidence: multiLineText().optional().describe('A reference to the output: document number, link'),
      completedAt: isoInstant.optional().describe('Admin only: record a completion that happened earlier'),
    }),
    update: complete,
    toInput: (body, context) => {
      if (body.completedAt && context.actor.role !== 'admin') {
        // The workflow refuses it too (src/domain/permissions.ts); refused here, it costs no round trip.
        throw new ProblemError('forbidden', rejectionText('backdatedCompletionAdminOnly', { field: 'completedAt' })!);
      }
      return {
        ...context,
        note: body.note,
        evidence: body.evidence,
        completedAt: body.completedAt ? new Date(body.completedAt).toISOString() : undefined,
      };
    },
  }),
  confirm: defineWrite({
    path: '/confirm',
    write: 'confirm',
    summary: 'Confirm a reported completion (leader; admins may back-date confirmedAt)',
    body: z.strictObject({
      note: optionalNote,
      confirmedAt: isoInstant.optional().describe('Admin only: record a confirmation that happened earlier (not before the completion)'),
    }),
    update: confirm,
    toInput: (body, context) => ({
      ...context,
      note: body.note,
      ...(body.confirmedAt ? { confirmedAt: new Date(body.confirmedAt).toISOString() } : {}),
    }),
  }),
  return: defineWrite({
    path: '/return',
    write: 'return',
    summary: 'Refuse a reported completion and return the task (leader)',
    body: z.strictObject({ reason }),
    update: returnTask,
    toInput: (body, context) => ({ ...context, reason: body.reason }),
  }),
  progress: defineWrite({
    path: '/progress',
    write: 'progress',
    summary: 'Report progress toward the target (lead or supporting agency staff)',
    body: z
      .strictObject({ value: z.number().finite().optional(), note: optionalNote })
      .refine((b) => b.value !== undefined || b.note !== undefined, { error: () => apiText('progressNeedsValueOrNote') }),
    update: reportProgress,
    toInput: (body, context) => ({ ...context, value: body.value, note: body.note }),
  }),
  pause: defineWrite({
    path: '/pause',
    write: 'pause',
    summary: 'Pause the task: stops the clock and the escalation ladder (leader)',
    body: z.strictObject({ reason }),
    update: pause,
    toInput: (body, context) => ({ ...context, reason: body.reason }),
  }),
  resume: defineWrite({
    path: '/resume',
    write: 'resume',
    summary: 'Resume a paused task (leader)',
    body: z.strictObject({ note: optionalNote }),
    update: resume,
    toInput: (body, context) => ({ ...context, note: body.note }),
  }),
  'extension-request': defineWrite({
    path: '/extension-requests',
    write: 'extension-request',
    summary: 'Ask for a later deadline (lead agency staff)',
    body: z.strictObject({
      newDeadline: z.union([isoDate, isoInstant]).describe("YYYY-MM-DD (end of that day in the plan's timezone) or an ISO instant"),
      reason,
    }),
    update: requestExtension,
    toInput: (body, context) => ({ ...context, newDeadline: body.newDeadline, reason: body.reason }),
  }),
  'extension-decision': defineWrite({
    path: '/extension-requests/:requestId/decision',
    write: 'extension-decision',
    summary: 'Approve or deny an extension request (leader)',
    params: taskParams.extend({ requestId: z.string().min(1).max(200) }),
    body: z.strictObject({ approve: z.boolean(), note: optionalNote }),
    update: decideExtension,
    toInput: (body, context, params) => ({ ...context, extensionId: params.requestId ?? '', approve: body.approve, note: body.note }),
  }),
};

export const TASK_WRITE_NAMES = Object.keys(TASK_WRITES) as TaskWrite[];

/**
 * A write's body checked by the same schema and with the same Vietnamese messages as the JSON
 * route's (a web form's fields go through this); a refusal is the API's 400 problem.
 */
export function parseWriteBody(name: TaskWrite, body: unknown): unknown {
  const parsed = TASK_WRITES[name].body.safeParse(body, { error: issueMessage });
  if (parsed.success) return parsed.data;
  throw new ProblemError('validation', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '), {
    errors: parsed.error.issues.map((issue) => ({ path: ['body', ...issue.path].join('.'), message: issue.message })),
  });
}

/** One write: check the caller, send the update, answer with the new state. `body` is already parsed by the write's schema. */
export async function performTaskWrite(
  deps: Omit<RouteDeps, 'readCache'>,
  principal: Principal,
  name: TaskWrite,
  params: Record<string, string> & { planId: string; taskId: string },
  body: unknown,
  ids: { requestId: string; updateId?: string },
): Promise<TaskOut> {
  const spec = TASK_WRITES[name];
  const { db } = deps.db;
  // Only the columns the role check needs: the task's stored state is the workflow's to judge.
  const { workflowId } = resolveWorkflowId(params.planId, params.taskId);
  const responsible = await taskResponsibility(db, workflowId);
  if (!responsible) throw new ProblemError('not-found', apiText('taskNotFound', { plan: params.planId, task: params.taskId }));
  const actor = actorOf(principal);
  // The workflow checks the role again; asking first spares a caller without it the round trip.
  const refusal = roleRefusal(actor, spec.write, responsible, params.taskId);
  if (refusal) throw rejectionProblem(refusal.type, refusal.key, refusal.values);
  const context: WriteContext = { actor, requestId: ids.requestId };
  const result = await sendUpdate({
    client: deps.temporal.client,
    workflowId,
    update: spec.update,
    input: spec.toInput(body, context, params),
    updateId: ids.updateId,
    timeoutMs: deps.config.updateTimeoutMs,
    subject: apiText('subjectTask', { task: params.taskId, plan: params.planId }),
  });
  // The update answers with the state it projected before answering (the row a GET reads, with
  // the same facts), judged by the same rule: no second read of the row is needed.
  return toTaskOut(result, result.facts);
}

/**
 * The members of a task with units or occurrences, judged at `at`, and their summary by the
 * roll-up rule (src/domain/rollup.ts): n/N done, each unit's own target and progress, and the
 * target aggregated by its nature.
 */
function rollupOf(members: TaskRow[], at: Date) {
  const outs = members.map((m) => toTaskOut(m.state, m.facts, at));
  const target = outs.find((out) => out.target)?.target;
  const summary = rollUp(
    members.map((m, i) => ({
      workflowId: m.state.workflowId,
      ...(m.state.unitId ? { unitId: m.state.unitId } : {}),
      ...(m.state.occurrence ? { occurrence: m.state.occurrence } : {}),
      progress: outs[i]!.progress,
      ...(outs[i]!.completedAt ? { completedAt: outs[i]!.completedAt } : {}),
      ...(outs[i]!.progressValue !== undefined ? { progressValue: outs[i]!.progressValue } : {}),
      ...(outs[i]!.target
        ? { targetValue: outs[i]!.target!.value, ...(outs[i]!.target!.base !== undefined ? { targetBase: outs[i]!.target!.base } : {}) }
        : {}),
      seq: m.state.seq,
    })),
    target,
  );
  const counted = outs.filter((out) => out.progress !== 'cancelled');
  const latestDeadline = counted
    .map((out) => out.deadlineAt)
    .filter((d): d is string => d !== undefined)
    .sort()
    .pop();
  const whole = {
    progress: rollupProgress(summary),
    category: rollupCategory(counted.map((out) => out.category)),
    deadlineState: rollupDeadlineState(counted),
    ...(latestDeadline ? { deadlineAt: latestDeadline } : {}),
    ...(summary.completedAt ? { completedAt: summary.completedAt } : {}),
  };
  const out: RollupOut = {
    total: summary.total,
    done: summary.done,
    awaitingConfirmation: summary.awaitingConfirmation,
    started: summary.started,
    ...(target && summary.targetValue !== undefined
      ? {
          target: {
            metric: target.metric,
            unit: target.unit,
            nature: target.unit === '%' ? ('percent' as const) : ('count' as const),
            value: summary.targetValue,
            ...(summary.value !== undefined ? { progressValue: summary.value } : {}),
            reached: summary.reached ?? 0,
            of: summary.total,
          },
        }
      : {}),
    members: outs.map((m) => ({
      key: m.key,
      ...(m.unitId ? { unitId: m.unitId } : {}),
      ...(m.occurrence ? { occurrence: m.occurrence } : {}),
      lead: m.lead,
      progress: m.progress,
      ...(m.category ? { category: m.category } : {}),
      deadlineState: m.deadlineState,
      ...(m.deadlineAt ? { deadlineAt: m.deadlineAt } : {}),
      ...(m.progressValue !== undefined ? { progressValue: m.progressValue } : {}),
      ...(m.target ? { target: m.target } : {}),
    })),
  };
  return { whole, out };
}

/**
 * The task as a whole when no workflow of its own is recorded: computed at read time from its
 * members, led by the agency that directs it in the plan.
 */
function rolledUpTask(workflowId: string, plan: PlanRow | undefined, members: TaskRow[], rolled: ReturnType<typeof rollupOf>): TaskOut {
  const first = members[0]!.state;
  const directing = ((plan?.document as { tasks?: { id: string; lead: string }[] } | undefined)?.tasks ?? []).find(
    (t) => t.id === first.taskId,
  )?.lead;
  const { whole, out } = rolled;
  const latest = (values: (string | undefined)[]) =>
    values
      .filter((v): v is string => v !== undefined)
      .sort()
      .pop();
  const words = labelsFor();
  return {
    planId: first.planId,
    key: first.taskId,
    taskId: first.taskId,
    workflowId,
    title: first.spec.title,
    lead: directing ?? first.spec.lead,
    support: first.spec.support ?? [],
    output: first.spec.output,
    confirmation: Boolean(first.spec.confirmation),
    progress: whole.progress,
    deadlineState: whole.deadlineState,
    ...(whole.category ? { category: whole.category } : {}),
    labels: {
      progress: words.progress[whole.progress],
      deadlineState: words.deadlineState[whole.deadlineState],
      ...(whole.category ? { category: words.category[whole.category] } : {}),
    },
    ...(whole.deadlineAt ? { deadlineAt: whole.deadlineAt } : {}),
    deadlineVersion: Math.max(...members.map((m) => m.state.deadlineVersion)),
    escalationLevel: Math.max(...members.map((m) => m.state.escalationLevel)),
    ...(out.target?.progressValue !== undefined ? { progressValue: out.target.progressValue } : {}),
    ...(out.target ? { target: { metric: out.target.metric, unit: out.target.unit, value: out.target.value } } : {}),
    ...(whole.completedAt ? { completedAt: whole.completedAt } : {}),
    waitingFor: [...new Set(members.flatMap((m) => m.state.waitingFor ?? []))],
    extensionRequests: [],
    seq: Math.max(...members.map((m) => m.state.seq)),
    updatedAt: latest(members.map((m) => m.state.updatedAt)) ?? first.updatedAt,
  };
}
