/**
 * /api/plans/:planId/tasks — reads from the read model, writes as Workflow Updates on the task's
 * workflow. A write answers with the task state the update returned; the workflow projects that
 * state before returning, so an immediate GET shows the same thing.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { taskWorkflowId } from '../../workflows/ids';
import { complete, confirm, decideExtension, pause, reportProgress, requestExtension, resume, returnTask } from '../../workflows/messages';
import type { TaskStateView, WriteContext } from '../../domain';
import { scopedIdempotencyKey } from '../plugins/idempotency';
import { actorOf, principalOf } from '../plugins/auth';
import { assertMayWrite, type TaskWrite } from '../permissions';
import { authProblems, ProblemError, problemResponse } from '../problem';
import {
  deadlineDayBounds,
  decodeCursor,
  getPlan,
  getTask,
  listTasks,
  taskEventsOf,
  taskMembers,
  tasksDirectedBy,
  type PlanRow,
  type TaskRow,
} from '../read-model';
import {
  CATEGORIES,
  DEADLINE_STATES,
  isoDate,
  isoInstant,
  PROGRESS,
  parseTaskKey,
  slug,
  taskDetailSchema,
  taskSchema,
  toTaskOut,
  type RollupOut,
  type TaskOut,
} from '../schemas';
import { rollUp, rollupCategory, rollupDeadlineState, rollupProgress } from '../../domain';
import { multiLineText } from '../fields';
import { sendUpdate } from '../temporal-errors';
import type { RouteDeps } from '../app';
import { apiText, labelsFor, rejectionText } from '../../i18n';

const planParams = z.strictObject({ planId: slug });
const taskParams = z.strictObject({
  planId: slug,
  taskId: z.string().min(1).max(200).describe('taskId, or taskId@unit / taskId#occurrence for a unit or occurrence copy (URL-encoded)'),
});

const instantOrDate = z.union([isoInstant, isoDate]);

const listQuery = z.strictObject({
  agency: slug.optional().describe('Tasks this agency leads or supports, and the unit copies of the tasks with units it directs'),
  category: z.enum(CATEGORIES).optional().describe('The QĐ 42 category now (awaiting confirmation counts as not yet done)'),
  deadlineState: z
    .enum(DEADLINE_STATES)
    .optional()
    .describe('Where the task stands against its deadline now; waiting: its deadline waits for a prerequisite'),
  dueSoon: z.stringbool().optional().describe('true: only open tasks inside their due-soon window ("sắp đến hạn"); false: all others'),
  progress: z.enum(PROGRESS).optional(),
  escalationLevel: z.coerce.number().int().min(0).max(20).optional(),
  deadlineBefore: instantOrDate
    .optional()
    .describe(
      "YYYY-MM-DD: deadline on or before that day in the plan's timezone (a task due 04/12 is in deadlineBefore=2026-12-05); an ISO instant: at or before it",
    ),
  deadlineAfter: instantOrDate.optional().describe("YYYY-MM-DD: deadline on or after that day in the plan's timezone; an ISO instant: after it"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

const writeResponses = {
  200: taskSchema,
  400: problemResponse('Yêu cầu không hợp lệ'),
  ...authProblems,
  404: problemResponse('Không có kế hoạch hoặc nhiệm vụ này'),
  409: problemResponse('Trạng thái nhiệm vụ không cho phép thao tác này'),
  413: problemResponse('Nội dung quá lớn'),
  422: problemResponse('Yêu cầu bị quy trình từ chối, hoặc Idempotency-Key đã dùng cho yêu cầu khác'),
  503: problemResponse('Temporal không phản hồi; thử lại sau Retry-After giây'),
};

const optionalNote = multiLineText().optional();
const reason = multiLineText();

const tasksRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db } = deps.db;

  app.get(
    '/api/plans/:planId/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: "List a plan's tasks, by deadline, with filters and cursor pagination",
        params: planParams,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(taskSchema), nextCursor: z.string().optional() }),
          400: problemResponse('Tham số không hợp lệ'),
          ...authProblems,
          404: problemResponse('Không có kế hoạch này'),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (q.cursor && !cursor) {
        throw new ProblemError('validation', apiText('cursorInvalid'), {
          errors: [{ path: 'querystring.cursor', message: apiText('cursorInvalidField') }],
        });
      }
      const now = new Date();
      const planId = request.params.planId;
      const notFound = () => new ProblemError('not-found', apiText('planNotFound', { plan: planId }));
      // The plan's timezone and the tasks it directs shape only the day and agency filters; without
      // them the plan is looked up beside the list rather than before it.
      const needsPlan = Boolean(q.agency || (q.deadlineBefore && isDate(q.deadlineBefore)) || (q.deadlineAfter && isDate(q.deadlineAfter)));
      const planFirst = needsPlan ? await getPlan(db, planId) : undefined;
      if (needsPlan && !planFirst) throw notFound();
      const dayOrInstant = (value: string | undefined, bound: 'after' | 'atOrBefore') => {
        if (value === undefined) return undefined;
        return isDate(value) ? deadlineDayBounds(value, planFirst!.timezone)[bound] : new Date(value);
      };
      const filters = {
        ...(q.agency ? { agency: { id: q.agency, directs: tasksDirectedBy(planFirst!.document, q.agency) } } : {}),
        category: q.category,
        deadlineState: q.deadlineState,
        dueSoon: q.dueSoon,
        progress: q.progress,
        escalationLevel: q.escalationLevel,
        deadlineBefore: dayOrInstant(q.deadlineBefore, 'atOrBefore'),
        deadlineAfter: dayOrInstant(q.deadlineAfter, 'after'),
      };
      const [plan, { rows, next }] = await Promise.all([planFirst ?? getPlan(db, planId), listTasks(db, planId, filters, now, q.limit, cursor)]);
      if (!plan) throw notFound();
      return { items: rows.map((row) => toTaskOut(row.state, row.facts, now)), ...(next ? { nextCursor: next } : {}) };
    },
  );

  function resolveWorkflowId(planId: string, key: string): { workflowId: string; key: string } {
    const ref = parseTaskKey(key);
    if (!ref) {
      throw new ProblemError('validation', apiText('taskKeyInvalid', { key }), {
        errors: [{ path: 'params.taskId', message: apiText('invalid') }],
      });
    }
    return { workflowId: taskWorkflowId({ planId, ...ref }), key };
  }

  async function loadTask(planId: string, key: string): Promise<TaskRow> {
    const { workflowId } = resolveWorkflowId(planId, key);
    const row = await getTask(db, workflowId);
    if (!row) throw new ProblemError('not-found', apiText('taskNotFound', { plan: planId, task: key }));
    return row;
  }

  app.get(
    '/api/plans/:planId/tasks/:taskId',
    {
      schema: {
        tags: ['tasks'],
        summary: 'One task: its state and full event history',
        params: taskParams,
        response: {
          200: taskDetailSchema,
          400: problemResponse('Mã nhiệm vụ không hợp lệ'),
          ...authProblems,
          404: problemResponse('Không có nhiệm vụ này'),
        },
      },
    },
    async (request) => {
      const { planId, taskId: key } = request.params;
      const { workflowId } = resolveWorkflowId(planId, key);
      const ref = parseTaskKey(key)!;
      const whole = !ref.unitId && !ref.occurrence;
      // One round trip's time: the row, its events and, for a task as a whole, its members at once.
      const [row, events, members, plan] = await Promise.all([
        getTask(db, workflowId),
        taskEventsOf(db, workflowId),
        whole ? taskMembers(db, planId, ref.taskId) : Promise.resolve([]),
        whole ? getPlan(db, planId) : Promise.resolve(undefined),
      ]);
      if (!row && members.length === 0) throw new ProblemError('not-found', apiText('taskNotFound', { plan: planId, task: key }));
      const now = new Date();
      const rolled = members.length > 0 ? rollupOf(members, now) : undefined;
      const task = row ? toTaskOut(row.state, row.facts, now) : rolledUpTask(workflowId, plan, members, rolled!);
      return {
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
      };
    },
  );

  /** One write endpoint: check the caller, send the update, answer with the new state. */
  function write<Body extends z.ZodType, Input extends WriteContext>(spec: {
    path: string;
    write: TaskWrite;
    summary: string;
    body: Body;
    params?: z.ZodType;
    update: UpdateDefinition<TaskStateView, [Input]>;
    toInput(body: z.output<Body>, context: WriteContext, params: Record<string, string>): Input;
  }) {
    app.post(
      `/api/plans/:planId/tasks/:taskId${spec.path}`,
      {
        schema: {
          tags: ['tasks'],
          summary: spec.summary,
          params: (spec.params ?? taskParams) as typeof taskParams,
          body: spec.body,
          headers: z.object({ 'idempotency-key': z.string().optional().describe('Retries with the same key and body return the first response') }),
          response: writeResponses,
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const params = request.params as Record<string, string> & { planId: string; taskId: string };
        const { state } = await loadTask(params.planId, params.taskId);
        assertMayWrite(principal, spec.write, { lead: state.spec.lead, support: state.spec.support ?? [], key: params.taskId });
        const context: WriteContext = { actor: actorOf(principal), requestId: request.idempotency?.key ?? request.id };
        const result = await sendUpdate({
          client: deps.temporal.client,
          workflowId: state.workflowId,
          update: spec.update,
          input: spec.toInput(request.body as z.output<Body>, context, params),
          updateId: scopedIdempotencyKey(request),
          timeoutMs: deps.config.updateTimeoutMs,
          subject: apiText('subjectTask', { task: params.taskId, plan: params.planId }),
        });
        // The workflow projected its change before answering: answer from the row, judged by the
        // same rule over the same facts as every GET.
        const row = await getTask(db, result.workflowId);
        if (!row) throw new ProblemError('not-found', apiText('taskNotFound', { plan: params.planId, task: params.taskId }));
        return toTaskOut(row.state, row.facts);
      },
    );
  }

  write({
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
  });

  write({
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
  });

  write({
    path: '/return',
    write: 'return',
    summary: 'Refuse a reported completion and return the task (leader)',
    body: z.strictObject({ reason }),
    update: returnTask,
    toInput: (body, context) => ({ ...context, reason: body.reason }),
  });

  write({
    path: '/progress',
    write: 'progress',
    summary: 'Report progress toward the target (lead or supporting agency staff)',
    body: z
      .strictObject({ value: z.number().finite().optional(), note: optionalNote })
      .refine((b) => b.value !== undefined || b.note !== undefined, { error: () => apiText('progressNeedsValueOrNote') }),
    update: reportProgress,
    toInput: (body, context) => ({ ...context, value: body.value, note: body.note }),
  });

  write({
    path: '/pause',
    write: 'pause',
    summary: 'Pause the task: stops the clock and the escalation ladder (leader)',
    body: z.strictObject({ reason }),
    update: pause,
    toInput: (body, context) => ({ ...context, reason: body.reason }),
  });

  write({
    path: '/resume',
    write: 'resume',
    summary: 'Resume a paused task (leader)',
    body: z.strictObject({ note: optionalNote }),
    update: resume,
    toInput: (body, context) => ({ ...context, note: body.note }),
  });

  write({
    path: '/extension-requests',
    write: 'extension-request',
    summary: 'Ask for a later deadline (lead agency staff)',
    body: z.strictObject({
      newDeadline: z.union([isoDate, isoInstant]).describe("YYYY-MM-DD (end of that day in the plan's timezone) or an ISO instant"),
      reason,
    }),
    update: requestExtension,
    toInput: (body, context) => ({ ...context, newDeadline: body.newDeadline, reason: body.reason }),
  });

  write({
    path: '/extension-requests/:requestId/decision',
    write: 'extension-decision',
    summary: 'Approve or deny an extension request (leader)',
    params: taskParams.extend({ requestId: z.string().min(1).max(200) }),
    body: z.strictObject({ approve: z.boolean(), note: optionalNote }),
    update: decideExtension,
    toInput: (body, context, params) => ({ ...context, extensionId: params.requestId ?? '', approve: body.approve, note: body.note }),
  });
};

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

export default tasksRoutes;
