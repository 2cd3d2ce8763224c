/**
 * Applying a plan: compile it against its calendar, compare with what the plan workflow holds, and
 * hand the new version to the plan workflow, which reconciles the task workflows. Used by
 * `kehoach apply` / `kehoach diff`, `kehoach up` and the API (`POST /api/plans`); it knows nothing of
 * the command line.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { compilePlan } from '../plan/compile';
import { loadCalendar } from '../plan/calendar-file';
import type { TaskSpec } from '../plan/model';
import type { Plan } from '../plan/schema';
import { TASK_QUEUE, planWorkflowId } from '../workflows/ids';
import { applyVersion, getPlanSpecs, getPlanState, type ApplyVersionResult, type PlanStateView } from '../workflows/messages';
import type { Actor } from '../domain';
import type { planWorkflow } from '../workflows/plan';
import { diffSpecs, type PlanDiff } from './diff';
import { canonicalJson } from '../canonical-json';

export interface ApplyPlanOptions {
  client: Client;
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

/** The plan workflow's applied version and specs, or undefined when the plan was never applied. */
export async function readAppliedPlan(client: Client, planId: string): Promise<AppliedPlan | undefined> {
  const handle = client.workflow.getHandle(planWorkflowId(planId));
  try {
    const state = await handle.query(getPlanState);
    const specs = state.version > 0 ? await handle.query(getPlanSpecs) : [];
    return { state, specs };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    // A query waits for a worker to answer; with none running it times out after about 30 s.
    throw new Error(
      `the plan workflow ${planWorkflowId(planId)} did not answer (${(error as Error).message}): ` +
        'check that a worker runs against this Temporal (`kehoach worker`, or `kehoach up`).',
      { cause: error },
    );
  }
}

/**
 * Temporal refuses payloads over 2 MB, and `applyVersion` carries the document and every compiled
 * spec (about 2 KB each). Past this bound a plan is refused before anything is started, with a
 * message saying what to do, instead of failing inside Temporal half-way.
 */
export const MAX_APPLY_PAYLOAD_BYTES = 1_500_000;

export class PlanTooLargeError extends Error {
  override name = 'PlanTooLargeError';
}

export async function applyPlan(options: ApplyPlanOptions): Promise<ApplyPlanOutcome> {
  const { client, plan } = options;
  const now = options.now ?? (() => new Date());
  const applied = await readAppliedPlan(client, plan.id);
  const firstAppliedAt = applied?.state.firstAppliedAt ?? now().toISOString();
  const specs = compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt });
  const payloadBytes = Buffer.byteLength(JSON.stringify({ document: plan, specs }));
  if (payloadBytes > MAX_APPLY_PAYLOAD_BYTES) {
    throw new PlanTooLargeError(
      `plan ${plan.id} compiles to ${specs.length} task workflows (${(payloadBytes / 1e6).toFixed(1)} MB), more than one ` +
        `apply can carry (${MAX_APPLY_PAYLOAD_BYTES / 1e6} MB). Split it into several plan files, for example one per district, ` +
        'or fewer units per task. Nothing was applied.',
    );
  }
  const contentHash = planContentHash(plan);
  const gitCommit = options.gitCommit ?? (options.file ? gitCommitOf(options.file) : undefined);
  const unchanged = applied?.state.contentHash === contentHash;
  const diff = diffSpecs(plan.id, unchanged ? specs : (applied?.specs ?? []), specs);
  const outcome: ApplyPlanOutcome = { planId: plan.id, diff, contentHash, contentChanged: !unchanged };
  if (gitCommit) outcome.gitCommit = gitCommit;
  if (options.dryRun) return outcome;

  const workflowId = planWorkflowId(plan.id);
  await client.workflow.start<typeof planWorkflow>('planWorkflow', {
    workflowId,
    taskQueue: TASK_QUEUE,
    args: [{ planId: plan.id }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  outcome.result = await client.workflow.getHandle(workflowId).executeUpdate(applyVersion, {
    args: [{ actor: options.actor, requestId: options.requestId, document: plan, contentHash, gitCommit, specs, firstAppliedAt }],
    // The update ID dedupes a retried request, but a request id alone can repeat (per-process
    // request counters restart), so the version it was made against and the content are part of it.
    ...(options.requestId ? { updateId: `apply:v${applied?.state.version ?? 0}:${contentHash}:${options.requestId}` } : {}),
  });
  return outcome;
}
