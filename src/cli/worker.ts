/**
 * `kehoach worker`: one worker process. Reads DATABASE_URL (required) and Temporal's client
 * configuration (TEMPORAL_ADDRESS, default 127.0.0.1:7233; TEMPORAL_NAMESPACE; TLS, API key, profile);
 * stops gracefully on SIGINT/SIGTERM (lifecycle.ts): in-flight tasks finish, then the database and
 * the connections close.
 */
import { startLifecycle } from './lifecycle';
import { runWorker } from './run-worker';
import { readServiceConfig } from './service-config';
import { openDatabase } from '../db/client';
import { connectTemporal, DEFAULT_TEMPORAL_ADDRESS } from '../temporal/client';
import { WORKER_LIMITS } from '../temporal/worker';
import { createNotifier } from '../notify';
import { cliText } from '../i18n';

const USAGE = [
  'Usage: kehoach worker',
  '',
  'Runs the plan and task workflows and their activities. Environment:',
  `  TEMPORAL_ADDRESS     host:port of Temporal (default ${DEFAULT_TEMPORAL_ADDRESS})`,
  '  TEMPORAL_NAMESPACE   namespace (default "default")',
  '  DATABASE_URL         postgres://… of the read model (required)',
  '  SMTP_URL             smtp://[user:password@]host:port (smtps:// for TLS) of the mail server (without it, nothing is sent)',
  '  KEHOACH_MAIL_FROM    the sender of every e-mail (default "kehoach <kehoach@localhost>")',
  '  KEHOACH_WEBHOOK_SECRETS, KEHOACH_WEBHOOK_SECRET   Standard Webhooks signing secrets (whsec_…) by endpoint, and for the others',
  '  KEHOACH_PUBLIC_URL   where people open the links in messages (default KEHOACH_URL or http://127.0.0.1:$PORT)',
  '  TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH   client certificate and key files (mutual TLS;',
  '                       the earlier names TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY still work)',
  '  TEMPORAL_API_KEY     API key (Temporal Cloud)',
  "  TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE   a profile of Temporal's client configuration file (as the Temporal CLI)",
].join('\n');

export async function run(args: string[]): Promise<number> {
  const config = readServiceConfig('worker', args, USAGE);
  if (typeof config === 'number') return config;

  const smtpUrl = config.notify.smtpUrl;
  if (!smtpUrl) {
    // Not fatal, so that a worker can be added while the mail server is being set up; but loud.
    process.stderr.write(`${cliText('service.noSmtp')}\n`);
  }

  const lifecycle = startLifecycle('worker');
  try {
    const temporal = await connectTemporal(config);
    lifecycle.onClose('Temporal connection', () => temporal.close());
    // One connection per concurrent activity; the local activities (task records) share them.
    const database = openDatabase(config.databaseUrl, { maxConnections: WORKER_LIMITS.maxConcurrentActivityTaskExecutions });
    lifecycle.onClose('database pool', () => database.close());
    const notifier = smtpUrl ? createNotifier({ ...config.notify, smtpUrl }, database.db, temporal.client) : undefined;
    if (notifier) lifecycle.onClose('mail sender', () => notifier.close());
    await runWorker(lifecycle, { temporal, namespace: config.temporal.namespace, db: database.db, notifier });
    process.stderr.write(`kehoach worker: polling task queue on ${temporal.address} (namespace ${config.temporal.namespace})\n`);
  } catch (error) {
    return lifecycle.fail(error);
  }
  return lifecycle.untilStopped();
}
