/** The editor schema comment every plan file starts with (yaml-language-server). */
import type { Language } from '../../i18n';
import { validateTranslator, type Diagnostic } from './types';

/** The first line every plan file carries so that editors validate it against plan.schema.json. */
export function schemaComment(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}`;
}

/**
 * A warning when the text does not start with the yaml-language-server comment pointing at
 * plan.schema.json; `expectedSchemaPath` is the path from the file's folder to that schema.
 * `pointsAtSchema` tells whether a relative path written in the comment reaches the schema
 * (the loader checks the file system; editors otherwise fail silently on a wrong path).
 */
export function checkSchemaComment(
  text: string,
  file: string,
  expectedSchemaPath: string,
  pointsAtSchema: (writtenPath: string) => boolean = () => true,
  language?: Language,
): Diagnostic[] {
  const t = validateTranslator(language);
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const written = /^#\s*yaml-language-server:\s*\$schema=(\S*plan\.schema\.json)\s*$/.exec(firstLine)?.[1];
  const warning = (message: string): Diagnostic[] => [{ file, line: 1, col: 1, severity: 'warning', code: 'schema-comment', message }];
  if (written === undefined) {
    return warning(t('validate:file.schemaCommentMissing', { comment: schemaComment(expectedSchemaPath) }));
  }
  if (!/^[a-z]+:\/\//i.test(written) && !pointsAtSchema(written)) {
    return warning(t('validate:file.schemaCommentWrongPath', { written, comment: schemaComment(expectedSchemaPath) }));
  }
  return [];
}
