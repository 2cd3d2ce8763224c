/**
 * Answers the API keeps (a plan's summary, a page of its task list) and the principals of tokens,
 * served again only while they are certainly still true. Two things can make a kept answer
 * wrong, and each is accounted for:
 *
 * - A change in the read model, by any process: the triggers of migration 0005 announce it and
 *   the change feed (src/db/change-feed.ts) hands it here, which retires what was kept for that
 *   plan (or every token, or everything). Each request first waits for the feed's barrier, so a
 *   change committed before the request arrived is always known before anything kept is served.
 *   While the feed is down nothing is served from here and nothing is kept.
 * - Time: a task's category changes when its due-soon line or deadline passes, without any write.
 *   An answer is kept only until the first such instant among the plan's tasks
 *   (nextJudgementChange in src/domain/facts.ts), and never longer than a minute.
 *
 * Kept answers are JSON text already checked against the route's schema; a plan's generation is
 * taken before its answer is computed, so a change announced meanwhile retires the answer too.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { ChangeFeed, ChangeListener, ReadModelChange } from '../db/change-feed';
import { hashToken } from '../db/tokens';
import type { Principal } from './plugins/auth';

/** The longest an answer is kept even when no change is announced: a defence, not the rule. */
export const KEPT_ANSWER_MAX_AGE_MS = 60_000;
/** Tokens are verified against the database again at least this often (it records "last used"). */
export const KEPT_PRINCIPAL_MAX_AGE_MS = 30_000;

interface Stamp {
  epoch: number;
  generation: number;
}

interface KeptAnswer {
  body: string;
  planId: string;
  stamp: Stamp;
  validUntilMs: number;
}

export interface ComputedAnswer {
  body: string;
  /** Until when the answer holds; undefined: do not keep it (it changes with the clock). */
  keepUntilMs: number | undefined;
}

const sameStamp = (a: Stamp, b: Stamp) => a.epoch === b.epoch && a.generation === b.generation;

export class ReadCache implements ChangeListener {
  private epoch = 0;
  private tokenGeneration = 0;
  private readonly planGenerations = new Map<string, number>();
  private readonly freshness = new WeakMap<FastifyRequest, Promise<boolean>>();
  private readonly answers = new LRUCache<string, KeptAnswer>({
    max: 5_000,
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (answer, key) => answer.body.length + key.length,
  });
  private readonly principals = new LRUCache<string, { principal: Principal; stamp: Stamp }>({
    max: 10_000,
    ttl: KEPT_PRINCIPAL_MAX_AGE_MS,
  });
  private readonly computing = new Map<string, { planId: string; stamp: Stamp; answer: Promise<ComputedAnswer | undefined> }>();
  /**
   * Answers served from here, shared with a computation under way, and computed, since the start
   * (read by tests and benchmarks).
   */
  readonly counts = { served: 0, shared: 0, computed: 0 };

  constructor(private feed?: ChangeFeed) {}

  attach(feed: ChangeFeed): void {
    this.feed = feed;
  }

  onChange(change: ReadModelChange): void {
    if (change.kind === 'plan') this.planGenerations.set(change.planId, (this.planGenerations.get(change.planId) ?? 0) + 1);
    else if (change.kind === 'tokens') this.tokenGeneration += 1;
    else this.onReset();
  }

  onReset(): void {
    this.epoch += 1;
    this.answers.clear();
    this.principals.clear();
  }

  /** Whether kept answers may be served to this request: the feed's barrier, once per request. */
  fresh(request: FastifyRequest): Promise<boolean> {
    let pending = this.freshness.get(request);
    if (!pending) {
      pending = this.feed ? this.feed.barrier() : Promise.resolve(false);
      this.freshness.set(request, pending);
    }
    return pending;
  }

  /**
   * The answer kept under `key` for `planId`, or the one `compute` gives (kept when it says how
   * long it holds), with the instant it was judged at or served for.
   */
  async answer(
    request: FastifyRequest,
    key: string,
    planId: string,
    compute: (atMs: number) => Promise<ComputedAnswer | undefined>,
  ): Promise<{ body: string; atMs: number } | undefined> {
    const fresh = await this.fresh(request);
    const atMs = Date.now();
    if (fresh) {
      const kept = this.answers.get(key);
      if (kept && kept.planId === planId && sameStamp(kept.stamp, this.planStamp(planId)) && atMs < kept.validUntilMs) {
        this.counts.served += 1;
        return { body: kept.body, atMs };
      }
    }
    const stamp = this.planStamp(planId);
    // Requests that miss together (a burst right after a change) share one computation when
    // nothing changed since it began and what it finds still holds when it ends.
    const flying = fresh ? this.computing.get(key) : undefined;
    if (flying && flying.planId === planId && sameStamp(flying.stamp, stamp)) {
      const shared = await flying.answer.catch(() => undefined);
      const nowMs = Date.now();
      if (shared?.keepUntilMs !== undefined && nowMs < shared.keepUntilMs) {
        this.counts.shared += 1;
        return { body: shared.body, atMs: nowMs };
      }
    }
    const answer = compute(atMs);
    if (fresh) {
      const entry = { planId, stamp, answer };
      this.computing.set(key, entry);
      void answer
        .finally(() => {
          if (this.computing.get(key) === entry) this.computing.delete(key);
        })
        .catch(() => undefined);
    }
    const computed = await answer;
    if (computed === undefined) return undefined;
    this.counts.computed += 1;
    if (fresh && computed.keepUntilMs !== undefined) {
      const validUntilMs = Math.min(computed.keepUntilMs, atMs + KEPT_ANSWER_MAX_AGE_MS);
      this.answers.set(key, { body: computed.body, planId, stamp, validUntilMs });
    }
    return { body: computed.body, atMs };
  }

  /** Wraps a token verifier: a principal is kept until its token changes, at most 30 s. */
  verifier(verify: (bearer: string) => Promise<Principal | undefined>) {
    return async (bearer: string, request?: FastifyRequest): Promise<Principal | undefined> => {
      const fresh = request ? await this.fresh(request) : false;
      const key = hashToken(bearer);
      if (fresh) {
        const kept = this.principals.get(key);
        if (kept && sameStamp(kept.stamp, this.tokenStamp())) return kept.principal;
      }
      const stamp = this.tokenStamp();
      const principal = await verify(bearer);
      if (principal && fresh) this.principals.set(key, { principal, stamp });
      return principal;
    };
  }

  private planStamp(planId: string): Stamp {
    return { epoch: this.epoch, generation: this.planGenerations.get(planId) ?? 0 };
  }

  private tokenStamp(): Stamp {
    return { epoch: this.epoch, generation: this.tokenGeneration };
  }
}

/**
 * Sends JSON text as it is: a string with a JSON content type passes Fastify's serializer by,
 * which is the point (it was checked against the route's schema when it was computed). The
 * reply is taken untyped because the route's type provider expects the object, not its text.
 */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}
