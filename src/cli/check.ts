/**
 * `kehoach check [--repair] [plan…]`: compares every task's row in Postgres with its workflow's
 * state and the plans' applied versions; exit 0 when they match, 1 when something differs (after
 * `--repair`, 0 when every difference was repaired), 2 on usage or connection errors.
 */
import { createProjectionActivities } from '../activities/projection';
import { checkReadModel, formatCheckReport } from '../check/consistency';
import { loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { connectTemporal } from '../temporal/client';
import { cliText } from '../i18n';

export async function run(args: string[]): Promise<number> {
  const USAGE = cliText('check.usage');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const repair = args.includes('--repair');
  const planIds = args.filter((arg) => !arg.startsWith('--'));
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--repair');
  if (unknown.length > 0) {
    process.stderr.write(`kehoach check: ${cliText('check.unknownOption', { options: unknown.join(' ') })}\n\n${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`kehoach check: ${(error as Error).message}\n`);
    return 2;
  }
  if (!config.databaseUrl) {
    process.stderr.write(`kehoach check: ${cliText('check.databaseUrlMissing')}\n`);
    return 2;
  }
  const database = openDatabase(config.databaseUrl, { maxConnections: 2 });
  try {
    const temporal = await connectTemporal(config);
    try {
      const report = await checkReadModel({
        db: database.db,
        client: temporal.client,
        projection: createProjectionActivities(database.db),
        repair,
        ...(planIds.length > 0 ? { planIds } : {}),
      });
      process.stdout.write(`${formatCheckReport(report, repair)}\n`);
      return report.differences.every((d) => d.repaired) ? 0 : 1;
    } finally {
      await temporal.close();
    }
  } catch (error) {
    process.stderr.write(`kehoach check: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await database.close();
  }
}
