/**
 * API tokens: one per person, bound to an agency and a role. Only the sha256 of a token is
 * stored; the token itself is shown once, when it is created.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from './client';
import { apiTokens, type TokenRole } from './schema';
import { ADMIN_TOKEN_FILE } from '../config';

export const TOKEN_PREFIX = 'kh_';

export interface Principal {
  /** The token id: recorded as the actor of every write made with it. */
  id: string;
  name: string;
  agency?: string;
  role: TokenRole;
}

export interface TokenInfo extends Principal {
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export async function createToken(
  db: Database,
  input: { name: string; agency?: string | null; role: TokenRole },
): Promise<{ id: string; token: string }> {
  const id = `tok_${randomBytes(8).toString('hex')}`;
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  await db.insert(apiTokens).values({
    id,
    name: input.name,
    agency: input.agency ?? null,
    role: input.role,
    tokenHash: hashToken(token),
  });
  return { id, token };
}

function toInfo(row: typeof apiTokens.$inferSelect): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    ...(row.agency ? { agency: row.agency } : {}),
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    ...(row.lastUsedAt ? { lastUsedAt: row.lastUsedAt.toISOString() } : {}),
    ...(row.revokedAt ? { revokedAt: row.revokedAt.toISOString() } : {}),
  };
}

/** Every token, newest first, revoked ones included (they stay for the audit log's actor ids). */
export async function listTokens(db: Database): Promise<TokenInfo[]> {
  const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), apiTokens.id);
  return rows.map(toInfo);
}

/** Revokes a token; false when there is no such token. Revoking twice keeps the first time. */
export async function revokeToken(db: Database, id: string): Promise<boolean> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(eq(apiTokens.id, id))
    .returning({ id: apiTokens.id });
  return row !== undefined;
}

/** Accepts the raw token or an `Authorization` header value ("Bearer kh_…"). */
export async function verifyToken(db: Database, bearer: string | undefined): Promise<Principal | undefined> {
  if (!bearer) return undefined;
  const token = bearer.replace(/^Bearer\s+/i, '').trim();
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  if (!row) return undefined;
  // Once a minute is precise enough for "last used" and spares a write on every request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiTokens.id, row.id), sql`(${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < now() - interval '1 minute')`));
  }
  return { id: row.id, name: row.name, ...(row.agency ? { agency: row.agency } : {}), role: row.role };
}

/**
 * On the first start of a local installation: creates an admin token and writes it to
 * `<dataDir>/admin.token` (mode 0600), where the CLI finds it. When the file holds a token that
 * still verifies, nothing is created. A file whose token no longer verifies (revoked, or the
 * database was reset) is replaced, so that the installation always has a working admin token.
 */
export async function ensureAdminToken(db: Database, dataDir: string): Promise<{ token?: string; file: string }> {
  const file = path.join(path.resolve(dataDir), ADMIN_TOKEN_FILE);
  const existing = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  if (existing && (await verifyToken(db, existing))) return { file };

  const { token } = await createToken(db, { name: 'Quản trị (tạo khi khởi động lần đầu)', role: 'admin' });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${token}\n`, { mode: 0o600 });
  await rename(temporary, file);
  return { token, file };
}

/** The principal of a token id unless it is revoked: a web session holds the id, never the token. */
export async function principalById(db: Database, id: string): Promise<Principal | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  if (!row) return undefined;
  return { id: row.id, name: row.name, ...(row.agency ? { agency: row.agency } : {}), role: row.role };
}
