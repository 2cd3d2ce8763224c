/**
 * What each write does to a task, as pure functions over its memory: the task workflow validates
 * with permissions.ts, calls the transition, and only then records and signals. Every instant is
 * an argument; nothing here reads the clock.
 */
import { unannouncedYears } from '../plan/calendar';
import { deadlineInstant, taskTimetable } from '../plan/timetable';
import type { TaskSpec, TimetableEntry } from '../plan/model';
import type {
  AmendInput,
  MemberProgressInput,
  CancelInput,
  CompleteInput,
  ConfirmInput,
  DecideExtensionInput,
  PauseInput,
  ReportProgressInput,
  RequestExtensionInput,
  ResumeInput,
  ReturnInput,
  WriteContext,
} from './commands';
import { categoryAt, deadlineStateAt, isReported, type TaskFacts } from './facts';
import { rollUp, rollupProgress, type RollupMember } from './rollup';
import type { TaskStateView } from './task-view';
import { taskWorkflowId } from './task-ref';
import { SYSTEM_ACTOR, type Actor, type Category, type DeadlineKind, type DeadlineState, type Progress, type TaskEventType } from './vocabulary';

/**
 * What the workflow remembers beyond the view, carried across continue-as-new. firedKeys:
 * timetable keys (`r1`, `l2`) already handled for the current deadline version;
 * prerequisitesDoneAt: prerequisite id → when it was done.
 */
export interface TaskClock {
  firedKeys: string[];
  prerequisitesDoneAt: Record<string, string>;
  /** A roll-up's members as they last signalled, by workflow id. */
  members?: Record<string, RollupMember>;
  /**
   * A roll-up takes a member it has not heard from to be as every member starts (startingProgress),
   * so that members need not announce their start. Roll-ups started before that rule (without this
   * mark) take it to be not started, and their members announce themselves.
   */
  unheardAsStarting?: true;
}

export interface TaskMemory {
  view: TaskStateView;
  clock: TaskClock;
  planVersion: number;
}

/** An event before the shell gives it a seq and an idempotency key. */
export interface EventDraft {
  type: TaskEventType;
  actor: Actor;
  requestId?: string;
  /** The instant the event is for in the plan's timeline (see records.ts). */
  at: string;
  data: Record<string, unknown>;
  /** Reminder or level events carry their per-deadline-version key instead of a seq-based one. */
  timetableKey?: string;
}

/** A transition's events, and whether it moved the timetable (instants found behind it are catch-ups). */
export interface Transition {
  drafts: EventDraft[];
  timetableMoved: boolean;
}

const who = (ctx: WriteContext): Pick<EventDraft, 'actor' | 'requestId'> => ({
  actor: ctx.actor,
  ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
});

const iso = (text: string): string => new Date(text).toISOString();

// ---------- facts and verdict ----------

export function deadlineKindOf(spec: TaskSpec): DeadlineKind {
  switch (spec.deadline.kind) {
    case 'none':
      return 'none';
    case 'instant':
      return 'fixed';
    case 'after_task':
      return 'after_task';
  }
}

/**
 * The task's facts from its view and its timetable (which already moves the deadline and the
 * due-soon line by the time spent in earlier pauses). The one place they are computed.
 */
export function taskFacts(view: TaskStateView, timetable: readonly TimetableEntry[]): TaskFacts {
  const deadlineAt = timetable.find((entry) => entry.kind === 'deadline')?.at ?? view.deadlineAt;
  const dueSoonAt = timetable.find((entry) => entry.kind === 'due_soon')?.at;
  return {
    progress: view.progress,
    deadlineKind: deadlineKindOf(view.spec),
    ...(deadlineAt !== undefined ? { deadlineAt } : {}),
    ...(dueSoonAt !== undefined ? { dueSoonAt } : {}),
    ...(view.progress === 'paused' && view.pausedAt !== undefined ? { pausedAt: view.pausedAt } : {}),
    ...(isReported(view.progress) && view.completedAt !== undefined ? { completedAt: view.completedAt } : {}),
  };
}

export interface Verdict {
  category: Category;
  deadlineState: DeadlineState;
}

/** The rule at `atMs`; a cancelled task (counted nowhere) keeps the category it had. */
export function verdictAt(facts: TaskFacts, previous: Category, atMs: number): Verdict {
  return { category: categoryAt(facts, atMs) ?? previous, deadlineState: deadlineStateAt(facts, atMs) };
}

// ---------- start ----------

