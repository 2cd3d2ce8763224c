/**
 * GET /healthz — can this process reach Temporal and Postgres right now? 503 when either is down,
 * so a load balancer takes the process out of rotation instead of sending it writes it cannot do.
 *
 * The answer is at most HEALTH_CACHE_MS old: probes run at most once a second, and requests that
 * arrive while one runs share it. A load balancer polling many API processes, or a burst of
 * probes, costs Temporal one gRPC call and Postgres one query a second, not one per request.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import type { RouteDeps } from '../app';

const HEALTH_TIMEOUT_MS = 2000;
/** How old a probe's answer may be when it is served again. */
export const HEALTH_CACHE_MS = 1000;

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

type Health = z.infer<typeof healthSchema>;

const healthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  async function check(): Promise<Health> {
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
    return { status: temporal.ok && database.ok ? 'ok' : 'unavailable', temporal, database };
  }

  // The last answer with the instant its probe began, and the probe under way.
  let last: { startedAt: number; health: Health } | undefined;
  let running: Promise<Health> | undefined;
  function probe(): Promise<Health> {
    if (last && Date.now() - last.startedAt < HEALTH_CACHE_MS) return Promise.resolve(last.health);
    if (!running) {
      const startedAt = Date.now();
      running = check()
        .then((health) => {
          last = { startedAt, health };
          return health;
        })
        .finally(() => {
          running = undefined;
        });
    }
    return running;
  }

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Reachability of Temporal and the database, probed at most once a second',
        security: [],
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const health = await probe();
      if (health.status !== 'ok') reply.header('retry-after', '5');
      return reply.code(health.status === 'ok' ? 200 : 503).send(health);
    },
  );
};

export default healthRoutes;
