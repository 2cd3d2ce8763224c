/**
 * One task (or one unit's or one occurrence's copy of it) as a durable workflow: it sleeps until
 * the next instant of its timetable, announces reminders and escalation levels once per deadline
 * version, and takes agency reports as validated Updates. The rules live in task-state.ts; this
 * file only sleeps, records and signals.
 *
 * Starters pass `typedSearchAttributes` with KehoachPlan, KehoachLead, KehoachProgress,
 * KehoachCategory, KehoachDeadline (when known) and KehoachLevel (0), so the task is findable from
 * its first instant; the workflow upserts them on its first state change in any case and keeps them
 * current afterwards.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ResolvedTarget, TaskSpec, TimetableEntry } from '../plan/model';
import { endOfLocalDay } from '../plan/calendar';
import { formatDurationVi } from '../plan/duration';
import { deadlineInstant, taskTimetable } from '../plan/timetable';
import { planWorkflowId } from './ids';
import {
  amend,
  cancelTask,
  complete,
  confirm,
  decideExtension,
  getState,
  pause,
  release,
  reportProgress,
  requestExtension,
  resume,
  returnTask,
  taskProgress,
  type TaskWorkflowInput,
  type WriteContext,
} from './messages';
import {
  RejectionType,
  type Category,
  type KehoachActivities,
  type NotificationRequest,
  type Progress,
  type Rejection,
  type TaskEventRecord,
  type TaskStateView,
} from '../domain';
import {
  changedFields,
  checkComplete,
  checkConfirmOrReturn,
  checkDecideExtension,
  checkPause,
  checkReportProgress,
  checkRequestExtension,
  checkResume,
  checkSystem,
  deadlineAnchor,
  effectiveDeadline,
  eventKey,
  formatDeadlineDate,
  initialMemory,
  judgeClock,
  judgeCompletion,
  nextWake,
  notificationKey,
  parseRequestedDeadline,
  sameJson,
  selectDue,
  setDeadline,
  SYSTEM_ACTOR,
  timersRun,
  timetableKey,
  upcomingEntries,
  type EventDraft,
} from './task-state';
import { categoryKey, deadlineKey, escalationLevelKey, leadAgencyKey, planIdKey, progressKey } from '../temporal/search-attributes';

// The projection is idempotent (keys on every record), so retrying forever is safe; a database
// outage delays the read model instead of failing the task.
const { recordTaskChange } = proxyActivities<KehoachActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function fail(rejection: Rejection | undefined): void {
  if (rejection) throw ApplicationFailure.create({ type: rejection.type, message: rejection.message, nonRetryable: true });
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The deadline a spec's rule gives, once its anchor (if any) is known. */
function ruleDeadline(spec: TaskSpec, prerequisitesDoneAt: Record<string, string>): string | undefined {
  switch (spec.deadline.kind) {
    case 'none':
      return undefined;
    case 'instant':
      return spec.deadline.at;
    case 'after_task': {
      const anchor = deadlineAnchor(spec, prerequisitesDoneAt);
      return anchor ? deadlineInstant({ rule: spec.deadline, anchorAt: anchor, calendar: spec.calendar, timezone: spec.timezone }) : undefined;
    }
  }
}

