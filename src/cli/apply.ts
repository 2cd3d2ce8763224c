/**
 * `kehoach apply [files…]` (and, through runPlanCommand, `kehoach diff`): validate every file
 * first, then apply each plan through a transport: the API by default (KEHOACH_URL,
 * KEHOACH_TOKEN), or straight to Temporal with --direct or when only TEMPORAL_ADDRESS is set.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { loadConfig } from '../config';
import { applyPlan, type ApplyPlanOutcome } from '../apply/apply';
import { formatPlanDiff, hasChanges } from '../apply/diff';
import { findPlanFiles, loadPlanFile } from '../plan/load';
import type { Plan } from '../plan/schema';
import { connectTemporal } from '../temporal/client';
import { openDatabase } from '../db/client';
import { createPlanStore } from '../db/plan-store';
import { translator, type Translate } from '../i18n';
import { progressBar } from './progress';
import type { Actor } from '../domain';
import { formatDiagnostic } from './validate';
import { httpTransport, PlanRejectedError } from './plan-transport-http';
import { parseCommandArgs } from './args';

export interface PlanTransport {
  apply(input: { plan: Plan; text: string; file: string; actor: Actor; dryRun: boolean }): Promise<ApplyPlanOutcome>;
  close(): Promise<void>;
}

/**
 * Straight to Temporal and the read model's Postgres (DATABASE_URL), where the version's specs are
 * stored before the plan workflow hears of it: no API process needed.
 */
export async function temporalTransport(): Promise<PlanTransport> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new Error(translator()('apply:direct.databaseUrlMissing'));
  }
  const temporal = await connectTemporal(config, { worker: false });
  const database = openDatabase(config.databaseUrl, { maxConnections: 2 });
  const plans = createPlanStore(database.db);
  return {
    apply: (input) => applyPlan({ client: temporal.client, plans, ...input, onProgress: progressBar(translator()) }),
    close: async () => {
      await database.close();
      await temporal.close();
    },
  };
}

/**
 * Through the API unless told otherwise. TEMPORAL_ADDRESS without KEHOACH_URL also means direct:
 * scripts (and tests) that only know a Temporal address keep working as before the API existed.
 */
export function chooseTransport(direct: boolean, env: NodeJS.ProcessEnv = process.env): () => Promise<PlanTransport> {
  const config = loadConfig(env);
  return direct || (config.temporal.address !== undefined && !config.apiUrlGiven) ? temporalTransport : httpTransport;
}

type Mode = 'diff' | 'apply';

function usage(mode: Mode, t: Translate): string {
  return `${t(`apply:usage.${mode}`)}\n${t('apply:usage.transport')}`;
}

function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // Containers without a passwd entry: the id still says it came from the command line.
  }
  return { id: `cli:${name}`, name, role: 'admin' };
}

function describeResult(outcome: ApplyPlanOutcome, t: Translate): string {
  const result = outcome.result;
  if (!result) return '';
  if (!result.changed) return t('apply:result.unchanged', { planId: result.planId, version: result.version });
  const count = (kind: string) => result.changes.filter((change) => change.change === kind).length;
  return t('apply:result.applied', {
    planId: result.planId,
    version: result.version,
    commit: outcome.gitCommit ? t('apply:result.commit', { commit: outcome.gitCommit.slice(0, 12) }) : '',
    added: count('added'),
    changed: count('changed'),
    removed: count('removed'),
  });
}

export async function runPlanCommand(mode: Mode, args: string[], openTransport?: () => Promise<PlanTransport>): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const t = translator();
  const words = { command: mode, nothing: t(mode === 'diff' ? 'apply:command.nothingCompared' : 'apply:command.nothingApplied') };
  // kubectl diff: 1 means "there are changes", so errors are 2 there; apply uses 1 for invalid plans.
  const invalidExit = mode === 'diff' ? 2 : 1;
  const parsed = parseCommandArgs(mode, args, { direct: { type: 'boolean' } }, usage(mode, t));
  if (!parsed.ok) return parsed.exitCode;
  const direct = parsed.values.direct ?? false;
  const paths = parsed.positionals.length > 0 ? parsed.positionals : ['plans'];
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    err(t('apply:command.notFound', { ...words, paths: missing.join(', ') }));
    return invalidExit;
  }
  const files = findPlanFiles(paths);
  if (files.length === 0) {
    err(t('apply:command.noPlanFiles', { ...words, paths: paths.join(', ') }));
    return invalidExit;
  }

  const loaded = [];
  let invalid = false;
  for (const file of files) {
    const result = await loadPlanFile(file);
    for (const diagnostic of result.diagnostics) err(formatDiagnostic(diagnostic));
    if (!result.plan) invalid = true;
    loaded.push({ file, ...result });
  }
  const byId = new Map<string, string>();
  for (const { plan, file } of loaded) {
    if (!plan) continue;
    const other = byId.get(plan.id);
    if (other) {
      err(t('apply:command.duplicateId', { file, planId: plan.id, other }));
      invalid = true;
    }
    byId.set(plan.id, file);
  }
  if (invalid) {
    err(t('apply:command.invalidFiles', words));
    return invalidExit;
  }

  let transport: PlanTransport;
  try {
    transport = await (openTransport ?? chooseTransport(direct))();
  } catch (error) {
    err(`kehoach ${mode}: ${(error as Error).message}`);
    return 2;
  }
  let changes = false;
  try {
    for (const { plan, text, file } of loaded) {
      if (!plan) continue;
      const outcome = await transport.apply({ plan, text, file, actor: cliActor(), dryRun: mode === 'diff' });
      if (outcome.contentChanged) changes = true;
      if (mode === 'diff' || outcome.result?.changed) {
        out(
          outcome.contentChanged && !hasChanges(outcome.diff)
            ? t('apply:diff.contentOnly', { planId: outcome.planId })
            : formatPlanDiff(outcome.diff, t),
        );
      }
      if (mode === 'apply') out(describeResult(outcome, t));
    }
  } catch (error) {
    if (error instanceof PlanRejectedError) {
      // The API's validator disagreed with ours (another version): its findings, as `validate` prints them.
      for (const diagnostic of error.diagnostics) err(formatDiagnostic(diagnostic));
      err(t('apply:command.apiFoundErrors', { ...words, file: error.file }));
      return invalidExit;
    }
    err(`kehoach ${mode}: ${(error as Error).message}`);
    return 2;
  } finally {
    await transport.close();
  }
  return mode === 'diff' && changes ? 1 : 0;
}

export function run(args: string[]): Promise<number> {
  return runPlanCommand('apply', args);
}
