/**
 * Limits checked before the real work: a plan file is parsed by yaml, walked by the validator and
 * compiled into one task workflow per task, unit and occurrence, and each of these steps can be
 * made to cost minutes and gigabytes by a small file. These checks run first and cheaply, so that a
 * hostile or mistaken file is refused in bounded time with a message at the place to fix.
 *
 * The documented limits (plans/README.md repeats them for authors):
 * - a plan file of at most MAX_PLAN_BYTES;
 * - at most MAX_TASKS tasks and MAX_AGENCIES agencies;
 * - at most MAX_TASK_WORKFLOWS task workflows (tasks × units × occurrences) per plan, and at most
 *   MAX_OCCURRENCES occurrences of one recurring task;
 * - YAML aliases expanding to at most MAX_ALIAS_EXPANSION nodes;
 * - text without control characters other than tab and line breaks;
 * - dates in the years MIN_YEAR–MAX_YEAR.
 */
import { isMap, isScalar, isSeq, visit, type Document, type LineCounter, type Node } from 'yaml';
import { expandUnits } from './compile';
import type { Plan, Recurrence } from './schema';
import type { Diagnostic } from './validate';
import { validateTranslator, type ValidateTranslate } from './validate/types';

// Sized for the largest real plan: the whole country before 1/7/2025 in one file (10,035 communes,
// ~11,000 agencies with districts and provinces, two tasks per commune: ~20,000 task workflows).
export const MAX_PLAN_BYTES = 8 * 1024 * 1024;
export const MAX_TASKS = 5_000;
export const MAX_AGENCIES = 20_000;
export const MAX_TASK_WORKFLOWS = 50_000;
/** A recurring task's occurrences: weekly reports for 19 years, monthly for 83. */
export const MAX_OCCURRENCES = 1_000;
export const MAX_ALIAS_EXPANSION = 1_000;
/** Deeper indentation than any plan needs; the YAML parser's cost grows steeply with block depth. */
export const MAX_INDENT = 200;
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

/** C0 controls except tab, line feed and carriage return; DEL; C1 controls (ANSI escapes start with ESC). */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const DATE_VALUE = /^(\d{4})-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function describeCharacter(char: string, t: ValidateTranslate): string {
  const code = char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0) return t('validate:bounds.nul', { hex });
  if (code === 0x1b) return t('validate:bounds.escape', { hex });
  return t('validate:bounds.control', { hex });
}

interface Located {
  lineCounter: LineCounter;
  file: string;
}

function diagnosticAt(where: Located, offset: number | undefined, code: string, message: string): Diagnostic {
  const { line, col } = offset === undefined ? { line: 1, col: 1 } : where.lineCounter.linePos(offset);
  return { file: where.file, line, col, severity: 'error', code, message };
}

/**
 * Plan files are UTF-8; a file in another encoding (or cut in the middle of a character) would
 * otherwise be read with replacement characters and its names silently changed.
 */
export function decodePlanBytes(
  bytes: Uint8Array,
  file: string,
  t: ValidateTranslate = validateTranslator(),
): { text: string } | { diagnostic: Diagnostic } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Find the first byte that breaks the decoding, to point at its line.
    let good = 0;
    for (let end = 1; end <= bytes.length; end++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(good, end));
        good = end;
      } catch {
        if (end - good >= 4) break;
      }
    }
    const before = Buffer.from(bytes.subarray(0, good)).toString('utf8');
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    return {
      diagnostic: {
        file,
        line,
        col,
        severity: 'error',
        code: 'encoding',
        message: t('validate:bounds.notUtf8'),
      },
    };
  }
}

/** Checks on the text before it is parsed. */
export function checkPlanTextBounds(text: string, file: string, t: ValidateTranslate = validateTranslator()): Diagnostic[] {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PLAN_BYTES) {
    return [
      {
        file,
        line: 1,
        col: 1,
        severity: 'error',
        code: 'too-large',
        message: t('validate:bounds.tooLarge', { size: (bytes / 1024 / 1024).toFixed(1), limit: MAX_PLAN_BYTES / 1024 / 1024 }),
      },
    ];
  }
  let line = 1;
  for (let start = 0; start < text.length; line++) {
    const end = text.indexOf('\n', start);
    let indent = 0;
    while (text.charCodeAt(start + indent) === 32) indent++;
    if (indent > MAX_INDENT) {
      return [
        {
          file,
          line,
          col: 1,
          severity: 'error',
          code: 'too-deep',
          message: t('validate:bounds.tooDeep', { indent, limit: MAX_INDENT }),
        },
      ];
    }
    if (end === -1) break;
    start = end + 1;
  }
  return [];
}

/**
 * Checks on the parsed document, before the validator walks it: aliases, sizes, control
 * characters and years. Any error here stops validation, because the walk itself is what a
 * hostile document makes expensive.
 */