/** How every copy of a task starts: in progress, or not started while its prerequisites wait. */
export function startingProgress(spec: TaskSpec): Progress {
  return spec.dependsOn.length > 0 ? 'not_started' : 'in_progress';
}

export interface StartOptions {
  /** For a roll-up: take unheard members to be as they start (TaskClock.unheardAsStarting). */
  unheardAsStarting?: boolean;
  /**
   * The last seq an earlier run of the same workflow id recorded (a task removed from the plan and
   * added back): the new run's records follow it, so that they replace the earlier run's row.
   */
  seqAfter?: number;
  /**
   * The deadline version that earlier run reached: the new run's deadlines are counted after it,
   * so that its reminders and escalations have keys of their own (notificationKey) and are
   * recorded and sent, not taken for the earlier run's.
   */
  deadlineVersionAfter?: number;
}

export function initialMemory(spec: TaskSpec, planVersion: number, nowIso: string, options: StartOptions = {}): TaskMemory {
  const waitingFor = [...spec.dependsOn];
  const deadlineAt = spec.deadline.kind === 'instant' ? spec.deadline.at : undefined;
  const view: TaskStateView = {
    workflowId: taskWorkflowId(spec),
    planId: spec.planId,
    taskId: spec.taskId,
    ...(spec.unitId ? { unitId: spec.unitId } : {}),
    ...(spec.occurrence ? { occurrence: spec.occurrence } : {}),
    spec,
    progress: startingProgress(spec),
    facts: { progress: 'in_progress', deadlineKind: deadlineKindOf(spec) },
    deadlineState: 'on_track',
    category: 'open_on_time',
    ...(deadlineAt ? { deadlineAt } : {}),
    deadlineVersion: (options.deadlineVersionAfter ?? 0) + (deadlineAt ? 1 : 0),
    escalationLevel: 0,
    pausedMs: 0,
    extensionRequests: [],
    waitingFor,
    upcoming: [],
    seq: options.seqAfter ?? 0,
    updatedAt: nowIso,
  };
  const memory: TaskMemory = {
    view,
    clock: { firedKeys: [], prerequisitesDoneAt: {}, ...(isRollup(spec) && options.unheardAsStarting ? { unheardAsStarting: true as const } : {}) },
    planVersion,
  };
  if (isRollup(spec)) settleRollup(memory, nowIso);
  view.facts = taskFacts(view, []);
  Object.assign(view, verdictAt(view.facts, view.category, Date.parse(nowIso)));
  return memory;
}

// ---------- roll-ups ----------

/** The task as a whole over its units or occurrences. */
export function isRollup(spec: TaskSpec): boolean {
  return (spec.members?.length ?? 0) > 0;
}

/** A unit's or occurrence's copy: it tells its roll-up, which releases the dependants. */
export function isMember(spec: TaskSpec): boolean {
  return spec.unitId !== undefined || spec.occurrence !== undefined;
}

export function memberWorkflowIds(spec: TaskSpec): string[] {
  return (spec.members ?? []).map((member) => taskWorkflowId({ planId: spec.planId, taskId: spec.taskId, ...member }));
}

/**
 * Whether a member must tell its roll-up how it started: not when it started as every member does
 * (the roll-up takes it so unheard), with nothing done, no value and no target of its own.
 */
export function announcesStart(view: TaskStateView): boolean {
  return (
    view.progress !== startingProgress(view.spec) ||
    view.completedAt !== undefined ||
    view.progressValue !== undefined ||
    view.spec.target !== undefined
  );
}

/** What a member tells its roll-up. */
export function memberSignal(view: TaskStateView): MemberProgressInput {
  const target = view.spec.target;
  return {
    workflowId: view.workflowId,
    ...(view.unitId ? { unitId: view.unitId } : {}),
    ...(view.occurrence ? { occurrence: view.occurrence } : {}),
    progress: view.progress,
    ...(view.completedAt ? { completedAt: view.completedAt } : {}),
    ...(view.progressValue !== undefined ? { progressValue: view.progressValue } : {}),
    ...(target ? { targetValue: target.value } : {}),
    ...(target?.base !== undefined ? { targetBase: target.base } : {}),
    seq: view.seq,
  };
}

/**
 * The roll-up's progress, completion and value from its members (rollup.ts). Becoming done is a
 * `completed` event stamped with the last member's completion.
 */
