/**
 * `kehoach migrate`: creates or upgrades the read-model schema in DATABASE_URL (run once per
 * deployment, before the API and worker processes start). On a database without any admin token it
 * creates one and prints it once: the way into a fresh production installation.
 */
import { readServiceConfig } from './service-config';
import { migrateDatabase } from '../db/migrate';
import { openDatabase } from '../db/client';
import { createToken, listTokens } from '../db/tokens';
import { cliText } from '../i18n';

export async function run(args: string[]): Promise<number> {
  const config = readServiceConfig(
    'migrate',
    args,
    'Usage: kehoach migrate\n\nMigrates DATABASE_URL to the current schema; prints a first admin token if there is none.',
  );
  if (typeof config === 'number') return config;
  await migrateDatabase(config.databaseUrl);
  process.stdout.write(`${cliText('service.schemaUpToDate')}\n`);
  const database = openDatabase(config.databaseUrl, { maxConnections: 1 });
  try {
    const admins = (await listTokens(database.db)).filter((token) => token.role === 'admin' && !token.revokedAt);
    if (admins.length === 0) {
      const { id, token } = await createToken(database.db, { name: cliText('service.firstAdminName'), role: 'admin' });
      process.stdout.write(`${cliText('service.firstAdminToken', { id })}\n${token}\n`);
    }
  } finally {
    await database.close();
  }
  return 0;
}
