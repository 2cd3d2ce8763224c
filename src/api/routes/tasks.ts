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
import { decodeCursor, getPlan, getTask, listTasks, taskEventsOf } from '../read-model';
import { CATEGORIES, isoDate, isoInstant, PROGRESS, parseTaskKey, slug, taskDetailSchema, taskSchema, toTaskOut } from '../schemas';
import { multiLineText } from '../fields';
import { sendUpdate } from '../temporal-errors';
import type { RouteDeps } from '../app';

const planParams = z.strictObject({ planId: slug });
const taskParams = z.strictObject({
  planId: slug,
  taskId: z.string().min(1).max(200).describe('taskId, or taskId@unit / taskId#occurrence for a unit or occurrence copy (URL-encoded)'),
});

const instantOrDate = z.union([isoInstant, isoDate]);

const listQuery = z.strictObject({
  agency: slug.optional().describe('Tasks this agency leads or supports'),
  category: z.enum(CATEGORIES).optional(),
  progress: z.enum(PROGRESS).optional(),
  escalationLevel: z.coerce.number().int().min(0).max(20).optional(),
  deadlineBefore: instantOrDate.optional().describe('Deadline strictly before this instant (a date means its start, UTC+7)'),
  deadlineAfter: instantOrDate.optional().describe('Deadline strictly after this instant (a date means its start, UTC+7)'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

function instantOf(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+07:00` : value);
}

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

  app.get('/api/plans/:planId/tasks', {
    schema: {
      tags: ['tasks'],
      summary: 'List a plan\'s tasks, by deadline, with filters and cursor pagination',
      params: planParams,
      querystring: listQuery,
      response: {
        200: z.object({ items: z.array(taskSchema), nextCursor: z.string().optional() }),
        400: problemResponse('Tham số không hợp lệ'),
        ...authProblems,
        404: problemResponse('Không có kế hoạch này'),
      },
    },
  }, async (request) => {
    const q = request.query;
    if (!(await getPlan(db, request.params.planId))) {
      throw new ProblemError('not-found', `Không có kế hoạch "${request.params.planId}"; GET /api/plans liệt kê các kế hoạch đã áp dụng.`);
    }
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (q.cursor && !cursor) {
      throw new ProblemError('validation', 'cursor không hợp lệ: dùng đúng giá trị nextCursor của trang trước.', { errors: [{ path: 'querystring.cursor', message: 'không hợp lệ' }] });
    }
    const { states, next } = await listTasks(
      db,
      request.params.planId,
      {
        agency: q.agency,
        category: q.category,
        progress: q.progress,
        escalationLevel: q.escalationLevel,
        deadlineBefore: q.deadlineBefore ? instantOf(q.deadlineBefore) : undefined,
        deadlineAfter: q.deadlineAfter ? instantOf(q.deadlineAfter) : undefined,
      },
      q.limit,
      cursor,
    );
    const now = new Date();
    return { items: states.map((s) => toTaskOut(s, now)), ...(next ? { nextCursor: next } : {}) };
  });

  function resolveWorkflowId(planId: string, key: string): { workflowId: string; key: string } {
    const ref = parseTaskKey(key);
    if (!ref) {
      throw new ProblemError('validation', `Mã nhiệm vụ "${key}" không hợp lệ: dùng taskId, taskId@donvi hoặc taskId#kỳ (mã hoá URL: @ → %40, # → %23).`, {
        errors: [{ path: 'params.taskId', message: 'không hợp lệ' }],
      });
    }
    return { workflowId: taskWorkflowId({ planId, ...ref }), key };
  }

  async function loadTask(planId: string, key: string): Promise<TaskStateView> {
    const { workflowId } = resolveWorkflowId(planId, key);
    const state = await getTask(db, workflowId);
    if (!state) throw new ProblemError('not-found', `Kế hoạch ${planId} không có nhiệm vụ ${key}.`);
    return state;
  }

  app.get('/api/plans/:planId/tasks/:taskId', {
    schema: {
      tags: ['tasks'],
      summary: 'One task: its state and full event history',
      params: taskParams,
      response: { 200: taskDetailSchema, 400: problemResponse('Mã nhiệm vụ không hợp lệ'), ...authProblems, 404: problemResponse('Không có nhiệm vụ này') },
    },
  }, async (request) => {
    const state = await loadTask(request.params.planId, request.params.taskId);
    const events = await taskEventsOf(db, state.workflowId);
    return {
      task: toTaskOut(state),
      events: events.map((e) => ({
        seq: e.seq,
        type: e.type,
        at: e.at.toISOString(),
        actor: e.actor,
        ...(e.requestId ? { requestId: e.requestId } : {}),
        data: e.data ?? {},
      })),
    };
  });

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
    app.post(`/api/plans/:planId/tasks/:taskId${spec.path}`, {
      schema: {
        tags: ['tasks'],
        summary: spec.summary,
        params: (spec.params ?? taskParams) as typeof taskParams,
        body: spec.body,
        headers: z.object({ 'idempotency-key': z.string().optional().describe('Retries with the same key and body return the first response') }),
        response: writeResponses,
      },
    }, async (request) => {
      const principal = principalOf(request);
      const params = request.params as Record<string, string> & { planId: string; taskId: string };
      const state = await loadTask(params.planId, params.taskId);
      assertMayWrite(principal, spec.write, { lead: state.spec.lead, support: state.spec.support ?? [], key: params.taskId });
      const context: WriteContext = { actor: actorOf(principal), requestId: request.idempotency?.key ?? request.id };
      const result = await sendUpdate({
        client: deps.temporal.client,
        workflowId: state.workflowId,
        update: spec.update,
        input: spec.toInput(request.body as z.output<Body>, context, params),
        updateId: scopedIdempotencyKey(request),
        timeoutMs: deps.config.updateTimeoutMs,
        subject: `nhiệm vụ ${params.taskId} của kế hoạch ${params.planId}`,
      });
      return toTaskOut(result);
    });
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
        throw new ProblemError('forbidden', 'Chỉ quản trị viên được ghi lùi ngày hoàn thành (completedAt); bỏ trường này để ghi nhận hoàn thành lúc này.');
      }
      return { ...context, note: body.note, evidence: body.evidence, completedAt: body.completedAt ? new Date(body.completedAt).toISOString() : undefined };
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
      .refine((b) => b.value !== undefined || b.note !== undefined, { message: 'cần ít nhất value hoặc note' }),
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
      newDeadline: z.union([isoDate, isoInstant]).describe('YYYY-MM-DD (end of that day in the plan\'s timezone) or an ISO instant'),
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

export default tasksRoutes;
