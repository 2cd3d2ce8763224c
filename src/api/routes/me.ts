/** GET /api/me/tasks — the caller's agency's open tasks, most urgent first. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { principalOf } from '../plugins/auth';
import { commonProblems, problemResponse } from '../problem';
import { agencyOpenTasks } from '../read-model';
import { taskSchema, toTaskOut } from '../schemas';
import type { RouteDeps } from '../app';

const meRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/api/me/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: "Unfinished tasks the caller's agency leads or supports: overdue, due soon, on track, waiting, no deadline; then by deadline",
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            agency: z.string().optional(),
            items: z.array(taskSchema.extend({ involvement: z.enum(['lead', 'support']) })),
          }),
          400: problemResponse('Tham số không hợp lệ'),
          ...commonProblems,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      // An admin token bound to no agency has no tasks of its own.
      if (!principal.agency) return { items: [] };
      const now = new Date();
      const rows = await agencyOpenTasks(deps.db.db, principal.agency, now, request.query.limit);
      return {
        agency: principal.agency,
        items: rows.map(({ state, facts }) => ({
          ...toTaskOut(state, facts, now),
          involvement: state.spec.lead === principal.agency ? ('lead' as const) : ('support' as const),
        })),
      };
    },
  );
};

export default meRoutes;
