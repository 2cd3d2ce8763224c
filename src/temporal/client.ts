/**
 * The one place that opens connections to Temporal: a client connection (for starting workflows,
 * updates and queries) and, lazily, the native connection a worker needs. The settings come from
 * Temporal's own client configuration (TEMPORAL_* variables and profiles, read by src/config.ts
 * through @temporalio/envconfig): a plain address for a local server, mutual TLS for a
 * self-hosted cluster, or an API key for Temporal Cloud.
 */
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export interface TemporalSettings {
  /** host:port; default 127.0.0.1:7233. */
  address?: string;
  namespace: string;
  /** mTLS with the certificates already read, or true for TLS with the system's roots (API keys). */
  tls?: TLSConfig | boolean;
  /** Temporal Cloud API key; implies TLS. */
  apiKey?: string;
  /** gRPC headers sent with every call. */
  metadata?: Record<string, string>;
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
  const tls = settings.tls ?? (settings.apiKey ? true : undefined);
  const metadata = settings.metadata;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, tls, apiKey: settings.apiKey, metadata, connectTimeout: options.connectTimeoutMs ?? 10_000 });
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
    nativeOpening ??= NativeConnection.connect({ address, tls, apiKey: settings.apiKey, metadata }).then((opened) => (native = opened));
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
