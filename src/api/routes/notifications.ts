/**
 * /api/notifications — every reminder and escalation, one entry per recipient, with where its
 * delivery stands (pending, failed with the reason, sent, dead), newest first. Leaders and admins.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { listDeliveries } from '../../db/notifications';
import { requireRole } from '../plugins/auth';
import { commonProblems, ProblemError, problemResponse } from '../problem';
import { DELIVERY_STATES, deliverySchema, slug, toDeliveryOut } from '../schemas';
import type { RouteDeps } from '../app';
import { apiText } from '../../i18n';
import { singleLineText } from '../fields';

const query = z.strictObject({
  plan: slug.optional().describe('Only this plan'),
  task: singleLineText(200).optional().describe('Only this task (with its units and occurrences); needs plan'),
  recipient: singleLineText(500).optional().describe('Only this e-mail address or webhook URL'),
  state: z.enum(DELIVERY_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/, { error: () => apiText('field.cursor') })
    .optional(),
});

const notificationsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db } = deps.db;

  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Reminders and escalations per recipient and the state of their delivery, newest first (leader, admin)',
        querystring: query,
        response: {
          200: z.object({ items: z.array(deliverySchema), nextCursor: z.string().optional() }),
          400: problemResponse('Tham số không hợp lệ'),
          ...commonProblems,
        },
      },
    },
    async (request) => {
      requireRole(request, ['leader', 'admin'], 'listNotifications');
      const { plan, task, recipient, state, limit, cursor } = request.query;
      if (task && !plan) throw new ProblemError('validation', apiText('notificationsTaskNeedsPlan'));
      const rows = await listDeliveries(db, {
        ...(plan ? { planId: plan } : {}),
        ...(task ? { taskId: task } : {}),
        ...(recipient ? { recipient } : {}),
        ...(state ? { state } : {}),
        ...(cursor ? { beforeId: Number(cursor) } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(toDeliveryOut), ...(rows.length > limit && last ? { nextCursor: String(last.id) } : {}) };
    },
  );
};

export default notificationsRoutes;
