/**
 * Stored responses for the `Idempotency-Key` header: a client that retries a POST with the same
 * key and body gets the first response again instead of a second write; the same key with another
 * body is a client error (422). Keys are scoped per caller (token id) and kept for a day.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from './client';
import { idempotencyRecords } from './schema';
import { canonicalJson } from '../canonical-json';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface IdempotentRequest {
  key: string;
  /** The caller's token id. */
  principal: string;
  method: string;
  path: string;
  /** The parsed JSON body, or the raw text (plan YAML). */
  body: unknown;
}

export interface StoredResponse {
  statusCode: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyLookup =
  | { outcome: 'new' }
  | { outcome: 'replay'; response: StoredResponse }
  /** The key was used for a different request (other body, method or path). */
  | { outcome: 'mismatch' };


export function requestHash(request: Pick<IdempotentRequest, 'method' | 'path' | 'body'>): string {
  const body = Buffer.isBuffer(request.body)
    ? request.body.toString('utf8')
    : typeof request.body === 'string'
      ? request.body
      : canonicalJson(request.body);
  return createHash('sha256')
    .update(`${request.method.toUpperCase()}\n${request.path}\n${body}`, 'utf8')
    .digest('hex');
}

export async function findIdempotentResponse(db: Database, request: IdempotentRequest): Promise<IdempotencyLookup> {
  const [row] = await db
    .select()
    .from(idempotencyRecords)
    .where(
      and(
        eq(idempotencyRecords.key, request.key),
        eq(idempotencyRecords.principal, request.principal),
        sql`${idempotencyRecords.createdAt} > now() - make_interval(secs => ${IDEMPOTENCY_TTL_MS / 1000})`,
      ),
    );
  if (!row) return { outcome: 'new' };
  if (row.requestHash !== requestHash(request)) return { outcome: 'mismatch' };
  return { outcome: 'replay', response: { statusCode: row.statusCode, body: row.responseBody, headers: row.responseHeaders } };
}

/**
 * Stores the response of a request made with an Idempotency-Key. When two requests with the same
 * key raced, the first stored response stays (an expired record is replaced).
 */
export async function saveIdempotentResponse(
  db: Database,
  request: IdempotentRequest,
  response: StoredResponse,
): Promise<void> {
  const values = {
    key: request.key,
    principal: request.principal,
    method: request.method.toUpperCase(),
    path: request.path,
    requestHash: requestHash(request),
    statusCode: response.statusCode,
    responseBody: response.body ?? null,
    responseHeaders: response.headers,
    createdAt: new Date(),
  };
  const { key: _key, principal: _principal, ...changes } = values;
  await db
    .insert(idempotencyRecords)
    .values(values)
    .onConflictDoUpdate({
      target: [idempotencyRecords.key, idempotencyRecords.principal],
      set: changes,
      setWhere: sql`${idempotencyRecords.createdAt} <= now() - make_interval(secs => ${IDEMPOTENCY_TTL_MS / 1000})`,
    });
}

/** Deletes records older than the retention period; returns how many went. */
export async function pruneIdempotencyRecords(db: Database): Promise<number> {
  const rows = await db
    .delete(idempotencyRecords)
    .where(sql`${idempotencyRecords.createdAt} <= now() - make_interval(secs => ${IDEMPOTENCY_TTL_MS / 1000})`)
    .returning({ key: idempotencyRecords.key });
  return rows.length;
}
