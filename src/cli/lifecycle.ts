/**
 * The one process lifecycle of the long-running commands (`up`, `api`, `worker`), on
 * close-with-grace: each resource is registered as it opens and closed in reverse order on SIGINT,
 * SIGTERM, a failure or an uncaught error; stopping never takes longer than STOP_DEADLINE_MS, and a
 * second Ctrl-C exits at once. The process exits when everything is closed: 0 after a signal, 1
 * after a failure.
 *
 * One Ctrl-C may arrive twice: the terminal signals the whole process group, and a wrapper in it
 * (npm, a shell, a supervisor) may forward the signal again. A repeat within DUPLICATE_SIGNAL_MS
 * is that same Ctrl-C, not the user's second one; exiting on it would leave Postgres and Temporal
 * behind. (The servers run in process groups of their own, so only kehoach stops them, last.)
 *
 * An uncaught error while stopping (a connection dropping under a closing resource) is reported
 * and the stop goes on: exiting on it would cut the orderly close short, leaving the servers
 * closed last still running. The stop deadline bounds it all the same.
 */
import closeWithGrace from 'close-with-grace';

/** Ctrl-C or SIGTERM stops everything within 10 s (what the README promises); past this the process exits regardless. */
export const STOP_DEADLINE_MS = 9_000;

/** A repeated signal this soon after the first is the same request delivered twice (see above). */
export const DUPLICATE_SIGNAL_MS = 1_000;

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const ERROR_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

export interface Lifecycle {
  /** Registers something to close on the way out; the last registered closes first. */
  onClose(name: string, close: () => unknown): void;
  /** Prints the failure, closes everything and exits 1. */
  fail(error: unknown): Promise<never>;
  /** Waits for a signal (or a failure); the process exits once everything is closed. */
  untilStopped(): Promise<never>;
}

export interface LifecycleOptions {
  stopDeadlineMs?: number;
  /** Where the lifecycle's own lines go (default stderr; `up` talks to its user on stdout). */
  write?: (line: string) => void;
}

const never = () => new Promise<never>(() => undefined);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * postgres.js (3.4.9) flushes a connection's buffered query on the next tick; when the server died
 * in between, that flush writes to a socket it has already dropped and throws outside any query.
 * The query itself fails with CONNECTION_CLOSED and the pool reconnects, so nothing is lost: the
 * process must not stop for it (a worker did, each time Postgres restarted under a burst).
 */
export function isWriteOnClosedPostgresSocket(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /reading 'write'/.test(error.message) &&
    /[/\\]postgres[/\\](cjs[/\\])?src[/\\]connection\.js/.test(error.stack ?? '')
  );
}

export function startLifecycle(command: string, options: LifecycleOptions = {}): Lifecycle {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const say = (line: string) => write(`kehoach ${command}: ${line}`);
  const closers: { name: string; close: () => unknown }[] = [];
  let failure: unknown;
  let stopping = false;
  let firstSignal: { signal: NodeJS.Signals; at: number } | undefined;

  const grace = closeWithGrace(
    {
      delay: options.stopDeadlineMs ?? STOP_DEADLINE_MS,
      logger: false,
      // A long-running command has servers open; an empty event loop is not a reason to close.
      // SIGINT and SIGTERM are handled below, to tell a repeated delivery from a second Ctrl-C;
      // uncaught errors too, so that one raised while stopping does not end the stop half-way.
      skip: ['beforeExit', ...STOP_SIGNALS, ...ERROR_EVENTS],
      onTimeout: (delay) => say(`stopping took longer than ${delay / 1000} s; exiting now`),
    },
    async () => {
      stopping = true;
      const signal = firstSignal?.signal;
      if (signal) say(`${signal} received, stopping: finishing the work in flight…`);
      for (const { name, close } of closers.splice(0).reverse()) {
        try {
          await close();
        } catch (error) {
          say(`stopping ${name} failed: ${messageOf(error)}`);
        }
      }
      say('stopped.');
      // close-with-grace exits 1 when the handler throws: the failure has been printed already.
      if (failure) throw failure;
    },
  );

  const onStopSignal = (signal: NodeJS.Signals) => {
    if (!firstSignal) {
      firstSignal = { signal, at: Date.now() };
      // After a failure everything is closing already; the signal only arms the second Ctrl-C.
      if (!stopping) void grace.close();
      return;
    }
    if (Date.now() - firstSignal.at < DUPLICATE_SIGNAL_MS) return;
    say(`${signal} again: exiting now`);
    process.exit(130);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);

  const fail = (error: unknown): Promise<never> => {
    // While stopping, what closes may report that it stopped (the worker's run() resolving): expected.
    if (stopping) return never();
    failure ??= error;
    say(messageOf(error));
    void grace.close();
    return never();
  };
  const onUncaught = (error: unknown) => {
    if (stopping) say(`another error while stopping: ${messageOf(error)}`);
    else if (isWriteOnClosedPostgresSocket(error)) say(`a Postgres connection closed under a pending write; it reconnects: ${messageOf(error)}`);
    else void fail(error);
  };
  for (const event of ERROR_EVENTS) process.on(event, onUncaught);

  return {
    onClose(name, close) {
      closers.push({ name, close });
    },
    fail,
    untilStopped: never,
  };
}
