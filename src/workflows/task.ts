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
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { TimetableEntry } from '../plan/model';
import { endOfLocalDay } from '../plan/calendar';
import {
  amend,
  cancelTask,
  complete,
  confirm,
  decideExtension,
  earlierRunOf,
  getState,
  pause,
  release,
  reportProgress,
  requestExtension,
  resume,
  returnTask,
  memberProgress,
  TASK_WORKFLOW_GENERATION,
  type TaskWorkflowInput,
} from './messages';
import {
  amendTask,
  cancelTaskWork,
  checkComplete,
  checkConfirm,
  checkConfirmOrReturn,
  checkDecideExtension,
  checkPause,
  checkReportProgress,
  checkRequestExtension,
  checkResume,
  checkSystem,
  completeTask,
  confirmTask,
  decideTaskExtension,
  hearMember,
  announcesStart,
  isMember,
  isRollup,
  memberSignal,
  memberWorkflowIds,
  rollupWorkflowId,
  taskWorkflowId,
  initialMemory,
  nextWake,
  parseRequestedDeadline,
  pauseTask,
  plainCopy,
  RejectionType,
  releaseTask,
  reportTaskProgress,
  requestTaskExtension,
  resumeTask,
  returnTaskWork,
  SYSTEM_ACTOR,
  taskFacts,
  type EventDraft,
  type KehoachActivities,
  type NotificationRequest,
  type Rejection,
  type TaskMemory,
  type TaskStateView,
  type Transition,
  type ClockStep,
  clockStep as clockStepAt,
  commitChange,
  firstChange,
  timetableOf,
  queriedView,
} from '../domain';
import { UNSTORABLE_RECORD } from '../domain/activity-contracts';
import { startedSearchValues, taskSearchAttributePairs, taskSearchValues } from '../temporal/search-attributes';
// The projection is idempotent (keys on every record), so retrying forever is safe; a database
// outage delays the read model instead of failing the task.
// One short transaction: a worker killed mid-write holds the task's records back by at most 10 s.
const PROJECTION_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const { recordTaskChange: recordTaskChangeAsActivity } = proxyActivities<KehoachActivities>({
  startToCloseTimeout: '10 seconds',
  retry: PROJECTION_RETRY,
});
// As a local activity the record runs inside the workflow task that decided it: an update or a
// timer costs one workflow task and no activity task (two round trips to Temporal fewer). A worker
// killed mid-record fails the workflow task, which Temporal retries on another worker after its
// 10 s timeout; the record is idempotent. Retries past a minute's backoff wait on a durable timer.
const { recordTaskChange: recordTaskChangeLocally } = proxyLocalActivities<KehoachActivities>({
  startToCloseTimeout: '10 seconds',
  retry: PROJECTION_RETRY,
});

/**
 * Histories recorded before the record became a local activity (workflows running when the worker
 * is upgraded) replay with the activity they scheduled; runs of generation 2 and later
 * (TaskWorkflowInput.generation) and runs that found the patch take the local path. A roll-up
 * keeps the activity: its members' signals arrive in bursts, each heard one is a record, and
 * hundreds of records in a row inside one workflow task would hold it past its timeout. Nobody
 * waits on a roll-up's record.
 */
const LOCAL_PROJECTION_PATCH = 'projection-as-local-activity';
function recorder(generation: number): KehoachActivities['recordTaskChange'] {
  const local = (change: Parameters<KehoachActivities['recordTaskChange']>[0]) =>
    !isRollup(change.state.spec) && (generation >= 2 || patched(LOCAL_PROJECTION_PATCH));
  return (change) => (local(change) ? recordTaskChangeLocally(change) : recordTaskChangeAsActivity(change));
}

function fail(rejection: Rejection | undefined): void {
  // The message is the catalogue key and the details its values: the API words it in the user's language.
  if (rejection) throw ApplicationFailure.create({ type: rejection.type, message: rejection.key, details: [rejection.values], nonRetryable: true });
}

/** A run's first workflow task has its third event as its start: its history holds nothing else yet. */
const FIRST_WORKFLOW_TASK_STARTED_EVENT = 3;
function inFirstWorkflowTask(): boolean {
  return workflowInfo().historyLength <= FIRST_WORKFLOW_TASK_STARTED_EVENT;
}

