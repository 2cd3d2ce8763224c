/**
 * `Idempotency-Key` on every POST: the first response (2xx or 4xx) is stored per caller and key;
 * the same key with the same request gets that response again, byte for byte; the same key with
 * another request is refused with 422. 5xx responses are not stored, so a retry after an outage
 * runs again (and the update ID derived from the key keeps Temporal from applying it twice).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { IdempotencyLookup, IdempotentRequest, StoredResponse } from '../../db/idempotency';
import { ProblemError } from '../problem';

export interface IdempotencyStore {
  find(request: IdempotentRequest): Promise<IdempotencyLookup>;
  /** Keeps the first response when two requests with one key race. */
  save(request: IdempotentRequest, response: StoredResponse): Promise<void>;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotentRequest | null;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The Idempotency-Key of a request, scoped to the caller so that two callers never share a key. */
export function scopedIdempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.idempotency?.key;
  return key && request.principal ? `${request.principal.tokenId}:${key}` : undefined;
}

async function idempotency(app: FastifyInstance, options: IdempotencyOptions): Promise<void> {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !request.principal) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY_PATTERN.test(key)) {
      throw new ProblemError('validation', 'Idempotency-Key phải là 1–200 ký tự ASCII in được (ví dụ một UUID).', {
        errors: [{ path: 'headers.idempotency-key', message: 'giá trị không hợp lệ' }],
      });
    }
    const pending: IdempotentRequest = {
      key,
      principal: request.principal.tokenId,
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      body: request.body,
    };
    const found = await options.store.find(pending);
    if (found.outcome === 'mismatch') {
      throw new ProblemError(
        'idempotency-key-reuse',
        `Idempotency-Key "${key}" đã được dùng cho một yêu cầu khác; hãy dùng một khoá mới cho mỗi yêu cầu khác nhau.`,
      );
    }
    if (found.outcome === 'replay') {
      reply.header('idempotent-replayed', 'true');
      for (const [name, value] of Object.entries(found.response.headers)) reply.header(name, value);
      // The stored body is already what the route returned; send it as-is, past the route's serializer.
      return reply
        .code(found.response.statusCode)
        .serializer((payload: unknown) => JSON.stringify(payload))
        .send(found.response.body);
    }
    request.idempotency = pending;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const pending = request.idempotency;
    if (!pending || !request.principal || reply.statusCode >= 500) return payload;
    if (typeof payload !== 'string') return payload;
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    await options.store.save(pending, {
      statusCode: reply.statusCode,
      body,
      headers: contentType ? { 'content-type': String(contentType) } : {},
    });
    return payload;
  });
}

export default fp(idempotency, { name: 'idempotency', fastify: '5.x', dependencies: ['auth'] });
