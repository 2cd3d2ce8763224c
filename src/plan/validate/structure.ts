/**
 * The structural pass: walks the YAML tree alongside the zod schema (schema.ts stays the single
 * source of truth for which keys and values exist) so that an unknown key, a missing key or a
 * mistyped value is reported where the author has to type the fix, in plain words instead of
 * zod's generic ones.
 */
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import * as z from 'zod';
import { catalogues } from '../../i18n';
import { parseDateVi } from '../calendar';
import { BUILT_IN_TARGETS, deadlineSchema, escalationTargetSchema, planSchema, roleSchema, unitsSelectorSchema, type Plan } from '../schema';
import type { PlanDocument } from './document';
import { closest, quoteList } from './suggest';
import type { Path, ValidateTranslate } from './types';
import { dateFault, impossibleDateMessage } from './values';

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

/** The keys whose "is missing" and "has no value" messages show what a valid line looks like (the catalogue's `hint` section). */
const HINTED = new Set(Object.keys(catalogues.en.validate.hint));
type HintedKey = keyof typeof catalogues.en.validate.hint;

/** The schema's own format messages (English, in schema.ts) and the catalogue key that translates each. */
const FORMAT_RULES = new Map(
  Object.entries(catalogues.en.validate.format).map(([key, text]) => [text, key as keyof typeof catalogues.en.validate.format]),
);

class StructureWalk {
  private readonly t: ValidateTranslate;
  /** zod's own words (the safety net's) in the language of the diagnostics; the schema's own messages are translated by FORMAT_RULES. */
  private readonly parseParams: { error?: z.core.$ZodErrorMap };

  constructor(private readonly plan: PlanDocument) {
    this.t = plan.t;
    this.parseParams = zodParams(plan);
  }

  /** `key: example` for a key the catalogue has a hint for. */
  private hint(key: string): string | undefined {
    return HINTED.has(key) ? this.t(`validate:hint.${key as HintedKey}`) : undefined;
  }

