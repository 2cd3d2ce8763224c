/**
 * The document being checked, as both passes see it: the YAML tree (for positions), its plain
 * value (for reading), and the diagnostics found so far. Also the names messages give to places
 * ("task 't05'", "the lead of task 't05'").
 */
import { isMap, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import { languageFromEnv, type Language } from '../../i18n';
import { validateTranslator, type Diagnostic, type Path, type ValidateOptions, type ValidateTranslate } from './types';
import { isPlain, isSlug } from './values';

export class PlanDocument {
  readonly diagnostics: Diagnostic[] = [];
  readonly root: unknown;
  /** Every message is made with this: the language of `options.language`, by default KEHOACH_LANG's. */
  readonly t: ValidateTranslate;
  readonly language: Language;

  constructor(
    readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    readonly file: string,
    readonly options: ValidateOptions,
  ) {
    this.root = doc.toJS({ maxAliasCount: 1000 });
    this.language = options.language ?? languageFromEnv();
    this.t = validateTranslator(this.language);
  }

  // ---- positions ---------------------------------------------------------------------------

  position(node: Node | null | undefined): { line: number; col: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, col: 1 };
    return this.lineCounter.linePos(offset);
  }

  report(severity: Diagnostic['severity'], code: string, node: Node | null | undefined, message: string): void {
    this.diagnostics.push({ file: this.file, ...this.position(node), severity, code, message });
  }

  error(code: string, node: Node | null | undefined, message: string): void {
    this.report('error', code, node, message);
  }

  /** The value node at a path; falls back to the nearest ancestor that exists. */
  nodeAt(path: Path): Node | null {
    for (let length = path.length; length >= 0; length--) {
      const node = this.doc.getIn(path.slice(0, length), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node) return node;
      if (length === 0) return (this.doc.contents as Node | null) ?? null;
    }
    return null;
  }

  /** The key node of the last path segment (for "unknown key" and "duplicate" positions). */
  keyNodeAt(path: Path): Node | null {
    const parent = this.nodeAt(path.slice(0, -1));
    const key = path[path.length - 1];
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && pair.key.value === key) return pair.key;
      }
    }
    return this.nodeAt(path);
  }

  valueAt(path: Path): unknown {
    let current: unknown = this.root;
    for (const segment of path) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string | number, unknown>)[segment];
    }
    return current;
  }

  // ---- names for messages --------------------------------------------------------------------

  /** Names already made: every check of a task names it, mostly for messages it never sends. */
  private readonly described = new Map<string, string>();

  /** "task 't05'", "ladder level 2 of task 't05'", "the plan"… in the language of the diagnostics. */
  describe(path: Path): string {
    const key = JSON.stringify(path);
    let name = this.described.get(key);
    if (name === undefined) {
      name = this.name(path);
      this.described.set(key, name);
    }
    return name;
  }

  private name(path: Path): string {
    const t = this.t;
    if (path.length === 0) return t('validate:place.plan');
    const last = path[path.length - 1]!;
    const parentPath = path.slice(0, -1);
    const parentKey = parentPath[parentPath.length - 1];
    if (typeof last === 'number') {
      const item = this.valueAt(path);
      const id = isPlain(item) && isSlug(item.id) ? item.id : undefined;
      const number = last + 1;
      if (path.length === 2 && parentKey === 'tasks') return id ? t('validate:place.task', { id }) : t('validate:place.taskNumber', { number });
      if (path.length === 2 && parentKey === 'agencies')
        return id ? t('validate:place.agency', { id }) : t('validate:place.agencyNumber', { number });
      if (path.length === 2 && parentKey === 'sources') return t('validate:place.source', { number });
      const owner = this.describe(parentPath.slice(0, -1));
      if (parentKey === 'ladder') return t('validate:place.ladderLevel', { number, owner });
      if (parentKey === 'contacts') return t('validate:place.contact', { number, owner });
      if (parentKey === 'reminders') return t('validate:place.reminder', { number, owner });
      return t('validate:place.item', { number, key: String(parentKey), owner });
    }
    if (path.length === 1 && last === 'escalation') return t('validate:place.planEscalation');
    if (path.length === 1) return t('validate:place.planKey', { key: last });
    if (path.length === 2 && parentKey === 'roles') return t('validate:place.role', { name: last });
    if (last === 'escalation') return t('validate:place.escalation', { owner: this.describe(parentPath) });
    return t('validate:place.key', { key: last, owner: this.describe(parentPath) });
  }

  /** "'lead' in task 't05'" or "item 2 of 'support' in task 't05'". */
  field(path: Path): string {
    const last = path[path.length - 1];
    if (typeof last === 'string') return this.t('validate:place.field', { key: last, owner: this.describe(path.slice(0, -1)) });
    return this.describe(path);
  }
}
