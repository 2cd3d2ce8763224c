/**
 * `kehoach validate [paths…] [--json]`: checks plan files and reports every problem of every
 * file at once, as `file:line:col: error|warning: message` lines an editor or CI log can link to.
 * Exit 0 when every file is valid (warnings allowed), 1 when any is not, 2 on a usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { findPlanFiles, loadPlanFile, loadPlanText, type Diagnostic } from '../plan/load';
import { parseCommandArgs, usageError as commandUsageError } from './args';

/** The label of a plan read from standard input (`kehoach validate -`), e.g. piped from an editor. */
const STDIN_LABEL = '<stdin>';

const USAGE = `Usage: kehoach validate [paths…] [--json]

Checks plan files (a directory stands for its *.yaml and *.yml files; default: plans/;
"-" reads one plan from standard input) and prints every problem as
file:line:col: error|warning: message.

Options:
  --json    print the diagnostics as a JSON array instead
  -h, --help  show this help

Exit status: 0 all valid (warnings allowed), 1 some file invalid, 2 usage error.`;

function usageError(message: string): number {
  return commandUsageError('validate', message, USAGE);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.col}: ${diagnostic.severity}: ${diagnostic.message}`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('validate', args, { json: { type: 'boolean' } }, USAGE);
  if (!parsed.ok) return parsed.exitCode;
  const json = parsed.values.json ?? false;
  const paths = parsed.positionals.length > 0 ? parsed.positionals : ['plans'];

  const missing = paths.filter((path) => path !== '-' && !existsSync(path));
  if (missing.length > 0) return usageError(`path not found: ${missing.join(', ')}`);
  const files = paths.flatMap((path) => (path === '-' ? [path] : findPlanFiles([path])));
  if (files.length === 0) return usageError(`no plan files (*.yaml, *.yml) in ${paths.join(', ')}`);

  const diagnostics: Diagnostic[] = [];
  let invalid = 0;
  for (const file of new Set(files)) {
    const result = file === '-' ? loadPlanText(readFileSync(0, 'utf8'), STDIN_LABEL) : await loadPlanFile(file);
    diagnostics.push(...result.diagnostics);
    if (result.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) invalid++;
  }

  if (json) {
    process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
    return invalid > 0 ? 1 : 0;
  }
  for (const diagnostic of diagnostics) process.stdout.write(`${formatDiagnostic(diagnostic)}\n`);
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const verdict = invalid === 0 ? 'all valid' : `${invalid} invalid`;
  process.stdout.write(`${plural(new Set(files).size, 'file')} checked: ${verdict}; ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
  return invalid > 0 ? 1 : 0;
}
