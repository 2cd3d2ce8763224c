/**
 * A real Postgres for tests: one embedded server per test file, in a temp dir on a free port,
 * migrated to the latest schema and stopped when the test that asked for it ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrateDatabase } from '../../src/db/migrate';
import { openDatabase, type Database } from '../../src/db/client';
import type postgres from 'postgres';
import { freePort } from './ports';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestPostgres {
  url: string;
  db: Database;
  sql: postgres.Sql;
  /** Empties every table, for tests that want a clean slate without a new server. */
  reset(): Promise<void>;
}

export async function withPostgres(t: Teardown, options: { maxConnections?: number } = {}): Promise<TestPostgres> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true, ...options });
  let handle: ReturnType<typeof openDatabase> | undefined;
  t.teardown(async () => {
    await handle?.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await migrateDatabase(server.url);
  handle = openDatabase(server.url, { maxConnections: 5 });
  return {
    url: server.url,
    db: handle.db,
    sql: handle.sql,
    reset: async () => {
      await handle!.sql`
        truncate plans, plan_versions, agencies, tasks, task_events, escalations, notifications, deliveries,
          api_tokens, idempotency_records, plan_specs, plan_calendars, plan_spec_sets, plan_documents,
          plan_reconciliations restart identity`;
    },
  };
}
