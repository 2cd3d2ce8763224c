/**
 * Starting, amending and cancelling task workflows on behalf of the plan workflow. Task workflows
 * are started by ID through the client rather than as child workflows: a national plan carries tens
 * of thousands of tasks and Temporal caps a workflow's pending children at 2,000.
 *
 * Every call handles a run of pages of a reconciliation, read from the plan store by spec set hash
 * (the plan workflow never holds the specs), and is safe to run twice: starts use USE_EXISTING, updates
 * carry an update ID derived from the plan version and the workflow, so a retried page gets the
 * first results back.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { TaskSpec } from '../plan/model';
import { TASK_QUEUE, taskWorkflowId } from '../workflows/ids';
import { amend, cancelTask, release, taskWorkflowInput } from '../workflows/messages';
import type { taskWorkflow } from '../workflows/task';
import { taskSearchValues, taskStartSearchAttributes } from '../temporal/search-attributes';
import { initialMemory } from '../domain/task-transitions';
import {
  firstChange,
  quietUntil,
  reconciliationCovered,
  type Actor,
  type CompletionLookup,
  type FirstRecordWriter,
  type LastRecord,
  type PlanStore,
  type ReconcilePageInput,
  type ReconcilePageResult,
  type ReconcileProgress,
  type TaskChange,
  type TaskControlActivities,
  type TaskStateView,
} from '../domain';

/** Heartbeats when running as an activity (with the index reached, for the UI); a no-op when called directly. */
function heartbeat(details: unknown): void {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat(details);
}

function warn(message: string, meta: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, meta);
  } catch {
    console.warn(message, meta);
  }
}

/**
 * The search attributes a task has before its workflow first runs: those of its starting state,
 * so that its first workflow task need not upsert them. The workflow keeps them current.
 */
export function initialSearchAttributes(spec: TaskSpec, planVersion: number, nowIso: string): SearchAttributePair[] {
  // As the workflow of today's generation starts (a roll-up takes its unheard members as starting).
  return taskStartSearchAttributes(taskSearchValues(initialMemory(spec, planVersion, nowIso, { unheardAsStarting: true }).view));
}

/**
 * An update the task refused (already cancelled, say) is the task's decision, not a transient
 * failure: retrying it would block the whole reconciliation, so it is logged and skipped. A task
 * workflow that no longer exists has nothing left to amend or cancel.
 */
function isFinalRefusal(error: unknown): boolean {
  return error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError;
}

/** Task workflows started, amended or cancelled at once within a page: Temporal takes them in parallel, the machine does not drown. */
export const RECONCILE_CONCURRENCY = 16;

/** A first wake closer than this (or past: the clock differs from the server's) starts the workflow at once. */
export const MIN_START_DELAY_MS = 1_000;

/**
 * How long after its start a task the page records runs its first workflow task when it has no
 * quiet time of its own (another task signals it: a prerequisite's release, a roll-up's members;
 * or its clock has no wake): by then the page's other starts are done. Such tasks' first workflow
 * tasks slowed those starts when they ran among them, the apply being bound by CPU: running
 * Nghệ An's 11 tasks with a prerequisite a second later took its apply from 216 ms to 184
 * (alternated, medians of 15). Temporal keeps a signal sent meanwhile in the history and hands it
 * over at the first workflow task; an Update runs the task at once.
 */
export const SIGNALLED_START_DELAY_MS = 1_000;

/** How the page starts one task workflow (`pageStartOf`). */
export interface PageStart {
  /**
   * The task's first record, which the page writes once the page's tasks are started: the
   * workflow takes it as its state, starts with its search attributes and, when its clock has
   * nothing to do before `quietUntil`, starts delayed until then.
   */
  first?: { change: TaskChange; view: TaskStateView; quietUntil: number | undefined };
  /** The row an earlier run of the same workflow id left: the new run's records follow it. */
  earlierRun?: LastRecord;
}

