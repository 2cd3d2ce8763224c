/**
 * Entry point of the `kehoach` command. Each subcommand is a module in this folder exporting
 * `run(args): Promise<number>` (the exit code); modules load lazily so `validate` stays fast.
 */
const commands: Record<string, { module: string; summary: string }> = {
  validate: { module: './validate', summary: 'check plan files (default plans/) and report every problem with its line' },
  timeline: { module: './timeline', summary: 'print the dated timetable a plan implies, without any server' },
  diff: { module: './diff', summary: 'show what applying plan files would change (exit 0 none, 1 changes, >1 error)' },
  apply: { module: './apply', summary: 'apply plan files: start, amend and cancel task workflows' },
  report: { module: './report', summary: 'print a plan report as of a date' },
  token: { module: './token', summary: 'create, list and revoke API tokens' },
  worker: { module: './worker', summary: 'run a Temporal worker process' },
  api: { module: './api', summary: 'run an API process' },
  check: { module: './check', summary: 'compare the read model with the workflows; --repair projects differing rows again' },
  migrate: { module: './migrate', summary: 'create or upgrade the database schema (production); prints a first admin token' },
  up: { module: './up', summary: 'run everything on this machine: Temporal, Postgres, worker, API, plans applied' },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'Usage: kehoach <command> [options]',
    '',
    ...Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Run `kehoach <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`kehoach: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(command.module) as { run(args: string[]): Promise<number> };
  return mod.run(rest);
}
