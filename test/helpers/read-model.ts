/**
 * Small factories for read-model tests: a plan version record and the task changes a task
 * workflow would hand to the projection.
 */
import { createHash } from 'node:crypto';
import {
  eventKey,
  taskFacts,
  verdictAt,
  type Actor,
  type NotificationRequest,
  type PlanVersionRecord,
  type Progress,
  type TaskChange,
  type TaskEventRecord,
  type TaskEventType,
  type TaskStateView,
  type TaskFacts,
} from '../../src/domain';
import { createProjectionActivities } from '../../src/activities/projection';
import type { Database } from '../../src/db/client';
import type { TaskSpec } from '../../src/plan/model';
import { taskWorkflowId } from '../../src/workflows/ids';

export const SYSTEM: Actor = { id: 'system', role: 'system' };

export function planDocument(overrides: Record<string, unknown> = {}) {
  return {
    id: 'kh-test',
    code: '771/KH-UBND',
    title: 'Kế hoạch thử nghiệm',
    issuer: 'UBND tỉnh Nghệ An',
    issuedOn: '2022-11-07',
    timezone: 'Asia/Ho_Chi_Minh',
    calendar: 'vn',
    agencies: [
      {
        id: 'cong-an-tinh',
        name: 'Công an tỉnh',
        kind: 'police',
        contacts: [{ role: 'head', channel: 'email', address: 'giamdoc@congan.example', name: 'Giám đốc' }],
      },
      {
        id: 'so-tu-phap',
        name: 'Sở Tư pháp',
        kind: 'department',
        contacts: [
          { role: 'head', channel: 'email', address: 'giamdoc@stp.example' },
          { role: 'staff', channel: 'webhook', address: 'https://stp.example/hook' },
        ],
      },
      { id: 'ubnd-vinh', name: 'UBND TP Vinh', kind: 'district_committee', contacts: [] },
    ],
    roles: {
      standing_office: { agency: 'cong-an-tinh' },
      chair: { contact: { name: 'Chủ tịch UBND tỉnh', channel: 'email', address: 'chutich@ubnd.example' } },
    },
    tasks: [],
    ...overrides,
  };
}

export function planVersion(version: number, document: Record<string, unknown> = planDocument()): PlanVersionRecord {
  return {
    planId: String(document.id),
    version,
    // As a real apply's: another document, another hash (the projection keeps plan contexts by it).
    contentHash: `hash-${version}-${createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 16)}`,
    appliedAt: '2022-11-07T02:00:00.000Z',
    appliedBy: { id: 'tok_admin', role: 'admin' },
    document,
  };
}

export interface TaskRef {
  planId?: string;
  taskId: string;
  lead?: string;
  unitId?: string;
  occurrence?: string;
  title?: string;
  confirmation?: boolean;
  target?: TaskSpec['target'];
  /** An "after task" deadline counted from this prerequisite. */
  after?: string;
}

export function spec(ref: TaskRef, deadlineAt?: string): TaskSpec {
  return {
    planId: ref.planId ?? 'kh-test',
    taskId: ref.taskId,
    ...(ref.unitId ? { unitId: ref.unitId } : {}),
    ...(ref.occurrence ? { occurrence: ref.occurrence } : {}),
    title: ref.title ?? `Nhiệm vụ ${ref.taskId}`,
    lead: ref.lead ?? 'so-tu-phap',
    support: ['cong-an-tinh'],
    output: 'Báo cáo kết quả',
    dependsOn: ref.after ? [ref.after] : [],
    confirmation: ref.confirmation ?? false,
    ...(ref.target ? { target: ref.target } : {}),
    deadline: ref.after
      ? { kind: 'after_task', taskId: ref.after, within: { amount: 10, unit: 'working_day' } }
      : deadlineAt
        ? { kind: 'instant', at: deadlineAt }
        : { kind: 'none' },
    escalation: { dueSoon: { amount: 3, unit: 'working_day' }, reminders: [], ladder: [] },
    timezone: 'Asia/Ho_Chi_Minh',
    calendar: { name: 'vn', weekend: [6, 7], holidays: [], workingWeekends: [], years: [] },
    specHash: `spec-${ref.taskId}`,
  };
}

export interface StateFields {
  seq: number;
  progress: Progress;
  deadlineAt?: string;
  deadlineVersion?: number;
  completedAt?: string;
  progressValue?: number;
  updatedAt: string;
}

