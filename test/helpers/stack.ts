/**
 * The real stack for API tests, one per test file: an embedded Postgres (migrated), a Temporal
 * dev server on a free port, a worker with the real activities (optional, for read-side tests that
 * only need rows), and the app built by buildApp. Everything is stopped in teardown, in the
 * reverse order of starting, also when a test fails.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createActivities } from '../../src/activities/index';
import { createCompletionLookup, createFirstRecordWriter, createProjectionActivities } from '../../src/activities/projection';
import type { ProjectionActivities } from '../../src/domain';
import { buildApp } from '../../src/api/app';
import { openDatabase, type DatabaseHandle } from '../../src/db/client';
import { createPlanStore } from '../../src/db/plan-store';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrateDatabase } from '../../src/db/migrate';
import { createToken } from '../../src/db/tokens';
import { connectTemporal, type TemporalConnection } from '../../src/temporal/client';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { createWorker } from '../../src/temporal/worker';
import { freePort } from './ports';
import { createNotifier } from '../../src/notify';
import type { DeliveryRetry } from '../../src/workflows/delivery';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface StackOptions {
  /** Run a worker with the real workflows and activities (default true). */
  worker?: boolean;
  /** How long an update may take before the API answers 503 (default 10 s). */
  updateTimeoutMs?: number;
  /** Deliver notifications from the worker (src/notify), to this SMTP server and with this webhook secret. */
  delivery?: { smtpUrl: string; webhookSecret?: string; summaryCollectMs?: number; retry?: DeliveryRetry };
  /**
   * How long a plan apply waits for its task workflows before answering 202. Default 30 s: the
   * tests' small plans are running when the apply answers, even on a loaded machine; undefined
   * keeps the API's own default.
   */
  applyAnswerWaitMs?: number | undefined;
  /** Tasks per page of the dashboard's task lists (default: the dashboard's own). */
  webTaskPageSize?: number;
}

export interface TokenInput {
  name?: string;
  agency?: string;
  role: 'staff' | 'leader' | 'admin';
}

export interface Stack {
  app: FastifyInstance;
  db: DatabaseHandle;
  databaseUrl: string;
  temporal: TemporalConnection;
  devServer: DevServer;
  projection: ProjectionActivities;
  /** A token created straight in the database, ready for `authorization: Bearer …`. */
  token(input: TokenInput): Promise<{ id: string; token: string }>;
  /** `app.inject` with an optional bearer token. */
  inject(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  /** Stops the worker only: Temporal answers, but no workflow code runs. */
  stopWorker(): Promise<void>;
  /** Stops the worker and the Temporal dev server (for the 503 tests); the API and Postgres stay up. */
  stopTemporal(): Promise<void>;
}

export async function startStack(t: Teardown, options: StackOptions = {}): Promise<Stack> {
  const stops: (() => Promise<unknown>)[] = [];
  t.teardown(async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error('stack teardown:', error);
      }
    }
  });

  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-api-'));
  // Embedded Postgres runs as its own user, which must be able to enter the directory.
  await chmod(dataDir, 0o755);
  stops.push(() => rm(dataDir, { recursive: true, force: true }));

  // Started side by side; each one's stop is registered as soon as it is up, so a failure of
  // the other never leaves a server behind.
  const [postgres, devServer] = await Promise.all([
    freePort()
      .then((port) => startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port }))
      .then((server) => (stops.push(() => server.stop()), server)),
    freePort()
      .then((port) => startDevServer({ port }))
      .then((server) => (stops.push(() => server.stop()), server)),
  ]);

  await migrateDatabase(postgres.url);
  const db = openDatabase(postgres.url, { maxConnections: 10 });
  stops.push(() => db.close());

  const temporal = await connectTemporal({ address: devServer.address, namespace: devServer.namespace }, { worker: options.worker !== false });
  stops.push(() => temporal.close());

  const projection = createProjectionActivities(db.db);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const stopWorker = async () => {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    worker = undefined;
    running = undefined;
  };
  if (options.worker !== false) {
    const delivery = options.delivery;
    const notifier = delivery
      ? createNotifier(
          {
            smtpUrl: delivery.smtpUrl,
            mailFrom: 'Văn phòng UBND tỉnh <kehoach@ubnd.example>',
            webhookSecrets: {},
            webhookSecret: delivery.webhookSecret,
            publicUrl: 'https://kehoach.example',
            catcherPort: 0,
          },
          db.db,
          temporal.client,
          {
            ...(delivery.retry ? { retry: delivery.retry } : {}),
            ...(delivery.summaryCollectMs !== undefined ? { summaryCollectMs: delivery.summaryCollectMs } : {}),
          },
        )
      : undefined;
    if (notifier) stops.push(async () => notifier.close());
    worker = await createWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      activities: createActivities({
        client: temporal.client,
        projection,
        completions: createCompletionLookup(db.db),
        firstRecords: createFirstRecordWriter(db.db),
        ...(notifier ? { delivery: notifier } : {}),
        plans: createPlanStore(db.db),
      }),
    });
    running = worker.run();
    stops.push(stopWorker);
  }

  const app = await buildApp({
    db,
    temporal: { client: temporal.client, connection: temporal.connection },
    config: { bodyLimit: 1_048_576, updateTimeoutMs: options.updateTimeoutMs ?? 10_000 },
    applyAnswerWaitMs: 'applyAnswerWaitMs' in options ? options.applyAnswerWaitMs : 30_000,
    ...(options.webTaskPageSize ? { webTaskPageSize: options.webTaskPageSize } : {}),
  });
  stops.push(() => app.close());
  await app.ready();

  return {
    app,
    db,
    databaseUrl: postgres.url,
    temporal,
    devServer,
    projection,
    token: (input) =>
      createToken(db.db, { name: input.name ?? `${input.role} ${input.agency ?? ''}`.trim(), agency: input.agency ?? null, role: input.role }),
    inject: ({ token, ...injectOptions }) =>
      app.inject({
        ...injectOptions,
        headers: { ...(injectOptions.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }),
    stopWorker,
    stopTemporal: async () => {
      await stopWorker();
      await devServer.stop();
    },
  };
}
