/**
 * /api/plans — the plans, their status by reporting category, their reports as of a date, and
 * applying a plan file (or previewing what applying it would change).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { applyPlan, waitForReconciliation } from '../../apply/apply';
import { createPlanStore } from '../../db/plan-store';
import { translator } from '../../i18n';
import { loadPlanText } from '../../plan/load';
import { withoutCalendar } from '../../domain';
import { MAX_PLAN_BYTES } from '../../plan/bounds';
import { PlanNotFoundError, planReport, reportCsv, REPORT_COUNT_FIELDS } from '../../db/report';
import { actorOf, requireRole } from '../plugins/auth';
import { scopedIdempotencyKey } from '../plugins/idempotency';
import { commonProblems, ProblemError, problemResponse } from '../problem';
import { listPlans, planWithCounts } from '../read-model';
import { agencyRowShape, AGENCY_ROLLUP_LEVELS, isoDate, planStatusSchema, planSummarySchema, rollupQueryShape, slug } from '../schemas';
import { temporalProblem } from '../temporal-errors';
import { sendJsonText } from '../read-cache';
import type { RouteDeps } from '../app';
import { apiText } from '../../i18n';

/**
 * A plan file may be as large as the plan bounds allow (the whole country's communes fit), more
 * than other requests: room for it even JSON-escaped; the validator then refuses a larger file
 * with a message that says what to do.
 */
const PLAN_BODY_LIMIT = 2 * MAX_PLAN_BYTES;

const planParams = z.strictObject({ planId: slug });

/**
 * How long an apply waits for its task workflows before it answers 202 with where to follow them:
 * a plan of a few dozen tasks answers done, a province answers at once and is followed.
 */
export const APPLY_ANSWER_WAIT_MS = 3_000;

const reconciliationSchema = z
  .object({
    planId: z.string(),
    version: z.number().int(),
    total: z.number().int().describe('Task workflows this version starts, amends and cancels'),
    toStart: z.number().int(),
    toAmend: z.number().int(),
    toCancel: z.number().int(),
    started: z.number().int(),
    amended: z.number().int(),
    cancelled: z.number().int(),
    errors: z.number().int().describe('Task workflows that refused their amendment or cancellation (see the worker log)'),
    lastError: z.string().optional().describe('The failure the plan workflow is retrying, if any'),
    beganAt: z.string(),
    finishedAt: z.string().optional().describe('Absent while task workflows are still being started, amended or cancelled'),
  })
  .meta({ id: 'Reconciliation' });

function summaryOf(row: Awaited<ReturnType<typeof listPlans>>[number]) {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    issuer: row.issuer,
    issuedOn: row.issuedOn,
    timezone: row.timezone,
    version: row.currentVersion,
    contentHash: row.contentHash,
    appliedAt: row.appliedAt.toISOString(),
  };
}

const fieldChangeSchema = z.object({ field: z.string(), before: z.unknown(), after: z.unknown() });
const planDiffSchema = z
  .object({
    planId: z.string(),
    added: z.number().int(),
    changed: z.number().int(),
    removed: z.number().int(),
    entries: z.array(
      z.object({
        workflowId: z.string(),
        taskId: z.string(),
        unitId: z.string().optional(),
        occurrence: z.string().optional(),
        title: z.string(),
        change: z.enum(['added', 'changed', 'removed']),
        fields: z.array(fieldChangeSchema).optional(),
        spec: z
          .unknown()
          .optional()
          .describe(
            "The compiled task spec after the change (the applied one for removed tasks): deadline, timezone, escalation…; without the calendar, which is the plan's",
          ),
      }),
    ),
  })
  .meta({ id: 'PlanDiff' });

const gitCommitSchema = z.string().regex(/^[0-9a-f]{40}$/, { error: () => apiText('gitCommitInvalid') });

