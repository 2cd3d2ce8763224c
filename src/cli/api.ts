/**
 * `kehoach api`: one stateless API process. Reads the configuration, migrates the database (safe
 * with several processes), connects to Temporal, listens; on SIGINT/SIGTERM (lifecycle.ts) stops
 * accepting requests, lets those in flight finish, then closes its connections.
 */
import { startLifecycle } from './lifecycle';
import { readServiceConfig } from './service-config';
import { startApiServer } from '../api/server';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { connectTemporal, DEFAULT_TEMPORAL_ADDRESS } from '../temporal/client';
import { cliText } from '../i18n';

const USAGE = [
  'Usage: kehoach api',
  '',
  'Serves the HTTP API (docs at /docs, OpenAPI at /openapi.json). Environment:',
  '  PORT, HOST           where to listen (default 3000 on 127.0.0.1; 0.0.0.0 for every interface)',
  '  DATABASE_URL         postgres://… of the read model (required)',
  `  TEMPORAL_ADDRESS     host:port of Temporal (default ${DEFAULT_TEMPORAL_ADDRESS})`,
  '  TEMPORAL_NAMESPACE   namespace (default "default")',
  '  TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH   client certificate and key files (mutual TLS;',
  '                       the earlier names TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY still work)',
  '  TEMPORAL_API_KEY     API key (Temporal Cloud)',
  "  TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE   a profile of Temporal's client configuration file (as the Temporal CLI)",
  '  KEHOACH_BODY_LIMIT   largest request body in bytes (default 1048576)',
  '  KEHOACH_UPDATE_TIMEOUT_MS   how long a write waits for its workflow before answering 503 (default 15000)',
  '  KEHOACH_SESSION_SECRET   signs the web dashboard cookies; the same on every API process (default: random per process)',
  '  KEHOACH_TRUST_PROXY  the reverse proxies whose X-Forwarded-For and -Proto are believed: true, or their',
  '                       addresses and ranges, comma-separated (default: none)',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const config = readServiceConfig('api', args, USAGE);
  if (typeof config === 'number') return config;

  const lifecycle = startLifecycle('api');
  try {
    await migrateDatabase(config.databaseUrl);
  } catch (error) {
    return lifecycle.fail(new Error(`cannot prepare the database: ${(error as Error).message}`, { cause: error }));
  }
  try {
    const database = openDatabase(config.databaseUrl);
    lifecycle.onClose('database pool', () => database.close());
    const temporal = await connectTemporal(config, { worker: false });
    lifecycle.onClose('Temporal connection', () => temporal.close());
    const server = await startApiServer(
      {
        db: database,
        temporal: { client: temporal.client, connection: temporal.connection },
        config,
        logger: { level: config.logLevel ?? 'info' },
      },
      { host: config.host, port: config.port },
    );
    lifecycle.onClose('API', () => server.close());
    process.stderr.write(`${cliText('service.apiListening', { url: server.url })}\n`);
  } catch (error) {
    return lifecycle.fail(error);
  }
  return lifecycle.untilStopped();
}
