/**
 * Shared pieces of the workflow tests: hand-built task specs, an in-memory stand-in for the task's
 * neighbours (the projection and the task-control activities). The workflow bundle is the worker's
 * own (bundleWorkflows in src/temporal/worker.ts); waiting is in wait.ts.
 */
import { UNSTORABLE_RECORD } from '../../src/domain/activity-contracts';
import { rejectionText } from '../../src/i18n';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { resolveTestServer } from '../../src/temporal/binaries';
import { allSearchAttributeKeys } from '../../src/temporal/search-attributes';
import type { NotificationRequest, TaskChange, TaskEventRecord } from '../../src/domain';
import type { KehoachActivities } from '../../src/domain';
import { loadCalendar } from '../../src/plan/calendar-file';
import { hashSpec } from '../../src/plan/compile';
import type { CalendarData, ResolvedEscalationPolicy, TaskSpec } from '../../src/plan/model';
import type { Actor } from '../../src/domain';

/** The time-skipping test server, with kehoach's search attributes registered like the dev server's. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTestServer() } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(allSearchAttributeKeys.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
  });
  return env;
}

/** Skips the test server's clock forward to `iso` (no-op when already past it). */
export async function skipTo(env: TestWorkflowEnvironment, iso: string): Promise<void> {
  const ms = Date.parse(iso) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

export const TZ = 'Asia/Ho_Chi_Minh';

/** The default policy of a plan: due soon 3 working days out, reminders 3 and 1 before, levels at +0, +3, +7. */
export const standardPolicy: ResolvedEscalationPolicy = {
  dueSoon: { amount: 3, unit: 'working_day' },
  reminders: [
    { amount: 3, unit: 'working_day' },
    { amount: 1, unit: 'working_day' },
  ],
  ladder: [
    { level: 1, after: { amount: 0, unit: 'working_day' }, to: { kind: 'lead_head', agency: 'so-tu-phap' }, action: 'Nhắc nhở' },
    { level: 2, after: { amount: 3, unit: 'working_day' }, to: { kind: 'role', role: 'standing_office', agency: 'cong-an-tinh' }, action: 'Đôn đốc' },
    { level: 3, after: { amount: 7, unit: 'working_day' }, to: { kind: 'role', role: 'chair', agency: 'ubnd-tinh' }, action: 'Báo cáo Tổ trưởng' },
  ],
};

/** A policy in seconds, for scenarios that run against the real clock of a dev server. */
export function secondsPolicy(levels: number[] = [0, 4, 8], reminders: number[] = []): ResolvedEscalationPolicy {
  return {
    dueSoon: { amount: 2, unit: 'second' },
    reminders: reminders.map((amount) => ({ amount, unit: 'second' as const })),
    ladder: levels.map((after, index) => ({
      level: index + 1,
      after: { amount: after, unit: 'second' as const },
      to: { kind: 'lead_head' as const, agency: 'so-tu-phap' },
      action: `Cấp ${index + 1}`,
    })),
  };
}

export const vnCalendar: CalendarData = loadCalendar('vn');

export function makeSpec(overrides: Partial<TaskSpec> & { taskId: string; planId: string }): TaskSpec {
  const base: Omit<TaskSpec, 'specHash'> = {
    title: `Nhiệm vụ ${overrides.taskId}`,
    lead: 'so-tu-phap',
    support: ['so-tttt'],
    output: 'Báo cáo',
    dependsOn: [],
    confirmation: false,
    deadline: { kind: 'none' },
    escalation: standardPolicy,
    timezone: TZ,
    calendar: vnCalendar,
    ...overrides,
  };
  delete (base as Partial<TaskSpec>).specHash;
  return { ...base, specHash: hashSpec(base) };
}

export const actors = {
  leadStaff: { id: 'u-tu-phap', name: 'Cán bộ Sở Tư pháp', agency: 'so-tu-phap', role: 'staff' } satisfies Actor,
  otherStaff: { id: 'u-tai-chinh', name: 'Cán bộ Sở Tài chính', agency: 'so-tai-chinh', role: 'staff' } satisfies Actor,
  supportStaff: { id: 'u-tttt', agency: 'so-tttt', role: 'staff' } satisfies Actor,
  leader: { id: 'u-cong-an', name: 'Văn phòng Tổ công tác', agency: 'cong-an-tinh', role: 'leader' } satisfies Actor,
  admin: { id: 'admin', role: 'admin' } satisfies Actor,
  system: { id: 'system', role: 'system' } satisfies Actor,
};

/** The task's neighbours in memory: every record the workflow hands over, in arrival order. */
export class RecordingActivities {
  readonly changes: TaskChange[] = [];
  /** When it says so, a record is refused as Postgres refuses data it cannot store (non-retryable). */
  refuseWhen: ((change: TaskChange) => boolean) | undefined;

  readonly activities: KehoachActivities = {
    recordTaskChange: async (change) => {
      if (this.refuseWhen?.(change)) throw ApplicationFailure.nonRetryable('Postgres refused the record (SQLSTATE 22P05)', UNSTORABLE_RECORD);
      this.changes.push(change);
    },
    recordPlanVersion: async () => {},
    startTasks: async () => ({ count: 0, errors: 0 }),
    amendTasks: async () => ({ count: 0, errors: 0 }),
    cancelTasks: async () => ({ count: 0, errors: 0 }),
    beginReconciliation: async () => ({ start: 0, amend: 0, cancel: 0 }),
    finishReconciliation: async () => {},
  };

  events(workflowId?: string): TaskEventRecord[] {
    return this.changes.flatMap((change) => change.events).filter((event) => !workflowId || event.workflowId === workflowId);
  }

  notifications(workflowId?: string): NotificationRequest[] {
    return this.changes.flatMap((change) => change.notifications).filter((note) => !workflowId || note.workflowId === workflowId);
  }
}

/** A rejected update: its failure type, its catalogue key and the Vietnamese sentence the caller reads. */
export interface RejectedUpdate {
  type: string | undefined | null;
  nonRetryable: boolean | undefined | null;
  key: string;
  message: string;
}

/** The typed failure a rejected update carries, worded; fails when the update was accepted instead. */
export async function rejection(promise: Promise<unknown>): Promise<RejectedUpdate> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const failure = error.cause;
      const message = rejectionText(failure.message, failure.details?.[0], 'vi');
      if (message === undefined) throw new Error(`the refusal "${failure.message}" is not a key of the catalogue's rejections`, { cause: error });
      return { type: failure.type, nonRetryable: failure.nonRetryable, key: failure.message, message };
    }
    throw error;
  }
  throw new Error('the update was accepted but should have been rejected');
}
