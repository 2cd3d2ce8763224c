/**
 * The web dashboard: server-rendered pages under /web for leaders and agency staff, served by the
 * API process. Reads use the API's read-model queries and report; writes call the API's own
 * service (src/api/task-service.ts), so a form goes through exactly the checks a JSON request does.
 *
 * Signing in exchanges an API token for a session cookie (signed, HttpOnly, SameSite=Strict,
 * Secure over TLS) that holds only the token's id; every request looks the id up again, so a
 * revoked token ends its sessions. Every form that changes state carries a CSRF token
 * (@fastify/csrf-protection, its secret in a signed cookie).
 */
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { RouteDeps } from '../api/app';
import type { Principal } from '../api/plugins/auth';
import { ProblemError } from '../api/problem';
import { agencyOpenTasks, decodeCursor, getPlan, listPlans, listTasks, planWithCounts, tasksDirectedBy } from '../api/read-model';
import { toTaskOut, type TaskOut } from '../api/schemas';
import { parseWriteBody, performTaskWrite, readTaskDetail } from '../api/task-service';
import type { TaskWrite } from '../domain';
import { PlanNotFoundError, planReport, reportCsv } from '../db/report';
import { CATEGORIES, type Category } from '../domain';
import { translator, type Translate } from '../i18n';
import { localDate } from '../plan/calendar';
import { APP_JS, STYLE_CSS } from './assets';
import { dateFromInput, dateText } from './format';
import { agencyName, taskNotifications } from './queries';
import { byRisk, errorPage, flash, overviewPage, planPage, signInPage, taskPage, type PageContext } from './views';
import { reportWorkbook } from './xlsx';

export const SESSION_COOKIE = 'kehoach_session';
const SESSION_HOURS = 12;
/** The most tasks one page of a plan's task list shows; the next page follows them by deadline. */
const TASK_PAGE_LIMIT = 500;

export interface WebOptions extends RouteDeps {
  /** Signs the session and CSRF cookies; every API process behind one address needs the same one. */
  sessionSecret?: string;
  /** Token → principal, as the API's bearer authentication resolves it. */
  verifyToken(bearer: string): Promise<Principal | undefined>;
  /** Token id → principal, unless revoked. */
  principalById(id: string): Promise<Principal | undefined>;
  /** Tasks per page of a plan's task list (default 500). */
  taskPageSize?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A web page that needs no session (sign-in, assets). */
    anonymous?: boolean;
  }
}

const slug = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const pageQuery = z.object({
  level: z.enum(['agency', 'district']).catch('agency'),
  parent: z.string().regex(slug).optional().catch(undefined),
  sort: z.literal('overdue').optional().catch(undefined),
  agency: z.string().regex(slug).optional().catch(undefined),
  category: z.enum(CATEGORIES).optional().catch(undefined),
  dueSoon: z.literal('true').optional().catch(undefined),
  waiting: z.literal('true').optional().catch(undefined),
  escalationLevel: z.coerce.number().int().min(0).max(20).optional().catch(undefined),
  /** Where the task list goes on: the API's cursor after the last task of the page before. */
  after: z.string().max(500).optional().catch(undefined),
});
const reportQuery = z.object({
  /** As typed (dd/mm/yyyy); read by typedDate, which refuses a day that is not real. */
  asOf: z.string().optional().catch(undefined),
  level: z.enum(['agency', 'district']).catch('agency'),
  format: z.enum(['xlsx', 'csv']).catch('xlsx'),
});

/** A filter form sends its unset fields as empty strings: those are no filter, not a zero. */
const withoutEmpty = (query: unknown) => Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''));

/** A date typed into a page's date field, as YYYY-MM-DD; refused with what to write when it is not a real day. */
function typedDate(text: string, t: Translate): string {
  const date = dateFromInput(text);
  if (date === undefined) throw new ProblemError('validation', t('web:errors.date', { value: text }));
  return date;
}

/** Which form fields each write takes, and how they become the JSON route's body. */
function bodyOf(write: TaskWrite, form: Record<string, string | undefined>, t: Translate): Record<string, unknown> {
  const text = (name: string) => {
    const value = form[name]?.trim();
    return value ? value : undefined;
  };
  const keep = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  switch (write) {
    case 'complete':
      return keep({ note: text('note'), evidence: text('evidence') });
    case 'progress': {
      const raw = text('value')?.replace(',', '.');
      return keep({ value: raw === undefined ? undefined : Number(raw), note: text('note') });
    }
    case 'extension-request': {
      const typed = text('newDeadline');
      return keep({ newDeadline: typed === undefined ? undefined : typedDate(typed, t), reason: text('reason') ?? '' });
    }
    case 'return':
    case 'pause':
      return { reason: text('reason') ?? '' };
    case 'extension-decision':
      return keep({ approve: form.approve === 'true', note: text('note') });
    default:
      return keep({ note: text('note') });
  }
}

