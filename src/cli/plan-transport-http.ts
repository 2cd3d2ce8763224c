/**
 * `kehoach diff` / `kehoach apply` through the API (`POST /api/plans/diff`, `POST /api/plans`):
 * the plan file goes as YAML, and the answer carries everything the commands print, so the output
 * matches the direct Temporal transport line for line.
 */
import { gitCommitOf, type ApplyPlanOutcome } from '../apply/apply';
import type { PlanDiff, TaskDiffEntry } from '../apply/diff';
import { ADMIN_TOKEN_FILE, loadConfig } from '../config';
import type { TaskSpec } from '../plan/model';
import type { Diagnostic } from '../plan/validate';
import type { ApplyVersionResult } from '../workflows/messages';
import type { ReconciliationStatus } from '../domain';
import { translator } from '../i18n';
import { progressBar } from './progress';
import { ApiError, createApiClient } from './api-client';
import type { PlanTransport } from './apply';

/** The API found the plan invalid (422): its diagnostics, placed in the local file. */
export class PlanRejectedError extends Error {
  override name = 'PlanRejectedError';
  constructor(
    readonly file: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(`the API found ${diagnostics.filter((d) => d.severity === 'error').length} error(s) in ${file}`);
  }
}

/** The body of a 200 from the plan routes (`ApplyResult` in the OpenAPI document). */
interface ApplyResponse {
  planId: string;
  dryRun: boolean;
  diff: Omit<PlanDiff, 'entries'> & { entries: (Omit<TaskDiffEntry, 'spec'> & { spec?: TaskSpec })[] };
  version?: number;
  changed: boolean;
  contentHash?: string;
  contentChanged?: boolean;
  gitCommit?: string;
  changes?: ApplyVersionResult['changes'];
  reconciliation?: ReconciliationStatus;
}

/** How often the CLI reads the reconciliation's progress while task workflows start. */
const FOLLOW_POLL_MS = 500;

export async function httpTransport(onProgress: (status: ReconciliationStatus) => void = progressBar(translator())): Promise<PlanTransport> {
  const config = loadConfig();
  // Throws with what to do when there is neither KEHOACH_TOKEN nor the local admin token file.
  const api = createApiClient();
  const tokenHint =
    `set KEHOACH_TOKEN to an admin token (an admin creates one with \`kehoach token create --name "<họ tên>" --role admin\`), ` +
    `or leave it unset on the machine that runs \`kehoach up\` to use ${config.dataDir}/${ADMIN_TOKEN_FILE}`;

  async function send(file: string, text: string, dryRun: boolean): Promise<ApplyResponse> {
    const gitCommit = gitCommitOf(file);
    const path = (dryRun ? '/api/plans/diff' : '/api/plans') + (gitCommit ? `?gitCommit=${gitCommit}` : '');
    try {
      const response = await api.request('POST', path, undefined, { contentType: 'application/yaml', text });
      return response.json() as ApplyResponse;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) {
        throw new Error(`the API at ${api.url} did not accept the token (401 ${error.problem?.detail ?? ''}): ${tokenHint}.`, { cause: error });
      }
      if (error.status === 403) {
        const needed = dryRun ? 'an admin or leader token to preview plans' : 'an admin token to apply plans';
        throw new Error(`the token is not allowed to do this (403: ${error.problem?.detail ?? error.message}). It takes ${needed}: ${tokenHint}.`, {
          cause: error,
        });
      }
      const errors = error.problem?.errors ?? [];
      if (error.status === 422 && errors.some((e) => e.line !== undefined)) {
        throw new PlanRejectedError(
          file,
          errors.map((e) => ({
            file,
            line: e.line ?? 1,
            col: e.col ?? 1,
            severity: e.severity ?? 'error',
            code: e.code ?? 'invalid',
            message: e.message,
          })),
        );
      }
      // Unreachable API (status 0) already says to start `kehoach up` or set KEHOACH_URL.
      throw new Error(error.status === 0 ? error.message : `the API at ${api.url} answered ${error.message}`, { cause: error });
    }
  }

  /** Follows a reconciliation the API answered 202 for, until every task workflow is handled. */
  async function follow(status: ReconciliationStatus): Promise<ReconciliationStatus> {
    let current = status;
    onProgress(current);
    while (!current.finishedAt) {
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      const response = await api.request('GET', `/api/plans/${encodeURIComponent(status.planId)}/reconciliation`);
      const next = response.json() as ReconciliationStatus;
      // A later apply of the same plan took over: this version's reconciliation was finished before it.
      if (next.version !== status.version) break;
      current = next;
      onProgress(current);
    }
    return current;
  }

  return {
    async apply({ file, text, dryRun }) {
      // The API acts as the token's holder; the local user name plays no part.
      const body = await send(file, text, dryRun);
      if (body.diff.entries.some((entry) => entry.spec === undefined)) {
        throw new Error(`the API at ${api.url} does not send task specs with its diff; it is older than this CLI: upgrade it, or use --direct.`);
      }
      const outcome: ApplyPlanOutcome = {
        planId: body.planId,
        diff: { ...body.diff, entries: body.diff.entries.map((entry) => ({ ...entry, spec: entry.spec as TaskSpec })) },
        contentHash: body.contentHash ?? '',
        contentChanged: body.contentChanged ?? body.changed,
      };
      if (body.gitCommit) outcome.gitCommit = body.gitCommit;
      if (!dryRun && body.version !== undefined) {
        outcome.result = {
          planId: body.planId,
          version: body.version,
          changed: body.changed,
          total: body.reconciliation?.total ?? body.diff.added + body.diff.changed + body.diff.removed,
          // An API from before `changes` was sent: the diff it computed says the same.
          changes:
            body.changes ??
            body.diff.entries.map(({ workflowId, taskId, unitId, occurrence, change }) => ({ workflowId, taskId, unitId, occurrence, change })),
        };
      }
      if (body.reconciliation) outcome.reconciliation = body.reconciliation.finishedAt ? body.reconciliation : await follow(body.reconciliation);
      return outcome;
    },
    close: async () => undefined,
  };
}