/**
 * Sets an Update's handler behind its check (which throws the rejection), run once an Update: by
 * the validator, so that a refused Update leaves nothing in the history, except during a run's
 * first workflow task, where the validator lets every Update through and the handler refuses it
 * (accepted, then failed; the caller gets the same error). When an Update sent to a workflow whose
 * start is delayed (src/workflows/README.md, "Quiet starts") is rejected by its validator, Temporal
 * drops the workflow task run to validate it and holds the next one until the workflow task's
 * timeout (10 s): the next Update waited that long (an API write answered 503), as did the delay's
 * end (test/api/quiet-start.test.ts). An accepted Update keeps its workflow task. Which workflow
 * task it is comes from the history's length, the same in a replay (where validators do not run).
 */
function whenChecked<Result, Request>(
  update: UpdateDefinition<Result, [Request]>,
  check: (request: Request) => void,
  handler: (request: Request) => Promise<Result>,
): void {
  setHandler(
    update,
    async (request: Request) => {
      if (inFirstWorkflowTask()) check(request);
      return handler(request);
    },
    {
      validator: (request: Request) => {
        if (!inFirstWorkflowTask()) check(request);
      },
    },
  );
}

/** Puts an object back to an earlier copy of itself, in place (others hold references to it). */
function restore<T extends object>(target: T, earlier: T): void {
  for (const key of Object.keys(target)) delete (target as Record<string, unknown>)[key];
  Object.assign(target, earlier);
}

/** The projection refused the record as data: retrying cannot help, and the write is refused. */
function isUnstorable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof ApplicationFailure && current.type === UNSTORABLE_RECORD) return true;
  }
  return false;
}

/** What a roll-up aggregates of a member: a change here is worth a signal. */
function memberKey(view: TaskStateView): string {
  return JSON.stringify([view.progress, view.completedAt ?? null, view.progressValue ?? null]);
}