/** What the principal may try on a task in its state; the service decides again when it is sent. */
function allowedWrites(principal: Principal, task: TaskOut): TaskWrite[] {
  const open = !['done', 'cancelled'].includes(task.progress);
  const writes: TaskWrite[] = [];
  const leads = principal.role === 'admin' || (principal.role === 'staff' && principal.agency === task.lead);
  const supports = principal.role === 'staff' && principal.agency !== undefined && task.support.includes(principal.agency);
  const leader = principal.role === 'leader' || principal.role === 'admin';
  if (leads && open && task.progress !== 'awaiting_confirmation' && task.progress !== 'paused') writes.push('complete');
  if ((leads || supports || leader) && open && task.progress !== 'awaiting_confirmation') writes.push('progress');
  if (leads && open && task.deadlineAt) writes.push('extension-request');
  if (leader && task.progress === 'awaiting_confirmation') writes.push('confirm', 'return');
  if (leader && task.extensionRequests.some((r) => r.status === 'pending')) writes.push('extension-decision');
  if (leader && open && task.progress !== 'paused' && task.progress !== 'awaiting_confirmation') writes.push('pause');
  if (leader && task.progress === 'paused') writes.push('resume');
  return writes;
}

const WRITE_PATHS: Record<string, TaskWrite> = {
  complete: 'complete',
  progress: 'progress',
  'extension-request': 'extension-request',
  confirm: 'confirm',
  return: 'return',
  pause: 'pause',
  resume: 'resume',
};

function agencyNames(document: unknown): { list: { id: string; name: string }[]; names: Map<string, string> } {
  const list = ((document as { agencies?: { id: string; name: string }[] }).agencies ?? []).map((a) => ({ id: a.id, name: a.name }));
  return { list, names: new Map(list.map((a) => [a.id, a.name])) };
}

