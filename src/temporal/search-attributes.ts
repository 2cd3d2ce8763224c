/**
 * Typed search attributes kept current by task workflows, so that
 * `temporal workflow list --query "KehoachLead='so-tu-phap' AND KehoachCategory='open_overdue'"`
 * finds one agency's overdue tasks. Registered by the dev server at start (see dev-server.ts);
 * a production cluster registers them once with `temporal operator search-attribute create`.
 */
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributePair,
  type SearchAttributeUpdatePair,
  type TypedSearchAttributes,
} from '@temporalio/common';
import type { TaskStateView } from '../domain/task-view';

export const planIdKey = defineSearchAttributeKey('KehoachPlan', SearchAttributeType.KEYWORD);
export const leadAgencyKey = defineSearchAttributeKey('KehoachLead', SearchAttributeType.KEYWORD);
export const progressKey = defineSearchAttributeKey('KehoachProgress', SearchAttributeType.KEYWORD);
export const categoryKey = defineSearchAttributeKey('KehoachCategory', SearchAttributeType.KEYWORD);
export const deadlineKey = defineSearchAttributeKey('KehoachDeadline', SearchAttributeType.DATETIME);
export const escalationLevelKey = defineSearchAttributeKey('KehoachLevel', SearchAttributeType.INT);

export const allSearchAttributeKeys = [planIdKey, leadAgencyKey, progressKey, categoryKey, deadlineKey, escalationLevelKey];

/** What a task's search attributes hold, in the form the task workflow compares (the deadline as ISO text). */
export interface TaskSearchValues {
  plan: string;
  lead: string;
  progress: string;
  category: string;
  deadline: string | null;
  level: number;
}

/** The search attributes a task's state calls for: the workflow's and its start's, one rule. */
export function taskSearchValues(view: TaskStateView): TaskSearchValues {
  return {
    plan: view.planId,
    lead: view.spec.lead,
    progress: view.progress,
    category: view.category,
    deadline: view.facts.deadlineAt ?? null,
    level: view.escalationLevel,
  };
}

/** The pairs to upsert; a task without a deadline clears it (`null`). */
export function taskSearchAttributePairs(values: TaskSearchValues): SearchAttributeUpdatePair[] {
  return [
    { key: planIdKey, value: values.plan },
    { key: leadAgencyKey, value: values.lead },
    { key: progressKey, value: values.progress },
    { key: categoryKey, value: values.category },
    { key: deadlineKey, value: values.deadline ? new Date(values.deadline) : null },
    { key: escalationLevelKey, value: values.level },
  ];
}

/** The pairs to start a workflow with: those that have a value. */
export function taskStartSearchAttributes(values: TaskSearchValues): SearchAttributePair[] {
  return taskSearchAttributePairs(values).filter((pair): pair is SearchAttributePair => pair.value !== null);
}

/** The values a workflow was started with, in the same form, to see whether its state calls for an upsert. */
export function startedSearchValues(attributes: TypedSearchAttributes): TaskSearchValues {
  return {
    plan: attributes.get(planIdKey) ?? '',
    lead: attributes.get(leadAgencyKey) ?? '',
    progress: attributes.get(progressKey) ?? '',
    category: attributes.get(categoryKey) ?? '',
    deadline: attributes.get(deadlineKey)?.toISOString() ?? null,
    level: attributes.get(escalationLevelKey) ?? -1,
  };
}

const cliTypeNames: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.INT]: 'Int',
};

/** `--search-attribute NAME=Type` arguments for `temporal server start-dev`. */
export function searchAttributeCliArgs(): string[] {
  return allSearchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeNames[key.type]}`]);
}
