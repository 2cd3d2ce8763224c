/**
 * The API as a function: `buildApp(deps)` returns a Fastify instance that tests `inject` into and
 * that src/api/server.ts only has to listen with. Connections are owned by the caller and passed
 * in; the one connection the app opens itself is the change feed of its kept answers
 * (./read-cache.ts), closed when the app closes.
 */
import type { Client, Connection } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DatabaseHandle } from '../db/client';
import type { Config } from '../config';
import { randomUUID } from 'node:crypto';
import { REQUEST_ID_PATTERN } from './fields';
import auth, { type Principal } from './plugins/auth';
import inputGuards from './plugins/input-guards';
import security, { type RateLimits } from './plugins/security';
import idempotency, { type IdempotencyStore } from './plugins/idempotency';
import openapi from './plugins/openapi';
import problemDetails, { frameworkErrorHandler } from './plugins/problem-details';
import healthRoutes from './routes/healthz';
import meRoutes from './routes/me';
import notificationsRoutes from './routes/notifications';
import plansRoutes from './routes/plans';
import tasksRoutes from './routes/tasks';
import tokensRoutes from './routes/tokens';
import { validatorCompiler } from './schemas';
import { databaseIdempotencyStore, databaseTokenVerifier } from './stores';
import { principalById } from '../db/tokens';
import { openChangeFeed } from '../db/change-feed';
import { ReadCache } from './read-cache';
import webDashboard from '../web/plugin';

export interface AppDeps {
  db: Pick<DatabaseHandle, 'db' | 'sql'>;
  /** The client for updates; the connection for health checks (src/temporal/client.ts gives both). */
  temporal: { client: Client; connection: Connection };
  config: Pick<Config, 'bodyLimit' | 'updateTimeoutMs' | 'sessionSecret' | 'trustProxy'>;
  /** Fastify's logger option; default: off (tests), `kehoach api` passes its own. */
  logger?: FastifyServerOptions['logger'];
  /** Replaceable for tests; default: the api_tokens table. */
  verifyToken?: (bearer: string) => Promise<Principal | undefined>;
  /** Replaceable for tests; default: the idempotency_records table. */
  idempotencyStore?: IdempotencyStore;
  /** Rate limits; defaults in plugins/security.ts. */
  rateLimits?: Partial<RateLimits>;
  /** How long a plan apply waits for its task workflows before answering 202 (default: APPLY_ANSWER_WAIT_MS in routes/plans.ts). */
  applyAnswerWaitMs?: number;
  /** Tasks per page of the dashboard's task lists; default 500 (tests page through a few). */
  webTaskPageSize?: number;
  /** Keep answers and principals while they hold (./read-cache.ts); default true. */
  keepAnswers?: boolean;
}

/** What route plugins receive as options. */
export type RouteDeps = Pick<AppDeps, 'db' | 'temporal' | 'config' | 'applyAnswerWaitMs'> & { readCache: ReadCache };

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's kept answers; its counts tell tests and benchmarks how often they were served. */
    readCache: ReadCache;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.config.bodyLimit,
    // Behind a reverse proxy, the client's address (rate limits, blocked logins, logs) and scheme
    // (Secure cookies) come from X-Forwarded-* of the proxies trusted here, and only of those.
    trustProxy: deps.config.trustProxy ?? false,
    // Request ids end up in the audit log and in logs: the caller's is kept only when it is a
    // short token of safe characters; anything else gets a fresh id.
    requestIdHeader: false,
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID_PATTERN.test(sent) ? sent : randomUUID();
    },
    // Longer path parameters answer 414; the route schemas bound them more tightly (400).
    routerOptions: { maxParamLength: 256 },
    // Router errors (an over-long parameter, a malformed URL) bypass the error handler.
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });

  await app.register(problemDetails);
  await app.register(inputGuards);
  await app.register(security, { rateLimits: deps.rateLimits });
  const readCache = new ReadCache();
  app.decorate('readCache', readCache);
  if (deps.keepAnswers ?? true) {
    const feed = await openChangeFeed(deps.db.sql, readCache);
    readCache.attach(feed);
    app.addHook('onClose', async () => feed.close());
  }
  const verifyToken = deps.verifyToken ?? readCache.verifier(databaseTokenVerifier(deps.db.db));
  await app.register(auth, { verify: verifyToken });
  await app.register(idempotency, {
    store: deps.idempotencyStore ?? databaseIdempotencyStore(deps.db.db),
    // A request with a key in use waits about as long as the first one may take.
    waitMs: deps.config.updateTimeoutMs + 2_000,
  });
  await app.register(openapi);

  const routeDeps: RouteDeps = {
    db: deps.db,
    temporal: deps.temporal,
    config: deps.config,
    applyAnswerWaitMs: deps.applyAnswerWaitMs,
    readCache,
  };
  await app.register(healthRoutes, routeDeps);
  await app.register(plansRoutes, routeDeps);
  await app.register(tasksRoutes, routeDeps);
  await app.register(meRoutes, routeDeps);
  await app.register(tokensRoutes, routeDeps);
  await app.register(notificationsRoutes, routeDeps);
  await app.register(webDashboard, {
    ...routeDeps,
    verifyToken,
    principalById: async (id) => {
      const found = await principalById(deps.db.db, id);
      return found && { tokenId: found.id, name: found.name, ...(found.agency ? { agency: found.agency } : {}), role: found.role };
    },
    ...(deps.config.sessionSecret ? { sessionSecret: deps.config.sessionSecret } : {}),
    ...(deps.webTaskPageSize ? { taskPageSize: deps.webTaskPageSize } : {}),
  });

  return app;
}
