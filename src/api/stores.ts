/**
 * The API's plugins depend on small interfaces (token verification, idempotency records); these
 * adapters back them with the Postgres modules in src/db.
 */
import type { Database } from '../db/client';
import { findIdempotentResponse, saveIdempotentResponse } from '../db/idempotency';
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
    find: (request) => findIdempotentResponse(db, request),
    save: (request, response) => saveIdempotentResponse(db, request, response),
  };
}