  run(): void {
    const contents = this.plan.doc.contents as Node | null;
    if (!contents || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
      this.plan.error('empty-plan', contents, this.t('validate:structure.emptyPlan'));
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
        this.t('validate:structure.notMapping', { field: this.plan.field(path), example: this.exampleKeys(def) }),
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
          this.t('validate:structure.invalidKey', { where: this.plan.describe(path), examples: quoteList(Object.keys(shape).slice(0, 3)) }),
        );
        continue;
      }
      const first = seen.get(key);
      if (first) {
        this.plan.error(
          'duplicate-key',
          keyNode,
          this.t('validate:structure.duplicateKey', { key, where: this.plan.describe(path), line: this.plan.position(first).line }),
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
        const field = this.plan.field([...path, key]);
        const hint = this.hint(key);
        this.plan.error(
          'invalid-value',
          keyNode as Node,
          hint ? this.t('validate:structure.noValueHint', { field, hint }) : this.t('validate:structure.noValue', { field }),
        );
        continue;
      }
      this.walk(valueNode, fieldSchema, [...path, key]);
    }
    const missing = Object.entries(shape)
      .filter(([key, fieldSchema]) => !seen.has(key) && !suggested.has(key) && !unwrap(fieldSchema).optional)
      .map(([key]) => key);
    for (const key of missing) {
      const hint = this.hint(key);
      const where = this.plan.describe(path);
      this.plan.error(
        'missing-key',
        node,
        hint ? this.t('validate:structure.missingKeyHint', { key, where, hint }) : this.t('validate:structure.missingKey', { key, where }),
      );
    }
  }

  private exampleKeys(def: SchemaDef): string {
    const keys = Object.entries(def.shape ?? {})
      .filter(([, fieldSchema]) => !unwrap(fieldSchema).optional)
      .map(([key]) => this.hint(key) ?? `${key}: …`);
    return keys.join('\n  ');
  }

  /** Reports the key; returns the allowed key it was probably meant to be. */
  private unknownKey(keyNode: Node, key: string, allowed: string[], path: Path): string | undefined {
    const suggestion = closest(key, allowed);
    const where = this.plan.describe(path);
    const message = suggestion
      ? this.t('validate:structure.unknownKeySuggestion', { key, where, suggestion })
      : this.t('validate:structure.unknownKey', { key, where, allowed: quoteList(allowed) });
    this.plan.error('unknown-key', keyNode, message);
    return suggestion;
  }

  private walkArray(node: Node | null, schema: Schema, def: SchemaDef, path: Path): void {
    if (!isSeq(node)) {
      const key = path[path.length - 1];
      const field = this.plan.field(path);
      this.plan.error(
        'invalid-value',
        node,
        key === 'support' || key === 'dependsOn'
          ? this.t('validate:structure.notListExample', { field, key })
          : this.t('validate:structure.notList', { field }),
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
            this.t('validate:structure.tooFewItems', {
              field: this.plan.field(path),
              minimum: String((issue as { minimum?: number | bigint }).minimum ?? 1),
            }),
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
        this.plan.error('invalid-value', node, this.unionShape(this.plan.field(path), schema, options));
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
        this.plan.error('invalid-value', node, this.unionShape(this.plan.field(path), schema, options));
        return;
      }
      this.walk(node, chosen, path);
      return;
    }
    const value = isScalar(node) ? node.value : undefined;
    const scalarOptions = options.filter((option) => !['object', 'array'].includes(defOf(unwrap(option).schema).type));
    // The date-time pattern accepts 25:00 and 2022-02-31T10:00; the calendar check comes first.
    const fault = typeof value === 'string' ? dateFault(value) : undefined;
    if (fault) {
      this.plan.error('impossible-date', node, impossibleDateMessage(this.t, this.plan.field(path), String(value), fault));
      return;
    }
    if (scalarOptions.some((option) => option.safeParse(value).success)) return;
    if (typeof value === 'string') {
      if (this.vietnameseDate(node, value, path)) return;
      if (schema === escalationTargetSchema) {
        const suggestion = closest(value, BUILT_IN_TARGETS);
        if (suggestion) {
          this.plan.error('invalid-value', node, this.t('validate:structure.didYouMean', { field: this.plan.field(path), value, suggestion }));
          return;
        }
      }
    }
    this.plan.error('invalid-value', node, this.unionShape(this.plan.field(path), schema, options));
  }

  /** What each union accepts, in the words a plan author uses. */
  private unionShape(field: string, schema: Schema, options: Schema[]): string {
    if (schema === deadlineSchema) return this.t('validate:structure.deadlineShape', { field });
    if (schema === escalationTargetSchema) return this.t('validate:structure.targetShape', { field, targets: quoteList(BUILT_IN_TARGETS) });
    if (schema === unitsSelectorSchema) return this.t('validate:structure.unitsShape', { field });
    if (schema === roleSchema) return this.t('validate:structure.roleShape', { field });
    return this.t('validate:structure.otherShape', { field, forms: options.length });
  }

  /**
   * Vietnamese documents write dates dd/mm/yyyy, so authors copying from them often do; say the
   * exact YYYY-MM-DD to write instead. Returns whether the value had that shape.
   */
  private vietnameseDate(node: Node | null, value: string, path: Path): boolean {
    const iso = parseDateVi(value);
    if (!iso) return false;
    const fault = dateFault(iso);
    const field = this.plan.field(path);
    this.plan.error(
      fault ? 'impossible-date' : 'invalid-value',
      node,
      fault ? impossibleDateMessage(this.t, field, String(value), fault) : this.t('validate:structure.writeIsoDate', { field, value, iso }),
    );
    return true;
  }

  private checkScalar(node: Node | null, schema: Schema, path: Path): void {
    if (!isScalar(node)) {
      const field = this.plan.field(path);
      this.plan.error(
        'invalid-value',
        node,
        isMap(node) ? this.t('validate:structure.notSingleMapping', { field }) : this.t('validate:structure.notSingleList', { field }),
      );
      return;
    }
    const value = node.value;
    const result = schema.safeParse(value, this.parseParams);
    if (result.success) return;
    const issue = result.error.issues[0]!;
    const def = defOf(schema);
    const field = this.plan.field(path);
    if (typeof value === 'string') {
      if (this.vietnameseDate(node, value, path)) return;
      const fault = dateFault(value);
      if (fault) {
        this.plan.error('impossible-date', node, impossibleDateMessage(this.t, field, String(value), fault));
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
          ? this.t('validate:structure.didYouMean', { field, value: String(value), suggestion })
          : this.t('validate:structure.writeOneOf', { field, value: String(value), allowed: quoteList(allowed) }),
      );
      return;
    }
    if (issue.code === 'invalid_type') {
      const written = JSON.stringify(value);
      const message =
        def.type === 'string'
          ? this.t('validate:structure.mustBeText', { field, value: written })
          : def.type === 'number'
            ? this.t('validate:structure.mustBeNumber', { field, value: written })
            : def.type === 'boolean'
              ? this.t('validate:structure.mustBeBoolean', { field, value: written })
              : this.t('validate:structure.mustBeType', { field, type: def.type, value: written });
      this.plan.error('invalid-value', node, message);
      return;
    }
    if (issue.code === 'too_small') {
      const minimum = (issue as { minimum?: number | bigint }).minimum;
      this.plan.error(
        'invalid-value',
        node,
        def.type === 'string'
          ? this.t('validate:structure.empty', { field })
          : this.t('validate:structure.tooSmall', { field, value: String(value), minimum: String(minimum) }),
      );
      return;
    }
    if (issue.code === 'too_big') {
      const maximum = (issue as { maximum?: number | bigint }).maximum;
      this.plan.error('invalid-value', node, this.t('validate:structure.tooBig', { field, value: String(value), maximum: String(maximum) }));
      return;
    }
    if (issue.code === 'invalid_format') {
      const rule = ruleText(issue.message, this.t);
      this.plan.error('invalid-value', node, this.t('validate:structure.badFormat', { field, value: JSON.stringify(value), rule }));
      return;
    }
    const reason = ruleText(issue.message, this.t);
    this.plan.error('invalid-value', node, this.t('validate:structure.invalid', { field, value: JSON.stringify(value), reason }));
  }
}

/** A message the schema itself gives (English, in schema.ts), in the language of the diagnostics. */
function ruleText(message: string, t: ValidateTranslate): string {
  const key = FORMAT_RULES.get(message);
  return key ? t(`validate:format.${key}`) : message;
}

/** zod's own messages (where the schema gives none) in the language of the diagnostics. */
function zodParams(plan: PlanDocument): { error?: z.core.$ZodErrorMap } {
  return plan.language === 'en' ? {} : { error: z.locales.vi().localeError };
}

/** Reports every structural problem of the document. */
export function checkStructure(plan: PlanDocument): void {
  new StructureWalk(plan).run();
}

/** Safety net: anything zod rejects that the passes did not explain. */
export function finalParse(plan: PlanDocument): Plan | undefined {
  const result = planSchema.safeParse(plan.root, zodParams(plan));
  if (result.success) return result.data;
  if (plan.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return undefined;
  for (const issue of result.error.issues) {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    const field = path.length ? plan.field(path) : plan.t('validate:place.plan');
    plan.error('invalid-value', plan.nodeAt(path), plan.t('validate:structure.planInvalid', { field, reason: ruleText(issue.message, plan.t) }));
  }
  return undefined;
}
