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
import { translator } from '../i18n';
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

const TRANSPORT_HELP = [
  '',
  'Where it goes: through the kehoach API (KEHOACH_URL, default http://127.0.0.1:$PORT; token from',
  'KEHOACH_TOKEN, else <KEHOACH_DATA_DIR>/admin.token written by `kehoach up`). With --direct, or when',
  'TEMPORAL_ADDRESS is set and KEHOACH_URL is not, straight to Temporal (no API process needed).',
  '',
  'Options:',
  '  --direct   talk to Temporal (TEMPORAL_ADDRESS, default 127.0.0.1:7233) instead of the API',
];

const USAGE: Record<Mode, string> = {
  diff: [
    'Usage: kehoach diff [files or folders…]   (default: plans/)',
    '',
    'Shows what applying the plans would change: tasks added, changed (field by field) and removed.',
    'Exit status: 0 no changes, 1 changes, 2 or more on errors (invalid plan, API or Temporal',
    'unreachable, token not allowed). Previewing takes an admin or leader token.',
    ...TRANSPORT_HELP,
  ].join('\n'),
  apply: [
    'Usage: kehoach apply [files or folders…]   (default: plans/)',
    '',
    'Validates every file, then applies each plan: starts new task workflows, amends changed ones,',
    'cancels removed ones. Nothing is applied when any file is invalid (exit 1). Applying the same',
    'content again changes nothing. The git commit of a committed, unmodified file is recorded.',
    'Exit status: 0 applied (or nothing to change), 1 invalid plan, 2 other errors (API or Temporal',
    'unreachable, token not allowed: applying takes an admin token).',
    ...TRANSPORT_HELP,
  ].join('\n'),
};

function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // Containers without a passwd entry: the id still says it came from the command line.
  }
  return { id: `cli:${name}`, name, role: 'admin' };
}

function describeResult(outcome: ApplyPlanOutcome): string {
  const result = outcome.result;
  if (!result) return '';
  if (!result.changed) return `Kế hoạch ${result.planId}: phiên bản ${result.version} đã được áp dụng, không có gì thay đổi.`;
  const count = (kind: string) => result.changes.filter((change) => change.change === kind).length;
  return (
    `Kế hoạch ${result.planId}: đã áp dụng phiên bản ${result.version}` +
    (outcome.gitCommit ? ` (commit ${outcome.gitCommit.slice(0, 12)})` : '') +
    ` — khởi tạo ${count('added')}, cập nhật ${count('changed')}, huỷ ${count('removed')} nhiệm vụ.`
  );
}

export async function runPlanCommand(mode: Mode, args: string[], openTransport?: () => Promise<PlanTransport>): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  // kubectl diff: 1 means "there are changes", so errors are 2 there; apply uses 1 for invalid plans.
  const invalidExit = mode === 'diff' ? 2 : 1;
  const parsed = parseCommandArgs(mode, args, { direct: { type: 'boolean' } }, USAGE[mode]);
  if (!parsed.ok) return parsed.exitCode;
  const direct = parsed.values.direct ?? false;
  const paths = parsed.positionals.length > 0 ? parsed.positionals : ['plans'];
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    err(`kehoach ${mode}: not found: ${missing.join(', ')}. Name plan files or folders that exist. Nothing was applied.`);
    return invalidExit;
  }
  const files = findPlanFiles(paths);
  if (files.length === 0) {
    err(`kehoach ${mode}: no plan files (*.yaml) in ${paths.join(', ')}. Nothing was applied.`);
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
      err(`${file}: plan id "${plan.id}" is also used by ${other}; each plan needs its own id.`);
      invalid = true;
    }
    byId.set(plan.id, file);
  }
  if (invalid) {
    err(`kehoach ${mode}: some plan files have errors (above); nothing was ${mode === 'diff' ? 'compared' : 'applied'}.`);
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
            ? `Kế hoạch ${outcome.planId}: nội dung kế hoạch thay đổi, không nhiệm vụ nào thay đổi.`
            : formatPlanDiff(outcome.diff),
        );
      }
      if (mode === 'apply') out(describeResult(outcome));
    }
  } catch (error) {
    if (error instanceof PlanRejectedError) {
      // The API's validator disagreed with ours (another version): its findings, as `validate` prints them.
      for (const diagnostic of error.diagnostics) err(formatDiagnostic(diagnostic));
      err(`kehoach ${mode}: the API found errors in ${error.file} (above); it was not ${mode === 'diff' ? 'compared' : 'applied'}.`);
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
