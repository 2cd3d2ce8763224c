/**
 * Checks a parsed plan document and points every problem at the exact YAML node that causes it.
 *
 * Two passes. The structural pass walks the YAML tree alongside the zod schema (schema.ts stays
 * the single source of truth for which keys and values exist) so that an unknown key, a missing
 * key or a mistyped value is reported where the author has to type the fix, with a message in
 * plain words instead of zod's generic ones. The semantic pass then checks what a schema cannot:
 * duplicate ids, references, dependency cycles, real dates, ordering of reminders and ladders,
 * and calendar coverage.
 *
 * Nothing here reads files or the clock: calendars come in through `CalendarSource`, so the API
 * can validate a request body with the same code the CLI uses.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import type { z } from 'zod';
import { checkCompileCost, checkDocumentBounds, checkPlanTextBounds } from './bounds';
import { daysInMonth, formatDeadlineVi, unannouncedYears } from './calendar';
import { compilePlan } from './compile';
import { parseDuration } from './duration';
import { deadlineAfterDate, deadlineLocal, taskTimetable } from './timetable';
import type { CalendarData, DurationUnitKey } from './model';
import { selectUnits, type AgencyNode } from './units';
import {
  BUILT_IN_TARGETS,
  ISSUE_ANCHOR,
  RESERVED_ANCHORS,
  deadlineSchema,
  durationSchema,
  escalationTargetSchema,
  planSchema,
  roleSchema,
  slugSchema,
  unitsSelectorSchema,
  type Plan,
} from './schema';

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  severity: 'error' | 'warning';
  /** Stable machine-readable kind, e.g. "unknown-key", "dependency-cycle". */
  code: string;
  message: string;
}

/** Where the validator finds calendars; the loader backs it with calendars/*.yaml. */
export interface CalendarSource {
  /** The calendar, or undefined when there is none by that name; throws when the file is malformed. */
  load(name: string): CalendarData | undefined;
  /** Every calendar name that exists, for the "write one of these" hint. */
  names(): string[];
}

export interface ValidateOptions {
  /** Without it, calendar names and calendar years are not checked. */
  calendars?: CalendarSource;
}

type Path = (string | number)[];

/** The schema's default timezone, repeated here because the raw document may leave it out. */
const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
type Schema = z.ZodType;
type Plain = Record<string, unknown>;

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

/**
 * Edit distance, or `limit + 1` as soon as it must exceed `limit`: suggestions only care about
 * small distances, and a bounded computation keeps a file full of long unknown ids cheap.
 */
function boundedLevenshtein(a: string, b: string, limit: number): number {
  if (limit < 0 || Math.abs(a.length - b.length) > limit) return limit + 1;
  // Only cells within `limit` of the diagonal can lead to a distance within `limit`.
  const outside = limit + 1;
  let previous = new Int32Array(b.length + 1).fill(outside);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= Math.min(limit, b.length); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current.fill(outside);
    if (i <= limit) current[0] = i;
    let rowMin = current[0]!;
    for (let j = Math.max(1, i - limit); j <= Math.min(b.length, i + limit); j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost, outside);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return outside;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** Longer words are not ids anyone mistyped; candidates beyond this many are not compared. */
const MAX_SUGGESTION_WORD = 64;
const MAX_SUGGESTION_CANDIDATES = 2_000;

/** The candidate a typo most likely meant, or undefined when none is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_SUGGESTION_WORD) return undefined;
  const lower = word.toLowerCase();
  const tolerance = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = tolerance + 1;
  for (const candidate of candidates.slice(0, MAX_SUGGESTION_CANDIDATES)) {
    const distance = boundedLevenshtein(lower, candidate.toLowerCase(), Math.min(tolerance, bestDistance - 1));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function quoteList(values: readonly unknown[]): string {
  return values.map((value) => `'${String(value)}'`).join(', ');
}

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})(?:T|$)/;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const TIME_PART = /T(\d{2}):(\d{2})(?::(\d{2}))?/;

/** Why a YYYY-MM-DD (or YYYY-MM-DDTHH:MM) value is not a real date or time, or undefined when it is one. */
function impossibleDateReason(value: string): string | undefined {
  const match = DATE_SHAPE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const days = daysInMonth(year, month);
  if (day < 1) return 'there is no day 0';
  if (day > days) return `${MONTH_NAMES[month - 1]} ${year} has ${days} days`;
  const time = TIME_PART.exec(value);
  if (time) {
    if (Number(time[1]) > 23) return `there is no hour ${Number(time[1])}; for the end of the day write the date alone`;
    if (Number(time[2]) > 59 || Number(time[3] ?? 0) > 59) return 'minutes and seconds go up to 59';
  }
  return undefined;
}

function impossibleDateMessage(field: string, value: string, reason: string): string {
  const form = value.includes('T') ? 'a date and time that exist, YYYY-MM-DDTHH:MM' : 'a date that exists, YYYY-MM-DD';
  return `${field} is '${value}', which is not a real date (${reason}); write ${form}`;
}

const UNIT_SECONDS: Record<DurationUnitKey, number> = { working_day: 86_400, day: 86_400, hour: 3_600, minute: 60, second: 1 };

/** "3 working days" as seconds, for ordering only: a working day counts as one day. */
function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || !durationSchema.safeParse(value).success) return undefined;
  const duration = parseDuration(value);
  return duration.amount * UNIT_SECONDS[duration.unit];
}

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSlug(value: unknown): value is string {
  return slugSchema.safeParse(value).success;
}

