/**
 * The one place that opens connections to Temporal: a client connection (for starting workflows,
 * updates and queries) and, lazily, the native connection a worker needs. Plain address for a
 * local server, mutual TLS from certificate files for a self-hosted cluster, or an API key for
 * Temporal Cloud.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export interface TemporalSettings {
  /** host:port; default 127.0.0.1:7233. */
  address?: string;
  namespace: string;
  /** Paths of the client certificate and its key (TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY). */
  tls?: { certFile: string; keyFile: string };
  /** Temporal Cloud API key (TEMPORAL_API_KEY); implies TLS. */
  apiKey?: string;
}

export interface TemporalConnection {
  address: string;
  namespace: string;
  connection: Connection;
  client: Client;
  /** The connection a worker polls with, opened on first use and closed by close(). */
  readonly nativeConnection: NativeConnection;
  openNativeConnection(): Promise<NativeConnection>;
  close(): Promise<void>;
}

function readTlsFile(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read ${variable} (${file}): ${(error as Error).message}. Point ${variable} at a readable PEM file.`, { cause: error });
  }
}

function tlsOptions(settings: TemporalSettings): TLSConfig | boolean | undefined {
  if (settings.tls) {
    return {
      clientCertPair: {
        crt: readTlsFile(settings.tls.certFile, 'TEMPORAL_TLS_CERT'),
        key: readTlsFile(settings.tls.keyFile, 'TEMPORAL_TLS_KEY'),
      },
    };
  }
  return settings.apiKey ? true : undefined;
}

/** Accepts either the bare settings or the whole process configuration (src/config.ts). */
function settingsOf(config: TemporalSettings | { temporal: TemporalSettings }): TemporalSettings {
  return 'temporal' in config ? config.temporal : config;
}

export interface ConnectOptions {
  /**
   * Open the worker's native connection now (default true) so that `nativeConnection` is ready.
   * Commands that only talk to workflows (diff, apply, the API) pass false and skip starting the
   * SDK's native runtime.
   */
  worker?: boolean;
  /** How long to wait for the server before giving up (default 10 s). */
  connectTimeoutMs?: number;
}

export async function connectTemporal(
  config: TemporalSettings | { temporal: TemporalSettings },
  options: ConnectOptions = {},
): Promise<TemporalConnection> {
  const settings = settingsOf(config);
  const address = settings.address ?? DEFAULT_TEMPORAL_ADDRESS;
  const tls = tlsOptions(settings);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, tls, apiKey: settings.apiKey, connectTimeout: options.connectTimeoutMs ?? 10_000 });
  } catch (error) {
    throw new Error(
      `cannot connect to Temporal at ${address}: ${(error as Error).message}. ` +
        'Start it (`kehoach up`, or `temporal server start-dev`) or set TEMPORAL_ADDRESS to where it runs.',
      { cause: error },
    );
  }
  const client = new Client({ connection, namespace: settings.namespace });
  let native: NativeConnection | undefined;
  let nativeOpening: Promise<NativeConnection> | undefined;

  const openNativeConnection = () => {
    nativeOpening ??= NativeConnection.connect({ address, tls, apiKey: settings.apiKey }).then((opened) => (native = opened));
    return nativeOpening;
  };
  if (options.worker !== false) {
    try {
      await openNativeConnection();
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  return {
    address,
    namespace: settings.namespace,
    connection,
    client,
    get nativeConnection(): NativeConnection {
      if (!native) throw new Error('the worker connection to Temporal is not open yet: await openNativeConnection() first');
      return native;
    },
    openNativeConnection,
    async close() {
      await Promise.allSettled([connection.close(), native?.close()]);
    },
  };
}
