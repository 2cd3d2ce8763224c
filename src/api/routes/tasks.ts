/**
 * /api/plans/:planId/tasks — reads from the read model, writes as Workflow Updates on the task's
 * workflow. A write answers with the task state the update returned; the workflow projects that
 * state before returning, so an immediate GET shows the same thing.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { scopedIdempotencyKey } from '../plugins/idempotency';
import { principalOf } from '../plugins/auth';
import { commonProblems, ProblemError, problemResponse } from '../problem';
import { deadlineDayBounds, decodeCursor, getPlan, listTasks, planExists, planNextChange, tasksDirectedBy } from '../read-model';
import { sendJsonText } from '../read-cache';
import { CATEGORIES, DEADLINE_STATES, isoDate, isoInstant, PROGRESS, slug, taskDetailSchema, taskSchema, toTaskOut } from '../schemas';
import { performTaskWrite, readTaskDetail, TASK_WRITE_NAMES, TASK_WRITES, taskParams } from '../task-service';
import type { RouteDeps } from '../app';
import { apiText } from '../../i18n';

const planParams = z.strictObject({ planId: slug });

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

const taskPage = z.object({ items: z.array(taskSchema), nextCursor: z.string().optional() });

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

const writeResponses = {
  200: taskSchema,
  400: problemResponse('Yêu cầu không hợp lệ'),
  ...commonProblems,
  404: problemResponse('Không có kế hoạch hoặc nhiệm vụ này'),
  409: problemResponse('Trạng thái nhiệm vụ không cho phép thao tác này'),
  413: problemResponse('Nội dung quá lớn'),
  422: problemResponse('Yêu cầu bị quy trình từ chối, hoặc Idempotency-Key đã dùng cho yêu cầu khác'),
  503: problemResponse('Temporal không phản hồi; thử lại sau Retry-After giây'),
};

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
          200: taskPage,
          400: problemResponse('Tham số không hợp lệ'),
          ...commonProblems,
          404: problemResponse('Không có kế hoạch này'),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (q.cursor && !cursor) {
        throw new ProblemError('validation', apiText('cursorInvalid'), {
          errors: [{ path: 'querystring.cursor', message: apiText('cursorInvalidField') }],
        });
      }
      const planId = request.params.planId;
      const notFound = () => new ProblemError('not-found', apiText('planNotFound', { plan: planId }));
      const key = `tasks\u0000${planId}\u0000${JSON.stringify(q)}`;
      const answer = await deps.readCache.answer(request, key, planId, async (atMs) => {
        const now = new Date(atMs);
        // The plan's timezone and the tasks it directs shape only the day and agency filters; without
        // them the plan is looked up beside the list rather than before it.
        const needsPlan = Boolean(q.agency || (q.deadlineBefore && isDate(q.deadlineBefore)) || (q.deadlineAfter && isDate(q.deadlineAfter)));
        const planFirst = needsPlan ? await getPlan(db, planId) : undefined;
        if (needsPlan && !planFirst) return undefined;
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
        const [exists, { rows, next }, nextChangeMs] = await Promise.all([
          planFirst !== undefined || planExists(db, planId),
          listTasks(db, planId, filters, now, q.limit, cursor),
          planNextChange(db, planId, now),
        ]);
        if (!exists) return undefined;
        const body = taskPage.parse({ items: rows.map((row) => toTaskOut(row.state, row.facts, now)), ...(next ? { nextCursor: next } : {}) });
        // A paused task's deadline moves on with the clock: a page that shows one is not kept.
        const movesWithClock = rows.some((row) => row.facts.progress === 'paused' && row.facts.deadlineAt !== undefined);
        return { body: JSON.stringify(body), keepUntilMs: movesWithClock ? undefined : nextChangeMs };
      });
      if (!answer) throw notFound();
      return sendJsonText(reply, answer.body);
    },
  );

  app.get(
    '/api/plans/:planId/tasks/:taskId',
    {
      schema: {
        tags: ['tasks'],
        summary: 'One task: its state, full event history and its notifications with their delivery state',
        params: taskParams,
        response: {
          200: taskDetailSchema,
          400: problemResponse('Mã nhiệm vụ không hợp lệ'),
          ...commonProblems,
          404: problemResponse('Không có nhiệm vụ này'),
        },
      },
    },
    async (request) => (await readTaskDetail(db, request.params.planId, request.params.taskId)).detail,
  );

  for (const name of TASK_WRITE_NAMES) {
    const spec = TASK_WRITES[name];
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
        const params = request.params as Record<string, string> & { planId: string; taskId: string };
        return performTaskWrite(deps, principalOf(request), name, params, request.body, {
          requestId: request.idempotency?.key ?? request.id,
          updateId: scopedIdempotencyKey(request),
        });
      },
    );
  }
};

export default tasksRoutes;
