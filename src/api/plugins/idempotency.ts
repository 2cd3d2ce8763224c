/**
 * `Idempotency-Key` on every POST. The key is claimed (scoped to the caller) before the route
 * runs, so of two requests racing with one key only one ever runs: the other waits for its
 * response and gets it, byte for byte, or, past the wait, 409 with Retry-After. The same key with
 * another request is refused with 422. 5xx responses give the key back, so a retry after an
 * outage runs again (and the update ID derived from the key keeps Temporal from applying it
 * twice). When Postgres does not take the response or the key back (the outage itself, or no
 * connection left), the answer goes out all the same and the record is tried again in the
 * background: otherwise a retry would meet its own key "in progress" until the claim went stale.
 * Routes whose response carries a secret store a redacted response instead (`config.
 * storedResponse`): a replay never shows the secret again.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ClaimedRequest, IdempotencyClaim, IdempotentRequest, StoredResponse } from '../../db/idempotency';
import { ProblemError } from '../problem';
import { apiText } from '../../i18n';

export interface IdempotencyStore {
  /** Claims the key for this request, or says who holds it. */
  claim(request: IdempotentRequest, staleAfterMs: number): Promise<IdempotencyClaim>;
  /** Stores the claimed request's response. */
  complete(request: ClaimedRequest, response: StoredResponse): Promise<void>;
  /** Gives the key back (the request failed with a 5xx). */
  release(request: ClaimedRequest): Promise<void>;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** How long a request waits for another one running with its key before 409 (ms). */
  waitMs: number;
  /** Pauses before each new try of a record Postgres did not take (ms); by default about a minute in all. */
  settleRetryDelaysMs?: readonly number[];
}

/** 1 + 2 + … + 32 s: past the minute after which a retry may take a stale claim over anyway. */
const SETTLE_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: ClaimedRequest | null;
  }
  interface FastifyContextConfig {
    /** What to keep of a response for replays, when the response itself must not be stored. */
    storedResponse?: (response: StoredResponse) => StoredResponse;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** Seconds a caller should wait before retrying a request still in progress. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 2;
const POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The JSON a payload holds, boxed (a body may be `null`), or undefined when it is not JSON. */
function parsedJson(payload: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(payload) as unknown };
  } catch {
    return undefined;
  }
}

/** The Idempotency-Key of a request, scoped to the caller so that two callers never share a key. */
export function scopedIdempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.idempotency?.key;
  return key && request.principal ? `${request.principal.tokenId}:${key}` : undefined;
}

async function idempotency(app: FastifyInstance, options: IdempotencyOptions): Promise<void> {
  app.decorateRequest('idempotency', null);
  // A claim older than this belongs to a request whose process died; the same request may retake it.
  const staleAfterMs = Math.max(60_000, options.waitMs * 4);
  const retryDelays = options.settleRetryDelaysMs ?? SETTLE_RETRY_DELAYS_MS;
  const pendingRetries = new Set<NodeJS.Timeout>();
  let closed = false;
  app.addHook('onClose', async () => {
    closed = true;
    for (const timer of pendingRetries) clearTimeout(timer);
    pendingRetries.clear();
  });

  /**
   * Completes or releases a claim; if Postgres refuses, tries again later without holding the
   * answer. Safe to repeat: both act only on this claim while it is pending.
   */
  const settle = async (request: FastifyRequest, settleClaim: () => Promise<void>, attempt = 0): Promise<void> => {
    try {
      await settleClaim();
    } catch (error) {
      const delay = retryDelays[attempt];
      request.log.error({ err: error, willRetryInMs: delay ?? null }, 'could not store the idempotency record');
      if (delay === undefined || closed) return;
      const timer = setTimeout(() => {
        pendingRetries.delete(timer);
        void settle(request, settleClaim, attempt + 1);
      }, delay);
      timer.unref();
      pendingRetries.add(timer);
    }
  };

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !request.principal) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY_PATTERN.test(key)) {
      throw new ProblemError('validation', apiText('idempotencyKeyInvalid'), {
        errors: [{ path: 'headers.idempotency-key', message: apiText('invalidValue') }],
      });
    }
    const pending: IdempotentRequest = {
      key,
      principal: request.principal.tokenId,
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      body: request.body,
    };
    const deadline = Date.now() + options.waitMs;
    let claim = await options.store.claim(pending, staleAfterMs);
    while (claim.outcome === 'in-progress' && Date.now() < deadline) {
      await sleep(POLL_MS);
      claim = await options.store.claim(pending, staleAfterMs);
    }
    switch (claim.outcome) {
      case 'claimed':
        request.idempotency = { ...pending, claimedAt: claim.claimedAt };
        // The key is the request id of the events this request records: logged, an operator can follow it.
        request.log.info({ idempotencyKey: key }, 'idempotency key claimed');
        return;
      case 'mismatch':
        throw new ProblemError('idempotency-key-reuse', apiText('idempotencyKeyReused', { key }));
      case 'in-progress':
        throw new ProblemError('idempotency-in-progress', apiText('idempotencyInProgress', { key, seconds: IN_PROGRESS_RETRY_AFTER_SECONDS }), {
          retryAfter: IN_PROGRESS_RETRY_AFTER_SECONDS,
        });
      case 'replay': {
        reply.header('idempotent-replayed', 'true');
        for (const [name, value] of Object.entries(claim.response.headers)) reply.header(name, value);
        // The stored body is already what the route returned; send it as-is, past the route's serializer.
        return reply
          .code(claim.response.statusCode)
          .serializer((payload: unknown) => JSON.stringify(payload))
          .send(claim.response.body);
      }
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const pending = request.idempotency;
    if (!pending) return payload;
    request.idempotency = null;
    // The request's effect stands whatever happens to its record: it is answered truthfully either way.
    const body = reply.statusCode < 500 && typeof payload === 'string' ? parsedJson(payload) : undefined;
    if (body === undefined) {
      await settle(request, () => options.store.release(pending));
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    const response: StoredResponse = {
      statusCode: reply.statusCode,
      body: body.value,
      headers: contentType ? { 'content-type': String(contentType) } : {},
    };
    const stored = request.routeOptions.config.storedResponse?.(response) ?? response;
    await settle(request, () => options.store.complete(pending, stored));
    return payload;
  });
}

export default fp(idempotency, { name: 'idempotency', fastify: '5.x', dependencies: ['auth'] });
