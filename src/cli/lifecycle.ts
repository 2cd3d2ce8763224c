/**
 * The one process lifecycle of the long-running commands (`up`, `api`, `worker`), on
 * close-with-grace: each resource is registered as it opens and closed in reverse order on SIGINT,
 * SIGTERM, a failure or an uncaught error; stopping never takes longer than STOP_DEADLINE_MS, and a
 * second signal exits at once. The process exits when everything is closed: 0 after a signal, 1
 * after a failure.
 */
import closeWithGrace from 'close-with-grace';

/** Ctrl-C or SIGTERM stops everything within 10 s (what the README promises); past this the process exits regardless. */
export const STOP_DEADLINE_MS = 9_000;

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

export function startLifecycle(command: string, options: LifecycleOptions = {}): Lifecycle {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const say = (line: string) => write(`kehoach ${command}: ${line}`);
  const closers: { name: string; close: () => unknown }[] = [];
  let failure: unknown;
  let stopping = false;

  const grace = closeWithGrace(
    {
      delay: options.stopDeadlineMs ?? STOP_DEADLINE_MS,
      logger: false,
      // A long-running command has servers open; an empty event loop is not a reason to close.
      skip: ['beforeExit'],
      onSecondSignal: (signal) => {
        say(`${signal} again: exiting now`);
        process.exit(130);
      },
      onTimeout: (delay) => say(`stopping took longer than ${delay / 1000} s; exiting now`),
      onSecondError: (error) => say(`another error while stopping: ${messageOf(error)}`),
    },
    async ({ signal, err }) => {
      stopping = true;
      if (signal) say(`${signal} received, stopping: finishing the work in flight…`);
      if (err) {
        failure ??= err;
        say(messageOf(err));
      }
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

  return {
    onClose(name, close) {
      closers.push({ name, close });
    },
    fail(error) {
      // While stopping, what closes may report that it stopped (the worker's run() resolving): expected.
      if (stopping) return never();
      failure ??= error;
      say(messageOf(error));
      grace.close();
      return never();
    },
    untilStopped: never,
  };
}