export function checkDocumentBounds(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  file: string,
  t: ValidateTranslate = validateTranslator(),
): Diagnostic[] {
  const where: Located = { lineCounter, file };
  const diagnostics: Diagnostic[] = [];

  let firstAlias: Node | undefined;
  visit(doc, {
    Alias: (_key, node) => {
      firstAlias ??= node;
      return visit.BREAK;
    },
  });
  if (firstAlias) {
    try {
      doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      return [diagnosticAt(where, firstAlias.range?.[0], 'yaml-aliases', t('validate:bounds.aliases', { limit: MAX_ALIAS_EXPANSION }))];
    }
  }

  const contents = doc.contents;
  if (isMap(contents)) {
    for (const [key, limit, what, message] of [
      ['tasks', MAX_TASKS, 'tasks', 'validate:bounds.tooManyTasks'],
      ['agencies', MAX_AGENCIES, 'agencies', 'validate:bounds.tooManyAgencies'],
    ] as const) {
      const list = contents.get(key, true);
      if (isSeq(list) && list.items.length > limit) {
        const pair = contents.items.find((item) => isScalar(item.key) && item.key.value === key);
        diagnostics.push(
          diagnosticAt(where, (pair?.key as Node | undefined)?.range?.[0], `too-many-${what}`, t(message, { listed: list.items.length, limit })),
        );
      }
    }
  }

  visit(doc, {
    Scalar: (_key, node) => {
      if (typeof node.value !== 'string') return;
      const value = node.value;
      const control = CONTROL_CHARACTER.exec(value);
      if (control || UNPAIRED_SURROGATE.test(value)) {
        const what = control ? describeCharacter(control[0], t) : t('validate:bounds.surrogate');
        diagnostics.push(diagnosticAt(where, node.range?.[0], 'control-character', t('validate:bounds.controlCharacter', { what })));
        return;
      }
      const date = DATE_VALUE.exec(value);
      if (date) {
        const year = Number(date[1]);
        if (year < MIN_YEAR || year > MAX_YEAR) {
          diagnostics.push(
            diagnosticAt(
              where,
              node.range?.[0],
              'unsupported-year',
              t('validate:bounds.unsupportedYear', { value, year, min: MIN_YEAR, max: MAX_YEAR }),
            ),
          );
        }
      }
    },
  });
  return diagnostics;
}

/** At most how many occurrences a recurrence has (an upper bound, without listing them). */
export function occurrenceBound(recurrence: Pick<Recurrence, 'every' | 'from' | 'until'>): number {
  const from = Date.parse(`${recurrence.from}T00:00:00Z`);
  const until = Date.parse(`${recurrence.until}T00:00:00Z`);
  if (!(until >= from)) return 0;
  if (recurrence.every === 'week') return Math.floor((until - from) / (7 * 86_400_000)) + 1;
  const months =
    (Number(recurrence.until.slice(0, 4)) - Number(recurrence.from.slice(0, 4))) * 12 +
    (Number(recurrence.until.slice(5, 7)) - Number(recurrence.from.slice(5, 7))) +
    1;
  return recurrence.every === 'month' ? months : Math.floor(months / 3) + 1;
}

/**
 * How many task workflows the plan compiles to, counted before compiling: tasks × units ×
 * occurrences. Refused beyond MAX_TASK_WORKFLOWS at the task that contributes most.
 */
export function checkCompileCost(
  plan: Plan,
  doc: Document.Parsed,
  lineCounter: LineCounter,
  file: string,
  t: ValidateTranslate = validateTranslator(),
): Diagnostic[] {
  let total = 0;
  let largest = { index: -1, count: 0 };
  const tooLong: Diagnostic[] = [];
  plan.tasks.forEach((task, index) => {
    const units = task.units ? expandUnits(task, plan).length : 1;
    const occurrences = task.recurrence ? occurrenceBound(task.recurrence) : 1;
    if (occurrences > MAX_OCCURRENCES) {
      const node = doc.getIn(['tasks', index, 'recurrence'], true) as Node | undefined;
      tooLong.push(
        diagnosticAt(
          { lineCounter, file },
          node?.range?.[0],
          'too-many-occurrences',
          t('validate:bounds.tooManyOccurrences', { id: task.id, occurrences, limit: MAX_OCCURRENCES }),
        ),
      );
    }
    const count = units * occurrences;
    total += count;
    if (count > largest.count) largest = { index, count };
  });
  if (tooLong.length > 0) return tooLong;
  if (total <= MAX_TASK_WORKFLOWS) return [];
  const node = doc.getIn(['tasks', largest.index], true) as Node | undefined;
  const task = plan.tasks[largest.index]!;
  return [
    diagnosticAt(
      { lineCounter, file },
      node?.range?.[0],
      'too-many-task-workflows',
      t('validate:bounds.tooManyWorkflows', { total, limit: MAX_TASK_WORKFLOWS, id: task.id, largest: largest.count }),
    ),
  ];
}
