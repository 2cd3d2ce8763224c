/**
 * The document being checked, as both passes see it: the YAML tree (for positions), its plain
 * value (for reading), and the diagnostics found so far. Also the names messages give to places
 * ("task 't05'", "the lead of task 't05'").
 */
import { isMap, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { Diagnostic, Path, ValidateOptions } from './types';
import { isPlain, isSlug } from './values';

export class PlanDocument {
  readonly diagnostics: Diagnostic[] = [];
  readonly root: unknown;

  constructor(
    readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    readonly file: string,
    readonly options: ValidateOptions,
  ) {
    this.root = doc.toJS({ maxAliasCount: 1000 });
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

  /** "task 't05'", "ladder level 2 of task 't05'", "the plan"… */
  describe(path: Path): string {
    if (path.length === 0) return 'the plan';
    const last = path[path.length - 1]!;
    const parentPath = path.slice(0, -1);
    const parentKey = parentPath[parentPath.length - 1];
    if (typeof last === 'number') {
      const item = this.valueAt(path);
      const id = isPlain(item) && isSlug(item.id) ? item.id : undefined;
      if (path.length === 2 && parentKey === 'tasks') return id ? `task '${id}'` : `task ${last + 1}`;
      if (path.length === 2 && parentKey === 'agencies') return id ? `agency '${id}'` : `agency ${last + 1}`;
      if (path.length === 2 && parentKey === 'sources') return `source ${last + 1}`;
      if (parentKey === 'ladder') return `ladder level ${last + 1} of ${this.describe(parentPath.slice(0, -1))}`;
      if (parentKey === 'contacts') return `contact ${last + 1} of ${this.describe(parentPath.slice(0, -1))}`;
      if (parentKey === 'reminders') return `reminder ${last + 1} of ${this.describe(parentPath.slice(0, -1))}`;
      return `item ${last + 1} of '${String(parentKey)}' in ${this.describe(parentPath.slice(0, -1))}`;
    }
    if (path.length === 1 && last === 'escalation') return "the plan's escalation policy";
    if (path.length === 1) return `the plan's ${last}`;
    if (path.length === 2 && parentKey === 'roles') return `role '${last}'`;
    if (last === 'escalation') return `the escalation policy of ${this.describe(parentPath)}`;
    return `the ${last} of ${this.describe(parentPath)}`;
  }

  /** "'lead' in task 't05'" or "item 2 of 'support' in task 't05'". */
  field(path: Path): string {
    const last = path[path.length - 1];
    if (typeof last === 'string') return `'${last}' in ${this.describe(path.slice(0, -1))}`;
    return this.describe(path);
  }
}
