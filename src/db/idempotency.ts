/**
 * Stored responses for the `Idempotency-Key` header: a client that retries a POST with the same
 * key and body gets the first response again instead of a second write; the same key with another
 * body is a client error (422). A key is claimed before the request runs, so two requests racing
 * with one key never both run. Keys are scoped per caller (token id) and kept for a day.
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
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

export function requestHash(request: Pick<IdempotentRequest, 'method' | 'path' | 'body'>): string {
  const body = Buffer.isBuffer(request.body)
    ? request.body.toString('utf8')
    : typeof request.body === 'string'
      ? request.body
      : canonicalJson(request.body);
  return createHash('sha256').update(`${request.method.toUpperCase()}\n${request.path}\n${body}`, 'utf8').digest('hex');
}

const ttl = sql`make_interval(secs => ${IDEMPOTENCY_TTL_MS / 1000})`;

/**
 * A request holding its key. `claimedAt` is the claim's instant as Postgres wrote it (microseconds,
 * as text): completing or releasing touches only this claim, never a later one of the same request
 * (a retry that took the key back after this one was given up).
 */
export interface ClaimedRequest extends IdempotentRequest {
  claimedAt: string;
}

export type IdempotencyClaim =
  /** This request holds the key: run it, then complete or release the claim. */
  | { outcome: 'claimed'; claimedAt: string }
  | { outcome: 'replay'; response: StoredResponse }
  /** The key was used for a different request (other body, method or path). */
  | { outcome: 'mismatch' }
  /** The same request is running under this key right now. */
  | { outcome: 'in-progress' };

function scope(request: Pick<IdempotentRequest, 'key' | 'principal'>) {
  return and(eq(idempotencyRecords.key, request.key), eq(idempotencyRecords.principal, request.principal));
}

/**
 * The pending record of exactly this claim. Its instant alone tells it from any other claim of the
 * key (a retake writes a new one), so the body need not be hashed again.
 */
function claimOf(request: ClaimedRequest) {
  return and(scope(request), isNull(idempotencyRecords.statusCode), sql`${idempotencyRecords.createdAt} = ${request.claimedAt}::timestamptz`);
}

/**
 * Claims a key atomically, before the request does anything: one insert of a pending record
 * (no status yet). Of two requests racing with one key, exactly one claims it; the other learns
 * whether the first is still running, finished (its response), or was another request. A pending
 * claim older than `staleAfterMs` (its process died) may be taken over by the same request; an
 * expired record (older than a day) by any.
 */
export async function claimIdempotencyKey(db: Database, request: IdempotentRequest, staleAfterMs: number): Promise<IdempotencyClaim> {
  const hash = requestHash(request);
  const values = {
    key: request.key,
    principal: request.principal,
    method: request.method.toUpperCase(),
    path: request.path,
    requestHash: hash,
    statusCode: null,
    responseBody: null,
    responseHeaders: {},
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await db
      .insert(idempotencyRecords)
      .values(values)
      .onConflictDoUpdate({
        target: [idempotencyRecords.key, idempotencyRecords.principal],
        set: {
          method: values.method,
          path: values.path,
          requestHash: hash,
          statusCode: null,
          responseBody: null,
          responseHeaders: {},
          createdAt: sql`now()`,
        },
        setWhere: sql`${idempotencyRecords.createdAt} <= now() - ${ttl}
          or (${idempotencyRecords.statusCode} is null and ${idempotencyRecords.requestHash} = ${hash}
              and ${idempotencyRecords.createdAt} <= now() - make_interval(secs => ${staleAfterMs / 1000}))`,
      })
      .returning({ claimedAt: sql<string>`${idempotencyRecords.createdAt}::text` });
    if (claimed[0]) return { outcome: 'claimed', claimedAt: claimed[0].claimedAt };
    const [row] = await db.select().from(idempotencyRecords).where(scope(request));
    // Released between the insert and the read: try again.
    if (!row) continue;
    if (row.requestHash !== hash) return { outcome: 'mismatch' };
    if (row.statusCode === null) return { outcome: 'in-progress' };
    return { outcome: 'replay', response: { statusCode: row.statusCode, body: row.responseBody, headers: row.responseHeaders } };
  }
  return { outcome: 'in-progress' };
}

/** Stores the response of a claimed request; later requests with the key get it again. */
export async function completeIdempotentRequest(db: Database, request: ClaimedRequest, response: StoredResponse): Promise<void> {
  await db
    .update(idempotencyRecords)
    .set({ statusCode: response.statusCode, responseBody: response.body ?? null, responseHeaders: response.headers })
    .where(claimOf(request));
}

/** Gives a claimed key back (the request ended in a 5xx): a retry with the key runs again. */
export async function releaseIdempotencyKey(db: Database, request: ClaimedRequest): Promise<void> {
  await db.delete(idempotencyRecords).where(claimOf(request));
}

/** Deletes records older than the retention period; returns how many went. */
export async function pruneIdempotencyRecords(db: Database): Promise<number> {
  const rows = await db
    .delete(idempotencyRecords)
    .where(sql`${idempotencyRecords.createdAt} <= now() - ${ttl}`)
    .returning({ key: idempotencyRecords.key });
  return rows.length;
}
