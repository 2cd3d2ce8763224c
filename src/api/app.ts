/**
 * The API as a function: `buildApp(deps)` returns a Fastify instance that tests `inject` into and
 * that src/api/server.ts only has to listen with. Connections are owned by the caller and passed
 * in; the app never opens or closes them.
 */
import type { Client, Connection } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DatabaseHandle } from '../db/client';
import type { Config } from '../config';
import auth, { type Principal } from './plugins/auth';
import idempotency, { type IdempotencyStore } from './plugins/idempotency';
import openapi from './plugins/openapi';
import problemDetails from './plugins/problem-details';
import healthRoutes from './routes/healthz';
import meRoutes from './routes/me';
import plansRoutes from './routes/plans';
import tasksRoutes from './routes/tasks';
import tokensRoutes from './routes/tokens';
import { databaseIdempotencyStore, databaseTokenVerifier } from './stores';

export interface AppDeps {
  db: Pick<DatabaseHandle, 'db' | 'sql'>;
  /** The client for updates; the connection for health checks (src/temporal/client.ts gives both). */
  temporal: { client: Client; connection: Connection };
  config: Pick<Config, 'bodyLimit' | 'updateTimeoutMs'>;
  /** Fastify's logger option; default: off (tests), `kehoach api` passes its own. */
  logger?: FastifyServerOptions['logger'];
  /** Replaceable for tests; default: the api_tokens table. */
  verifyToken?: (bearer: string) => Promise<Principal | undefined>;
  /** Replaceable for tests; default: the idempotency_records table. */
  idempotencyStore?: IdempotencyStore;
}

/** What route plugins receive as options. */
export type RouteDeps = Pick<AppDeps, 'db' | 'temporal' | 'config'>;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.config.bodyLimit,
    // Request ids end up in the audit log; keep the caller's when it sends one.
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Plan files are posted as YAML text; the route validates them with the plan loader.
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });

  await app.register(problemDetails);
  await app.register(auth, { verify: deps.verifyToken ?? databaseTokenVerifier(deps.db.db) });
  await app.register(idempotency, { store: deps.idempotencyStore ?? databaseIdempotencyStore(deps.db.db) });
  await app.register(openapi);

  const routeDeps: RouteDeps = { db: deps.db, temporal: deps.temporal, config: deps.config };
  await app.register(healthRoutes, routeDeps);
  await app.register(plansRoutes, routeDeps);
  await app.register(tasksRoutes, routeDeps);
  await app.register(meRoutes, routeDeps);
  await app.register(tokensRoutes, routeDeps);

  return app;
}
