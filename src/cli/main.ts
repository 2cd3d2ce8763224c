/**
 * Entry point of the `kehoach` command. Each subcommand is a module in this folder exporting
 * `run(args): Promise<number>` (the exit code); modules load lazily so `validate` stays fast.
 */
import { cliText } from '../i18n';

/** Each command's module; its one-line summary is in the catalogue (`cli:summary.<name>`). */
const commands = {
  validate: './validate',
  timeline: './timeline',
  diff: './diff',
  apply: './apply',
  report: './report',
  token: './token',
  worker: './worker',
  api: './api',
  check: './check',
  migrate: './migrate',
  up: './up',
} as const;
type CommandName = keyof typeof commands;

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    cliText('usage.title'),
    '',
    ...(Object.keys(commands) as CommandName[]).map((name) => `  ${name.padEnd(width)}  ${cliText(`summary.${name}`)}`),
    '',
    cliText('usage.more'),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (!Object.hasOwn(commands, name)) {
    process.stderr.write(`${cliText('usage.unknownCommand', { name })}\n\n${usage()}\n`);
    return 2;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(commands[name as CommandName]) as { run(args: string[]): Promise<number> };
  return mod.run(rest);
}
