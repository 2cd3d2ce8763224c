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

export interface SupervisedServer {
  process: ChildProcess;
  exited(): boolean;
  /** The last lines the server printed, to explain a failed start. */
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
  const recent: string[] = [];
  const keep = (chunk: Buffer) => {
    recent.push(chunk.toString());
    if (recent.length > options.keepLines) recent.shift();
    if (process.env.KEHOACH_DEBUG) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    process: child,
    exited: () => exited,
    recentOutput: () => recent.join('').slice(-4000),
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

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

  const server = superviseServer(spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false }), {
    keepLines: 50,
    stopGraceMs: 5000,
  });
  const { process: child, stop } = server;
  const address = `${ip}:${options.port}`;
  try {
    await waitForTemporal(address, options.startTimeoutMs ?? 60_000, () => !server.exited());
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- temporal server output ---\n${server.recentOutput()}`, { cause: error });
  }
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    process: child,
    stop,
  };
}
