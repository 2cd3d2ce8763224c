/**
 * The structural pass: walks the YAML tree alongside the zod schema (schema.ts stays the single
 * source of truth for which keys and values exist) so that an unknown key, a missing key or a
 * mistyped value is reported where the author has to type the fix, in plain words instead of
 * zod's generic ones.
 */
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { BUILT_IN_TARGETS, deadlineSchema, escalationTargetSchema, planSchema, roleSchema, unitsSelectorSchema, type Plan } from '../schema';
import type { PlanDocument } from './document';
import { closest, quoteList } from './suggest';
import type { Path } from './types';
import { impossibleDateMessage, impossibleDateReason } from './values';

type Schema = z.ZodType;

/** The zod internals the structural walk needs; zod 4 exposes every schema's definition here. */
interface SchemaDef {
  type: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  options?: Schema[];
  innerType?: Schema;
  values?: unknown[];
  entries?: Record<string, unknown>;
}

function defOf(schema: Schema): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Strips optional/default wrappers; reports whether the key may be left out. */
function unwrap(schema: Schema): { schema: Schema; optional: boolean } {
  let current = schema;
  let optional = false;
  for (;;) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'prefault') && def.innerType) {
      optional = true;
      current = def.innerType;
    } else {
      return { schema: current, optional };
    }
  }
}

/** Suggestions written into "is missing" messages, so the author sees what a valid line looks like. */
const KEY_HINTS: Record<string, string> = {
  id: 'id: <ascii id>',
  code: 'code: "771/KH-UBND"',
  title: 'title: <title in Vietnamese>',
  issuer: 'issuer: UBND tỉnh …',
  issuedOn: 'issuedOn: 2022-11-07',
  calendar: 'calendar: vn',
  agencies: 'agencies: (a list of agencies)',
  roles: 'roles: { standing_office: { agency: … }, chair: { agency: … } }',
  tasks: 'tasks: (a list of tasks)',
  name: 'name: <full name>',
  kind: 'kind: department',
  lead: 'lead: <agency id> (cơ quan chủ trì)',
  output: 'output: <the expected result> (sản phẩm)',
  standing_office: 'standing_office: { agency: <agency id> } (cơ quan thường trực)',
  chair: 'chair: { agency: <agency id> } (Tổ trưởng)',
  after: 'after: "3 working days"',
  to: 'to: standing_office',
  action: 'action: Đôn đốc',
  within: 'within: "10 working days"',
  every: 'every: month',
  from: 'from: 2023-01-01',
  until: 'until: 2023-12-31',
  metric: 'metric: <what is measured>',
  unit: 'unit: <unit of the value>',
  value: 'value: 100',
  role: 'role: staff',
  channel: 'channel: email',
  address: 'address: <e-mail address or URL>',
};

class StructureWalk {
  constructor(private readonly plan: PlanDocument) {}

  run(): void {
    const contents = this.plan.doc.contents as Node | null;
    if (!contents || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
      this.plan.error('empty-plan', contents, 'the plan file is empty; start with `id:`, `code:`, `title:`, … as in plans/README.md');
      return;
    }
    this.walk(contents, planSchema, []);
  }

  private walk(aliasOrNode: Node | null, rawSchema: Schema, path: Path): void {
    // An alias (*name) is checked as the anchored value it stands for; positions then point at the anchor.
    const node = isAlias(aliasOrNode) ? ((aliasOrNode.resolve(this.plan.doc) as Node | undefined) ?? null) : aliasOrNode;
    const { schema } = unwrap(rawSchema);
    const def = defOf(schema);
    switch (def.type) {
      case 'object':
        return this.walkObject(node, schema, def, path);
      case 'array':
        return this.walkArray(node, schema, def, path);
      case 'union':
        return this.walkUnion(node, schema, def, path);
      default:
        return this.checkScalar(node, schema, path);
    }
  }