export function settleRollup(memory: TaskMemory, nowIso: string): Transition {
  const { view, clock } = memory;
  const heard = clock.members ?? {};
  const unheard: Progress = clock.unheardAsStarting ? startingProgress(view.spec) : 'not_started';
  const members = memberWorkflowIds(view.spec).map((workflowId) => heard[workflowId] ?? { workflowId, progress: unheard, seq: 0 });
  const summary = rollUp(members, view.spec.target);
  view.rollup = summary;
  if (summary.value !== undefined) view.progressValue = summary.value;
  if (view.progress === 'cancelled') return { drafts: [], timetableMoved: false };
  const wasDone = view.progress === 'done';
  view.progress = rollupProgress(summary);
  const drafts: EventDraft[] = [];
  if (view.progress === 'done' && !wasDone) {
    view.completedAt = summary.completedAt ?? nowIso;
    drafts.push({ type: 'completed', actor: SYSTEM_ACTOR, at: view.completedAt, data: { members: summary.total, receivedAt: nowIso } });
  } else if (view.progress !== 'done' && wasDone) {
    delete view.completedAt;
  }
  return { drafts, timetableMoved: wasDone !== (view.progress === 'done') };
}

/**
 * A roll-up forgets what it heard from a member the plan no longer has. A unit removed and later
 * added back runs again under the same workflow id from seq 1: remembered, its old run's last
 * word (cancelled, at a higher seq) would outweigh everything the new run says.
 */
function forgetFormerMembers(memory: TaskMemory): void {
  const heard = memory.clock.members;
  if (!heard) return;
  const current = new Set(memberWorkflowIds(memory.view.spec));
  for (const workflowId of Object.keys(heard)) if (!current.has(workflowId)) delete heard[workflowId];
}

/** A member's latest state; a late or repeated signal (by the member's seq) changes nothing. */
export function hearMember(memory: TaskMemory, signal: MemberProgressInput, nowIso: string): Transition | undefined {
  const { clock } = memory;
  if (!isRollup(memory.view.spec) || !memberWorkflowIds(memory.view.spec).includes(signal.workflowId)) return undefined;
  const members = (clock.members ??= {});
  const known = members[signal.workflowId];
  if (known && known.seq >= signal.seq) return undefined;
  members[signal.workflowId] = { ...signal };
  return settleRollup(memory, nowIso);
}

// ---------- deadlines ----------

/** A new deadline instant in force: a new version, a fresh ladder, no paused time against it. */
export function setDeadline(memory: TaskMemory, deadlineAt: string | undefined, nowIso: string): boolean {
  const { view, clock } = memory;
  if (deadlineAt === view.deadlineAt) return false;
  if (deadlineAt === undefined) delete view.deadlineAt;
  else view.deadlineAt = deadlineAt;
  view.deadlineVersion += 1;
  view.escalationLevel = 0;
  view.pausedMs = 0;
  clock.firedKeys = [];
  // Paused time before the new deadline does not count against it.
  if (view.pausedAt) view.pausedAt = nowIso;
  return true;
}

/** The prerequisite whose completion anchors an "after task" deadline: the one named, else the last done. */
export function deadlineAnchor(spec: TaskSpec, prerequisitesDoneAt: Record<string, string>): string | undefined {
  if (spec.deadline.kind !== 'after_task') return undefined;
  const named = prerequisitesDoneAt[spec.deadline.taskId];
  if (named) return named;
  const all = Object.values(prerequisitesDoneAt).sort();
  return all.length > 0 ? all[all.length - 1] : undefined;
}

