/**
 * Configuration, read from the environment and validated once at start. Every process entry
 * point (`up`, `api`, `worker`, the HTTP client commands) calls `loadConfig()` and passes the
 * result down; nothing else reads `process.env`.
 */
import { languageFromEnv } from './i18n';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';
import * as z from 'zod';

const port = (what: string) =>
  z.coerce
    .number({ message: `${what} must be a TCP port number, for example 3000` })
    .int({ message: `${what} must be a whole number` })
    .min(1, { message: `${what} must be between 1 and 65535` })
    .max(65535, { message: `${what} must be between 1 and 65535` });

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const envSchema = z.object({
  PORT: port('PORT').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  KEHOACH_DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must start with postgres:// or postgresql://' })
      .optional(),
  ),
  TEMPORAL_ADDRESS: optionalText.pipe(
    z
      .string()
      .regex(/^[^\s:/]+:\d+$/, { message: 'TEMPORAL_ADDRESS must be host:port, for example 127.0.0.1:7233' })
      .optional(),
  ),
  TEMPORAL_NAMESPACE: optionalText,
  KEHOACH_TEMPORAL_PORT: port('KEHOACH_TEMPORAL_PORT').default(7233),
  KEHOACH_POSTGRES_PORT: port('KEHOACH_POSTGRES_PORT').default(5433),
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  TEMPORAL_API_KEY: optionalText,
  KEHOACH_URL: optionalText.pipe(z.url({ message: 'KEHOACH_URL must be a URL, for example http://127.0.0.1:3000' }).optional()),
  KEHOACH_TOKEN: optionalText,
  /** Largest request body the API accepts, in bytes (plan files are the largest bodies). */
  KEHOACH_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  /** The API's log level; KEHOACH_DEBUG (any value) means debug when it is not set. */
  KEHOACH_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'KEHOACH_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .optional(),
  KEHOACH_DEBUG: optionalText,
  /** How long an update may wait for the task workflow before the API gives up with 503. */
  KEHOACH_UPDATE_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  SMTP_URL: optionalText.pipe(
    z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be smtp://[user:password@]host:port or smtps://… (TLS)' })
      .optional(),
  ),
  KEHOACH_MAIL_FROM: optionalText,
  KEHOACH_WEBHOOK_SECRETS: optionalText,
  KEHOACH_WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]+$/, { message: 'KEHOACH_WEBHOOK_SECRET must be a Standard Webhooks secret, whsec_<base64>' })
      .optional(),
  ),
  KEHOACH_PUBLIC_URL: optionalText.pipe(
    z.url({ message: 'KEHOACH_PUBLIC_URL must be a URL, for example https://kehoach.example.gov.vn' }).optional(),
  ),
  KEHOACH_SMTP_PORT: port('KEHOACH_SMTP_PORT').default(2525),
  /**
   * Whom the API believes about the client's address and scheme (X-Forwarded-For, -Proto): `true`
   * (anyone) or the proxies' addresses and ranges, comma-separated (Fastify no longer counts hops).
   * Behind a reverse proxy without it, every client has the proxy's address: one client's failed
   * logins block them all, and the dashboard's cookies are not marked Secure under https.
   */
  KEHOACH_TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .regex(/^(true|false|[0-9A-Za-z.:/]+(\s*,\s*[0-9A-Za-z.:/]+)*)$/, {
        message: "KEHOACH_TRUST_PROXY must be true or the proxies' addresses and ranges separated by commas (for example 10.0.0.5,loopback)",
      })
      .optional(),
  ),
  /** Signs the web dashboard's session and CSRF cookies; the same value on every API process behind one address. */
  KEHOACH_SESSION_SECRET: optionalText.pipe(
    z.string().min(32, { message: 'KEHOACH_SESSION_SECRET must be at least 32 characters (for example `openssl rand -base64 32`)' }).optional(),
  ),
});

