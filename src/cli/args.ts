/**
 * Every subcommand parses its arguments with node:util's parseArgs through this helper, so that
 * `--help`/`-h`, `--name value` and `--name=value`, unknown options and missing values behave and
 * read the same in all of them. A usage error prints what is wrong and the usage, and exits 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { cliText } from '../i18n';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs returns for these options, with `help` always present. */
export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true }>
>;

export type ArgsOutcome<O extends Options> = { ok: true; values: Parsed<O>['values']; positionals: string[] } | { ok: false; exitCode: number };

export function usageError(command: string, message: string, usage: string): number {
  process.stderr.write(`kehoach ${command}: ${message}\n\n${usage}\n`);
  return 2;
}

/** parseArgs's messages name the problem; ours say it in one short line, as the rest of the CLI does. */
function describe(error: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1]?.split(' ')[0];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return cliText('args.unknownOption', { option: option ?? error.message });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (option && /argument missing|ambiguous/.test(error.message)) return cliText('args.needsValue', { option });
      return option && /does not take an argument/.test(error.message) ? cliText('args.takesNoValue', { option }) : error.message;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return cliText('args.unexpectedArgument', { argument: /'([^']*)'/.exec(error.message)?.[1] ?? '' }).trim();
    default:
      return error.message;
  }
}

/**
 * Parses `args` for `kehoach <command>`. `--help` prints the usage (exit 0); a usage error prints
 * the message and the usage (exit 2). Otherwise the values and positionals are returned.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  usage: string,
  allowPositionals = true,
): ArgsOutcome<O> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    return { ok: false, exitCode: usageError(command, describe(error as Error), usage) };
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return { ok: false, exitCode: 0 };
  }
  return { ok: true, values: parsed.values as Parsed<O>['values'], positionals: parsed.positionals };
}
