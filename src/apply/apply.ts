/**
 * Applying a plan: compile it against its calendar, compare with what the plan workflow holds, and
 * hand the new version to the plan workflow, which reconciles the task workflows. Used by
 * `kehoach apply` / `kehoach diff`, `kehoach up` and the API (`POST /api/plans`); it knows nothing of
 * the command line.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { compilePlan } from '../plan/compile';
import { loadCalendar } from '../plan/calendar-file';
import type { TaskSpec } from '../plan/model';
import type { Plan } from '../plan/schema';
import { TASK_QUEUE, planWorkflowId, taskWorkflowId } from '../workflows/ids';
import { applyVersion, getPlanState, type ApplyVersionResult, type PlanStateView } from '../workflows/messages';
import type { Actor, PlanStore, ReconciliationStatus, ReconciliationWatch } from '../domain';
import { planChanges, type planWorkflow } from '../workflows/plan';
import { diffSpecs, type PlanDiff } from './diff';
import { canonicalJson } from '../canonical-json';

export interface ApplyPlanOptions {
  client: Client;
  /** Where the version's specs, spec set and document are stored before the plan workflow hears of it. */
  plans: PlanStore;
  /** The validated plan (defaults filled in), as returned by loadPlanFile / loadPlanText. */
  plan: Plan;
  /**
   * The file's text as read. Not sent: the plan workflow records the normalised document and the
   * hash is taken over it, so comments and formatting never make a new version.
   */
  text: string;
  /** The plan file, when it came from one: its git commit is recorded if it is committed and unmodified. */
  file?: string;
  /**
   * The git commit to record, when the caller already knows it: the API gets the text without the
   * checkout, so `kehoach apply` looks the commit up where the file is and sends it along.
   */
  gitCommit?: string;
  actor: Actor;
  /** Compute the diff only; start and change nothing. */
  dryRun: boolean;
  /** Part of the update ID, so that a retried request applies once (the API's Idempotency-Key). */
  requestId?: string;
  /** The clock, for the first apply's `after: applied` anchor; tests pass a fixed one. */
  now?: () => Date;
  /**
   * Wait until every task workflow of the version is started, amended or cancelled (the default),
   * or answer once the version is recorded (`false`; follow it with `waitForReconciliation`).
   */
  wait?: boolean;
  /** Called with the reconciliation's progress while waiting. */
  onProgress?: (status: ReconciliationStatus) => void;
}

export interface ApplyPlanOutcome {
  planId: string;
  diff: PlanDiff;
  contentHash: string;
  /**
   * True when the document differs from the applied one (or nothing was applied yet), even if no
   * task changes: a new title or agency contact still makes a new version.
   */
  contentChanged: boolean;
  gitCommit?: string;
  /** What the plan workflow did; absent on a dry run. */
  result?: ApplyVersionResult;
  /** How far reconciling the version got when the apply answered; absent on a dry run or when nothing changed. */
  reconciliation?: ReconciliationStatus;
}

/**
 * sha256 of the normalised document: comments, key order and formatting do not count, so
 * re-applying a reformatted file changes nothing.
 */
export function planContentHash(plan: Plan): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex');
}

/** The commit that last touched the file, when the file is committed and has no uncommitted edits. */
export function gitCommitOf(file: string): string | undefined {
  const cwd = path.dirname(path.resolve(file));
  const name = path.basename(file);
  const git = (args: string[]) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  try {
    const commit = git(['log', '-1', '--format=%H', '--', name]);
    if (!/^[0-9a-f]{40}$/.test(commit)) return undefined;
    // Exits non-zero when the working copy or the index differs from HEAD.
    git(['diff', '--quiet', 'HEAD', '--', name]);
    return commit;
  } catch {
    return undefined;
  }
}

export interface AppliedPlan {
  state: PlanStateView;
  specs: TaskSpec[];
}

/** The plan workflow's applied version, its specs read from the plan store; undefined when the plan was never applied. */
export async function readAppliedPlan(client: Client, plans: PlanStore, planId: string): Promise<AppliedPlan | undefined> {
  const handle = client.workflow.getHandle(planWorkflowId(planId));
  let state: PlanStateView;
  try {
    state = await handle.query(getPlanState);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    // A query waits for a worker to answer; with none running it times out after about 30 s.
    throw new Error(
      `the plan workflow ${planWorkflowId(planId)} did not answer (${(error as Error).message}): ` +
        'check that a worker runs against this Temporal (`kehoach worker`, or `kehoach up`).',
      { cause: error },
    );
  }
  return { state, specs: state.specSet ? await plans.specsOf(state.specSet) : [] };
}

