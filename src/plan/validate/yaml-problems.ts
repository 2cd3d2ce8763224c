/**
 * The YAML parser's errors and warnings as diagnostics: each at the place the author has to fix,
 * in a sentence without yaml's code frame (the CLI prints positions itself).
 */
import type { Document, LineCounter } from 'yaml';
import { catalogues, type Language } from '../../i18n';
import { validateTranslator, type Diagnostic, type ValidateTranslate } from './types';

/**
 * yaml notices an unclosed bracket or quote only where the file ends or the indentation breaks;
 * the author has to fix the place where it was opened, so point there.
 */
function openingOffset(code: string, message: string, offset: number, text: string | undefined): number {
  if (text === undefined) return offset;
  let opener: string | undefined;
  if (code === 'BAD_INDENT' && message.startsWith('Flow sequence')) opener = '[';
  else if (code === 'BAD_INDENT' && message.startsWith('Flow map')) opener = '{';
  else if (code === 'MISSING_CHAR' && /closing "quote/.test(message)) opener = '"';
  else if (code === 'MISSING_CHAR' && /closing 'quote/.test(message)) opener = "'";
  if (!opener) return offset;
  const found = text.lastIndexOf(opener, Math.max(0, offset - 1));
  return found >= 0 ? found : offset;
}

/** Every problem yaml found, one per position; after an unclosed [ or {, only the opening is reported. */
export function yamlDiagnostics(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  file: string,
  text: string | undefined,
  language: Language,
): Diagnostic[] {
  const t = validateTranslator(language);
  const diagnostics: Diagnostic[] = [];
  const seenPositions = new Set<string>();
  // After an unclosed [ or {, yaml reads the rest of the file as its content: every later error is an echo.
  let unclosedFlow = false;
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lineCounter.linePos(openingOffset(problem.code, problem.message, problem.pos[0], text));
    // yaml reports one broken spot under several codes; the first says it best.
    if (seenPositions.has(`${line}:${col}`)) continue;
    seenPositions.add(`${line}:${col}`);
    if (unclosedFlow && problem.name !== 'YAMLWarning') continue;
    diagnostics.push({
      file,
      line,
      col,
      severity: problem.name === 'YAMLWarning' ? 'warning' : 'error',
      code: 'yaml-syntax',
      message: yamlMessage(problem.code, problem.message, t, language),
    });
    if (problem.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(problem.message)) unclosedFlow = true;
  }
  return diagnostics;
}

const CODES = new Set(Object.keys(catalogues.en.validate.yaml.code));
type Code = keyof typeof catalogues.en.validate.yaml.code;

/**
 * yaml's messages end with a code frame; the CLI prints positions itself, so keep the sentence.
 * In English that is yaml's own sentence; other languages say what the error code means.
 */
function yamlMessage(code: string, message: string, t: ValidateTranslate, language: Language): string {
  const sentence = message.split(/ at line \d+, column \d+|\n/)[0]!.trim();
  const detail = language === 'en' ? sentence : t(`validate:yaml.code.${CODES.has(code) ? (code as Code) : 'other'}`);
  switch (code) {
    case 'TAB_AS_INDENT':
      return t('validate:yaml.tab');
    case 'BLOCK_AS_IMPLICIT_KEY':
      return t('validate:yaml.blockAsImplicitKey');
    case 'MULTILINE_IMPLICIT_KEY':
      return t('validate:yaml.multilineKey');
    case 'MISSING_CHAR':
      return /quote/.test(sentence) ? t('validate:yaml.unclosedQuote') : t('validate:yaml.syntax', { detail });
    case 'BAD_INDENT':
      if (sentence.startsWith('Flow sequence')) return t('validate:yaml.unclosedList');
      if (sentence.startsWith('Flow map')) return t('validate:yaml.unclosedMapping');
      return t('validate:yaml.badIndent', { detail });
    default:
      return t('validate:yaml.syntax', { detail });
  }
}
