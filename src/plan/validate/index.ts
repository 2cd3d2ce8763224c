/**
 * Checks plan text and points every problem at the exact YAML node that causes it.
 *
 * In order: the limits (bounds.ts), yaml's own errors (yaml-problems.ts), the structural pass
 * (structure.ts: the YAML tree walked alongside the zod schema), the semantic pass (semantics.ts
 * and cycles.ts: what a schema cannot check), and zod's parse as a safety net. document.ts is the
 * view of the document both passes share; suggest.ts finds the "did you mean" word.
 *
 * Nothing here reads files or the clock: calendars come in through `CalendarSource`, so the API
 * can validate a request body with the same code the CLI uses.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { checkCompileCost, checkDocumentBounds, checkPlanTextBounds } from '../bounds';
import { languageFromEnv } from '../../i18n';
import type { Plan } from '../schema';
import { PlanDocument } from './document';
import { SemanticChecks } from './semantics';
import { checkStructure, finalParse } from './structure';
import { validateTranslator, type Diagnostic, type ValidateOptions } from './types';
import { yamlDiagnostics } from './yaml-problems';

export { checkSchemaComment, schemaComment } from './schema-comment';
export { closest } from './suggest';
export { validateTranslator, type CalendarSource, type Diagnostic, type ValidateOptions, type ValidateTranslate } from './types';

/**
 * Every diagnostic of a parsed document, in document order, and the plan when there is no error.
 * The caller parses with a LineCounter so that positions are 1-based lines and columns.
 */
export function validatePlanText(text: string, file: string, options: ValidateOptions = {}): { plan?: Plan; diagnostics: Diagnostic[] } {
  const tooLarge = checkPlanTextBounds(text, file, validateTranslator(options.language));
  if (tooLarge.length > 0) return { diagnostics: tooLarge };
  const lineCounter = new LineCounter();
  // Duplicate keys are found by the structural pass, which can name the mapping and the first key's line.
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false, uniqueKeys: false });
  return validatePlanDocument(doc, lineCounter, file, options, text);
}

export function validatePlanDocument(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  file: string,
  options: ValidateOptions = {},
  text?: string,
): { plan?: Plan; diagnostics: Diagnostic[] } {
  const language = options.language ?? languageFromEnv();
  const diagnostics = yamlDiagnostics(doc, lineCounter, file, text, language);
  if (doc.errors.length > 0) return { diagnostics: sortDiagnostics(diagnostics) };
  // Sizes, aliases, control characters and years first: the walk below is what they make costly.
  const t = validateTranslator(language);
  const outOfBounds = checkDocumentBounds(doc, lineCounter, file, t);
  if (outOfBounds.length > 0) return { diagnostics: sortDiagnostics([...diagnostics, ...outOfBounds]) };

  const document = new PlanDocument(doc, lineCounter, file, { ...options, language });
  checkStructure(document);
  const semantics = new SemanticChecks(document);
  semantics.run();
  const plan = finalParse(document);
  // Counted before anything compiles the plan: units × occurrences can make compiling cost minutes.
  const tooCostly = plan ? checkCompileCost(plan, doc, lineCounter, file, t) : [];
  if (plan && tooCostly.length === 0 && !document.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
    semantics.warnTimetableYears(plan);
  }
  diagnostics.push(...document.diagnostics, ...tooCostly);
  const sorted = sortDiagnostics(diagnostics);
  const hasError = sorted.some((diagnostic) => diagnostic.severity === 'error');
  return hasError || !plan ? { diagnostics: sorted } : { plan, diagnostics: sorted };
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