class PlanChecker {
  readonly diagnostics: Diagnostic[] = [];
  private readonly root: unknown;
  /** The plan's calendar once checked, for the timetable check after the final parse. */
  private calendar: CalendarData | undefined;
  /** "<task index>:<year>" already warned about, so a year is named once per task. */
  private readonly warnedYears = new Set<string>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly file: string,
    private readonly options: ValidateOptions,
  ) {
    this.root = doc.toJS({ maxAliasCount: 1000 });
  }

  // ---- positions ---------------------------------------------------------------------------

  private position(node: Node | null | undefined): { line: number; col: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, col: 1 };
    return this.lineCounter.linePos(offset);
  }

  private report(severity: Diagnostic['severity'], code: string, node: Node | null | undefined, message: string): void {
    this.diagnostics.push({ file: this.file, ...this.position(node), severity, code, message });
  }

  private error(code: string, node: Node | null | undefined, message: string): void {
    this.report('error', code, node, message);
  }

  /** The value node at a path; falls back to the nearest ancestor that exists. */
  private nodeAt(path: Path): Node | null {
    for (let length = path.length; length >= 0; length--) {
      const node = this.doc.getIn(path.slice(0, length), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node) return node;
      if (length === 0) return (this.doc.contents as Node | null) ?? null;
    }
    return null;
  }

  /** The key node of the last path segment (for "unknown key" and "duplicate" positions). */
  private keyNodeAt(path: Path): Node | null {
    const parent = this.nodeAt(path.slice(0, -1));
    const key = path[path.length - 1];
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && pair.key.value === key) return pair.key;
      }
    }
    return this.nodeAt(path);
  }

  private valueAt(path: Path): unknown {
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
  private field(path: Path): string {
    const last = path[path.length - 1];
    if (typeof last === 'string') return `'${last}' in ${this.describe(path.slice(0, -1))}`;
    return this.describe(path);
  }

  // ---- structural pass ----------------------------------------------------------------------

  checkStructure(): void {
    const contents = this.doc.contents as Node | null;
    if (!contents || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
      this.error('empty-plan', contents, 'the plan file is empty; start with `id:`, `code:`, `title:`, … as in plans/README.md');
      return;
    }
    this.walk(contents, planSchema, []);
  }

  private walk(aliasOrNode: Node | null, rawSchema: Schema, path: Path): void {
    // An alias (*name) is checked as the anchored value it stands for; positions then point at the anchor.
    const node = isAlias(aliasOrNode) ? ((aliasOrNode.resolve(this.doc) as Node | undefined) ?? null) : aliasOrNode;
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
      this.error(
        'invalid-value',
        node ?? this.nodeAt(path),
        `${this.field(path)} must be a mapping of keys and values, for example:\n  ${this.exampleKeys(def)}`,
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
        this.error('invalid-key', keyNode, `keys in ${this.describe(path)} must be words such as ${quoteList(Object.keys(shape).slice(0, 3))}`);
        continue;
      }
      const first = seen.get(key);
      if (first) {
        this.error(
          'duplicate-key',
          keyNode,
          `key '${key}' appears twice in ${this.describe(path)} (first on line ${this.position(first).line}); keep one of them`,
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
        this.error(
          'invalid-value',
          keyNode as Node,
          `${this.field([...path, key])} has no value; write ${KEY_HINTS[key] ? `\`${KEY_HINTS[key]}\`` : 'a value after the colon'} or remove the key`,
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
      this.error('missing-key', node, `missing key '${key}' in ${this.describe(path)}${hint}`);
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
    const where = this.describe(path);
    const message = suggestion
      ? `unknown key '${key}' in ${where}; did you mean '${suggestion}'?`
      : `unknown key '${key}' in ${where}; the allowed keys are ${quoteList(allowed)}`;
    this.error('unknown-key', keyNode, message);
    return suggestion;
  }

  private walkArray(node: Node | null, schema: Schema, def: SchemaDef, path: Path): void {
    if (!isSeq(node)) {
      const key = path[path.length - 1];
      this.error(
        'invalid-value',
        node,
        `${this.field(path)} must be a list: one item per line starting with "- ", or [a, b] ${key === 'support' || key === 'dependsOn' ? `(for example ${String(key)}: [so-tu-phap, cong-an-tinh])` : ''}`.trimEnd(),
      );
      return;
    }
    node.items.forEach((item, index) => this.walk((item as Node | null) ?? null, def.element!, [...path, index]));
    const result = schema.safeParse(this.valueAt(path));
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (issue.path.length === 0 && issue.code === 'too_small') {
          this.error(
            'invalid-value',
            node,
            `${this.field(path)} must have at least ${String((issue as { minimum?: number | bigint }).minimum ?? 1)} item; add one`,
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
        this.error('invalid-value', node, `${this.field(path)} ${this.unionShape(schema, options)}`);
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
        this.error('invalid-value', node, `${this.field(path)} ${this.unionShape(schema, options)}`);
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
      this.error('impossible-date', node, impossibleDateMessage(this.field(path), String(value), reason));
      return;
    }
    if (scalarOptions.some((option) => option.safeParse(value).success)) return;
    if (typeof value === 'string') {
      if (this.vietnameseDate(node, value, path)) return;
      if (schema === escalationTargetSchema) {
        const suggestion = closest(value, BUILT_IN_TARGETS);
        if (suggestion) {
          this.error('invalid-value', node, `${this.field(path)} is '${value}'; did you mean '${suggestion}'?`);
          return;
        }
      }
    }
    this.error('invalid-value', node, `${this.field(path)} ${this.unionShape(schema, options)}`);
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
    this.error(
      reason ? 'impossible-date' : 'invalid-value',
      node,
      reason
        ? impossibleDateMessage(this.field(path), String(value), reason)
        : `${this.field(path)} is '${value}'; write dates as YYYY-MM-DD: ${iso}`,
    );
    return true;
  }

  private checkScalar(node: Node | null, schema: Schema, path: Path): void {
    if (!isScalar(node)) {
      this.error('invalid-value', node, `${this.field(path)} must be a single value, not a ${isMap(node) ? 'mapping' : 'list'}`);
      return;
    }
    const value = node.value;
    const result = schema.safeParse(value);
    if (result.success) return;
    const issue = result.error.issues[0]!;
    const def = defOf(schema);
    const field = this.field(path);
    if (typeof value === 'string') {
      if (this.vietnameseDate(node, value, path)) return;
      const reason = impossibleDateReason(value);
      if (reason) {
        this.error('impossible-date', node, impossibleDateMessage(field, String(value), reason));
        return;
      }
    }
    if (def.type === 'enum' || def.type === 'literal') {
      const allowed = def.type === 'enum' ? Object.values(def.entries ?? {}) : (def.values ?? []);
      const suggestion = typeof value === 'string' ? closest(value, allowed.map(String)) : undefined;
      this.error(
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
      this.error('invalid-value', node, `${field} must be ${expected}, not ${JSON.stringify(value)}${quoteHint}`);
      return;
    }
    if (issue.code === 'too_small') {
      const minimum = (issue as { minimum?: number | bigint }).minimum;
      this.error(
        'invalid-value',
        node,
        def.type === 'string' ? `${field} must not be empty` : `${field} is ${String(value)}; it must be at least ${String(minimum)}`,
      );
      return;
    }
    if (issue.code === 'too_big') {
      const maximum = (issue as { maximum?: number | bigint }).maximum;
      this.error('invalid-value', node, `${field} is ${String(value)}; it must be at most ${String(maximum)}`);
      return;
    }
    if (issue.code === 'invalid_format') {
      this.error('invalid-value', node, `${field} is ${JSON.stringify(value)}; it ${issue.message}`);
      return;
    }
    this.error('invalid-value', node, `${field} is ${JSON.stringify(value)}: ${issue.message}`);
  }

  // ---- semantic pass ------------------------------------------------------------------------

  checkSemantics(): void {
    if (!isPlain(this.root)) return;
    const plan = this.root;
    const agencies = Array.isArray(plan.agencies) ? plan.agencies : [];
    const tasks = Array.isArray(plan.tasks) ? plan.tasks : [];
    const agencyIds = this.collectIds(agencies, 'agencies', 'agency');
    const taskIds = this.collectIds(tasks, 'tasks', 'task');
    const roleNames = isPlain(plan.roles) ? new Set(Object.keys(plan.roles)) : new Set<string>();

    const checkAgency = (path: Path, what: string): void => {
      const value = this.valueAt(path);
      if (!isSlug(value) || agencyIds.has(value)) return;
      const suggestion = closest(value, [...agencyIds.keys()]);
      this.error(
        'unknown-reference',
        this.nodeAt(path),
        `${what} '${value}', which is not an agency of this plan; ${suggestion ? `did you mean '${suggestion}'?` : "add it under 'agencies' or use one of the ids listed there"}`,
      );
    };

    agencies.forEach((agency, index) => {
      if (isPlain(agency) && agency.parent !== undefined)
        checkAgency(['agencies', index, 'parent'], `the parent of ${this.describe(['agencies', index])} is`);
    });
    if (isPlain(plan.roles)) {
      for (const [name, role] of Object.entries(plan.roles)) {
        if (isPlain(role) && role.agency !== undefined) checkAgency(['roles', name, 'agency'], `role '${name}' points at`);
      }
    }
    this.checkEscalation(['escalation'], checkAgency, roleNames);

    const issuedOn =
      typeof plan.issuedOn === 'string' && !impossibleDateReason(plan.issuedOn) && /^\d{4}-\d{2}-\d{2}$/.test(plan.issuedOn)
        ? plan.issuedOn
        : undefined;
    const calendar = this.checkCalendar(plan);
    this.calendar = calendar;
    this.checkTimezone(plan);

    tasks.forEach((task, index) => {
      if (!isPlain(task)) return;
      const path: Path = ['tasks', index];
      const name = this.describe(path);
      if (task.lead !== undefined) checkAgency([...path, 'lead'], `the lead (cơ quan chủ trì) of ${name} is`);
      if (Array.isArray(task.support)) {
        task.support.forEach((_, i) => checkAgency([...path, 'support', i], `the support agencies (cơ quan phối hợp) of ${name} include`));
      }
      if (Array.isArray(task.units)) {
        task.units.forEach((_, i) => checkAgency([...path, 'units', i], `the units of ${name} include`));
      } else if (isPlain(task.units)) {
        this.checkUnitsSelector(task.units, [...path, 'units'], agencies, checkAgency);
      }
      if (Array.isArray(task.dependsOn)) {
        task.dependsOn.forEach((dependency, i) => {
          if (isSlug(dependency) && !taskIds.has(dependency)) this.unknownTask([...path, 'dependsOn', i], dependency, taskIds);
        });
      }
      this.checkTarget(task, path);
      this.checkEscalation([...path, 'escalation'], checkAgency, roleNames);
      this.checkDeadline(task, path, taskIds, issuedOn, calendar);
      this.checkRecurrence(task, path, calendar);
    });

    this.checkCycles(tasks);
  }

  /** A { kind, parent | within } selector that picks no agency would silently drop the task from every unit. */
  private checkUnitsSelector(units: Plain, path: Path, agencies: unknown[], checkAgency: (path: Path, what: string) => void): void {
    const name = this.describe(path.slice(0, 2));
    if (units.parent !== undefined) checkAgency([...path, 'parent'], `the units of ${name} are under`);
    if (units.within !== undefined) checkAgency([...path, 'within'], `the units of ${name} are within`);
    if (typeof units.kind !== 'string') return;
    const { parent, within } = units;
    const exists = (id: unknown): boolean => agencies.some((agency) => isPlain(agency) && agency.id === id);
    if ((parent !== undefined && !exists(parent)) || (within !== undefined && !exists(within))) return;
    if (this.selectedUnits(units).length === 0) {
      const under = `${parent === undefined ? '' : ` under '${String(parent)}'`}${within === undefined ? '' : ` within '${String(within)}'`}`;
      this.error(
        'empty-units',
        this.nodeAt(path),
        `the units of ${name} select agencies of kind '${units.kind}'${under}, but the plan has none; add those agencies under 'agencies' (with \`parent: ${parent === undefined ? '<id>' : String(parent)}\` where needed) or list the unit ids instead`,
      );
    }
  }

  /** The unit ids a task's `units` picks, from the unchecked document (ids that are not slugs drop out). */
  private selectedUnits(units: unknown): string[] {
    if (Array.isArray(units)) return units.filter(isSlug);
    if (!isPlain(units) || typeof units.kind !== 'string') return [];
    const agencies = isPlain(this.root) && Array.isArray(this.root.agencies) ? this.root.agencies : [];
    const nodes: AgencyNode[] = agencies
      .filter((agency): agency is Plain => isPlain(agency) && isSlug(agency.id) && typeof agency.kind === 'string')
      .map((agency) => ({ id: agency.id as string, kind: agency.kind as string, ...(isSlug(agency.parent) ? { parent: agency.parent } : {}) }));
    const parent = isSlug(units.parent) ? units.parent : undefined;
    const within = isSlug(units.within) ? units.within : undefined;
    return selectUnits({ kind: units.kind, ...(parent ? { parent } : {}), ...(within ? { within } : {}) }, nodes);
  }

  /** Per-unit targets name units of the task, once each, and every copy has a value to reach. */
  private checkTarget(task: Plain, path: Path): void {
    const target = task.target;
    if (!isPlain(target)) return;
    const name = this.describe(path);
    const targetPath = [...path, 'target'];
    const perUnit = Array.isArray(target.perUnit) ? target.perUnit : undefined;
    if (perUnit && task.units === undefined) {
      this.error(
        'target-per-unit',
        this.keyNodeAt([...targetPath, 'perUnit']),
        `${name} has 'perUnit' targets but no 'units'; add \`units:\` (the agencies that each carry the task) or give one 'value' for the task`,
      );
      return;
    }
    const units = task.units === undefined ? [] : this.selectedUnits(task.units);
    const firstIndex = new Map<string, number>();
    const withValue = new Set<string>();
    perUnit?.forEach((entry, index) => {
      if (!isPlain(entry) || !isSlug(entry.agency)) return;
      const entryPath = [...targetPath, 'perUnit', index, 'agency'];
      const first = firstIndex.get(entry.agency);
      if (first !== undefined) {
        this.error(
          'target-per-unit',
          this.nodeAt(entryPath),
          `'${entry.agency}' has a second target in ${name} (the first is on line ${this.position(this.nodeAt([...targetPath, 'perUnit', first, 'agency'])).line}); keep one`,
        );
        return;
      }
      firstIndex.set(entry.agency, index);
      if (entry.value !== undefined) withValue.add(entry.agency);
      if (units.length > 0 && !units.includes(entry.agency)) {
        const suggestion = closest(entry.agency, units);
        this.error(
          'target-per-unit',
          this.nodeAt(entryPath),
          `'${entry.agency}' is not one of the units of ${name}; ${suggestion ? `did you mean '${suggestion}'?` : `use one of ${quoteList(units.slice(0, 5))}${units.length > 5 ? ', …' : ''}`}`,
        );
      }
    });
    if (target.value !== undefined) return;
    const withoutValue = units.filter((unit) => !withValue.has(unit));
    if (task.units === undefined || withoutValue.length > 0) {
      const shown = quoteList(withoutValue.slice(0, 5)) + (withoutValue.length > 5 ? ` and ${withoutValue.length - 5} more` : '');
      const which = withoutValue.length > 0 ? ` and ${shown} ${withoutValue.length === 1 ? 'has' : 'have'} none under 'perUnit'` : '';
      this.error(
        'missing-key',
        this.nodeAt(targetPath),
        `the target of ${name} has no 'value'${which}; add \`value: 100\` for every unit, or each unit's own value under 'perUnit'`,
      );
    }
  }

  /** Ids in file order; the second of a duplicate is reported, naming the first's line. */
  private collectIds(items: unknown[], listKey: string, kind: string): Map<string, number> {
    const ids = new Map<string, number>();
    items.forEach((item, index) => {
      if (!isPlain(item) || !isSlug(item.id)) return;
      const first = ids.get(item.id);
      if (first === undefined) {
        ids.set(item.id, index);
        return;
      }
      const firstLine = this.position(this.nodeAt([listKey, first, 'id'])).line;
      this.error(
        'duplicate-id',
        this.nodeAt([listKey, index, 'id']),
        `duplicate ${kind} id '${item.id}' (the first is on line ${firstLine}); give each ${kind} its own id`,
      );
    });
    return ids;
  }

  private unknownTask(path: Path, id: string, taskIds: Map<string, number>): void {
    const suggestion = closest(id, [...taskIds.keys()]);
    this.error(
      'unknown-reference',
      this.nodeAt(path),
      `${this.describe(path.slice(0, 2))} depends on '${id}', which is not a task of this plan; ${suggestion ? `did you mean '${suggestion}'?` : "use the id of a task listed under 'tasks'"}`,
    );
  }

  private checkEscalation(path: Path, checkAgency: (path: Path, what: string) => void, roleNames: Set<string>): void {
    const escalation = this.valueAt(path);
    if (!isPlain(escalation)) return;
    const owner = this.describe(path);
    if (Array.isArray(escalation.reminders)) {
      let previous: { seconds: number; text: string } | undefined;
      escalation.reminders.forEach((reminder, index) => {
        const seconds = durationSeconds(reminder);
        if (seconds === undefined) return;
        const node = this.nodeAt([...path, 'reminders', index]);
        if (seconds === 0) {
          this.error(
            'reminder-order',
            node,
            `reminder ${index + 1} of ${owner} is '${String(reminder)}', which is the deadline itself; reminders come before it (the ladder's first level handles the deadline), so remove it or write e.g. "1 working day"`,
          );
          return;
        }
        if (previous && seconds >= previous.seconds) {
          this.error(
            'reminder-order',
            node,
            `reminder ${index + 1} of ${owner} ('${String(reminder)}' before the deadline) does not come after reminder ${index} ('${previous.text}'); list reminders from the earliest to the latest, e.g. ["3 working days", "1 working day"]`,
          );
        }
        previous = { seconds, text: String(reminder) };
      });
    }
    if (Array.isArray(escalation.ladder)) {
      let previous: { seconds: number; text: string } | undefined;
      escalation.ladder.forEach((level, index) => {
        if (!isPlain(level)) return;
        const levelPath = [...path, 'ladder', index];
        const seconds = durationSeconds(level.after);
        if (seconds !== undefined) {
          if (previous && seconds <= previous.seconds) {
            this.error(
              'ladder-order',
              this.nodeAt([...levelPath, 'after']),
              `ladder level ${index + 1} of ${owner} comes '${String(level.after)}' after the deadline, not later than level ${index} ('${previous.text}'); each level's 'after' must be longer than the one before`,
            );
          }
          previous = { seconds, text: String(level.after) };
        }
        const to = level.to;
        if (isPlain(to) && to.agency !== undefined) checkAgency([...levelPath, 'to', 'agency'], `ladder level ${index + 1} of ${owner} goes to`);
        if (isPlain(to) && isSlug(to.role) && !roleNames.has(to.role)) {
          const suggestion = closest(to.role, [...roleNames]);
          this.error(
            'unknown-reference',
            this.nodeAt([...levelPath, 'to', 'role']),
            `ladder level ${index + 1} of ${owner} goes to role '${to.role}', which is not under 'roles'; ${suggestion ? `did you mean '${suggestion}'?` : `use one of ${quoteList([...roleNames])} or add it under 'roles'`}`,
          );
        }
      });
    }
  }

  private checkCalendar(plan: Plain): CalendarData | undefined {
    const source = this.options.calendars;
    if (!source || !isSlug(plan.calendar)) return undefined;
    let calendar: CalendarData | undefined;
    try {
      calendar = source.load(plan.calendar);
    } catch (error) {
      this.error(
        'invalid-calendar',
        this.nodeAt(['calendar']),
        `calendar '${plan.calendar}' cannot be used until its file is fixed: ${(error as Error).message}`,
      );
      return undefined;
    }
    if (calendar) return calendar;
    const names = source.names();
    const suggestion = closest(plan.calendar, names);
    this.error(
      'unknown-reference',
      this.nodeAt(['calendar']),
      `calendar '${plan.calendar}' does not exist in calendars/; ${suggestion ? `did you mean '${suggestion}'?` : names.length > 0 ? `write one of ${quoteList(names)}` : 'add calendars/<name>.yaml'}`,
    );
    return undefined;
  }

  private checkTimezone(plan: Plain): void {
    if (typeof plan.timezone !== 'string') return;
    try {
      new Intl.DateTimeFormat('en', { timeZone: plan.timezone });
    } catch {
      this.error(
        'invalid-value',
        this.nodeAt(['timezone']),
        `timezone '${plan.timezone}' is not an IANA timezone name; write Asia/Ho_Chi_Minh (Vietnam) or leave the key out`,
      );
    }
  }

  private warnCalendarYear(calendar: CalendarData | undefined, year: number, path: Path, what: string): void {
    if (!calendar || calendar.years.includes(year)) return;
    const key = `${String(path[1])}:${year}`;
    if (this.warnedYears.has(key)) return;
    this.warnedYears.add(key);
    const counted = calendar.statutoryHolidays
      ? `has not recorded the announcement of ${year} (it records ${calendar.years.join(', ')}); the law's holidays count, but Tết and the day next to 2/9 are defaults and no swapped day is known`
      : `has no holiday data (it covers ${calendar.years.join(', ')}); working days in ${year} will skip weekends only`;
    this.report(
      'warning',
      'calendar-year',
      this.nodeAt(path),
      `${what} falls in ${year}, for which calendar '${calendar.name}' ${counted}, so add ${year} to calendars/${calendar.name}.yaml once its holidays are announced`,
    );
  }

  private checkDeadline(
    task: Plain,
    path: Path,
    taskIds: Map<string, number>,
    issuedOn: string | undefined,
    calendar: CalendarData | undefined,
  ): void {
    const name = this.describe(path);
    const hasDeadline = task.deadline !== undefined && task.deadline !== null;
    const hasRecurrence = task.recurrence !== undefined && task.recurrence !== null;
    if (hasDeadline && hasRecurrence) {
      this.error(
        'deadline-or-recurrence',
        this.keyNodeAt([...path, 'recurrence']),
        `${name} has both 'deadline' and 'recurrence'; a recurring task gets a deadline per occurrence, so remove one of them`,
      );
    } else if (!hasDeadline && !hasRecurrence && !this.hasUnknownKeyLike(path, ['deadline', 'recurrence'])) {
      this.error(
        'deadline-or-recurrence',
        this.nodeAt(path),
        `${name} has no 'deadline'; add \`deadline: 2022-12-25\`, \`deadline: { within: "10 working days", after: issue }\`, \`deadline: none\` for ongoing work (thường xuyên), or a 'recurrence'`,
      );
    }
    const deadline = task.deadline;
    if (typeof deadline === 'string' && DATE_SHAPE.test(deadline) && !impossibleDateReason(deadline)) {
      // A date-time is compared by its date: a deadline on the issue day is fine at any hour.
      const date = deadline.slice(0, 10);
      if (issuedOn && date < issuedOn) {
        this.error(
          'deadline-before-issue',
          this.nodeAt([...path, 'deadline']),
          `the deadline of ${name} (${date}) is before the plan's issue date (${issuedOn}); a task cannot be due before it is assigned, so check the year and the month`,
        );
      }
      this.warnCalendarYear(calendar, Number(date.slice(0, 4)), [...path, 'deadline'], `the deadline of ${name}`);
    }
    if (isPlain(deadline) && deadline.after === ISSUE_ANCHOR && issuedOn && calendar) {
      const date = this.dateAfterIssue(issuedOn, deadline.within, calendar);
      if (date) this.warnCalendarYear(calendar, Number(date.slice(0, 4)), [...path, 'deadline'], `the deadline of ${name} (${date})`);
    }
    if (isPlain(deadline) && isSlug(deadline.after)) {
      const anchor = deadline.after;
      if (!(RESERVED_ANCHORS as readonly string[]).includes(anchor) && !taskIds.has(anchor)) {
        const suggestion = closest(anchor, [...RESERVED_ANCHORS, ...taskIds.keys()]);
        this.error(
          'unknown-reference',
          this.nodeAt([...path, 'deadline', 'after']),
          `the deadline of ${name} counts from '${anchor}', which is neither 'issue', 'applied' nor a task of this plan; ${suggestion ? `did you mean '${suggestion}'?` : "write 'issue' or the id of a task"}`,
        );
      }
    }
  }

  /** The local date a "within … after issue" deadline lands on, when it can be computed. */
  private dateAfterIssue(issuedOn: string, within: unknown, calendar: CalendarData): string | undefined {
    if (typeof within !== 'string' || !durationSchema.safeParse(within).success) return undefined;
    const timezone = isPlain(this.root) && typeof this.root.timezone === 'string' ? this.root.timezone : DEFAULT_TIMEZONE;
    try {
      return deadlineLocal(deadlineAfterDate(issuedOn, parseDuration(within), calendar, timezone), timezone).date;
    } catch {
      // An invalid timezone is reported on its own line; the year cannot be known without it.
      return undefined;
    }
  }

  /** An unknown key that is a typo of one of these names already explains what is missing. */
  private hasUnknownKeyLike(path: Path, names: string[]): boolean {
    const node = this.nodeAt(path);
    if (!isMap(node)) return false;
    return (node as YAMLMap).items.some((pair) => {
      if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value !== 'string') return false;
      const key = pair.key.value;
      return !names.includes(key) && closest(key, names) !== undefined;
    });
  }

  private checkRecurrence(task: Plain, path: Path, calendar: CalendarData | undefined): void {
    const recurrence = task.recurrence;
    if (!isPlain(recurrence)) return;
    const recurrencePath = [...path, 'recurrence'];
    const name = this.describe(path);
    const every = recurrence.every;
    if (recurrence.weekday !== undefined && every !== 'week' && typeof every === 'string') {
      this.error(
        'recurrence',
        this.keyNodeAt([...recurrencePath, 'weekday']),
        `'weekday' only applies to weekly recurrences, but ${name} recurs every ${every}; use 'day' (day of the month) instead`,
      );
    }
    if (recurrence.day !== undefined && every === 'week') {
      this.error(
        'recurrence',
        this.keyNodeAt([...recurrencePath, 'day']),
        `'day' (day of the month) only applies to monthly and quarterly recurrences, but ${name} recurs every week; use 'weekday' (1 = Monday … 7 = Sunday) instead`,
      );
    }
    const { from, until } = recurrence;
    const realDate = (value: unknown): value is string =>
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !impossibleDateReason(value);
    if (realDate(from) && realDate(until)) {
      if (until < from) {
        this.error(
          'recurrence',
          this.nodeAt([...recurrencePath, 'until']),
          `the recurrence of ${name} ends (until ${until}) before it starts (from ${from}); 'until' must be on or after 'from'`,
        );
        return;
      }
      for (let year = Number(from.slice(0, 4)); year <= Number(until.slice(0, 4)); year++) {
        this.warnCalendarYear(calendar, year, [...recurrencePath, year === Number(from.slice(0, 4)) ? 'from' : 'until'], `the recurrence of ${name}`);
      }
    }
  }

  /** Cycles through dependsOn and deadline.after; each cycle reported once, at the edge that closes it. */
  private checkCycles(tasks: unknown[]): void {
    interface Edge {
      to: string;
      path: Path;
    }
    const edges = new Map<string, Edge[]>();
    const order: string[] = [];
    tasks.forEach((task, index) => {
      if (!isPlain(task) || !isSlug(task.id) || edges.has(task.id)) return;
      const list: Edge[] = [];
      const add = (to: unknown, path: Path): void => {
        if (isSlug(to) && !list.some((edge) => edge.to === to)) list.push({ to, path });
      };
      if (Array.isArray(task.dependsOn)) task.dependsOn.forEach((to, i) => add(to, ['tasks', index, 'dependsOn', i]));
      if (isPlain(task.deadline) && !(RESERVED_ANCHORS as readonly unknown[]).includes(task.deadline.after)) {
        add(task.deadline.after, ['tasks', index, 'deadline', 'after']);
      }
      edges.set(task.id, list);
      order.push(task.id);
    });
    // Depth-first with an explicit stack: a valid chain of thousands of tasks must not overflow
    // the call stack. `stack` holds the path from the root; `position` where each node's edge scan is.
    const state = new Map<string, 'active' | 'done'>();
    for (const root of order) {
      if (state.has(root)) continue;
      const stack: string[] = [root];
      const position: number[] = [0];
      const onStack = new Map<string, number>([[root, 0]]);
      state.set(root, 'active');
      while (stack.length > 0) {
        const depth = stack.length - 1;
        const id = stack[depth]!;
        const list = edges.get(id) ?? [];
        const index = position[depth]!;
        if (index >= list.length) {
          stack.pop();
          position.pop();
          onStack.delete(id);
          state.set(id, 'done');
          continue;
        }
        position[depth] = index + 1;
        const edge = list[index]!;
        if (!edges.has(edge.to)) continue;
        const seen = state.get(edge.to);
        if (seen === 'active') {
          const whole = [...stack.slice(onStack.get(edge.to)), edge.to];
          // A cycle through thousands of tasks is named by its ends, not listed in full.
          const cycle = whole.length > 12 ? [...whole.slice(0, 5), `… (${whole.length - 10} more)`, ...whole.slice(-5)] : whole;
          const self = whole.length === 2;
          this.error(
            'dependency-cycle',
            this.nodeAt(edge.path),
            self
              ? `dependency cycle (vòng phụ thuộc): ${cycle.join(' → ')}; task '${id}' cannot wait for itself, so count its deadline from 'issue' or from another task`
              : `dependency cycle (vòng phụ thuộc): ${cycle.join(' → ')}; none of these tasks could ever start, so remove one of these dependencies (dependsOn or deadline.after)`,
          );
        } else if (seen === undefined) {
          state.set(edge.to, 'active');
          onStack.set(edge.to, stack.length);
          stack.push(edge.to);
          position.push(0);
        }
      }
    }
  }

  /**
   * Reminders and ladder steps land around the deadline, sometimes in the next year: warn about
   * those in a year the calendar has no announcement for, as for deadlines. Needs a parsed plan.
   */
  warnTimetableYears(plan: Plan): void {
    const calendar = this.calendar;
    if (!calendar) return;
    const indexOf = new Map(plan.tasks.map((task, index) => [task.id, index]));
    // The copies of a task with units share its deadline and its delays: check each once.
    const checked = new Set<string>();
    // Roll-ups (no ladder of their own) are left out: their copies carry the instants.
    for (const spec of compilePlan(plan, calendar).filter((candidate) => !candidate.members)) {
      if (spec.deadline.kind !== 'instant' || checked.has(`${spec.taskId}@${spec.deadline.at}`)) continue;
      checked.add(`${spec.taskId}@${spec.deadline.at}`);
      const index = indexOf.get(spec.taskId)!;
      const entries = taskTimetable({ deadlineAt: spec.deadline.at, policy: spec.escalation, calendar, timezone: spec.timezone });
      for (const entry of entries) {
        const [year] = unannouncedYears(calendar, [entry.at], spec.timezone);
        if (year === undefined) continue;
        const where = plan.tasks[index]!.recurrence ? 'recurrence' : 'deadline';
        const what = entry.kind === 'escalation' ? `escalation level ${entry.level}` : entry.kind === 'reminder' ? 'a reminder' : 'the deadline';
        this.warnCalendarYear(
          calendar,
          year,
          ['tasks', index, where],
          `${what} of ${this.describe(['tasks', index])} (${formatDeadlineVi(entry.at, spec.timezone)})`,
        );
      }
    }
  }

  /** Safety net: anything zod rejects that the passes above did not explain. */
  finalParse(): Plan | undefined {
    const result = planSchema.safeParse(this.root);
    if (result.success) return result.data;
    if (this.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return undefined;
    for (const issue of result.error.issues) {
      const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
      this.error('invalid-value', this.nodeAt(path), `${path.length ? this.field(path) : 'the plan'}: ${issue.message}`);
    }
    return undefined;
  }
}

/**
 * Every diagnostic of a parsed document, in document order, and the plan when there is no error.
 * The caller parses with a LineCounter so that positions are 1-based lines and columns.
 */
export function validatePlanText(text: string, file: string, options: ValidateOptions = {}): { plan?: Plan; diagnostics: Diagnostic[] } {
  const tooLarge = checkPlanTextBounds(text, file);
  if (tooLarge.length > 0) return { diagnostics: tooLarge };
  const lineCounter = new LineCounter();
  // Duplicate keys are found by the structural pass, which can name the mapping and the first key's line.
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false, uniqueKeys: false });
  return validatePlanDocument(doc, lineCounter, file, options, text);
}

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