const webhookSecretsSchema = z.record(
  z.string().min(1),
  z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, { message: 'each secret must be whsec_<base64>' }),
);

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the data directory (embedded Postgres, Temporal SQLite, admin token). */
  dataDir: string;
  /** External Postgres; undefined means the embedded one in the data directory. */
  databaseUrl?: string;
  /** Port of the embedded Postgres started by `kehoach up` when DATABASE_URL is not set. */
  postgresPort: number;
  temporal: {
    /** External Temporal; undefined means a dev server started by `kehoach up` on `devServerPort`. */
    address?: string;
    namespace: string;
    devServerPort: number;
    /** TLS as the Temporal client configuration resolved it (certificates read): mTLS, or true for an API key. */
    tls?: TLSConfig | boolean;
    apiKey?: string;
    /** gRPC headers (TEMPORAL_GRPC_META_*, or the profile's grpc_meta). */
    metadata?: Record<string, string>;
  };
  /** Where the CLI's HTTP client commands find the API. */
  apiUrl: string;
  /** Whether KEHOACH_URL was given (rather than derived from PORT): it picks the API over TEMPORAL_ADDRESS in `apply`/`diff`. */
  apiUrlGiven: boolean;
  /** The CLI's bearer token; undefined means read `<dataDir>/admin.token` when needed. */
  apiToken?: string;
  bodyLimit: number;
  updateTimeoutMs: number;
  /** The API's log level when one was asked for (KEHOACH_LOG_LEVEL, or debug for KEHOACH_DEBUG); each command has its own default. */
  logLevel?: string;
  notify: {
    /** Where e-mail goes; undefined means the local mail catcher of `kehoach up` (the worker alone needs it). */
    smtpUrl?: string;
    /** The sender of every e-mail. */
    mailFrom: string;
    /** Standard Webhooks signing secrets by endpoint URL or origin. */
    webhookSecrets: Record<string, string>;
    /** The secret of endpoints not listed. */
    webhookSecret?: string;
    /** The address people open the task links at (default: the API's address). */
    publicUrl: string;
    /** Port of the local mail catcher `kehoach up` starts without SMTP_URL. */
    catcherPort: number;
  };
  /** Signs the web dashboard's cookies; undefined: a random secret per process (sessions end when it restarts). */
  sessionSecret?: string;
  /** Fastify's `trustProxy` (KEHOACH_TRUST_PROXY); undefined: no proxy is believed. */
  trustProxy?: boolean | string;
}