  private walkObject(node: Node | null, schema: Schema, def: SchemaDef, path: Path): void {
    if (!isMap(node)) {
      this.plan.error(
        'invalid-value',
        node ?? this.plan.nodeAt(path),
        `${this.plan.field(path)} must be a mapping of keys and values, for example:\n  ${this.exampleKeys(def)}`,
      );
      return;
    }
    const shape = def.shape ?? {};
    const catchall = def.catchall && defOf(def.catchall).type !== 'never' ? def.catchall : undefined;
    const seen = new Map<string, Node>();
    // A misspelt key already says what is missing ("did you mean 'lead'?"); no second message for it.
    const suggested = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? keyNode.value : undefined;
      if (typeof key !== 'string') {
        this.plan.error(
          'invalid-key',
          keyNode,
          `keys in ${this.plan.describe(path)} must be words such as ${quoteList(Object.keys(shape).slice(0, 3))}`,
        );
        continue;
      }
      const first = seen.get(key);
      if (first) {
        this.plan.error(
          'duplicate-key',
          keyNode,
          `key '${key}' appears twice in ${this.plan.describe(path)} (first on line ${this.plan.position(first).line}); keep one of them`,
        );
        continue;
      }
      seen.set(key, keyNode as Node);
      const valueNode = (pair.value as Node | null) ?? null;
      const fieldSchema = shape[key] ?? catchall;
      if (!fieldSchema) {
        const suggestion = this.unknownKey(keyNode as Node, key, Object.keys(shape), path);
        if (suggestion) suggested.add(suggestion);
        continue;
      }
      if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) {
        this.plan.error(
          'invalid-value',
          keyNode as Node,
          `${this.plan.field([...path, key])} has no value; write ${KEY_HINTS[key] ? `\`${KEY_HINTS[key]}\`` : 'a value after the colon'} or remove the key`,
        );
        continue;
      }
      this.walk(valueNode, fieldSchema, [...path, key]);
    }
    const missing = Object.entries(shape)
      .filter(([key, fieldSchema]) => !seen.has(key) && !suggested.has(key) && !unwrap(fieldSchema).optional)
      .map(([key]) => key);
    for (const key of missing) {
      const hint = KEY_HINTS[key] ? `; add \`${KEY_HINTS[key]}\`` : '';
      this.plan.error('missing-key', node, `missing key '${key}' in ${this.plan.describe(path)}${hint}`);
    }
  }

  private exampleKeys(def: SchemaDef): string {
    const keys = Object.entries(def.shape ?? {})
      .filter(([, fieldSchema]) => !unwrap(fieldSchema).optional)
      .map(([key]) => KEY_HINTS[key] ?? `${key}: …`);
    return keys.join('\n  ');
  }

  /** Reports the key; returns the allowed key it was probably meant to be. */
  private unknownKey(keyNode: Node, key: string, allowed: string[], path: Path): string | undefined {
    const suggestion = closest(key, allowed);
    const where = this.plan.describe(path);
    const message = suggestion
      ? `unknown key '${key}' in ${where}; did you mean '${suggestion}'?`
      : `unknown key '${key}' in ${where}; the allowed keys are ${quoteList(allowed)}`;
    this.plan.error('unknown-key', keyNode, message);
    return suggestion;
  }

  private walkArray(node: Node | null, schema: Schema, def: SchemaDef, path: Path): void {
    if (!isSeq(node)) {
      const key = path[path.length - 1];
      this.plan.error(
        'invalid-value',
        node,
        `${this.plan.field(path)} must be a list: one item per line starting with "- ", or [a, b] ${key === 'support' || key === 'dependsOn' ? `(for example ${String(key)}: [so-tu-phap, cong-an-tinh])` : ''}`.trimEnd(),
      );
      return;
    }
    node.items.forEach((item, index) => this.walk((item as Node | null) ?? null, def.element!, [...path, index]));
    const result = schema.safeParse(this.plan.valueAt(path));
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (issue.path.length === 0 && issue.code === 'too_small') {
          this.plan.error(
            'invalid-value',
            node,
            `${this.plan.field(path)} must have at least ${String((issue as { minimum?: number | bigint }).minimum ?? 1)} item; add one`,
          );
        }
      }
    }
  }

  private walkUnion(node: Node | null, schema: Schema, def: SchemaDef, path: Path): void {
    const options = def.options ?? [];
    if (isMap(node) || isSeq(node)) {
      const wanted = isMap(node) ? 'object' : 'array';
      const candidates = options.filter((option) => defOf(unwrap(option).schema).type === wanted);
      if (candidates.length === 0) {
        this.plan.error('invalid-value', node, `${this.plan.field(path)} ${this.unionShape(schema, options)}`);
        return;
      }
      // With several mapping forms ({ agency } or { role }), the keys written pick the form meant.
      const keys = isMap(node) ? node.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '')) : [];
      const score = (option: Schema): number => {
        const shape = defOf(unwrap(option).schema).shape ?? {};
        return keys.filter((key) => key in shape).length;
      };
      const chosen = [...candidates].sort((a, b) => score(b) - score(a))[0]!;
      if (candidates.length > 1 && isMap(node) && score(chosen) === 0) {
        this.plan.error('invalid-value', node, `${this.plan.field(path)} ${this.unionShape(schema, options)}`);
        return;
      }
      this.walk(node, chosen, path);
      return;
    }
    const value = isScalar(node) ? node.value : undefined;
    const scalarOptions = options.filter((option) => !['object', 'array'].includes(defOf(unwrap(option).schema).type));
    // The date-time pattern accepts 25:00 and 2022-02-31T10:00; the calendar check comes first.
    const reason = typeof value === 'string' ? impossibleDateReason(value) : undefined;
    if (reason) {
      this.plan.error('impossible-date', node, impossibleDateMessage(this.plan.field(path), String(value), reason));
      return;
    }
    if (scalarOptions.some((option) => option.safeParse(value).success)) return;
    if (typeof value === 'string') {
      if (this.vietnameseDate(node, value, path)) return;
      if (schema === escalationTargetSchema) {
        const suggestion = closest(value, BUILT_IN_TARGETS);
        if (suggestion) {
          this.plan.error('invalid-value', node, `${this.plan.field(path)} is '${value}'; did you mean '${suggestion}'?`);
          return;
        }
      }
    }
    this.plan.error('invalid-value', node, `${this.plan.field(path)} ${this.unionShape(schema, options)}`);
  }

  /** What each union accepts, in the words a plan author uses. */
  private unionShape(schema: Schema, options: Schema[]): string {
    if (schema === deadlineSchema) {
      return 'must be a date (2022-12-25), a date-time (2022-12-25T17:00), "none" for ongoing work (thường xuyên), or { within: "10 working days", after: issue }';
    }
    if (schema === escalationTargetSchema) {
      return `must be one of ${quoteList(BUILT_IN_TARGETS)}, or { agency: <agency id> }, or { role: <role name> }`;
    }
    if (schema === unitsSelectorSchema) {
      return 'must be a list of agency ids ([huyen-quynh-luu, huyen-hung-nguyen]) or { kind: district_committee }';
    }
    if (schema === roleSchema) {
      return 'must be { agency: <agency id> } or { contact: { name: …, channel: email, address: … } }';
    }
    return `must match one of ${options.length} allowed forms; see plans/plan.schema.json`;
  }

  /**
   * Vietnamese documents write dates dd/mm/yyyy, so authors copying from them often do; say the
   * exact YYYY-MM-DD to write instead. Returns whether the value had that shape.
   */
  private vietnameseDate(node: Node | null, value: string, path: Path): boolean {
    const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value.trim());
    if (!match) return false;
    const iso = `${match[3]}-${match[2]!.padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
    const reason = impossibleDateReason(iso);
    this.plan.error(
      reason ? 'impossible-date' : 'invalid-value',
      node,
      reason
        ? impossibleDateMessage(this.plan.field(path), String(value), reason)
        : `${this.plan.field(path)} is '${value}'; write dates as YYYY-MM-DD: ${iso}`,
    );
    return true;
  }

  private checkScalar(node: Node | null, schema: Schema, path: Path): void {
    if (!isScalar(node)) {
      this.plan.error('invalid-value', node, `${this.plan.field(path)} must be a single value, not a ${isMap(node) ? 'mapping' : 'list'}`);
      return;
    }
    const value = node.value;
    const result = schema.safeParse(value);
    if (result.success) return;
    const issue = result.error.issues[0]!;
    const def = defOf(schema);
    const field = this.plan.field(path);
    if (typeof value === 'string') {
      if (this.vietnameseDate(node, value, path)) return;
      const reason = impossibleDateReason(value);
      if (reason) {
        this.plan.error('impossible-date', node, impossibleDateMessage(field, String(value), reason));
        return;
      }
    }
    if (def.type === 'enum' || def.type === 'literal') {
      const allowed = def.type === 'enum' ? Object.values(def.entries ?? {}) : (def.values ?? []);
      const suggestion = typeof value === 'string' ? closest(value, allowed.map(String)) : undefined;
      this.plan.error(
        'invalid-value',
        node,
        suggestion
          ? `${field} is '${String(value)}'; did you mean '${suggestion}'?`
          : `${field} is '${String(value)}'; write one of ${quoteList(allowed)}`,
      );
      return;
    }
    if (issue.code === 'invalid_type') {
      const expected = { string: 'text', number: 'a number', boolean: 'true or false' }[def.type] ?? def.type;
      const quoteHint = def.type === 'string' ? ' (put it in quotes if it looks like a number or a date)' : '';
      this.plan.error('invalid-value', node, `${field} must be ${expected}, not ${JSON.stringify(value)}${quoteHint}`);
      return;
    }
    if (issue.code === 'too_small') {
      const minimum = (issue as { minimum?: number | bigint }).minimum;
      this.plan.error(
        'invalid-value',
        node,
        def.type === 'string' ? `${field} must not be empty` : `${field} is ${String(value)}; it must be at least ${String(minimum)}`,
      );
      return;
    }
    if (issue.code === 'too_big') {
      const maximum = (issue as { maximum?: number | bigint }).maximum;
      this.plan.error('invalid-value', node, `${field} is ${String(value)}; it must be at most ${String(maximum)}`);
      return;
    }
    if (issue.code === 'invalid_format') {
      this.plan.error('invalid-value', node, `${field} is ${JSON.stringify(value)}; it ${issue.message}`);
      return;
    }
    this.plan.error('invalid-value', node, `${field} is ${JSON.stringify(value)}: ${issue.message}`);
  }
}

/** Reports every structural problem of the document. */
export function checkStructure(plan: PlanDocument): void {
  new StructureWalk(plan).run();
}

/** Safety net: anything zod rejects that the passes did not explain. */
export function finalParse(plan: PlanDocument): Plan | undefined {
  const result = planSchema.safeParse(plan.root);
  if (result.success) return result.data;
  if (plan.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return undefined;
  for (const issue of result.error.issues) {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    plan.error('invalid-value', plan.nodeAt(path), `${path.length ? plan.field(path) : 'the plan'}: ${issue.message}`);
  }
  return undefined;
}