export function validatePlanDocument(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  file: string,
  options: ValidateOptions = {},
  text?: string,
): { plan?: Plan; diagnostics: Diagnostic[] } {
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
  if (doc.errors.length > 0) return { diagnostics: sortDiagnostics(diagnostics) };
  // Sizes, aliases, control characters and years first: the walk below is what they make costly.
  const outOfBounds = checkDocumentBounds(doc, lineCounter, file);
  if (outOfBounds.length > 0) return { diagnostics: sortDiagnostics([...diagnostics, ...outOfBounds]) };

  const checker = new PlanChecker(doc, lineCounter, file, options);
  checker.checkStructure();
  checker.checkSemantics();
  const plan = checker.finalParse();
  // Counted before anything compiles the plan: units × occurrences can make compiling cost minutes.
  const tooCostly = plan ? checkCompileCost(plan, doc, lineCounter, file) : [];
  if (plan && tooCostly.length === 0 && !checker.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) checker.warnTimetableYears(plan);
  diagnostics.push(...checker.diagnostics, ...tooCostly);
  const sorted = sortDiagnostics(diagnostics);
  const hasError = sorted.some((diagnostic) => diagnostic.severity === 'error');
  return hasError || !plan ? { diagnostics: sorted } : { plan, diagnostics: sorted };
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

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

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
): Diagnostic[] {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const written = /^#\s*yaml-language-server:\s*\$schema=(\S*plan\.schema\.json)\s*$/.exec(firstLine)?.[1];
  const warning = (message: string): Diagnostic[] => [{ file, line: 1, col: 1, severity: 'warning', code: 'schema-comment', message }];
  if (written === undefined) {
    return warning(`the file does not start with the editor schema comment; make this the first line: ${schemaComment(expectedSchemaPath)}`);
  }
  if (!/^[a-z]+:\/\//i.test(written) && !pointsAtSchema(written)) {
    return warning(
      `the editor schema comment points at '${written}', which does not exist from this file's folder; write: ${schemaComment(expectedSchemaPath)}`,
    );
  }
  return [];
}
