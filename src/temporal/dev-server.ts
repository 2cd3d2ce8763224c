/**
 * Starts and stops the Temporal dev server (`temporal server start-dev`) with a persistent
 * SQLite file, the namespace and kehoach's search attributes. Readiness is the gRPC health
 * service answering SERVING, not the TCP port being open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from './binaries';
import { searchAttributeCliArgs } from './search-attributes';

export interface DevServerOptions {
  /** SQLite file for persistent state; omitted means in-memory (tests). */
  dbFile?: string;
  port: number;
  /** Web UI port; omitted means headless. */
  uiPort?: number;
  namespace?: string;
  ip?: string;
  /** Where the server's own log goes; default: discarded unless KEHOACH_DEBUG is set. */
  logFile?: string;
  startTimeoutMs?: number;
  /** More `temporal server start-dev` arguments, e.g. `--dynamic-config-value KEY=VALUE` in tests. */
  extraArgs?: string[];
  /**
   * Run the server in a process group of its own, so that Ctrl-C in a terminal reaches only the
   * parent, which then stops the server last, after the worker has drained (default false).
   */
  ownProcessGroup?: boolean;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function waitForTemporal(address: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the Temporal server process exited before it was ready at ${address}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        const reply = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
        // 1 = SERVING in grpc.health.v1
        if (reply.status === 1) return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Temporal at ${address} did not report SERVING within ${timeoutMs} ms: ${String(lastError)}`);
}

const OUTPUT_HEAD_CHARS = 2000;

export interface SupervisedServer {
  process: ChildProcess;
  exited(): boolean;
  /** The first and the last lines the server printed, to explain a failed start. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Keeps a server child process on a leash: it never outlives this process, its recent output is
 * kept (and shown with KEHOACH_DEBUG), and stopping it is bounded.
 */
export function superviseServer(child: ChildProcess, options: { keepLines: number; stopGraceMs: number }): SupervisedServer {
  let exited = false;
  // Whatever way the parent exits, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  // The first output and the last: a Go panic prints its cause first, then a long stack.
  let head = '';
  const recent: string[] = [];
  let dropped = false;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    if (head.length < OUTPUT_HEAD_CHARS) head += text.slice(0, OUTPUT_HEAD_CHARS - head.length);
    recent.push(text);
    if (recent.length > options.keepLines) {
      recent.shift();
      dropped = true;
    }
    if (process.env.KEHOACH_DEBUG) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    process: child,
    exited: () => exited,
    recentOutput: () => {
      const tail = recent.join('');
      if (!dropped && tail.length <= OUTPUT_HEAD_CHARS + 4000) return tail;
      return `${head}\n[…]\n${tail.slice(-4000)}`;
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/** Starts of the dev server tried when it exits before it is ready (see startDevServer). */
const DEV_SERVER_START_ATTEMPTS = 2;

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const cli = resolveTemporalCli();
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', 'warn'];
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-ip', ip, '--ui-disable-news-fetch');
  else args.push('--headless');
  args.push(...searchAttributeCliArgs());
  if (options.extraArgs) args.push(...options.extraArgs);

  const address = `${ip}:${options.port}`;
  // The dev server picks free ports of its own for its internal services when it starts; another
  // process can take one between its pick and its bind, and the server then exits at once. A
  // server that exits before it is ready is started once more, on new internal ports.
  let server: SupervisedServer | undefined;
  for (let attempt = 1; ; attempt++) {
    server = superviseServer(spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false }), {
      keepLines: 50,
      stopGraceMs: 5000,
    });
    const started = server;
    try {
      await waitForTemporal(address, options.startTimeoutMs ?? 60_000, () => !started.exited());
      break;
    } catch (error) {
      const exitedEarly = started.exited();
      await started.stop();
      if (exitedEarly && attempt < DEV_SERVER_START_ATTEMPTS) {
        console.warn(`The Temporal dev server exited before it was ready; starting it again.\n${started.recentOutput().slice(0, 600)}`);
        continue;
      }
      throw new Error(`${(error as Error).message}\n--- temporal server output ---\n${started.recentOutput()}`, { cause: error });
    }
  }
  const { process: child, stop } = server;
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    process: child,
    stop,
  };
}