const applyResponseSchema = z
  .object({
    planId: z.string(),
    dryRun: z.boolean(),
    diff: planDiffSchema,
    version: z.number().int().optional().describe('The applied version (absent for a dry run)'),
    changed: z.boolean().describe('False when the plan was already applied with this content'),
    contentHash: z.string().optional().describe('sha256 of the normalised plan document'),
    contentChanged: z
      .boolean()
      .optional()
      .describe('True when the document differs from the applied one, even if no task changes (a new title still makes a new version)'),
    gitCommit: gitCommitSchema.optional().describe('The git commit recorded with the version, as sent in ?gitCommit='),
    changes: z
      .array(
        z.object({
          workflowId: z.string(),
          taskId: z.string(),
          unitId: z.string().optional(),
          occurrence: z.string().optional(),
          change: z.enum(['added', 'changed', 'removed']),
          fields: z.array(z.string()).optional(),
        }),
      )
      .optional()
      .describe('What the plan workflow starts, amends or cancels (absent for a dry run)'),
    reconciliation: reconciliationSchema
      .optional()
      .describe('How far the task workflows are started, amended and cancelled; followed at `/api/plans/{planId}/reconciliation` until `finishedAt`'),
  })
  .meta({ id: 'ApplyResult' });

/** Not strict: clients that sent nothing here before keep working whatever else their URL carries. */
const applyQuery = z.object({
  gitCommit: gitCommitSchema
    .optional()
    .describe('The git commit of the plan file, recorded with the version (`kehoach apply` sends it when the file is committed and unmodified)'),
});

const reportCountsShape = {
  ...Object.fromEntries(REPORT_COUNT_FIELDS.map((field) => [field, z.number().int()])),
  percentDone: z.number(),
} as Record<(typeof REPORT_COUNT_FIELDS)[number], z.ZodNumber> & { percentDone: z.ZodNumber };
const reportSchema = z
  .object({
    planId: z.string(),
    asOf: z.string(),
    asOfInstant: z.string().describe("The instant judged: the end of that day in the plan's timezone, or now for today"),
    timezone: z.string(),
    level: z.enum(AGENCY_ROLLUP_LEVELS),
    parent: z.string().optional(),
    columns: z.record(z.string(), z.string()).describe('The Vietnamese heading of each figure (QĐ 42 terms)'),
    agencies: z.array(z.object({ agency: z.string(), name: z.string(), ...agencyRowShape, ...reportCountsShape })),
    totals: z.object(reportCountsShape),
  })
  .meta({ id: 'PlanReport' });

/** The summary as it is kept: everything but the instant of the answer, checked once. */
const planStatusWithoutInstant = planStatusSchema.omit({ asOf: true });

const plansRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db } = deps.db;

  app.get(
    '/api/plans',
    {
      schema: {
        tags: ['plans'],
        summary: 'Every applied plan',
        response: { 200: z.object({ items: z.array(planSummarySchema) }), ...commonProblems },
      },
    },
    async () => ({ items: (await listPlans(db)).map(summaryOf) }),
  );

  app.get(
    '/api/plans/:planId',
    {
      schema: {
        tags: ['plans'],
        summary:
          "A plan with its tasks counted by reporting category now, overall and per agency (a unit's copy counts for the unit), rolled up along the agency tree",
        params: planParams,
        querystring: z.strictObject(rollupQueryShape),
        response: {
          200: planStatusSchema,
          400: problemResponse('Tham số không hợp lệ'),
          ...commonProblems,
          404: problemResponse('Không có kế hoạch này'),
        },
      },
    },
    async (request, reply) => {
      const { planId } = request.params;
      const { level, parent } = request.query;
      const key = `summary\u0000${planId}\u0000${level}\u0000${parent ?? ''}`;
      const answer = await deps.readCache.answer(request, key, planId, async (atMs) => {
        const status = await planWithCounts(db, planId, new Date(atMs), { level, ...(parent ? { parent } : {}) });
        if (!status) return undefined;
        const body = planStatusWithoutInstant.parse({
          ...summaryOf(status.plan),
          level,
          ...(parent ? { parent } : {}),
          counts: status.counts,
          agencies: status.agencies.map(({ agency, counts, ...row }) => ({ id: agency, ...row, counts })),
        });
        return { body: JSON.stringify(body), keepUntilMs: status.nextChangeMs };
      });
      if (!answer) throw new ProblemError('not-found', apiText('planNotFound', { plan: planId }));
      // The instant of the answer goes in front: the rest holds until the kept answer's limit.
      const text = `{"asOf":${JSON.stringify(new Date(answer.atMs).toISOString())},${answer.body.slice(1)}`;
      return sendJsonText(reply, text);
    },
  );

  app.get(
    '/api/plans/:planId/report',
    {
      schema: {
        tags: ['plans'],
        summary: 'Per-agency report as the tasks stood at the end of a day (from the event history); JSON or CSV',
        params: planParams,
        querystring: z.strictObject({
          asOf: isoDate.optional().describe("YYYY-MM-DD; default today in the plan's timezone, judged now"),
          format: z.enum(['json', 'csv']).default('json'),
          ...rollupQueryShape,
        }),
        response: {
          200: {
            description: 'The report as JSON, or as CSV with Vietnamese headers (UTF-8 with BOM, for Excel) when format=csv',
            content: {
              'application/json': { schema: reportSchema },
              'text/csv': { schema: z.string() },
            },
          },
          400: problemResponse('Tham số không hợp lệ'),
          ...commonProblems,
          404: problemResponse('Không có kế hoạch này'),
        },
      },
    },
    async (request, reply) => {
      const { planId } = request.params;
      const { level, parent } = request.query;
      let report;
      try {
        report = await planReport(db, planId, request.query.asOf, { level, ...(parent ? { parent } : {}) });
      } catch (error) {
        if (error instanceof PlanNotFoundError) throw new ProblemError('not-found', apiText('planNotFound', { plan: planId }));
        throw error;
      }
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${planId}-${report.asOf}.csv"`)
          .serializer((payload: unknown) => String(payload))
          .send(reportCsv(report));
      }
      return report;
    },
  );

  const planStore = createPlanStore(deps.db.db);

  app.get(
    '/api/plans/:planId/reconciliation',
    {
      schema: {
        tags: ['plans'],
        summary: "How far the plan's latest applied version has started, amended and cancelled its task workflows",
        params: planParams,
        response: {
          200: reconciliationSchema,
          400: problemResponse('Mã kế hoạch không hợp lệ'),
          ...commonProblems,
          404: problemResponse('Kế hoạch chưa được áp dụng'),
        },
      },
    },
    async (request) => {
      const status = await planStore.reconciliation(request.params.planId);
      if (!status) throw new ProblemError('not-found', translator()('apply:reconciliation.notFound', { planId: request.params.planId }));
      return status;
    },
  );

  async function applyRoute(request: FastifyRequest, reply: FastifyReply, dryRun: boolean, gitCommit: string | undefined) {
    const principal = requireRole(request, dryRun ? ['admin', 'leader'] : ['admin'], dryRun ? 'previewPlan' : 'applyPlan');
    const text = typeof request.body === 'string' ? request.body : '';
    if (!text.trim()) {
      throw new ProblemError('validation', apiText('planYamlRequired'));
    }
    const { plan, diagnostics } = loadPlanText(text, 'request.yaml');
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (!plan || errors.length > 0) {
      throw new ProblemError('validation', apiText('planHasErrors', { count: errors.length }), {
        status: 422,
        errors: diagnostics.map((d) => ({ line: d.line, col: d.col, message: d.message, severity: d.severity, code: d.code })),
      });
    }
    // Listening for the reconciliation's progress begins beside the apply (see applyPlan).
    const watching = dryRun ? undefined : planStore.watchReconciliation(plan.id);
    try {
      // The plan workflow answers once the version is recorded, before its task workflows start;
      // bounded, so an unreachable Temporal ends in a 503 rather than a hanging request.
      const client = deps.temporal.client;
      const outcome = await client.withDeadline(Date.now() + Math.max(deps.config.updateTimeoutMs, 60_000), () =>
        applyPlan({
          client,
          plans: planStore,
          plan,
          text,
          gitCommit,
          actor: actorOf(principal),
          dryRun,
          requestId: scopedIdempotencyKey(request) ?? request.id,
          wait: false,
        }),
      );
      let reconciliation = outcome.reconciliation;
      if (reconciliation && !reconciliation.finishedAt) {
        const waitMs = deps.applyAnswerWaitMs ?? APPLY_ANSWER_WAIT_MS;
        reconciliation = await waitForReconciliation(planStore, plan.id, reconciliation.version, {
          deadline: Date.now() + waitMs,
          ...(watching ? { watching } : {}),
        });
      }
      if (reconciliation && !reconciliation.finishedAt) {
        // Recorded and under way: where to follow it, rather than a request held for minutes.
        reply.code(202).header('location', `/api/plans/${encodeURIComponent(plan.id)}/reconciliation`);
      }
      const diff = outcome.diff;
      return {
        planId: outcome.planId,
        dryRun,
        diff: {
          planId: diff.planId,
          added: diff.added,
          changed: diff.changed,
          removed: diff.removed,
          entries: diff.entries.map((e) => ({
            workflowId: e.workflowId,
            taskId: e.taskId,
            ...(e.unitId ? { unitId: e.unitId } : {}),
            ...(e.occurrence ? { occurrence: e.occurrence } : {}),
            title: e.title,
            change: e.change,
            ...(e.fields ? { fields: e.fields } : {}),
            // The calendar is the plan's, the same in every spec: it stays out of the answer.
            spec: withoutCalendar(e.spec),
          })),
        },
        ...(outcome.result ? { version: outcome.result.version } : {}),
        changed: outcome.result ? outcome.result.changed : diff.added + diff.changed + diff.removed > 0,
        contentHash: outcome.contentHash,
        contentChanged: outcome.contentChanged,
        ...(outcome.gitCommit ? { gitCommit: outcome.gitCommit } : {}),
        ...(outcome.result ? { changes: outcome.result.changes } : {}),
        ...(reconciliation ? { reconciliation } : {}),
      };
    } catch (error) {
      throw temporalProblem(error, apiText('subjectPlan', { plan: plan.id }));
    } finally {
      void watching?.then((watch) => watch.close());
    }
  }

  const applySchema = (summary: string) => ({
    tags: ['plans'],
    summary,
    consumes: ['application/yaml'],
    querystring: applyQuery,
    body: z.string().describe('The plan file, YAML'),
    response: {
      200: applyResponseSchema,
      // Recorded, task workflows still being started: `reconciliation` and the Location header say where to follow it.
      202: applyResponseSchema,
      400: problemResponse('Nội dung rỗng hoặc không đọc được'),
      ...commonProblems,
      413: problemResponse('Tệp quá lớn'),
      415: problemResponse('Gửi với Content-Type: application/yaml'),
      422: problemResponse('Tệp kế hoạch không hợp lệ: errors[] kèm dòng, cột; hoặc Idempotency-Key đã dùng'),
      503: problemResponse('Temporal không phản hồi'),
    },
  });

  app.post(
    '/api/plans',
    { schema: applySchema('Apply a plan file (admin): validate, reconcile its task workflows, return the diff'), bodyLimit: PLAN_BODY_LIMIT },
    async (request, reply) => applyRoute(request, reply, false, request.query.gitCommit),
  );

  app.post(
    '/api/plans/diff',
    { schema: applySchema('What applying a plan file would change, without applying it'), bodyLimit: PLAN_BODY_LIMIT },
    async (request, reply) => applyRoute(request, reply, true, request.query.gitCommit),
  );
};

export default plansRoutes;
