/**
 * `kehoach validate [paths…] [--json]`: checks plan files and reports every problem of every
 * file at once, as `file:line:col: error|warning: message` lines an editor or CI log can link to.
 * Exit 0 when every file is valid (warnings allowed), 1 when any is not, 2 on a usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { languageFromEnv } from '../i18n';
import { findPlanFiles, loadPlanFile, loadPlanText, type Diagnostic } from '../plan/load';
import { validateTranslator, type ValidateTranslate } from '../plan/validate';
import { parseCommandArgs, usageError as commandUsageError } from './args';

/** The label of a plan read from standard input (`kehoach validate -`), e.g. piped from an editor. */
const STDIN_LABEL = '<stdin>';

function usageError(t: ValidateTranslate, message: string): number {
  return commandUsageError('validate', message, t('validate:cli.usage'));
}

/**
 * `error` and `warning` stay as they are in every language: editors and CI logs link
 * `file:line:col: error:` lines by these words, as they do for compilers.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.col}: ${diagnostic.severity}: ${diagnostic.message}`;
}

export async function run(args: string[]): Promise<number> {
  const language = languageFromEnv();
  const t = validateTranslator(language);
  const parsed = parseCommandArgs('validate', args, { json: { type: 'boolean' } }, t('validate:cli.usage'));
  if (!parsed.ok) return parsed.exitCode;
  const json = parsed.values.json ?? false;
  const paths = parsed.positionals.length > 0 ? parsed.positionals : ['plans'];

  const missing = paths.filter((path) => path !== '-' && !existsSync(path));
  if (missing.length > 0) return usageError(t, t('validate:cli.pathNotFound', { paths: missing.join(', ') }));
  const files = paths.flatMap((path) => (path === '-' ? [path] : findPlanFiles([path])));
  if (files.length === 0) return usageError(t, t('validate:cli.noPlanFiles', { paths: paths.join(', ') }));

  const diagnostics: Diagnostic[] = [];
  let invalid = 0;
  for (const file of new Set(files)) {
    const result = file === '-' ? loadPlanText(readFileSync(0, 'utf8'), STDIN_LABEL, { language }) : await loadPlanFile(file, { language });
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
  const summary = t('validate:cli.summary', {
    files: t('validate:cli.files', { count: new Set(files).size }),
    verdict: invalid === 0 ? t('validate:cli.allValid') : t('validate:cli.invalid', { invalid }),
    errors: t('validate:cli.errors', { count: errors }),
    warnings: t('validate:cli.warnings', { count: warnings }),
  });
  process.stdout.write(`${summary}\n`);
  return invalid > 0 ? 1 : 0;
}