/**
 * How the page started at instant `at` starts `spec`, given the row its workflow id already has.
 *
 * A task removed from its plan and added back has its earlier run's row, recorded before the
 * page's instant: its new run continues that seq and records itself, so that its first record
 * replaces the row (the projection keeps the higher seq) and the page never writes over a run it
 * did not start; its deadlines are counted after the earlier run's, so that its reminders and
 * escalations are its own and not taken for ones already sent. A row at or after the instant is
 * this run's, from an earlier attempt of the page: the start changes nothing, nor does the record
 * again. Any other task is recorded by the page, a catch-up to announce included (the page writes
 * its notifications with the record). Without an instant (a call scheduled by code from before the
 * page wrote first records) every task records itself.
 */
export function pageStartOf(spec: TaskSpec, planVersion: number, at: string | undefined, row: LastRecord | undefined): PageStart {
  if (at === undefined) return {};
  if (row !== undefined && Date.parse(row.updatedAt) < Date.parse(at)) return { earlierRun: row };
  const first = firstChange(spec, planVersion, at);
  return { first: { change: first.change, view: first.memory.view, quietUntil: quietUntil(first.memory, first.change.state.updatedAt) } };
}

/** The options the page starts `spec`'s task workflow with, at `nowMs` (its start delay counts from it). */
export function taskStartOptions(spec: TaskSpec, planVersion: number, how: PageStart, nowMs: number): WorkflowStartOptions<typeof taskWorkflow> {
  const { first, earlierRun } = how;
  const delayMs = first === undefined ? 0 : first.quietUntil !== undefined ? first.quietUntil - nowMs : SIGNALLED_START_DELAY_MS;
  return {
    workflowId: taskWorkflowId(spec),
    taskQueue: TASK_QUEUE,
    args: [
      taskWorkflowInput(spec, planVersion, {
        ...(first ? { recordedAt: first.change.state.updatedAt } : {}),
        ...(earlierRun ? { seqAfter: earlierRun.seq, deadlineVersionAfter: earlierRun.deadlineVersion } : {}),
      }),
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // Its first record is written and it has nothing to do before its clock's first wake: its
    // first workflow task waits for that (Temporal's start delay is the timer it would set), or
    // for the first Update sent to it. An apply then costs Temporal a start a task. A task that
    // hears signals waits SIGNALLED_START_DELAY_MS instead.
    ...(delayMs >= MIN_START_DELAY_MS ? { startDelay: delayMs } : {}),
    typedSearchAttributes: first
      ? taskStartSearchAttributes(taskSearchValues(first.view))
      : initialSearchAttributes(spec, planVersion, new Date(nowMs).toISOString()),
  };
}

/**
 * Lanes for work from several callers: at most `limit` pieces run at once, taken in the order they
 * were asked for. A reconciliation call hands its pages to the same lanes, so the next page's
 * work starts as lanes free up, not once the page before has drained.
 */
export function sharedLanes(limit: number) {
  let free = limit;
  const waiting: (() => void)[] = [];
  let failure: { error: unknown } | undefined;
  const acquire = (): Promise<void> => {
    if (free > 0) {
      free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return {
    /**
     * Runs `work` over `items` in these lanes. The first failure (of this or any other caller)
     * stops what has not begun, and each caller gets it once its own pieces have settled.
     */
    async each<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
      await Promise.all(
        items.map(async (item, index) => {
          await acquire();
          try {
            if (!failure) await work(item, index);
          } catch (error) {
            failure ??= { error };
          } finally {
            release();
          }
        }),
      );
      if (failure) throw failure.error;
    },
  };
}

export type Lanes = ReturnType<typeof sharedLanes>;

/** Runs `work` over `items`, at most `limit` at a time; the first failure fails the whole once the others settle. */
export function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  return sharedLanes(limit).each(items, work);
}

/** Where a call stands after its last recorded page: what a retried attempt resumes from. */
interface CallProgress {
  kind: ReconcilePageInput['kind'];
  after?: string;
  count: number;
  errors: number;
  progress: ReconcileProgress;
}

/** The progress an earlier attempt of this call heartbeated, when there is one for this kind of call. */
function resumedProgress(kind: ReconcilePageInput['kind']): CallProgress | undefined {
  let details: unknown;
  try {
    details = Context.current().info.heartbeatDetails;
  } catch {
    return undefined;
  }
  const resumed = details as Partial<CallProgress> | undefined;
  return resumed?.kind === kind && typeof resumed.count === 'number' && resumed.progress ? (resumed as CallProgress) : undefined;
}

/** The reconciliation's progress with one handled page added. */
function withPage(progress: ReconcileProgress, kind: ReconcilePageInput['kind'], count: number, refused: number): ReconcileProgress {
  return {
    started: progress.started + (kind === 'start' ? count : 0),
    amended: progress.amended + (kind === 'amend' ? count : 0),
    cancelled: progress.cancelled + (kind === 'cancel' ? count : 0),
    errors: progress.errors + refused,
  };
}

export function createTaskControlActivities(
  client: Client,
  completions: CompletionLookup,
  store: PlanStore,
  firstRecords: FirstRecordWriter,
): TaskControlActivities {
  /** Starts one task workflow as the page decided (`pageStartOf`). */
  async function start(spec: TaskSpec, planVersion: number, how: PageStart = {}): Promise<void> {
    await client.workflow.start<typeof taskWorkflow>('taskWorkflow', taskStartOptions(spec, planVersion, how, Date.now()));
  }

  /**
   * Releases a page's started tasks (a page holds one plan's) from the prerequisites the read
   * model shows done (done before the task started, a prerequisite released nobody): one lookup
   * for the page, once its tasks are started. A prerequisite's record lands before its own release signals go out, so no
   * completion falls between the two paths: recorded before the lookup, it is found; after, its
   * release reaches the started task. Repeated releases change nothing.
   */
  async function releaseFromReadModel(planId: string, specs: readonly TaskSpec[], lanes: Lanes): Promise<void> {
    const waiting = specs.filter((spec) => spec.dependsOn.length > 0);
    if (waiting.length === 0) return;
    const done = await completions.doneAt(planId, [...new Set(waiting.flatMap((spec) => spec.dependsOn))]);
    const releases = waiting.flatMap((spec) =>
      spec.dependsOn.flatMap((taskId) => (done[taskId] ? [{ workflowId: taskWorkflowId(spec), taskId, doneAt: done[taskId] }] : [])),
    );
    await lanes.each(releases, ({ workflowId, taskId, doneAt }) => client.workflow.getHandle(workflowId).signal(release, { taskId, doneAt }));
  }

  async function amendOne(spec: TaskSpec, planVersion: number, actor: Actor): Promise<boolean> {
    const workflowId = taskWorkflowId(spec);
    try {
      await client.workflow.getHandle(workflowId).executeUpdate(amend, {
        args: [{ spec, planVersion, actor }],
        updateId: `amend:v${planVersion}:${workflowId}`,
      });
      return true;
    } catch (error) {
      if (!isFinalRefusal(error)) throw error;
      warn('task workflow did not take the amendment', { workflowId, planVersion, error: (error as Error).message });
      return false;
    }
  }

  async function cancelOne(workflowId: string, planVersion: number, actor: Actor): Promise<boolean> {
    try {
      await client.workflow.getHandle(workflowId).executeUpdate(cancelTask, {
        args: [{ actor, planVersion, reason: `Nhiệm vụ đã được bỏ khỏi kế hoạch ở phiên bản ${planVersion}` }],
        updateId: `cancel:v${planVersion}:${workflowId}`,
      });
      return true;
    } catch (error) {
      if (!isFinalRefusal(error)) throw error;
      warn('task workflow did not take the cancellation', { workflowId, planVersion, error: (error as Error).message });
      return false;
    }
  }

  /**
   * Works through a call's pages (`input.pages`, one when absent) in workflow id order: each page
   * is read from the plan store, handed to the call's lanes and, once handled, its progress
   * recorded (absolute figures: a retried page writes the same) and heartbeated, so that a
   * retried attempt resumes after the last recorded page. The next page is read while one runs,
   * so the lanes never drain between pages; at most two pages are in hand at once. A failure is
   * recorded as the reconciliation's last error, where the API shows it, and rethrown so that
   * Temporal retries the call.
   */
  async function pages(
    input: ReconcilePageInput,
    handle: (page: { specs: TaskSpec[]; workflowIds: string[] }, lanes: Lanes) => Promise<number>,
  ): Promise<ReconcilePageResult> {
    const { planId, planVersion: version, kind } = input;
    const lanes = sharedLanes(RECONCILE_CONCURRENCY);
    let reached: CallProgress = resumedProgress(kind) ?? {
      kind,
      ...(input.after !== undefined ? { after: input.after } : {}),
      count: 0,
      errors: 0,
      progress: input.progress,
    };
    // Every piece of work done heartbeats where the call stands (Temporal throttles the beats).
    const heartbeating: Lanes = {
      each: (items, work) =>
        lanes.each(items, async (item, index) => {
          await work(item, index);
          heartbeat(reached);
        }),
    };
    const handledPages: Promise<number>[] = [];
    const recordedPages: Promise<void>[] = [];
    let recorded: Promise<void> = Promise.resolve();
    let after = reached.after;
    let done = false;
    try {
      for (let read = 0; read < (input.pages ?? 1) && !done; read++) {
        // Two pages in hand: the one running and the one read beside it.
        if (read >= 2) await recordedPages[read - 2];
        const found = await store.changesPage({ ...input, after });
        done = found.workflowIds.length < input.limit;
        const last = found.workflowIds.at(-1) ?? after;
        after = last;
        const handled = handle(found, heartbeating);
        recorded = recorded.then(async () => {
          const refused = await handled;
          const count = found.workflowIds.length;
          const progress = withPage(reached.progress, kind, count, refused);
          // The page that makes the last change finishes the reconciliation for whoever waits on it.
          const finished = input.counts !== undefined && reconciliationCovered(progress, input.counts);
          await store.recordProgress({ planId, version, progress, ...(finished ? { finishedAt: new Date().toISOString() } : {}) });
          reached = {
            kind,
            ...(last !== undefined ? { after: last } : {}),
            count: reached.count + count,
            errors: reached.errors + refused,
            progress,
          };
          heartbeat(reached);
        });
        // Observed here so that a failure waiting behind another is never reported unhandled.
        handled.catch(() => undefined);
        recorded.catch(() => undefined);
        handledPages.push(handled);
        recordedPages.push(recorded);
      }
      await recorded;
      return { count: reached.count, errors: reached.errors, done, ...(reached.after !== undefined ? { last: reached.after } : {}) };
    } catch (error) {
      // Nothing of this attempt may still run when the next one begins.
      await Promise.allSettled([...handledPages, recorded]);
      await store.recordFailure({ planId, version, message: (error as Error).message }).catch(() => undefined);
      throw error;
    }
  }

  return {
    startTasks: (input) =>
      pages(input, async ({ specs }, lanes) => {
        // The page writes its tasks' first records in one statement once they are started (each
        // workflow takes its record as its state, see TaskWorkflowInput.recordedAt): one write a
        // page instead of one a task. Which tasks record themselves instead is pageStartOf's rule.
        const { at } = input;
        const earlier = at !== undefined ? await firstRecords.lastRecorded(specs.map(taskWorkflowId)) : {};
        const recorded: TaskChange[] = [];
        await lanes.each(specs, async (spec) => {
          const how = pageStartOf(spec, input.planVersion, at, earlier[taskWorkflowId(spec)]);
          await start(spec, input.planVersion, how);
          if (how.first) recorded.push(how.first.change);
        });
        const [refused] = await Promise.all([firstRecords.recordFirstChanges(recorded), releaseFromReadModel(input.planId, specs, lanes)]);
        for (const workflowId of refused) warn("the read model refused a task's first record as data", { workflowId });
        return 0;
      }),

    amendTasks: (input) =>
      pages(input, async ({ specs }, lanes) => {
        let refused = 0;
        await lanes.each(specs, async (spec) => {
          if (!(await amendOne(spec, input.planVersion, input.actor))) refused += 1;
        });
        return refused;
      }),

    cancelTasks: (input) =>
      pages(input, async ({ workflowIds }, lanes) => {
        let refused = 0;
        await lanes.each(workflowIds, async (workflowId) => {
          if (!(await cancelOne(workflowId, input.planVersion, input.actor))) refused += 1;
        });
        return refused;
      }),

    async beginReconciliation({ planId, planVersion, from, to }) {
      const counts = await store.countChanges(from, to);
      await store.beginReconciliation({ planId, version: planVersion, counts, at: new Date().toISOString() });
      return counts;
    },

    async finishReconciliation({ planId, planVersion, progress }) {
      await store.recordProgress({ planId, version: planVersion, progress, finishedAt: new Date().toISOString() });
    },
  };
}
