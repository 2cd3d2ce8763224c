import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema';

/** What a query is sent through: the database or one of its transactions. */
export type Queryable = PostgresJsDatabase<typeof schema>;
/** drizzle over the pool; `$client` is the pool itself, for what drizzle does not do (LISTEN). */
export type Database = Queryable & { $client: postgres.Sql };

export interface DatabaseHandle {
  db: Database;
  /** The underlying postgres.js client, for raw SQL and health checks. */
  sql: postgres.Sql;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * Connections in the pool. Each process (API, worker) holds its own pool and an embedded
   * Postgres allows 100 connections in all, so the default stays small.
   */
  maxConnections?: number;
}

export function openDatabase(url: string, options: OpenDatabaseOptions = {}): DatabaseHandle {
  const sql = postgres(url, {
    max: options.maxConnections ?? 10,
    // Connections are kept through quiet spells (postgres.js still replaces each after 30 to 60
    // minutes): a connection opened afresh describes every statement again, and a deadline that
    // many tasks share, after a quiet hour, would pay for it on every connection at once.
    idle_timeout: 0,
    connect_timeout: 10,
    // NOTICEs such as "relation already exists, skipping" are expected during migrations.
    onnotice: () => undefined,
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * Waits for statements sent together in one transaction. When one fails, Postgres refuses every
 * later one of the transaction (it is aborted), so the first failure is the cause: that is the
 * one thrown, after all have answered, before the transaction rolls back.
 */
export async function allInOrder(statements: readonly PromiseLike<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(statements);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