/**
 * How long waiting pauses between reads of the reconciliation's progress. Postgres announces each
 * change of it (migration 0007), which ends a pause at once; the pause is then a safety net for an
 * announcement missed (PROGRESS_POLL_LATER_MS). Without announcements (listening failed) it reads
 * every 20 ms for the first two seconds, within which a plan of a few hundred tasks finishes, then
 * every 100 ms; reading at pauses alone left an apply that had finished waiting 10 ms on average.
 */
const PROGRESS_POLL_FIRST_MS = 20;
const PROGRESS_POLL_FIRST_FOR_MS = 2_000;
const PROGRESS_POLL_LATER_MS = 100;

/**
 * Waits until the version's reconciliation is finished, or until `deadline` (epoch ms) passes, and
 * returns its progress as last read. The progress is what the plan workflow's activities record.
 * `watching`: a watch of the plan's reconciliation begun earlier (the caller closes it); without
 * one, a watch is begun and closed here.
 */
export async function waitForReconciliation(
  plans: PlanStore,
  planId: string,
  version: number,
  options: { deadline?: number; onProgress?: (status: ReconciliationStatus) => void; watching?: Promise<ReconciliationWatch> } = {},
): Promise<ReconciliationStatus | undefined> {
  const watch = await (options.watching ?? plans.watchReconciliation(planId));
  try {
    const began = Date.now();
    for (;;) {
      const status = await plans.reconciliation(planId, version);
      if (status) options.onProgress?.(status);
      if (status?.finishedAt) return status;
      if (options.deadline !== undefined && Date.now() >= options.deadline) return status;
      const pause = watch.live || Date.now() - began >= PROGRESS_POLL_FIRST_FOR_MS ? PROGRESS_POLL_LATER_MS : PROGRESS_POLL_FIRST_MS;
      await watch.changed(options.deadline === undefined ? pause : Math.min(pause, options.deadline - Date.now()));
    }
  } finally {
    if (!options.watching) watch.close();
  }
}

export async function applyPlan(options: ApplyPlanOptions): Promise<ApplyPlanOutcome> {
  const { client, plan, plans } = options;
  const now = options.now ?? (() => new Date());
  const applied = await readAppliedPlan(client, plans, plan.id);
  const firstAppliedAt = applied?.state.firstAppliedAt ?? now().toISOString();
  const specs = compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt });
  const contentHash = planContentHash(plan);
  const gitCommit = options.gitCommit ?? (options.file ? gitCommitOf(options.file) : undefined);
  const unchanged = applied?.state.contentHash === contentHash;
  const diff = diffSpecs(plan.id, unchanged ? specs : (applied?.specs ?? []), specs);
  const outcome: ApplyPlanOutcome = { planId: plan.id, diff, contentHash, contentChanged: !unchanged };
  if (gitCommit) outcome.gitCommit = gitCommit;
  if (options.dryRun) return outcome;

  // Listening for the reconciliation's progress begins beside the apply, so that waiting for it
  // hears its first change (a process's first watch opens a connection meanwhile).
  const watching = options.wait === false ? undefined : plans.watchReconciliation(plan.id);
  try {
    // The specs go to the plan store first; the plan workflow hears only their set's hash.
    const stored = await plans.putVersion({ contentHash, document: plan, specs });
    // Started if need be and updated in one call: a first apply's update rides on the workflow's first task.
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof planWorkflow>('planWorkflow', {
      workflowId: planWorkflowId(plan.id),
      taskQueue: TASK_QUEUE,
      args: [{ planId: plan.id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const answer = await client.workflow.executeUpdateWithStart(applyVersion, {
      startWorkflowOperation,
      args: [
        {
          actor: options.actor,
          requestId: options.requestId,
          contentHash,
          gitCommit,
          specSet: stored.specSet,
          taskCount: stored.count,
          firstAppliedAt,
        },
      ],
      // The update ID dedupes a retried request, but a request id alone can repeat (per-process
      // request counters restart), so the version it was made against and the content are part of it.
      ...(options.requestId ? { updateId: `apply:v${applied?.state.version ?? 0}:${contentHash}:${options.requestId}` } : {}),
    });
    // Against the version the workflow reconciled from: another apply may have landed since we read it.
    const fromSpecs = !answer.from ? [] : answer.from === applied?.state.specSet ? applied.specs : await plans.specsOf(answer.from);
    const before = Object.fromEntries(fromSpecs.map((spec) => [taskWorkflowId(spec), spec]));
    outcome.result = { ...answer, changes: answer.changed ? planChanges(before, specs).changes : [] };
    if (answer.changed) {
      const reconciliation =
        options.wait === false
          ? await plans.reconciliation(plan.id, answer.version)
          : await waitForReconciliation(plans, plan.id, answer.version, {
              ...(options.onProgress ? { onProgress: options.onProgress } : {}),
              watching,
            });
      if (reconciliation) outcome.reconciliation = reconciliation;
    }
  } finally {
    void watching?.then((watch) => watch.close());
  }
  return outcome;
}