/** KEHOACH_TRUST_PROXY as Fastify takes it: true, or the proxies' addresses and ranges. */
function trustProxyOption(value: string | undefined): boolean | string | undefined {
  if (value === undefined || value === 'false') return undefined;
  if (value === 'true') return true;
  return value
    .split(',')
    .map((entry) => entry.trim())
    .join(',');
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return issue.message.includes(name)
        ? `  ${issue.message} (got "${env[name] ?? ''}")`
        : `  ${name}: ${issue.message} (got "${env[name] ?? ''}")`;
    });
    throw new ConfigError(`invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const trustProxy = trustProxyOption(e.KEHOACH_TRUST_PROXY);
  try {
    // Read again at each translation (src/i18n); checked here so that a bad value stops the start.
    languageFromEnv(env);
  } catch (error) {
    throw new ConfigError(`invalid configuration in the environment:\n  ${(error as Error).message.replace(/\n/g, '\n  ')}`);
  }
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    throw new ConfigError(
      'invalid configuration in the environment:\n  TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both (paths to the client certificate and its key) or neither',
    );
  }
  const temporal = temporalClientSettings(env);
  let webhookSecrets: Record<string, string> = {};
  if (e.KEHOACH_WEBHOOK_SECRETS) {
    let json: unknown;
    try {
      json = JSON.parse(e.KEHOACH_WEBHOOK_SECRETS);
    } catch {
      json = undefined;
    }
    const secrets = webhookSecretsSchema.safeParse(json);
    if (!secrets.success) {
      throw new ConfigError(
        'invalid configuration in the environment:\n  KEHOACH_WEBHOOK_SECRETS must be a JSON object from endpoint URL (or origin) to secret, for example {"https://hooks.example.gov.vn":"whsec_…"}',
      );
    }
    webhookSecrets = secrets.data;
  }
  const apiUrl = (e.KEHOACH_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.KEHOACH_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    postgresPort: e.KEHOACH_POSTGRES_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? temporal.address,
      namespace: e.TEMPORAL_NAMESPACE ?? temporal.namespace ?? 'default',
      devServerPort: e.KEHOACH_TEMPORAL_PORT,
      tls: temporal.tls,
      apiKey: temporal.apiKey,
      metadata: temporal.metadata,
    },
    apiUrl,
    apiUrlGiven: e.KEHOACH_URL !== undefined,
    apiToken: e.KEHOACH_TOKEN,
    bodyLimit: e.KEHOACH_BODY_LIMIT,
    updateTimeoutMs: e.KEHOACH_UPDATE_TIMEOUT_MS,
    logLevel: e.KEHOACH_LOG_LEVEL ?? (e.KEHOACH_DEBUG ? 'debug' : undefined),
    notify: {
      smtpUrl: e.SMTP_URL,
      mailFrom: e.KEHOACH_MAIL_FROM ?? 'kehoach <kehoach@localhost>',
      webhookSecrets,
      webhookSecret: e.KEHOACH_WEBHOOK_SECRET,
      publicUrl: (e.KEHOACH_PUBLIC_URL ?? apiUrl).replace(/\/+$/, ''),
      catcherPort: e.KEHOACH_SMTP_PORT,
    },
    ...(e.KEHOACH_SESSION_SECRET ? { sessionSecret: e.KEHOACH_SESSION_SECRET } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
  };
}

/**
 * Temporal's own client configuration, as the Temporal CLI and SDKs read it (@temporalio/envconfig):
 * the TEMPORAL_* variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*,
 * TEMPORAL_GRPC_META_*) over a profile of the TOML file when TEMPORAL_CONFIG_FILE or TEMPORAL_PROFILE
 * is set (the file defaults to ~/.config/temporalio/temporal.toml, the profile to "default"). kehoach's earlier names
 * TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY still work and stand for TEMPORAL_TLS_CLIENT_CERT_PATH and
 * TEMPORAL_TLS_CLIENT_KEY_PATH when those are not set.
 */
function temporalClientSettings(env: NodeJS.ProcessEnv): {
  address?: string;
  namespace?: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
} {
  // An empty variable means "not set", as everywhere else in this file.
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') vars[name] = value.trim();
  const aliases: [string, string][] = [
    ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CLIENT_CERT_PATH'],
    ['TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CLIENT_KEY_PATH'],
  ];
  for (const [old, standard] of aliases) if (vars[old] && !vars[standard]) vars[standard] = vars[old];

  let profile;
  try {
    // The file is read only when asked for: a profile left in the home folder must not turn `kehoach up` away from its own dev server.
    const fileAskedFor = vars.TEMPORAL_CONFIG_FILE !== undefined || vars.TEMPORAL_PROFILE !== undefined;
    profile = loadClientConfigProfile({ overrideEnvVars: vars, disableFile: !fileAskedFor });
  } catch (error) {
    throw new ConfigError(
      `cannot read the Temporal client configuration: ${(error as Error).message}. Check TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE (or unset them).`,
      { cause: error },
    );
  }
  let connect;
  try {
    connect = toClientOptions(profile);
  } catch (error) {
    const file = (error as NodeJS.ErrnoException).path;
    // Name the variable the user wrote: the earlier name when it was the one set.
    const candidates = Object.keys(vars).filter((name) => name.startsWith('TEMPORAL_TLS') && vars[name] === file);
    const variable = candidates.find((name) => !name.endsWith('_PATH')) ?? candidates[0] ?? 'the tls section of the Temporal profile';
    throw new ConfigError(`cannot read ${variable} (${file ?? 'a TLS file'}): ${(error as Error).message}. Point it at a readable PEM file.`, {
      cause: error,
    });
  }
  return {
    address: profile.address,
    namespace: profile.namespace,
    tls: connect.connectionOptions.tls ?? undefined,
    apiKey: profile.apiKey,
    metadata: profile.grpcMeta,
  };
}

export const ADMIN_TOKEN_FILE = 'admin.token';

/** The CLI's token: KEHOACH_TOKEN, else the admin token the embedded default wrote on first start. */
export function resolveApiToken(config: Config): string {
  if (config.apiToken) return config.apiToken;
  const file = path.join(config.dataDir, ADMIN_TOKEN_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new ConfigError(`no API token: set KEHOACH_TOKEN, or run \`kehoach up\` once so that it writes the admin token to ${file}`);
  }
}
