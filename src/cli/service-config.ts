/**
 * The start of every production process (`api`, `worker`, `migrate`): `--help`, no arguments,
 * configuration from the environment with DATABASE_URL required. Returns the configuration, or
 * the exit code when the process should stop here.
 */
import { loadConfig, type Config } from '../config';
import { parseCommandArgs, usageError } from './args';

export type ServiceConfig = Config & { databaseUrl: string };

export function readServiceConfig(command: string, args: string[], usage: string): ServiceConfig | number {
  const parsed = parseCommandArgs(command, args, {}, usage);
  if (!parsed.ok) return parsed.exitCode;
  if (parsed.positionals.length > 0) {
    return usageError(command, `takes no arguments (got ${args.join(' ')}); configure it through the environment.`, usage);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`kehoach ${command}: ${(error as Error).message}\n`);
    return 2;
  }
  if (!config.databaseUrl) {
    process.stderr.write(
      `kehoach ${command}: DATABASE_URL is not set. Set it to the read model database, for example ` +
        'DATABASE_URL=postgres://kehoach:secret@127.0.0.1:5432/kehoach (or run everything with `kehoach up`).\n',
    );
    return 2;
  }
  return { ...config, databaseUrl: config.databaseUrl };
}
