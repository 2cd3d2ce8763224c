/**
 * Typed search attributes kept current by task workflows, so that
 * `temporal workflow list --query "KehoachLead='so-tu-phap' AND KehoachCategory='open_overdue'"`
 * finds one agency's overdue tasks. Registered by the dev server at start (see dev-server.ts);
 * a production cluster registers them once with `temporal operator search-attribute create`.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const planIdKey = defineSearchAttributeKey('KehoachPlan', SearchAttributeType.KEYWORD);
export const leadAgencyKey = defineSearchAttributeKey('KehoachLead', SearchAttributeType.KEYWORD);
export const progressKey = defineSearchAttributeKey('KehoachProgress', SearchAttributeType.KEYWORD);
export const categoryKey = defineSearchAttributeKey('KehoachCategory', SearchAttributeType.KEYWORD);
export const deadlineKey = defineSearchAttributeKey('KehoachDeadline', SearchAttributeType.DATETIME);
export const escalationLevelKey = defineSearchAttributeKey('KehoachLevel', SearchAttributeType.INT);

export const allSearchAttributeKeys = [planIdKey, leadAgencyKey, progressKey, categoryKey, deadlineKey, escalationLevelKey];

const cliTypeNames: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.INT]: 'Int',
};

/** `--search-attribute NAME=Type` arguments for `temporal server start-dev`. */
export function searchAttributeCliArgs(): string[] {
  return allSearchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeNames[key.type]}`]);
}
