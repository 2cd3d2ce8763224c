/**
 * What applying a plan would change, task workflow by task workflow and field by field: the
 * compiled specs of the applied version against the newly compiled ones. Pure functions, shared by
 * `kehoach diff`, `kehoach apply` and the API.
 */
import { durationText, translator, type Translate } from '../i18n';
import { deadlineParts } from '../plan/calendar';
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

const DURATION_UNITS: readonly Duration['unit'][] = ['working_day', 'day', 'hour', 'minute', 'second'];

function isDuration(value: unknown): value is Duration {
  return (
    isPlainObject(value) &&
    typeof value.amount === 'number' &&
    typeof value.unit === 'string' &&
    (DURATION_UNITS as readonly string[]).includes(value.unit) &&
    Object.keys(value).length === 2
  );
}

/** A deadline as people write it: the day alone when it ends the day, else with its time. */
function deadlineWords(instant: string, timeZone: string, t: Translate): string {
  const { date, time } = deadlineParts(instant, timeZone);
  return time === undefined ? date : t('apply:diff.timeOfDay', { time, date });
}

export function formatValue(value: unknown, timeZone = 'Asia/Ho_Chi_Minh', t: Translate = translator()): string {
  if (value === undefined) return t('apply:diff.absent');
  if (typeof value === 'string') return ISO_INSTANT.test(value) ? deadlineWords(value, timeZone, t) : JSON.stringify(value);
  if (isDuration(value)) return durationText(value, t);
  return JSON.stringify(value as Json);
}

/** One line per field; long lists (calendar days) show what was added and removed instead of both lists. */
function formatFieldChange(change: FieldChange, timeZone: string, t: Translate): string {
  const { before, after } = change;
  if (Array.isArray(before) && Array.isArray(after) && before.length + after.length > 12) {
    const beforeSet = new Set(before.map((item) => JSON.stringify(item)));
    const afterSet = new Set(after.map((item) => JSON.stringify(item)));
    const added = [...afterSet].filter((item) => !beforeSet.has(item));
    const removed = [...beforeSet].filter((item) => !afterSet.has(item));
    const pieces = [];
    if (added.length) pieces.push(t('apply:diff.listAdded', { items: added.join(', ') }));
    if (removed.length) pieces.push(t('apply:diff.listRemoved', { items: removed.join(', ') }));
    return `${change.field}: ${pieces.join('; ') || t('apply:diff.listReordered')}`;
  }
  return `${change.field}: ${formatValue(before, timeZone, t)} → ${formatValue(after, timeZone, t)}`;
}

function label(entry: TaskDiffEntry): string {
  let name = entry.taskId;
  if (entry.unitId) name += ` @ ${entry.unitId}`;
  if (entry.occurrence) name += ` # ${entry.occurrence}`;
  return `${name}  ${entry.title}`;
}

function deadlineText(spec: TaskSpec, t: Translate): string {
  switch (spec.deadline.kind) {
    case 'instant':
      return t('apply:diff.deadline', { deadline: deadlineWords(spec.deadline.at, spec.timezone, t) });
    case 'after_task':
      return t('apply:diff.deadlineAfterTask', { duration: durationText(spec.deadline.within, t), task: spec.deadline.taskId });
    default:
      return t('apply:diff.noDeadline');
  }
}

/** The human-readable diff printed by `kehoach diff` and `kehoach apply`, in the language of `t`. */
export function formatPlanDiff(diff: PlanDiff, t: Translate = translator()): string {
  if (!hasChanges(diff)) return t('apply:diff.none', { planId: diff.planId });
  const lines = [t('apply:diff.summary', { planId: diff.planId, added: diff.added, changed: diff.changed, removed: diff.removed })];
  for (const entry of diff.entries) {
    if (entry.change === 'added') lines.push(`+ ${label(entry)}  (${deadlineText(entry.spec, t)})`);
    else if (entry.change === 'removed') lines.push(`- ${label(entry)}`);
    else {
      lines.push(`~ ${label(entry)}`);
      for (const field of entry.fields ?? []) lines.push(`    ${formatFieldChange(field, entry.spec.timezone, t)}`);
    }
  }
  return lines.join('\n');
}