export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskStateView> {
  const nowMs = () => Date.now();
  const nowIso = () => new Date().toISOString();
  const startsNew = !input.carried;
  // What a run of generation 2 or later assumes of its start instead of announcing it (see
  // TASK_WORKFLOW_GENERATION); older histories replay as they were recorded.
  const generation = input.generation ?? 1;
  const assumesStart = startsNew && generation >= 2;
  const recordTaskChange = recorder(generation);
  // A start whose first record the reconciliation wrote (generation 3, TaskWorkflowInput.recordedAt)
  // takes that record as its state; the page computed it with the same function.
  const recordedAt = assumesStart ? input.recordedAt : undefined;
  const recordedFirst = recordedAt !== undefined;
  const memory: TaskMemory = input.carried
    ? {
        view: { ...input.carried, spec: input.spec },
        clock: input.carriedClock ?? { firedKeys: [], prerequisitesDoneAt: {} },
        planVersion: input.planVersion,
      }
    : recordedFirst
      ? firstChange(input.spec, input.planVersion, recordedAt, earlierRunOf(input)).memory
      : initialMemory(input.spec, input.planVersion, nowIso(), { unheardAsStarting: assumesStart, ...earlierRunOf(input) });
  const { clock } = memory;
  const view = memory.view;
  const workflowId = view.workflowId;

  // progressValue is included so that the plan workflow can sum unit values into the task.
  // What this task last told its roll-up (members) or its dependants (plain tasks and roll-ups).
  let toldRollup = input.carried ? memberKey(view) : '';
  // A member as it started has nothing to tell a roll-up that assumes it (announcesStart): a
  // province's commune copies would otherwise send their roll-ups hundreds of signals at an apply.
  if (assumesStart && isMember(input.spec) && !announcesStart(view)) toldRollup = memberKey(view);
  let releasedAt = input.carried && view.progress === 'done' ? view.completedAt : undefined;
  // Signals to other tasks go out after the record they follow, in order, off the caller's path.
  let signalling: Promise<void> = Promise.resolve();
  // What the search attributes hold: a workflow started with those of its starting state (the
  // plan workflow's start sets them) upserts nothing until its state moves on.
  let lastSearchAttributes = assumesStart ? JSON.stringify(startedSearchValues(workflowInfo().typedSearchAttributes)) : '';
  // Records are written strictly in seq order, even when handlers overlap.
  let recording: Promise<void> = Promise.resolve();
  // The seqs whose record failed: what follows them (signals to other tasks) is not sent.
  const unrecorded = new Set<number>();
  // Bumped by handlers that move the timetable, so the main loop re-plans its sleep.
  let replans = 0;

  const timetable = (): TimetableEntry[] => timetableOf(view);

  function keepSearchAttributesCurrent(): void {
    const wanted = taskSearchValues(view);
    const serialized = JSON.stringify(wanted);
    if (serialized === lastSearchAttributes) return;
    lastSearchAttributes = serialized;
    upsertSearchAttributes(taskSearchAttributePairs(wanted));
  }

  async function signalTask(
    targetId: string,
    send: (handle: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>,
    what: string,
  ): Promise<void> {
    try {
      await send(getExternalWorkflowHandle(targetId));
    } catch (error) {
      // Not started yet (the start path releases it from the read model) or already closed.
      log.info(`${what} not delivered`, { from: workflowId, to: targetId, error: String(error) });
    }
  }

  /** The signals a recorded state calls for: a member tells its roll-up; a done task releases its dependants. */
  function followUps(state: TaskStateView): (() => Promise<void>)[] {
    const sends: (() => Promise<void>)[] = [];
    if (isMember(state.spec)) {
      const key = memberKey(state);
      if (key !== toldRollup) {
        toldRollup = key;
        const signal = memberSignal(state);
        sends.push(() => signalTask(rollupWorkflowId(state), (handle) => handle.signal(memberProgress, signal), 'member progress'));
      }
    } else if (state.progress === 'done' && state.completedAt && releasedAt !== state.completedAt) {
      releasedAt = state.completedAt;
      const doneAt = state.completedAt;
      for (const dependant of state.spec.dependants ?? []) {
        const target = taskWorkflowId({ planId: state.planId, taskId: dependant });
        sends.push(() => signalTask(target, (handle) => handle.signal(release, { taskId: state.taskId, doneAt }), 'release'));
      }
    }
    return sends;
  }

  /** The clock at this instant (see clockStep in the domain): mutates the view and the fired keys. */
  function clockStep(wokenByTimer: boolean): ClockStep {
    return clockStepAt(memory, nowMs(), wokenByTimer);
  }

  /** Sends the signals a recorded state calls for, after its record and only if it was recorded. */
  function follow(state: TaskStateView): void {
    const sends = followUps(state);
    if (sends.length === 0) return;
    signalling = Promise.all([signalling, recording]).then(async () => {
      // Other tasks hear only of what was recorded.
      if (unrecorded.has(state.seq)) return;
      await Promise.all(sends.map((send) => send()));
    });
  }

  /** seq + 1, one recordTaskChange; signals to other tasks follow it without holding the caller. */
  function commit(drafts: EventDraft[], notifications: NotificationRequest[] = []): { state: TaskStateView; done: Promise<void> } {
    const change = commitChange(memory, drafts, notifications, nowMs());
    keepSearchAttributesCurrent();
    const { state } = change;
    const done = recording.then(() => recordTaskChange(change));
    recording = done.catch(() => {
      unrecorded.add(state.seq);
    });
    follow(state);
    return { state, done };
  }

  /**
   * Runs a transition and commits it with whatever the clock says now. A record the read model
   * refuses as data (UnstorableRecord) refuses the write: the task goes back to where it stood, so
   * the workflow never stands a step ahead of what was recorded (unless another change was
   * committed meanwhile; `kehoach check` then finds the task).
   */
  async function apply(transition: () => Transition | undefined): Promise<TaskStateView> {
    const before = { view: plainCopy(view), clock: plainCopy(clock), toldRollup, releasedAt };
    const changed = transition();
    if (!changed) return plainCopy(view);
    const step = clockStep(!changed.timetableMoved);
    const { state, done } = commit([...changed.drafts, ...step.drafts], step.notifications);
    replans += 1;
    try {
      await done;
    } catch (error) {
      if (isUnstorable(error) && view.seq === state.seq) {
        restore(view, before.view);
        restore(clock, before.clock);
        toldRollup = before.toldRollup;
        releasedAt = before.releasedAt;
        keepSearchAttributesCurrent();
        replans += 1;
      }
      throw error;
    }
    return state;
  }

  // ---------------- messages ----------------

  setHandler(getState, () => queriedView(memory, nowMs()));

  whenChecked(
    complete,
    (request) => fail(checkComplete(view, request, nowMs())),
    (request) => apply(() => completeTask(memory, request, nowIso())),
  );
  whenChecked(
    confirm,
    (request) => fail(checkConfirm(view, request, nowMs())),
    (request) => apply(() => confirmTask(memory, request, nowIso())),
  );
  whenChecked(
    returnTask,
    (request) => fail(checkConfirmOrReturn(view, request, request.reason ?? null)),
    (request) => apply(() => returnTaskWork(memory, request, nowIso())),
  );
  whenChecked(
    reportProgress,
    (request) => fail(checkReportProgress(view, request, request.value)),
    (request) => apply(() => reportTaskProgress(memory, request, nowIso())),
  );

  const requestedDeadline = (text: unknown) =>
    typeof text === 'string' ? parseRequestedDeadline(text, (date) => endOfLocalDay(date, view.spec.timezone)) : undefined;

  whenChecked(
    requestExtension,
    (request) =>
      fail(
        checkRequestExtension(
          view,
          request,
          requestedDeadline(request.newDeadline),
          taskFacts(view, timetable()).deadlineAt,
          String(request.newDeadline),
          request.reason,
        ),
      ),
    (request) => apply(() => requestTaskExtension(memory, request, requestedDeadline(request.newDeadline)!, nowIso())),
  );
  whenChecked(
    decideExtension,
    (request) => fail(checkDecideExtension(view, request, request.extensionId)),
    (request) => apply(() => decideTaskExtension(memory, request, nowIso())),
  );
  whenChecked(
    pause,
    (request) => fail(checkPause(view, request, request.reason)),
    (request) => apply(() => pauseTask(memory, request, nowIso())),
  );
  whenChecked(
    resume,
    (request) => fail(checkResume(view, request)),
    (request) => apply(() => resumeTask(memory, request, nowIso())),
  );

  whenChecked(
    amend,
    (request) => {
      fail(checkSystem(view, request));
      if (!request.spec || request.spec.taskId !== view.taskId || request.spec.planId !== view.planId) {
        throw ApplicationFailure.create({
          type: RejectionType.invalidInput,
          nonRetryable: true,
          message: `Bản sửa đổi phải dành cho nhiệm vụ ${view.taskId} của kế hoạch ${view.planId}.`,
        });
      }
    },
    async (request) => {
      if (request.spec.specHash === view.spec.specHash) {
        memory.planVersion = request.planVersion;
        return plainCopy(view);
      }
      return apply(() => amendTask(memory, request, nowIso()));
    },
  );

  whenChecked(
    cancelTask,
    (request) => fail(checkSystem(view, request)),
    async (request) => {
      const { state, done } = commit(cancelTaskWork(memory, request, nowIso()).drafts);
      replans += 1;
      await done;
      return state;
    },
  );

  setHandler(release, async ({ taskId, doneAt }) => {
    await apply(() => {
      const transition = releaseTask(memory, taskId, doneAt, nowIso());
      if (transition && isRollup(view.spec)) {
        // The roll-up forwards the release to its members, which carry the work.
        const members = memberWorkflowIds(view.spec);
        signalling = signalling.then(async () => {
          await Promise.all(members.map((member) => signalTask(member, (handle) => handle.signal(release, { taskId, doneAt }), 'release')));
        });
      }
      return transition;
    });
  });

  setHandler(memberProgress, async (signal) => {
    await apply(() => hearMember(memory, signal, nowIso()));
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
    keepSearchAttributesCurrent();
  } else if (recordedFirst) {
    // The reconciliation recorded this first state (the memory above is the same record); what
    // the clock says since then, the loop below records as any later change.
    keepSearchAttributesCurrent();
    follow(plainCopy(view));
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
      await signalling;
      if (!cancelled()) {
        await continueAsNew<typeof taskWorkflow>({
          spec: view.spec,
          planVersion: memory.planVersion,
          carried: plainCopy(view),
          carriedClock: plainCopy(clock),
          // A new run has no history to replay: it takes today's generation.
          generation: TASK_WORKFLOW_GENERATION,
        });
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
  await signalling;
  return plainCopy(view);
}