/** The deadline a spec's rule gives, once its anchor (if any) is known. */
export function ruleDeadline(spec: TaskSpec, prerequisitesDoneAt: Record<string, string>): string | undefined {
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

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Top-level spec fields that differ, for the audit log of an amendment. */
export function changedFields(before: TaskSpec, after: TaskSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('specHash');
  return [...keys]
    .filter((key) => !sameJson((before as unknown as Record<string, unknown>)[key], (after as unknown as Record<string, unknown>)[key]))
    .sort();
}

// ---------- the writes ----------

/** The lead reports the work done: done at once, or awaiting confirmation when the plan asks for it. */
export function completeTask(memory: TaskMemory, input: CompleteInput, nowIso: string): Transition {
  const { view } = memory;
  const completedAt = input.completedAt ? iso(input.completedAt) : nowIso;
  view.progress = view.spec.confirmation ? 'awaiting_confirmation' : 'done';
  view.completedAt = completedAt;
  view.completedBy = input.actor;
  delete view.returnReason;
  return {
    drafts: [
      {
        type: 'completed',
        ...who(input),
        at: completedAt,
        data: {
          ...(input.note ? { note: input.note } : {}),
          ...(input.evidence ? { evidence: input.evidence } : {}),
          backdated: input.completedAt !== undefined,
        },
      },
    ],
    timetableMoved: false,
  };
}

/** The tracking office confirms: done, judged by when the lead reported (possibly back-dated). */
export function confirmTask(memory: TaskMemory, input: ConfirmInput, nowIso: string): Transition {
  const { view } = memory;
  const confirmedAt = input.confirmedAt ? iso(input.confirmedAt) : nowIso;
  view.progress = 'done';
  view.confirmedAt = confirmedAt;
  return {
    drafts: [
      {
        type: 'confirmed',
        ...who(input),
        at: confirmedAt,
        data: { ...(input.note ? { note: input.note } : {}), backdated: input.confirmedAt !== undefined },
      },
    ],
    timetableMoved: false,
  };
}

/** The tracking office sends the work back: open again, its reminders and ladder run again. */
export function returnTaskWork(memory: TaskMemory, input: ReturnInput, nowIso: string): Transition {
  const { view } = memory;
  view.progress = 'returned';
  view.returnReason = input.reason;
  delete view.completedAt;
  delete view.completedBy;
  return { drafts: [{ type: 'returned', ...who(input), at: nowIso, data: { reason: input.reason } }], timetableMoved: true };
}

export function reportTaskProgress(memory: TaskMemory, input: ReportProgressInput, nowIso: string): Transition {
  const { view } = memory;
  if (input.value !== undefined) view.progressValue = input.value;
  return {
    drafts: [
      {
        type: 'progress_reported',
        ...who(input),
        at: nowIso,
        data: { ...(input.value !== undefined ? { value: input.value } : {}), ...(input.note ? { note: input.note } : {}) },
      },
    ],
    timetableMoved: false,
  };
}

/** `newDeadline` is the parsed instant (see parseRequestedDeadline); the request waits for a decision. */
export function requestTaskExtension(memory: TaskMemory, input: RequestExtensionInput, newDeadline: string, nowIso: string): Transition {
  const { view } = memory;
  const id = `e${view.extensionRequests.length + 1}`;
  view.extensionRequests.push({ id, newDeadline, reason: input.reason, requestedBy: input.actor, requestedAt: nowIso, status: 'pending' });
  return {
    drafts: [{ type: 'extension_requested', ...who(input), at: nowIso, data: { extensionId: id, newDeadline, reason: input.reason } }],
    timetableMoved: false,
  };
}

/** An approved extension is a new deadline version with a fresh ladder. */
export function decideTaskExtension(memory: TaskMemory, input: DecideExtensionInput, nowIso: string): Transition {
  const { view } = memory;
  const extension = view.extensionRequests.find((candidate) => candidate.id === input.extensionId)!;
  extension.status = input.approve ? 'approved' : 'denied';
  extension.decidedBy = input.actor;
  extension.decidedAt = nowIso;
  if (input.note) extension.note = input.note;
  const before = view.deadlineAt;
  if (input.approve) setDeadline(memory, extension.newDeadline, nowIso);
  const unannounced = input.approve ? unannouncedYearsFor(view.spec, extension.newDeadline) : [];
  return {
    drafts: [
      {
        type: 'extension_decided',
        ...who(input),
        at: nowIso,
        data: {
          extensionId: extension.id,
          approve: input.approve,
          ...(input.note ? { note: input.note } : {}),
          previousDeadline: before,
          deadlineAt: view.deadlineAt,
          deadlineVersion: view.deadlineVersion,
          // Readers word the warning (src/i18n unannouncedYearsText); the record keeps the facts.
          ...(unannounced.length > 0
            ? { unannouncedYears: unannounced, calendar: view.spec.calendar.name, statutoryHolidays: Boolean(view.spec.calendar.statutoryHolidays) }
            : {}),
        },
      },
    ],
    timetableMoved: input.approve,
  };
}

/**
 * An extension granted at run time can carry the deadline, its reminders or its ladder into a year
 * whose holiday announcement the calendar does not have yet: the decision's record names them.
 */
export function unannouncedYearsFor(spec: TaskSpec, deadlineAt: string): number[] {
  const instants = [
    deadlineAt,
    ...taskTimetable({ deadlineAt, policy: spec.escalation, calendar: spec.calendar, timezone: spec.timezone }).map((entry) => entry.at),
  ];
  return unannouncedYears(spec.calendar, instants, spec.timezone);
}

/** The clock stops: the task is judged at the instant the pause began. */
export function pauseTask(memory: TaskMemory, input: PauseInput, nowIso: string): Transition {
  const { view } = memory;
  view.progressBeforePause = view.progress;
  view.progress = 'paused';
  view.pauseReason = input.reason;
  view.pausedAt = nowIso;
  return { drafts: [{ type: 'paused', ...who(input), at: nowIso, data: { reason: input.reason } }], timetableMoved: false };
}

/** The time spent paused moves the deadline, the due-soon line and the ladder on. */
export function resumeTask(memory: TaskMemory, input: ResumeInput, nowIso: string): Transition {
  const { view } = memory;
  const pausedFor = view.pausedAt ? Math.max(0, Date.parse(nowIso) - Date.parse(view.pausedAt)) : 0;
  view.pausedMs += pausedFor;
  view.progress = view.progressBeforePause ?? 'in_progress';
  delete view.progressBeforePause;
  delete view.pauseReason;
  delete view.pausedAt;
  return {
    drafts: [{ type: 'resumed', ...who(input), at: nowIso, data: { pausedMs: pausedFor, ...(input.note ? { note: input.note } : {}) } }],
    timetableMoved: true,
  };
}

/** Start when nothing is awaited any more, and date an "after task" deadline once its anchor is known. */
export function settlePrerequisites(memory: TaskMemory, nowIso: string): void {
  const { view, clock } = memory;
  view.waitingFor = view.spec.dependsOn.filter((taskId) => clock.prerequisitesDoneAt[taskId] === undefined);
  if (view.waitingFor.length === 0 && !isRollup(view.spec)) {
    if (view.progress === 'not_started') view.progress = 'in_progress';
    if (view.progress === 'paused' && view.progressBeforePause === 'not_started') view.progressBeforePause = 'in_progress';
  }
  if (view.spec.deadline.kind === 'after_task' && view.deadlineAt === undefined) {
    setDeadline(memory, ruleDeadline(view.spec, clock.prerequisitesDoneAt), nowIso);
  }
}

/**
 * A prerequisite is done. The `released` event is stamped with the prerequisite's completion: a
 * dependant's deadline counts from then in the plan's timeline, whenever the signal arrived.
 * Undefined when the release changes nothing (not a prerequisite, already heard, cancelled).
 */
export function releaseTask(memory: TaskMemory, prerequisite: string, doneAt: string, nowIso: string): Transition | undefined {
  const { view, clock } = memory;
  if (!view.spec.dependsOn.includes(prerequisite) || clock.prerequisitesDoneAt[prerequisite] !== undefined) return undefined;
  if (view.progress === 'cancelled') return undefined;
  clock.prerequisitesDoneAt[prerequisite] = doneAt;
  settlePrerequisites(memory, nowIso);
  return {
    drafts: [
      {
        type: 'released',
        actor: SYSTEM_ACTOR,
        at: doneAt,
        data: { prerequisite, doneAt, waitingFor: view.waitingFor, receivedAt: nowIso },
      },
    ],
    timetableMoved: true,
  };
}

/**
 * A new plan version changed this task. A task already reported done keeps the deadline it was
 * judged against: its verdict stays whatever the new version says.
 */
export function amendTask(memory: TaskMemory, input: AmendInput, nowIso: string): Transition {
  const { view, clock } = memory;
  const before = view.spec;
  const fields = changedFields(before, input.spec);
  view.spec = input.spec;
  memory.planVersion = input.planVersion;
  if (!sameJson(before.deadline, input.spec.deadline) && !isReported(view.progress)) {
    setDeadline(memory, ruleDeadline(input.spec, clock.prerequisitesDoneAt), nowIso);
  }
  settlePrerequisites(memory, nowIso);
  if (isRollup(input.spec)) forgetFormerMembers(memory);
  const rollup = isRollup(input.spec) ? settleRollup(memory, nowIso) : undefined;
  return {
    drafts: [
      ...(rollup?.drafts ?? []),
      {
        type: 'amended',
        ...who(input),
        at: nowIso,
        data: { planVersion: input.planVersion, fields, deadlineAt: view.deadlineAt, deadlineVersion: view.deadlineVersion },
      },
    ],
    timetableMoved: true,
  };
}

export function cancelTaskWork(memory: TaskMemory, input: CancelInput, nowIso: string): Transition {
  const { view } = memory;
  view.progress = 'cancelled';
  delete view.progressBeforePause;
  memory.planVersion = input.planVersion;
  return {
    drafts: [
      {
        type: 'cancelled',
        ...who(input),
        at: nowIso,
        data: { planVersion: input.planVersion, ...(input.reason ? { reason: input.reason } : {}) },
      },
    ],
    timetableMoved: false,
  };
}
