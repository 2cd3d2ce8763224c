/**
 * The API's plugins depend on small interfaces (token verification, idempotency records); these
 * adapters back them with the Postgres modules in src/db.
 */
import type { Database } from '../db/client';
import { claimIdempotencyKey, completeIdempotentRequest, releaseIdempotencyKey } from '../db/idempotency';
import { verifyToken } from '../db/tokens';
import type { Principal } from './plugins/auth';
import type { IdempotencyStore } from './plugins/idempotency';

export function databaseTokenVerifier(db: Database): (bearer: string) => Promise<Principal | undefined> {
  return async (bearer) => {
    const found = await verifyToken(db, bearer);
    if (!found) return undefined;
    return { tokenId: found.id, name: found.name, ...(found.agency ? { agency: found.agency } : {}), role: found.role };
  };
}

export function databaseIdempotencyStore(db: Database): IdempotencyStore {
  return {
    claim: (request, staleAfterMs) => claimIdempotencyKey(db, request, staleAfterMs),
    complete: (request, response) => completeIdempotentRequest(db, request, response),
    release: (request) => releaseIdempotencyKey(db, request),
  };
}
