/**
 * The production path on one machine: the Temporal server itself (not the dev server) with
 * Postgres persistence, its schema set up by Temporal's own SQL tool, the namespace and kehoach's
 * search attributes registered as an operator would. Used by the end-to-end test of the production
 * topology; `deploy/` shows the same steps for a real cluster.
 *
 * Both binaries come from the Go module proxy (no Docker here) and are built once into the
 * git-ignored `.tools/temporal-server/<version>/`; Go's own module and build caches make a rebuild
 * on the same machine quick.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isExecutable, resolveTemporalCli, toolsDir } from './binaries';
import { superviseServer, waitForTemporal } from './dev-server';
import { allSearchAttributeKeys } from './search-attributes';
import { SearchAttributeType } from '@temporalio/common';

export const TEMPORAL_SERVER_VERSION = '1.32.2';
/** The server's go.mod needs a newer Go than Debian ships; this toolchain is the one allowed here. */
export const TEMPORAL_SERVER_GO_TOOLCHAIN = 'go1.27.3';
const SERVER_MODULE = `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`;
const SQL_TOOL_MODULE = `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`;

export interface TemporalServerBinaries {
  server: string;
  /** temporal-sql-tool: creates the databases and applies the versioned schema. */
  sqlTool: string;
}

/**
 * The server and SQL tool binaries: TEMPORAL_SERVER_PATH / TEMPORAL_SQL_TOOL_PATH, else the
 * project's cached build, else `go install` (about 5 minutes the first time on 2 cores).
 */
