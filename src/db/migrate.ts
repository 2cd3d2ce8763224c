import path from 'node:path';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';

export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');

// Any constant will do as long as every kehoach process uses the same one.
const MIGRATION_LOCK_ID = 7710611;

/**
 * Brings the database up to the latest committed migration. Safe to call from several processes
 * at once (the API and the worker both do at start): an advisory lock makes the others wait
 * instead of racing to create the same tables.
 */
export async function migrateDatabase(url: string): Promise<void> {
  // One connection, so the session-level lock and the migration share it.
  const sql = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