export function taskState(ref: TaskRef, fields: StateFields): TaskStateView {
  const workflowId = taskWorkflowId({
    planId: ref.planId ?? 'kh-test',
    taskId: ref.taskId,
    ...(ref.unitId ? { unitId: ref.unitId } : {}),
    ...(ref.occurrence ? { occurrence: ref.occurrence } : {}),
  });
  const state: TaskStateView = {
    workflowId,
    planId: ref.planId ?? 'kh-test',
    taskId: ref.taskId,
    ...(ref.unitId ? { unitId: ref.unitId } : {}),
    ...(ref.occurrence ? { occurrence: ref.occurrence } : {}),
    spec: spec(ref, fields.deadlineAt),
    progress: fields.progress,
    facts: { progress: fields.progress, deadlineKind: 'none' },
    deadlineState: 'no_deadline',
    category: 'no_deadline',
    ...(fields.deadlineAt ? { deadlineAt: fields.deadlineAt } : {}),
    deadlineVersion: fields.deadlineVersion ?? 1,
    escalationLevel: 0,
    ...(fields.progressValue !== undefined ? { progressValue: fields.progressValue } : {}),
    ...(fields.completedAt ? { completedAt: fields.completedAt } : {}),
    pausedMs: 0,
    extensionRequests: [],
    waitingFor: [],
    upcoming: [],
    seq: fields.seq,
    updatedAt: fields.updatedAt,
  };
  // The facts and verdict as the task workflow computes them.
  state.facts = taskFacts(state, []);
  return { ...state, ...verdictAt(state.facts, state.category, Date.parse(fields.updatedAt)) };
}

export function event(state: TaskStateView, type: TaskEventType, at: string, actor: Actor = SYSTEM): TaskEventRecord {
  return {
    idempotencyKey: eventKey(state.workflowId, state.seq, type),
    workflowId: state.workflowId,
    planId: state.planId,
    taskId: state.taskId,
    ...(state.unitId ? { unitId: state.unitId } : {}),
    ...(state.occurrence ? { occurrence: state.occurrence } : {}),
    seq: state.seq,
    type,
    at,
    actor,
    data: {},
  };
}

export function change(state: TaskStateView, events: TaskEventRecord[], notifications: NotificationRequest[] = []): TaskChange {
  return { state, events, notifications };
}

export interface Step {
  type: TaskEventType;
  at: string;
  progress: Progress;
  /** The deadline in force after the step, already moved by earlier pauses. */
  deadlineAt?: string;
  dueSoonAt?: string;
  pausedAt?: string;
  completedAt?: string;
  progressValue?: number;
}

function factsOfStep(ref: TaskRef, step: Step): TaskFacts {
  return {
    progress: step.progress,
    deadlineKind: ref.after ? 'after_task' : step.deadlineAt ? 'fixed' : 'none',
    ...(step.deadlineAt ? { deadlineAt: step.deadlineAt } : {}),
    ...(step.dueSoonAt ? { dueSoonAt: step.dueSoonAt } : {}),
    ...(step.pausedAt ? { pausedAt: step.pausedAt } : {}),
    ...(step.completedAt ? { completedAt: step.completedAt } : {}),
  };
}

/**
 * The changes a task workflow would write for a history of steps, one event per change, seq 1, 2, …
 * Each carries the facts given by its step (a pause, a moved deadline, a due-soon line) as the
 * task workflow hands them to the projection.
 */
export function history(ref: TaskRef, steps: Step[]): TaskChange[] {
  let deadlineVersion = 1;
  let previousDeadline = steps[0]?.deadlineAt;
  return steps.map((step, index) => {
    if (step.deadlineAt !== previousDeadline) deadlineVersion += 1;
    previousDeadline = step.deadlineAt;
    const state = taskState(ref, {
      seq: index + 1,
      progress: step.progress,
      ...(step.deadlineAt ? { deadlineAt: step.deadlineAt } : {}),
      deadlineVersion,
      ...(step.completedAt ? { completedAt: step.completedAt } : {}),
      ...(step.progressValue !== undefined ? { progressValue: step.progressValue } : {}),
      updatedAt: step.at,
    });
    const facts = factsOfStep(ref, step);
    const judged = { ...state, facts, ...verdictAt(facts, state.category, Date.parse(step.at)) };
    return change(judged, [event(judged, step.type, step.at)]);
  });
}

/** Writes a change through the real projection. */
export async function recordChange(db: Database, change: TaskChange): Promise<void> {
  await createProjectionActivities(db).recordTaskChange(change);
}
