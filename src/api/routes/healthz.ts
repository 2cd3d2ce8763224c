/**
 * GET /healthz — can this process reach Temporal and Postgres right now? 503 when either is down,
 * so a load balancer takes the process out of rotation instead of sending it writes it cannot do.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../app';

const HEALTH_TIMEOUT_MS = 2000;

const checkSchema = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']), temporal: checkSchema, database: checkSchema }).meta({ id: 'Health' });

async function timed(check: () => Promise<unknown>): Promise<z.infer<typeof checkSchema>> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latencyMs: Date.now() - started };
  } catch (error) {
    // Only the kind of failure, never addresses or credentials.
    const message = (error as Error).message ?? '';
    return { ok: false, latencyMs: Date.now() - started, error: /no answer within/.test(message) ? 'timeout' : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

const healthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Reachability of Temporal and the database',
        security: [],
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const connection = deps.temporal.connection;
      const [temporal, database] = await Promise.all([
        timed(() =>
          connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, async () => {
            const reply = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
            // 1 = SERVING in grpc.health.v1
            if (reply.status !== 1) throw new Error('not serving');
          }),
        ),
        timed(() => deps.db.sql`select 1`),
      ]);
      const ok = temporal.ok && database.ok;
      if (!ok) reply.header('retry-after', '5');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', temporal, database });
    },
  );
};

export default healthRoutes;
