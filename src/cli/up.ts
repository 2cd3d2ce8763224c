/**
 * `kehoach up` (= `npm start`): the whole system on one machine. Starts what is not configured
 * externally (the Temporal dev server with a SQLite file, the embedded Postgres), migrates, runs the
 * worker and the API in this process, applies plans/*.yaml, and stops everything on Ctrl-C/SIGTERM.
 * Every piece of state lives in the data directory, so a second start continues where the first
 * stopped.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadConfig, type Config } from '../config';
import { startDevServer } from '../temporal/dev-server';
import { connectTemporal } from '../temporal/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrateDatabase } from '../db/migrate';
import { openDatabase } from '../db/client';
import { createPlanStore } from '../db/plan-store';
import { ensureAdminToken } from '../db/tokens';
import { buildApp } from '../api/app';
import { applyPlan } from '../apply/apply';
import type { PlanStore } from '../domain';
import { findPlanFiles, loadPlanFile } from '../plan/load';
import { formatDiagnostic } from './validate';
import { createNotifier } from '../notify';
import { startMailCatcher } from '../notify/mail-catcher';
import { parseCommandArgs } from './args';
import { startLifecycle, type Lifecycle } from './lifecycle';
import { runWorker } from './run-worker';
import { cliText } from '../i18n';

const SYSTEM_ACTOR = { id: 'system:up', name: 'kehoach up', role: 'admin' as const };

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('up', args, { 'no-apply': { type: 'boolean' } }, cliText('up.usage'), false);
  if (!parsed.ok) return parsed.exitCode;
  const applyPlans = !parsed.values['no-apply'];
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  // Everything started below is closed in reverse order: API, worker, connections, Postgres, Temporal.
  const lifecycle = startLifecycle('up', { write: log });

  try {
    const temporalConfig = await startTemporal(config, lifecycle);
    const databaseUrl = await startPostgres(config, lifecycle);

    await migrateDatabase(databaseUrl);
    const database = openDatabase(databaseUrl);
    lifecycle.onClose('database pool', () => database.close());
    const admin = await ensureAdminToken(database.db, config.dataDir);

    const temporal = await connectTemporal(temporalConfig);
    lifecycle.onClose('Temporal connection', () => temporal.close());

    const mail = await startMail(config, lifecycle);
    const notifier = createNotifier({ ...config.notify, smtpUrl: mail.smtpUrl }, database.db, temporal.client);
    lifecycle.onClose('mail sender', () => notifier.close());

    await runWorker(lifecycle, { temporal, namespace: temporalConfig.temporal.namespace, db: database.db, notifier });

    // Warnings and errors only, so the console stays readable; every 5xx is logged with its request id.
    const app = await buildApp({
      db: database,
      temporal: { client: temporal.client, connection: temporal.connection },
      config,
      logger: { level: config.logLevel ?? 'warn' },
    });
    await app.listen({ port: config.port, host: config.host });
    lifecycle.onClose('API', () => app.close());

    const apiUrl = `http://${config.host}:${config.port}`;
    if (applyPlans) await applyPlanFolder(temporal.client, createPlanStore(database.db));

    const banner: [string, string][] = [
      [cliText('up.api'), `${apiUrl}/api/plans`],
      [cliText('up.docs'), `${apiUrl}/docs`],
      [cliText('up.dashboard'), `${apiUrl}/web`],
      ...(temporalConfig.uiUrl ? [[cliText('up.temporalUi'), temporalConfig.uiUrl] as [string, string]] : []),
      [cliText('up.adminToken'), `${admin.file}${admin.token ? ` ${cliText('up.createdNow')}` : ''}`],
      [
        cliText('up.mail'),
        mail.catcherDir
          ? cliText('up.mailKept', { dir: mail.catcherDir, url: mail.smtpUrl })
          : cliText('up.mailSent', { url: redactUrl(mail.smtpUrl) }),
      ],
      [cliText('up.data'), config.dataDir],
    ];
    const width = Math.max(...banner.map(([name]) => name.length));
    log('');
    log(cliText('up.running'));
    for (const [name, value] of banner) log(`  ${name.padEnd(width)}  ${value}`);
    log(cliText('up.stop'));
  } catch (error) {
    return lifecycle.fail(error);
  }
  return lifecycle.untilStopped();
}

async function startTemporal(config: Config, lifecycle: Lifecycle): Promise<Config & { uiUrl?: string }> {
  if (config.temporal.address) {
    log(cliText('up.temporalExternal', { address: config.temporal.address, namespace: config.temporal.namespace }));
    return config;
  }
  const port = config.temporal.devServerPort;
  log(cliText('up.temporalStarting', { port }));
  const server = await startDevServer({
    port,
    uiPort: port + 1000,
    namespace: config.temporal.namespace,
    dbFile: path.join(config.dataDir, 'temporal.sqlite'),
    ownProcessGroup: true,
  });
  lifecycle.onClose('Temporal dev server', () => server.stop());
  return { ...config, temporal: { ...config.temporal, address: server.address }, uiUrl: server.uiUrl };
}

/** SMTP_URL, or the local mail catcher that keeps every message under the data directory. */
async function startMail(config: Config, lifecycle: Lifecycle): Promise<{ smtpUrl: string; catcherDir?: string }> {
  if (config.notify.smtpUrl) {
    log(cliText('up.mailSmtp', { url: redactUrl(config.notify.smtpUrl) }));
    return { smtpUrl: config.notify.smtpUrl };
  }
  const catcher = await startMailCatcher({ dir: path.join(config.dataDir, 'mail'), port: config.notify.catcherPort, anyPortIfTaken: true });
  lifecycle.onClose('mail catcher', () => catcher.stop());
  log(cliText('up.mailCatcher', { dir: catcher.dir, url: catcher.url }));
  return { smtpUrl: catcher.url, catcherDir: catcher.dir };
}

/** An SMTP URL without its password, for the console. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

async function startPostgres(config: Config, lifecycle: Lifecycle): Promise<string> {
  if (config.databaseUrl) {
    log(cliText('up.postgresExternal'));
    return config.databaseUrl;
  }
  log(cliText('up.postgresStarting', { port: config.postgresPort }));
  // In a process group of its own: Ctrl-C reaches kehoach, which stops Postgres last.
  const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.postgresPort, ownProcessGroup: true });
  lifecycle.onClose('embedded Postgres', () => postgres.stop());
  return postgres.url;
}

async function applyPlanFolder(client: Parameters<typeof applyPlan>[0]['client'], plans: PlanStore): Promise<void> {
  const files = findPlanFiles(['plans']);
  for (const file of files) {
    const loaded = await loadPlanFile(file);
    if (!loaded.plan) {
      process.stderr.write(`${cliText('up.notApplied', { file })}\n`);
      for (const diagnostic of loaded.diagnostics) process.stderr.write(`  ${formatDiagnostic(diagnostic)}\n`);
      continue;
    }
    const outcome = await applyPlan({ client, plans, plan: loaded.plan, text: loaded.text, file, actor: SYSTEM_ACTOR, dryRun: false });
    const result = outcome.result;
    log(
      result && result.changed
        ? cliText('up.applied', { plan: outcome.planId, version: result.version, count: result.changes.length })
        : cliText('up.unchanged', { plan: outcome.planId }),
    );
  }
}
