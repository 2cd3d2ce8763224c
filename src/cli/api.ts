/**
 * `kehoach api`: one stateless API process. Reads the configuration, migrates the database (safe
 * with several processes), connects to Temporal, listens; on SIGINT/SIGTERM stops accepting
 * requests, lets those in flight finish, then closes its connections.
 */
import { readServiceConfig } from './service-config';
import { startApiServer } from '../api/server';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { connectTemporal, DEFAULT_TEMPORAL_ADDRESS } from '../temporal/client';

const USAGE = [
  'Usage: kehoach api',
  '',
  'Serves the HTTP API (docs at /docs, OpenAPI at /openapi.json). Environment:',
  '  PORT, HOST           where to listen (default 3000 on 127.0.0.1; 0.0.0.0 for every interface)',
  '  DATABASE_URL         postgres://… of the read model (required)',
  `  TEMPORAL_ADDRESS     host:port of Temporal (default ${DEFAULT_TEMPORAL_ADDRESS})`,
  '  TEMPORAL_NAMESPACE   namespace (default "default")',
  '  TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY   client certificate and key files (mutual TLS)',
  '  TEMPORAL_API_KEY     API key (Temporal Cloud)',
  '  KEHOACH_BODY_LIMIT   largest request body in bytes (default 1048576)',
  '  KEHOACH_UPDATE_TIMEOUT_MS   how long a write waits for its workflow before answering 503 (default 15000)',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const config = readServiceConfig('api', args, USAGE);
  if (typeof config === 'number') return config;

  try {
    await migrateDatabase(config.databaseUrl);
  } catch (error) {
    process.stderr.write(`kehoach api: cannot prepare the database: ${(error as Error).message}\n`);
    return 1;
  }
  const database = openDatabase(config.databaseUrl);
  let temporal;
  try {
    temporal = await connectTemporal(config, { worker: false });
  } catch (error) {
    await database.close();
    process.stderr.write(`kehoach api: ${(error as Error).message}\n`);
    return 1;
  }

  try {
    const server = await startApiServer(
      {
        db: database,
        temporal: { client: temporal.client, connection: temporal.connection },
        config,
        logger: { level: process.env.KEHOACH_DEBUG ? 'debug' : 'info' },
      },
      { host: config.host, port: config.port },
    );
    process.stderr.write(`kehoach api: listening on ${server.url} (docs ${server.url}/docs)\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.stderr.write(`kehoach api: ${signal} received, finishing requests in flight…\n`);
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    await server.close();
    process.stderr.write('kehoach api: stopped.\n');
    return 0;
  } catch (error) {
    process.stderr.write(`kehoach api: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await database.close();
    await temporal.close();
  }
}
