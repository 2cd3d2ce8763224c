/**
 * The YAML parser's errors and warnings as diagnostics: each at the place the author has to fix,
 * in a sentence without yaml's code frame (the CLI prints positions itself).
 */
import type { Document, LineCounter } from 'yaml';
import type { Diagnostic } from './types';

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
export function yamlDiagnostics(doc: Document.Parsed, lineCounter: LineCounter, file: string, text: string | undefined): Diagnostic[] {
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
      message: yamlMessage(problem.code, problem.message),
    });
    if (problem.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(problem.message)) unclosedFlow = true;
  }
  return diagnostics;
}

/** yaml's messages end with a code frame; the CLI prints positions itself, so keep the sentence. */
function yamlMessage(code: string, message: string): string {
  const sentence = message.split(/ at line \d+, column \d+|\n/)[0]!.trim();
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'YAML syntax: tabs cannot indent YAML; indent with spaces';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'YAML syntax: this value contains ": " (a colon and a space) or is indented under a value, so YAML reads it as a new key; put the whole value in double quotes, or fix the indentation';
    case 'MULTILINE_IMPLICIT_KEY':
      return 'YAML syntax: a key must fit on one line; check the indentation of this line and of the line after it';
    case 'MISSING_CHAR':
      return /quote/.test(sentence)
        ? 'YAML syntax: this quote is never closed, so YAML reads the rest of the file as one text; close it at the end of the value'
        : `YAML syntax: ${sentence}`;
    case 'BAD_INDENT':
      if (/^Flow (sequence|map)/.test(sentence)) {
        const close = sentence.startsWith('Flow sequence') ? ']' : '}';
        return `YAML syntax: the ${close === ']' ? "list opened with '['" : "mapping opened with '{'"} on this line is not closed; end it with '${close}' on the same line`;
      }
      return `YAML syntax: ${sentence}; check the indentation of this line against the lines above`;
    default:
      return `YAML syntax: ${sentence}`;
  }
}