export function resolveTemporalServer(options: { install?: boolean; log?: (line: string) => void } = {}): TemporalServerBinaries {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const explicitServer = process.env.TEMPORAL_SERVER_PATH;
  const explicitSql = process.env.TEMPORAL_SQL_TOOL_PATH;
  if (explicitServer && explicitSql) {
    if (!isExecutable(explicitServer) || !isExecutable(explicitSql)) {
      throw new Error(`TEMPORAL_SERVER_PATH (${explicitServer}) and TEMPORAL_SQL_TOOL_PATH (${explicitSql}) must both be executables.`);
    }
    return { server: explicitServer, sqlTool: explicitSql };
  }
  const gobin = path.join(toolsDir, 'temporal-server', TEMPORAL_SERVER_VERSION);
  const binaries = { server: path.join(gobin, 'server'), sqlTool: path.join(gobin, 'sql') };
  if (isExecutable(binaries.server) && isExecutable(binaries.sqlTool)) return binaries;
  if (options.install === false) {
    throw new Error(
      `The Temporal server ${TEMPORAL_SERVER_VERSION} is not built yet: run npm test once, or set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH.`,
    );
  }
  mkdirSync(gobin, { recursive: true });
  for (const module of [SERVER_MODULE, SQL_TOOL_MODULE]) {
    log(
      `Building ${module} with Go (${TEMPORAL_SERVER_GO_TOOLCHAIN}) into ${path.relative(process.cwd(), gobin)}/ — the first build takes a few minutes …`,
    );
    const started = Date.now();
    const result = spawnSync('go', ['install', module], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: gobin, GOTOOLCHAIN: TEMPORAL_SERVER_GO_TOOLCHAIN },
    });
    if (result.error || result.status !== 0) {
      throw new Error(
        `go install ${module} failed (${result.error?.message ?? `exit ${result.status}`}): Go and the Go module proxy must be reachable.`,
      );
    }
    log(`  built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  return binaries;
}

export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Host, port and credentials of a postgres:// URL. */
export function postgresEndpoint(url: string): PostgresEndpoint {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

export interface TemporalClusterOptions {
  postgres: PostgresEndpoint;
  /** Where the generated configuration and the server log go. */
  workDir: string;
  /** Frontend gRPC port (the address clients use). */
  frontendPort: number;
  /**
   * Ports for the other services' gRPC and membership listeners (7 of them) and the frontend's
   * HTTP. Membership ports are stored in a smallint column: they must be below 32768.
   */
  internalPorts: number[];
  namespace?: string;
  /** Database name prefix, so that several clusters can share one Postgres (default "temporal"). */
  databasePrefix?: string;
}

export interface TemporalCluster {
  address: string;
  namespace: string;
  process: ChildProcess;
  /** SIGKILL, as a crash would. */
  kill(): void;
  stop(): Promise<void>;
}

function runChecked(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`${what} failed: ${result.error?.message ?? ''}${result.stdout ?? ''}${result.stderr ?? ''}`.trim());
  }
}

/** The server's static configuration: Postgres persistence for history and visibility, local ports. */
export function clusterConfig(options: TemporalClusterOptions, databases: { main: string; visibility: string }): string {
  const [historyPort, matchingPort, workerPort, frontendMembership, historyMembership, matchingMembership, workerMembership, httpPort] =
    options.internalPorts;
  if (httpPort === undefined) throw new Error('clusterConfig needs 8 internal ports');
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "${options.postgres.host}:${options.postgres.port}"
        connectProtocol: "tcp"
        user: ${JSON.stringify(options.postgres.user)}
        password: ${JSON.stringify(options.postgres.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (grpc: number, membership: number, extra = '') => `    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
${store(databases.main, 20)}
    postgres-visibility:
${store(databases.visibility, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:
${service(options.frontendPort, frontendMembership!, `\n      httpPort: ${httpPort}`)}
  history:
${service(historyPort!, historyMembership!)}
  matching:
${service(matchingPort!, matchingMembership!)}
  worker:
${service(workerPort!, workerMembership!)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${options.frontendPort}"
dcRedirectionPolicy:
  policy: "noop"
`;
}

const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.INT]: 'Int',
};

/**
 * Sets up the schema with Temporal's SQL tool (idempotent: an existing schema is upgraded), starts
 * the server, then registers the namespace and the search attributes with the Temporal CLI.
 */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const binaries = resolveTemporalServer();
  const prefix = options.databasePrefix ?? 'temporal';
  const databases = { main: prefix, visibility: `${prefix}_visibility` };
  const pg = options.postgres;
  const sqlArgs = (database: string) => [
    '--ep',
    pg.host,
    '-p',
    String(pg.port),
    '-u',
    pg.user,
    '--pw',
    pg.password,
    '--pl',
    'postgres12',
    '--db',
    database,
  ];
  for (const [database, schema] of [
    [databases.main, 'postgresql/v12/temporal'],
    [databases.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    // create-database fails when it exists; the versioned schema steps below are idempotent.
    spawnSync(binaries.sqlTool, [...sqlArgs(database), 'create-database'], { encoding: 'utf8' });
    runChecked(binaries.sqlTool, [...sqlArgs(database), 'setup-schema', '-v', '0.0'], `setting up ${database}`);
    runChecked(binaries.sqlTool, [...sqlArgs(database), 'update-schema', '--schema-name', schema], `upgrading ${database}`);
  }

  mkdirSync(options.workDir, { recursive: true });
  const configFile = path.join(options.workDir, 'temporal-server.yaml');
  writeFileSync(configFile, clusterConfig(options, databases), { mode: 0o600 });

  const server = superviseServer(
    spawn(binaries.server, ['--config-file', configFile, '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    {
      keepLines: 80,
      stopGraceMs: 10_000,
    },
  );
  const { process: child, stop } = server;

  const address = `127.0.0.1:${options.frontendPort}`;
  const namespace = options.namespace ?? 'default';
  try {
    await waitForTemporal(address, 120_000, () => !server.exited());
    const cli = resolveTemporalCli();
    const describe = spawnSync(cli, ['operator', 'namespace', 'describe', '--address', address, '--namespace', namespace], { encoding: 'utf8' });
    if (describe.status !== 0) {
      runChecked(
        cli,
        ['operator', 'namespace', 'create', '--address', address, '--namespace', namespace, '--retention', '72h'],
        `registering namespace ${namespace}`,
      );
    }
    const attributeArgs = allSearchAttributeKeys.flatMap((key) => ['--name', key.name, '--type', CLI_TYPE[key.type]!]);
    await retry(() =>
      runChecked(
        cli,
        ['operator', 'search-attribute', 'create', '--address', address, '--namespace', namespace, ...attributeArgs],
        'registering search attributes',
      ),
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- temporal server output ---\n${server.recentOutput()}`, { cause: error });
  }
  return { address, namespace, process: child, kill: () => child.kill('SIGKILL'), stop };
}

/** A namespace just created takes a moment to reach every service of the cluster. */
async function retry(work: () => void, attempts = 30): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      work();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
