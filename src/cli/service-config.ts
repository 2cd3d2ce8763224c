/**
 * The start of every production process (`api`, `worker`, `migrate`): `--help`, no arguments,
 * configuration from the environment with DATABASE_URL required. Returns the configuration, or
 * the exit code when the process should stop here.
 */
import { loadConfig, type Config } from '../config';
import { parseCommandArgs, usageError } from './args';
import { cliText } from '../i18n';

export type ServiceConfig = Config & { databaseUrl: string };

export function readServiceConfig(command: string, args: string[], usage: string): ServiceConfig | number {
  const parsed = parseCommandArgs(command, args, {}, usage);
  if (!parsed.ok) return parsed.exitCode;
  if (parsed.positionals.length > 0) {
    return usageError(command, cliText('args.takesNoArguments', { args: args.join(' ') }), usage);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`kehoach ${command}: ${(error as Error).message}\n`);
    return 2;
  }
  if (!config.databaseUrl) {
    process.stderr.write(`kehoach ${command}: ${cliText('args.databaseUrlMissing')}\n`);
    return 2;
  }
  return { ...config, databaseUrl: config.databaseUrl };
}
