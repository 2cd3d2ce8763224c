/**
 * The read model's change feed: one connection that LISTENs on the channel the triggers of
 * migration 0005 announce on, so that an API process learns when a plan, its tasks or a token
 * changed, whichever process wrote it (the worker's projection, another API, an operator's SQL).
 *
 * `barrier()` is what makes kept answers exact rather than "fresh enough": it resolves once a
 * round trip on the listening connection, begun after the call, has come back. Postgres delivers
 * a notification to an idle listener before anything it sends later, so by then every change
 * committed before the call has been handed to `onChange`. Callers arriving together share one
 * round trip. While the connection is down the feed says so (`barrier()` gives false) and the
 * caller must not trust anything it kept; `onReset` runs whenever notifications may have been
 * missed (the connection closed, or listening began again).
 */
import postgres from 'postgres';

export const CHANGE_CHANNEL = 'kehoach_read_model';
export const CHANGE_FEED_APPLICATION = 'kehoach change feed';

export type ReadModelChange = { kind: 'plan'; planId: string } | { kind: 'tokens' } | { kind: 'all' };

export interface ChangeListener {
  onChange(change: ReadModelChange): void;
  /** Anything kept before now may be stale: notifications may have been missed. */
  onReset(): void;
}

export interface ChangeFeed {
  /** True once every change committed before the call is known; false while the feed is down. */
  barrier(): Promise<boolean>;
  readonly live: boolean;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** Wait before listening again after the connection closed (default 1 s). */
  reconnectDelayMs?: number;
  /** A barrier's round trip that takes longer answers false (default 2 s). */
  barrierTimeoutMs?: number;
}

export function parseChange(payload: string): ReadModelChange | undefined {
  if (payload === 'tokens') return { kind: 'tokens' };
  if (payload === 'all') return { kind: 'all' };
  if (payload.startsWith('plan:')) return { kind: 'plan', planId: payload.slice('plan:'.length) };
  return undefined;
}

/**
 * Opens the feed on its own connection, with the settings of `pool` (host, credentials, TLS).
 * Resolves once the first LISTEN has succeeded or failed; a failure leaves the feed down and
 * retrying, it does not stop the caller.
 */
export async function openChangeFeed(pool: postgres.Sql, listener: ChangeListener, options: ChangeFeedOptions = {}): Promise<ChangeFeed> {
  const reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
  const barrierTimeoutMs = options.barrierTimeoutMs ?? 2_000;
  let live = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const goDown = () => {
    live = false;
    listener.onReset();
    if (!closed && retryTimer === undefined) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        void listen();
      }, reconnectDelayMs);
      retryTimer.unref();
    }
  };

  // The same parsed options as the pool (postgres.js's own sql.listen does this), on one
  // connection that never idles out or retires: a new connection would miss notifications.
  const sql = postgres({
    ...pool.options,
    max: 1,
    idle_timeout: null,
    max_lifetime: null,
    fetch_types: false,
    // Named, so that an operator (and a test) can tell it apart in pg_stat_activity.
    connection: { ...pool.options.connection, application_name: CHANGE_FEED_APPLICATION },
    onnotice: () => undefined,
    onnotify: (channel: string, payload: string) => {
      if (channel !== CHANGE_CHANNEL) return;
      const change = parseChange(payload);
      // A payload of a later version is not understood: dropping everything is always safe.
      listener.onChange(change ?? { kind: 'all' });
    },
    onclose: () => {
      if (live) goDown();
    },
  } as unknown as postgres.Options<Record<string, postgres.PostgresType>>);

  async function listen(): Promise<void> {
    if (closed) return;
    try {
      await sql.unsafe(`listen ${CHANGE_CHANNEL}`);
      if (closed) return;
      live = true;
      listener.onReset();
    } catch {
      goDown();
    }
  }

  // A round trip begun after every caller waiting on it arrived; callers join the one not yet
  // begun, which begins when the one under way returns.
  let underWay: Promise<boolean> | undefined;
  let next: Promise<boolean> | undefined;
  const roundTrip = (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const trip = Promise.race([
      sql`select 1`.then(
        () => live,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), barrierTimeoutMs);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      if (underWay === trip) underWay = undefined;
    });
    underWay = trip;
    return trip;
  };

  await listen();

  return {
    get live() {
      return live;
    },
    barrier() {
      if (!live) return Promise.resolve(false);
      if (next) return next;
      const start = () => {
        next = undefined;
        return roundTrip();
      };
      next = underWay ? underWay.then(start) : Promise.resolve().then(start);
      return next;
    },
    async close() {
      closed = true;
      live = false;
      clearTimeout(retryTimer);
      await sql.end({ timeout: 1 });
    },
  };
}