export default async function webDashboard(app: FastifyInstance, options: WebOptions): Promise<void> {
  const { db } = options.db;
  const t: Translate = translator();
  const secret = options.sessionSecret ?? randomBytes(32).toString('base64url');

  await app.register(cookie, { secret });
  await app.register(formbody, { bodyLimit: 65_536 });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'kehoach_csrf',
    cookieOpts: { path: '/web', signed: true, httpOnly: true, sameSite: 'strict', secure: 'auto' },
    getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf,
  });

  const headerAgency = new WeakMap<FastifyRequest, string>();
  const context = (request: FastifyRequest, reply: FastifyReply): PageContext => ({
    t,
    principal: request.principal ?? undefined,
    agencyName: headerAgency.get(request),
    csrfToken: reply.generateCsrf(),
  });
  const page = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  // The session: a signed "tokenId.expiresAtMs"; the principal is looked up again on every request.
  app.addHook('onRequest', async (request, reply) => {
    const raw = request.cookies[SESSION_COOKIE];
    if (raw) {
      const unsigned = request.unsignCookie(raw);
      const [id, expires] = unsigned.valid && unsigned.value ? unsigned.value.split('.') : [];
      if (id && Number(expires) > Date.now()) request.principal = (await options.principalById(id)) ?? null;
    }
    if (!request.principal && !request.routeOptions.config.anonymous) {
      if (request.method === 'GET') return reply.redirect('/web/sign-in?expired=1', 303);
      throw new ProblemError('unauthenticated', t('web:signIn.expired'));
    }
    // The header names the person's agency as the plans spell it; only pages show it.
    if (request.method === 'GET' && request.principal?.agency && !request.routeOptions.config.anonymous) {
      const name = await agencyName(db, request.principal.agency);
      if (name) headerAgency.set(request, name);
    }
  });
  // Every state-changing form, sign-in and sign-out included.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST')
      await new Promise<void>((resolve, reject) => app.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())));
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const ctx = { t, principal: request.principal ?? undefined, csrfToken: '' };
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET')
      return page(reply, errorPage(ctx, t('web:errors.csrf')), 403);
    if (error instanceof ProblemError && error.status < 500) return page(reply, errorPage(ctx, error.message), error.status);
    if (error.statusCode && error.statusCode < 500) return page(reply, errorPage(ctx, error.message), error.statusCode);
    if (error instanceof ProblemError && error.status === 503) return page(reply, errorPage(ctx, error.message), 503);
    request.log.error({ err: error, requestId: request.id }, 'web page failed');
    return page(reply, errorPage(ctx, t('web:errors.internal', { id: request.id })), 500);
  });

  const common = { config: { public: true }, schema: { hide: true } } as const;
  const anonymous = { config: { public: true, anonymous: true }, schema: { hide: true } } as const;
  const form = { config: { public: true }, schema: { hide: true, consumes: ['application/x-www-form-urlencoded'] } } as const;

  app.get('/web/assets/style.css', anonymous, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLE_CSS),
  );
  app.get('/web/assets/app.js', anonymous, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(APP_JS),
  );

  app.get('/web/sign-in', anonymous, async (request, reply) => {
    const q = request.query as { expired?: string; out?: string };
    const message = q.out ? flash('ok', t('web:signIn.signedOut')) : q.expired ? flash('error', t('web:signIn.expired')) : undefined;
    return page(reply, signInPage(context(request, reply), message));
  });

  // The token is checked before the API's write limiter runs (preHandler): a request is counted
  // by one limiter only, and a failed sign-in must count towards the per-address failure limit.
  const signIns = new WeakMap<FastifyRequest, Principal | undefined>();
  const checkToken = async (request: FastifyRequest, reply: FastifyReply) => {
    app.refuseBlockedClient(request);
    const token = String((request.body as Record<string, string> | undefined)?.token ?? '').trim();
    const principal = token ? await options.verifyToken(token) : undefined;
    // Counted with the API's failed authentications: past the limit the answer is 429.
    if (!principal) await app.authenticationFailed(request, reply);
    signIns.set(request, principal);
  };

  app.post('/web/sign-in', { ...form, config: { public: true, anonymous: true }, preValidation: checkToken }, async (request, reply) => {
    const principal = signIns.get(request);
    if (!principal) return page(reply, signInPage(context(request, reply), flash('error', t('web:signIn.invalid'))), 401);
    reply.setCookie(SESSION_COOKIE, `${principal.tokenId}.${Date.now() + SESSION_HOURS * 3_600_000}`, {
      path: '/web',
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      secure: 'auto',
      maxAge: SESSION_HOURS * 3600,
    });
    return reply.redirect('/web', 303);
  });

  app.post('/web/sign-out', { ...form, config: { public: true, anonymous: true } }, async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/web' });
    return reply.redirect('/web/sign-in?out=1', 303);
  });

  app.get('/', anonymous, async (_request, reply) => reply.redirect('/web', 302));

  app.get('/web', common, async (request, reply) => {
    const principal = request.principal!;
    const now = new Date();
    const plans = await listPlans(db);
    const statuses = await Promise.all(plans.map((p) => planWithCounts(db, p.id, now)));
    const cards = statuses.flatMap((s) =>
      s ? [{ id: s.plan.id, code: s.plan.code, title: s.plan.title, issuer: s.plan.issuer, issuedOn: s.plan.issuedOn, counts: s.counts }] : [],
    );
    let mine;
    if (principal.role === 'staff' && principal.agency) {
      const rows = await agencyOpenTasks(db, principal.agency, now, 200);
      const names = new Map<string, string>();
      for (const s of statuses) if (s) for (const [id, name] of agencyNames(s.plan.document).names) names.set(id, name);
      mine = { agency: principal.agency, tasks: rows.map((r) => toTaskOut(r.state, r.facts, now)), names };
    }
    return page(reply, overviewPage(context(request, reply), cards, now, mine));
  });

  app.get('/web/plans/:planId', common, async (request, reply) => {
    const { planId } = request.params as { planId: string };
    const q = pageQuery.parse(withoutEmpty(request.query));
    const now = new Date();
    const plan = slug.test(planId) ? await getPlan(db, planId) : undefined;
    if (!plan) throw new ProblemError('not-found', t('web:errors.notFound'));
    const { list, names } = agencyNames(plan.document);
    const agency = q.agency && names.has(q.agency) ? q.agency : undefined;
    const filters = {
      ...(agency ? { agency: { id: agency, directs: tasksDirectedBy(plan.document, agency) } } : {}),
      category: q.category as Category | undefined,
      ...(q.dueSoon ? { dueSoon: true } : {}),
      ...(q.waiting ? { deadlineState: 'waiting' as const } : {}),
      escalationLevel: q.escalationLevel,
    };
    // A cursor that does not decode (edited by hand) starts the list from the beginning.
    const after = q.after ? decodeCursor(q.after) : undefined;
    const [status, tasks] = await Promise.all([
      planWithCounts(db, planId, now, { level: q.level, ...(q.parent ? { parent: q.parent } : {}) }),
      listTasks(db, planId, filters, now, options.taskPageSize ?? TASK_PAGE_LIMIT, after),
    ]);
    if (!status) throw new ProblemError('not-found', t('web:errors.notFound'));
    const outs = tasks.rows.map((r) => toTaskOut(r.state, r.facts, now)).sort(byRisk);
    const maxLevel = Math.max(3, ...outs.map((o) => o.escalationLevel));
    return page(
      reply,
      planPage(context(request, reply), {
        plan: { id: plan.id, code: plan.code, title: plan.title, issuer: plan.issuer, issuedOn: plan.issuedOn, timezone: plan.timezone },
        counts: status.counts,
        level: q.level,
        ...(q.parent ? { parent: q.parent } : {}),
        ...(q.sort ? { sort: q.sort } : {}),
        rows: status.agencies,
        names,
        agencies: list,
        filters: { agency, category: q.category, dueSoon: Boolean(q.dueSoon), waiting: Boolean(q.waiting), escalationLevel: q.escalationLevel },
        tasks: outs,
        ...(tasks.next ? { nextPage: tasks.next } : {}),
        continued: after !== undefined,
        maxLevel,
        today: localDate(now.toISOString(), plan.timezone),
      }),
    );
  });

  app.get('/web/plans/:planId/report', common, async (request, reply) => {
    const { planId } = request.params as { planId: string };
    const q = reportQuery.parse(withoutEmpty(request.query));
    if (!slug.test(planId)) throw new ProblemError('not-found', t('web:errors.notFound'));
    let report;
    try {
      report = await planReport(db, planId, q.asOf === undefined ? undefined : typedDate(q.asOf, t), { level: q.level });
    } catch (error) {
      if (error instanceof PlanNotFoundError) throw new ProblemError('not-found', t('web:errors.notFound'));
      throw error;
    }
    const plan = await getPlan(db, planId);
    const filename = `${planId}-${report.asOf}`;
    if (q.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}.csv"`).send(reportCsv(report));
    }
    const workbook = await reportWorkbook(
      report,
      t('web:plan.reportTitle', { code: plan?.code ?? planId, date: dateText(report.asOf) }),
      t('web:plan.reportSheet'),
    );
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${filename}.xlsx"`)
      .send(workbook);
  });

  async function renderTask(
    request: FastifyRequest,
    reply: FastifyReply,
    planId: string,
    key: string,
    message?: ReturnType<typeof flash>,
    status = 200,
  ) {
    const { detail, state, plan } = await readTaskDetail(db, planId, key);
    const planRow = plan ?? (await getPlan(db, planId));
    const { names } = agencyNames(planRow?.document ?? {});
    const notifications = await taskNotifications(db, detail.task.workflowId);
    return page(
      reply,
      taskPage(context(request, reply), {
        task: detail.task,
        ...(state ? { state } : {}),
        ...(detail.rollup ? { rollup: detail.rollup } : {}),
        events: detail.events,
        notifications,
        names,
        timezone: planRow?.timezone ?? 'Asia/Ho_Chi_Minh',
        planTitle: planRow ? `${planRow.code} — ${planRow.title}` : planId,
        allowed: allowedWrites(request.principal!, detail.task),
        ...(message ? { message } : {}),
      }),
      status,
    );
  }

  app.get('/web/plans/:planId/tasks/:taskId', common, async (request, reply) => {
    const { planId, taskId } = request.params as { planId: string; taskId: string };
    const done = (request.query as { done?: string }).done;
    const message = done && done in WRITE_DONE ? flash('ok', t(`web:actions.done.${WRITE_DONE[done]!}`)) : undefined;
    return renderTask(request, reply, planId, taskId, message);
  });

  const WRITE_DONE: Record<string, TaskWrite> = { ...WRITE_PATHS, 'extension-decision': 'extension-decision' };

  async function write(
    request: FastifyRequest,
    reply: FastifyReply,
    name: TaskWrite,
    params: Record<string, string> & { planId: string; taskId: string },
  ) {
    const fields = (request.body ?? {}) as Record<string, string | undefined>;
    try {
      const body = parseWriteBody(name, bodyOf(name, fields, t));
      await performTaskWrite(options, request.principal!, name, params, body, { requestId: request.id });
    } catch (error) {
      if (error instanceof ProblemError && error.status < 500 && error.status !== 404) {
        return renderTask(
          request,
          reply,
          params.planId,
          params.taskId,
          flash('error', t('web:actions.refused', { detail: error.message })),
          error.status,
        );
      }
      throw error;
    }
    return reply.redirect(`/web/plans/${encodeURIComponent(params.planId)}/tasks/${encodeURIComponent(params.taskId)}?done=${name}`, 303);
  }

  app.post('/web/plans/:planId/tasks/:taskId/:action', form, async (request, reply) => {
    const params = request.params as { planId: string; taskId: string; action: string };
    const name = WRITE_PATHS[params.action];
    if (!name) throw new ProblemError('not-found', t('web:errors.notFound'));
    return write(request, reply, name, { planId: params.planId, taskId: params.taskId });
  });

  app.post('/web/plans/:planId/tasks/:taskId/extension-decision/:requestId', form, async (request, reply) => {
    const params = request.params as { planId: string; taskId: string; requestId: string };
    return write(request, reply, 'extension-decision', params);
  });
}