export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskStateView> {
  const nowMs = () => Date.now();
  const nowIso = () => new Date().toISOString();
  const memory = initialMemory(input, nowIso(), input.carriedClock);
  const { clock } = memory;
  const view = memory.view;
  const workflowId = view.workflowId;

  // progressValue is included so that the plan workflow can sum unit values into the task.
  let lastSignalled: { progress: Progress; category: Category; progressValue?: number } | undefined = input.carried
    ? { progress: view.progress, category: view.category, progressValue: view.progressValue }
    : undefined;
  let lastSearchAttributes = '';
  // Records are written strictly in seq order, even when handlers overlap.
  let recording: Promise<void> = Promise.resolve();
  // Bumped by handlers that move the timetable, so the main loop re-plans its sleep.
  let replans = 0;

  function timetable(): TimetableEntry[] {
    if (!view.deadlineAt) return [];
    return taskTimetable({
      deadlineAt: view.deadlineAt,
      policy: view.spec.escalation,
      calendar: view.spec.calendar,
      timezone: view.spec.timezone,
      pausedMs: view.pausedMs,
    });
  }

  function keepSearchAttributesCurrent(entries: TimetableEntry[]): void {
    const deadline = effectiveDeadline(view, entries);
    const wanted = {
      plan: view.planId,
      lead: view.spec.lead,
      progress: view.progress,
      category: view.category,
      deadline: deadline ?? null,
      level: view.escalationLevel,
    };
    const serialized = JSON.stringify(wanted);
    if (serialized === lastSearchAttributes) return;
    lastSearchAttributes = serialized;
    upsertSearchAttributes([
      { key: planIdKey, value: wanted.plan },
      { key: leadAgencyKey, value: wanted.lead },
      { key: progressKey, value: wanted.progress },
      { key: categoryKey, value: wanted.category },
      { key: deadlineKey, value: wanted.deadline ? new Date(wanted.deadline) : null },
      { key: escalationLevelKey, value: wanted.level },
    ]);
  }

  async function tellPlan(state: TaskStateView): Promise<void> {
    try {
      await getExternalWorkflowHandle(planWorkflowId(state.planId)).signal(taskProgress, {
        workflowId: state.workflowId,
        taskId: state.taskId,
        ...(state.unitId ? { unitId: state.unitId } : {}),
        ...(state.occurrence ? { occurrence: state.occurrence } : {}),
        progress: state.progress,
        category: state.category,
        ...(state.completedAt ? { completedAt: state.completedAt } : {}),
        ...(state.progressValue !== undefined ? { progressValue: state.progressValue } : {}),
      });
    } catch (error) {
      // A task started on its own (tests, drills) has no plan workflow; the task must not fail for it.
      log.warn('could not signal the plan workflow', { planId: state.planId, error: String(error) });
    }
  }

  /**
   * The clock's part of a state change: deadline state and category at this instant, and the one
   * reminder or level due (see selectDue for catch-up). Mutates the view and the fired keys.
   */
  function clockStep(wokenByTimer: boolean): { drafts: EventDraft[]; notifications: NotificationRequest[]; changed: boolean } {
    const entries = timetable();
    const at = nowIso();
    const drafts: EventDraft[] = [];
    const notifications: NotificationRequest[] = [];
    let changed = false;
    const verdict = judgeClock(view, entries, nowMs());
    if (verdict.deadlineState !== view.deadlineState) {
      if (verdict.deadlineState === 'due_soon' || verdict.deadlineState === 'overdue') {
        drafts.push({ type: verdict.deadlineState, actor: SYSTEM_ACTOR, at, data: { deadlineAt: effectiveDeadline(view, entries) } });
      }
      view.deadlineState = verdict.deadlineState;
      changed = true;
    }
    if (verdict.category !== view.category) {
      view.category = verdict.category;
      changed = true;
    }
    if (!timersRun(view.progress) || !view.deadlineAt) return { drafts, notifications, changed };
    const selection = selectDue(entries, clock.firedKeys, nowMs(), wokenByTimer);
    if (selection.handled.length === 0) return { drafts, notifications, changed };
    clock.firedKeys.push(...selection.handled);
    changed = true;
    const fire = selection.fire;
    if (!fire) return { drafts, notifications, changed };
    const key = timetableKey(fire.entry);
    const deadline = effectiveDeadline(view, entries) ?? view.deadlineAt;
    let target: ResolvedTarget;
    let action: string;
    let level: number;
    if (fire.entry.kind === 'escalation') {
      target = fire.entry.to;
      action = fire.entry.action;
      level = fire.entry.level;
      view.escalationLevel = Math.max(view.escalationLevel, level);
    } else {
      target = { kind: 'lead_staff', agency: view.spec.lead };
      action = `Nhắc hạn: còn ${formatDurationVi(fire.entry.before)} đến hạn ${formatDeadlineDate(deadline, view.spec.timezone)}`;
      level = fire.entry.index + 1;
    }
    const kind = fire.entry.kind === 'escalation' ? 'escalation' : 'reminder';
    notifications.push({
      idempotencyKey: notificationKey(workflowId, view.deadlineVersion, key),
      workflowId,
      planId: view.planId,
      taskId: view.taskId,
      kind,
      level,
      deadlineVersion: view.deadlineVersion,
      deadlineAt: deadline,
      to: target,
      action,
      catchUp: fire.catchUp,
      at,
    });
    drafts.push({
      type: kind,
      actor: SYSTEM_ACTOR,
      at,
      timetableKey: key,
      data: { level, action, to: target, catchUp: fire.catchUp, scheduledAt: fire.entry.at, deadlineVersion: view.deadlineVersion },
    });
    return { drafts, notifications, changed };
  }

  /** seq + 1, one recordTaskChange, then the plan workflow when progress or category moved. */
  function commit(drafts: EventDraft[], notifications: NotificationRequest[] = []): { state: TaskStateView; done: Promise<void> } {
    const entries = timetable();
    view.seq += 1;
    view.updatedAt = nowIso();
    view.upcoming = timersRun(view.progress) ? upcomingEntries(entries, clock.firedKeys, nowMs()) : [];
    keepSearchAttributesCurrent(entries);
    const state = clone(view);
    const events: TaskEventRecord[] = drafts.map((draft) => ({
      idempotencyKey: draft.timetableKey
        ? notificationKey(workflowId, state.deadlineVersion, draft.timetableKey)
        : eventKey(workflowId, state.seq, draft.type),
      workflowId,
      planId: state.planId,
      taskId: state.taskId,
      ...(state.unitId ? { unitId: state.unitId } : {}),
      ...(state.occurrence ? { occurrence: state.occurrence } : {}),
      seq: state.seq,
      type: draft.type,
      at: draft.at,
      actor: draft.actor,
      ...(draft.requestId ? { requestId: draft.requestId } : {}),
      data: draft.data,
    }));
    const signal =
      !lastSignalled ||
      lastSignalled.progress !== state.progress ||
      lastSignalled.category !== state.category ||
      lastSignalled.progressValue !== state.progressValue;
    if (signal) lastSignalled = { progress: state.progress, category: state.category, progressValue: state.progressValue };
    const done = recording.then(async () => {
      await recordTaskChange({ state, events, notifications });
      if (signal) await tellPlan(state);
    });
    recording = done.catch(() => undefined);
    return { state, done };
  }

  /**
   * Commits the handler's own events together with whatever the clock says now. When the handler
   * moved the timetable (resume, amendment, extension, release, return), instants it finds behind
   * it are a catch-up; otherwise the handler merely ran before the timer that was due anyway.
   */
  async function commitWithClock(drafts: EventDraft[], timetableMoved = false): Promise<TaskStateView> {
    const step = clockStep(!timetableMoved);
    const { state, done } = commit([...drafts, ...step.drafts], step.notifications);
    replans += 1;
    await done;
    return state;
  }

  const who = (ctx: WriteContext) => ({
    actor: ctx.actor,
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });

  // ---------------- messages ----------------

  setHandler(getState, () => clone({ ...view, upcoming: timersRun(view.progress) ? upcomingEntries(timetable(), clock.firedKeys, nowMs()) : [] }));

  setHandler(
    complete,
    async (request) => {
      const completedAt = request.completedAt ? new Date(request.completedAt).toISOString() : nowIso();
      const verdict = judgeCompletion(view, timetable(), Date.parse(completedAt), !view.spec.confirmation);
      view.progress = view.spec.confirmation ? 'awaiting_confirmation' : 'done';
      view.completedAt = completedAt;
      view.completedBy = request.actor;
      delete view.returnReason;
      view.deadlineState = verdict.deadlineState;
      view.category = verdict.category;
      return commitWithClock([
        {
          type: 'completed',
          ...who(request),
          at: completedAt,
          data: {
            ...(request.note ? { note: request.note } : {}),
            ...(request.evidence ? { evidence: request.evidence } : {}),
            backdated: request.completedAt !== undefined,
            category: verdict.category,
          },
        },
      ]);
    },
    { validator: (request) => fail(checkComplete(view, request, nowMs())) },
  );

  setHandler(
    confirm,
    async (request) => {
      view.progress = 'done';
      view.confirmedAt = nowIso();
      if (view.category === 'open_overdue') view.category = 'done_late';
      else if (view.category === 'open_on_time') view.category = 'done_on_time';
      return commitWithClock([{ type: 'confirmed', ...who(request), at: nowIso(), data: request.note ? { note: request.note } : {} }]);
    },
    { validator: (request) => fail(checkConfirmOrReturn(view, request)) },
  );

  setHandler(
    returnTask,
    async (request) => {
      view.progress = 'returned';
      view.returnReason = request.reason;
      delete view.completedAt;
      delete view.completedBy;
      return commitWithClock([{ type: 'returned', ...who(request), at: nowIso(), data: { reason: request.reason } }], true);
    },
    { validator: (request) => fail(checkConfirmOrReturn(view, request, request.reason ?? null)) },
  );

  setHandler(
    reportProgress,
    async (request) => {
      if (request.value !== undefined) view.progressValue = request.value;
      return commitWithClock([
        {
          type: 'progress_reported',
          ...who(request),
          at: nowIso(),
          data: { ...(request.value !== undefined ? { value: request.value } : {}), ...(request.note ? { note: request.note } : {}) },
        },
      ]);
    },
    { validator: (request) => fail(checkReportProgress(view, request, request.value)) },
  );

  const requestedDeadline = (text: string) => parseRequestedDeadline(text, (date) => endOfLocalDay(date, view.spec.timezone));

  setHandler(
    requestExtension,
    async (request) => {
      const newDeadline = requestedDeadline(request.newDeadline)!;
      const id = `e${view.extensionRequests.length + 1}`;
      view.extensionRequests.push({
        id,
        newDeadline,
        reason: request.reason,
        requestedBy: request.actor,
        requestedAt: nowIso(),
        status: 'pending',
      });
      return commitWithClock([
        { type: 'extension_requested', ...who(request), at: nowIso(), data: { extensionId: id, newDeadline, reason: request.reason } },
      ]);
    },
    {
      validator: (request) =>
        fail(
          checkRequestExtension(
            view,
            request,
            typeof request.newDeadline === 'string' ? requestedDeadline(request.newDeadline) : undefined,
            effectiveDeadline(view, timetable()),
            String(request.newDeadline),
            request.reason,
          ),
        ),
    },
  );

  setHandler(
    decideExtension,
    async (request) => {
      const extension = view.extensionRequests.find((candidate) => candidate.id === request.extensionId)!;
      extension.status = request.approve ? 'approved' : 'denied';
      extension.decidedBy = request.actor;
      extension.decidedAt = nowIso();
      if (request.note) extension.note = request.note;
      const before = view.deadlineAt;
      if (request.approve) setDeadline(memory, extension.newDeadline, nowIso());
      return commitWithClock([
        {
          type: 'extension_decided',
          ...who(request),
          at: nowIso(),
          data: {
            extensionId: extension.id,
            approve: request.approve,
            ...(request.note ? { note: request.note } : {}),
            previousDeadline: before,
            deadlineAt: view.deadlineAt,
            deadlineVersion: view.deadlineVersion,
          },
        },
      ], request.approve);
    },
    { validator: (request) => fail(checkDecideExtension(view, request, request.extensionId)) },
  );

  setHandler(
    pause,
    async (request) => {
      view.progressBeforePause = view.progress;
      view.progress = 'paused';
      view.pauseReason = request.reason;
      clock.pausedAt = nowIso();
      return commitWithClock([{ type: 'paused', ...who(request), at: nowIso(), data: { reason: request.reason } }]);
    },
    { validator: (request) => fail(checkPause(view, request, request.reason)) },
  );

  setHandler(
    resume,
    async (request) => {
      const pausedFor = clock.pausedAt ? Math.max(0, nowMs() - Date.parse(clock.pausedAt)) : 0;
      view.pausedMs += pausedFor;
      view.progress = view.progressBeforePause ?? 'in_progress';
      delete view.progressBeforePause;
      delete view.pauseReason;
      delete clock.pausedAt;
      return commitWithClock([
        { type: 'resumed', ...who(request), at: nowIso(), data: { pausedMs: pausedFor, ...(request.note ? { note: request.note } : {}) } },
      ], true);
    },
    { validator: (request) => fail(checkResume(view, request)) },
  );

  /** After a release or an amendment: start when nothing is awaited, and date an "after task" deadline. */
  function settlePrerequisites(): void {
    view.waitingFor = view.spec.dependsOn.filter((taskId) => clock.prerequisitesDoneAt[taskId] === undefined);
    if (view.waitingFor.length === 0) {
      if (view.progress === 'not_started') view.progress = 'in_progress';
      if (view.progress === 'paused' && view.progressBeforePause === 'not_started') view.progressBeforePause = 'in_progress';
    }
    if (view.spec.deadline.kind === 'after_task' && view.deadlineAt === undefined) {
      setDeadline(memory, ruleDeadline(view.spec, clock.prerequisitesDoneAt), nowIso());
    }
  }

  setHandler(
    amend,
    async (request) => {
      if (request.spec.specHash === view.spec.specHash) {
        memory.planVersion = request.planVersion;
        return clone(view);
      }
      const before = view.spec;
      const fields = changedFields(before, request.spec);
      view.spec = request.spec;
      memory.planVersion = request.planVersion;
      if (!sameJson(before.deadline, request.spec.deadline)) {
        setDeadline(memory, ruleDeadline(request.spec, clock.prerequisitesDoneAt), nowIso());
      }
      settlePrerequisites();
      return commitWithClock([
        {
          type: 'amended',
          ...who(request),
          at: nowIso(),
          data: { planVersion: request.planVersion, fields, deadlineAt: view.deadlineAt, deadlineVersion: view.deadlineVersion },
        },
      ], true);
    },
    {
      validator: (request) => {
        fail(checkSystem(view, request));
        if (!request.spec || request.spec.taskId !== view.taskId || request.spec.planId !== view.planId) {
          throw ApplicationFailure.create({
            type: RejectionType.invalidInput,
            nonRetryable: true,
            message: `Bản sửa đổi phải dành cho nhiệm vụ ${view.taskId} của kế hoạch ${view.planId}.`,
          });
        }
      },
    },
  );

  setHandler(
    cancelTask,
    async (request) => {
      view.progress = 'cancelled';
      delete view.progressBeforePause;
      memory.planVersion = request.planVersion;
      const { state, done } = commit([
        {
          type: 'cancelled',
          ...who(request),
          at: nowIso(),
          data: { planVersion: request.planVersion, ...(request.reason ? { reason: request.reason } : {}) },
        },
      ]);
      replans += 1;
      await done;
      return state;
    },
    { validator: (request) => fail(checkSystem(view, request)) },
  );

  setHandler(release, async ({ taskId, doneAt }) => {
    if (!view.spec.dependsOn.includes(taskId) || clock.prerequisitesDoneAt[taskId] !== undefined) return;
    if (view.progress === 'cancelled') return;
    clock.prerequisitesDoneAt[taskId] = doneAt;
    settlePrerequisites();
    await commitWithClock([
      { type: 'released', actor: SYSTEM_ACTOR, at: nowIso(), data: { prerequisite: taskId, doneAt, waitingFor: view.waitingFor } },
    ], true);
  });

  // ---------------- the clock ----------------

  /**
   * The clock's own records. Retries are unlimited, so a failure here is a projection bug: log it
   * rather than fail the task, whose next record carries the full state again.
   */
  async function record(drafts: EventDraft[], notifications: NotificationRequest[]): Promise<void> {
    try {
      await commit(drafts, notifications).done;
    } catch (error) {
      log.error('could not record a task state change', { seq: view.seq, error: String(error) });
    }
  }

  if (input.carried) {
    keepSearchAttributesCurrent(timetable());
  } else {
    const step = clockStep(false);
    await record(
      [{ type: 'started', actor: SYSTEM_ACTOR, at: nowIso(), data: { planVersion: input.planVersion, waitingFor: view.waitingFor } }, ...step.drafts],
      step.notifications,
    );
  }

  const cancelled = () => view.progress === 'cancelled';
  for (;;) {
    if (cancelled()) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await recording;
      if (!cancelled()) {
        await continueAsNew<typeof taskWorkflow>({ spec: view.spec, planVersion: memory.planVersion, carried: clone(view), carriedClock: clone(clock) });
      }
      break;
    }
    const seen = replans;
    const wake = nextWake(view, timetable(), clock.firedKeys, nowMs());
    if (wake !== undefined && wake <= nowMs()) {
      // Already due (the task that should have announced it was lost with its worker): no sleep.
      const step = clockStep(true);
      if (step.changed) await record(step.drafts, step.notifications);
      continue;
    }
    const replanned =
      wake === undefined
        ? (await condition(() => replans !== seen || workflowInfo().continueAsNewSuggested), true)
        : await condition(() => replans !== seen || workflowInfo().continueAsNewSuggested, Math.max(1, wake - nowMs()));
    if (replanned) continue;
    const step = clockStep(true);
    if (step.changed) await record(step.drafts, step.notifications);
  }

  await condition(allHandlersFinished);
  await recording;
  return clone(view);
}
