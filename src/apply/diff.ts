/**
 * What applying a plan would change, task workflow by task workflow and field by field: the
 * compiled specs of the applied version against the newly compiled ones. Pure functions, shared by
 * `kehoach diff`, `kehoach apply` and the API.
 */
import { formatDeadlineVi } from '../plan/calendar';
import type { Duration, TaskSpec } from '../plan/model';
import { taskWorkflowId } from '../workflows/ids';

export interface FieldChange {
  /** Path inside the spec, for example `deadline.at` or `escalation.ladder[1].after`. */
  field: string;
  before: unknown;
  after: unknown;
}

export interface TaskDiffEntry {
  workflowId: string;
  taskId: string;
  unitId?: string;
  occurrence?: string;
  title: string;
  change: 'added' | 'changed' | 'removed';
  /** For changed tasks: every field that differs. */
  fields?: FieldChange[];
  /** The spec after the change (the applied one for removed tasks). */
  spec: TaskSpec;
}

export interface PlanDiff {
  planId: string;
  entries: TaskDiffEntry[];
  added: number;
  changed: number;
  removed: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** Leaf-level differences; arrays of plain values (holidays, supporting agencies) count as one field. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffValues(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && !before.every(isPrimitive)) {
    return before.flatMap((item, index) => diffValues(item, after[index], `${path}[${index}]`));
  }
  return [{ field: path, before, after }];
}

function entryOf(spec: TaskSpec, change: TaskDiffEntry['change'], fields?: FieldChange[]): TaskDiffEntry {
  const entry: TaskDiffEntry = { workflowId: taskWorkflowId(spec), taskId: spec.taskId, title: spec.title, change, spec };
  if (spec.unitId) entry.unitId = spec.unitId;
  if (spec.occurrence) entry.occurrence = spec.occurrence;
  if (fields) entry.fields = fields;
  return entry;
}

/** Added, changed and removed task workflows, in the order of the new specs, removed ones last. */
export function diffSpecs(planId: string, applied: TaskSpec[], next: TaskSpec[]): PlanDiff {
  const before = new Map(applied.map((spec) => [taskWorkflowId(spec), spec]));
  const entries: TaskDiffEntry[] = [];
  const seen = new Set<string>();
  for (const spec of next) {
    const workflowId = taskWorkflowId(spec);
    seen.add(workflowId);
    const old = before.get(workflowId);
    if (!old) {
      entries.push(entryOf(spec, 'added'));
      continue;
    }
    if (old.specHash === spec.specHash) continue;
    const { specHash: _oldHash, ...oldRest } = old;
    const { specHash: _newHash, ...newRest } = spec;
    entries.push(entryOf(spec, 'changed', diffValues(oldRest, newRest)));
  }
  for (const [workflowId, spec] of before) {
    if (!seen.has(workflowId)) entries.push(entryOf(spec, 'removed'));
  }
  return {
    planId,
    entries,
    added: entries.filter((entry) => entry.change === 'added').length,
    changed: entries.filter((entry) => entry.change === 'changed').length,
    removed: entries.filter((entry) => entry.change === 'removed').length,
  };
}

export function hasChanges(diff: PlanDiff): boolean {
  return diff.entries.length > 0;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const DURATION_WORDS: Record<Duration['unit'], string> = {
  working_day: 'ngày làm việc',
  day: 'ngày',
  hour: 'giờ',
  minute: 'phút',
  second: 'giây',
};

function isDuration(value: unknown): value is Duration {
  return (
    isPlainObject(value) &&
    typeof value.amount === 'number' &&
    typeof value.unit === 'string' &&
    value.unit in DURATION_WORDS &&
    Object.keys(value).length === 2
  );
}

export function formatValue(value: unknown, timeZone = 'Asia/Ho_Chi_Minh'): string {
  if (value === undefined) return '(không có)';
  if (typeof value === 'string') return ISO_INSTANT.test(value) ? formatDeadlineVi(value, timeZone) : JSON.stringify(value);
  if (isDuration(value)) return `${value.amount} ${DURATION_WORDS[value.unit]}`;
  return JSON.stringify(value as Json);
}

/** One line per field; long lists (calendar days) show what was added and removed instead of both lists. */
function formatFieldChange(change: FieldChange, timeZone: string): string {
  const { before, after } = change;
  if (Array.isArray(before) && Array.isArray(after) && before.length + after.length > 12) {
    const beforeSet = new Set(before.map((item) => JSON.stringify(item)));
    const afterSet = new Set(after.map((item) => JSON.stringify(item)));
    const added = [...afterSet].filter((item) => !beforeSet.has(item));
    const removed = [...beforeSet].filter((item) => !afterSet.has(item));
    const pieces = [];
    if (added.length) pieces.push(`thêm ${added.join(', ')}`);
    if (removed.length) pieces.push(`bớt ${removed.join(', ')}`);
    return `${change.field}: ${pieces.join('; ') || 'đổi thứ tự'}`;
  }
  return `${change.field}: ${formatValue(before, timeZone)} → ${formatValue(after, timeZone)}`;
}

function label(entry: TaskDiffEntry): string {
  let name = entry.taskId;
  if (entry.unitId) name += ` @ ${entry.unitId}`;
  if (entry.occurrence) name += ` # ${entry.occurrence}`;
  return `${name}  ${entry.title}`;
}

function deadlineText(spec: TaskSpec): string {
  switch (spec.deadline.kind) {
    case 'instant':
      return `hạn ${formatDeadlineVi(spec.deadline.at, spec.timezone)}`;
    case 'after_task':
      return `hạn ${formatValue(spec.deadline.within)} sau khi xong ${spec.deadline.taskId}`;
    default:
      return 'không thời hạn';
  }
}

/** The human-readable diff printed by `kehoach diff` and `kehoach apply`. */
export function formatPlanDiff(diff: PlanDiff): string {
  if (!hasChanges(diff)) return `Kế hoạch ${diff.planId}: không có thay đổi.`;
  const lines = [`Kế hoạch ${diff.planId}: ${diff.added} nhiệm vụ thêm, ${diff.changed} sửa, ${diff.removed} bỏ.`];
  for (const entry of diff.entries) {
    if (entry.change === 'added') lines.push(`+ ${label(entry)}  (${deadlineText(entry.spec)})`);
    else if (entry.change === 'removed') lines.push(`- ${label(entry)}`);
    else {
      lines.push(`~ ${label(entry)}`);
      for (const field of entry.fields ?? []) lines.push(`    ${formatFieldChange(field, entry.spec.timezone)}`);
    }
  }
  return lines.join('\n');
}
