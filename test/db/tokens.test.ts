import t from 'tap';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { apiTokens } from '../../src/db/schema';
import { createToken, ensureAdminToken, hashToken, listTokens, revokeToken, verifyToken } from '../../src/db/tokens';
import { withPostgres } from '../helpers/postgres';

t.test('API tokens', async (t) => {
  const { db, sql, reset } = await withPostgres(t);
  t.beforeEach(() => reset());

  t.test('created once, stored only as a hash, verified, listed, revoked', async (t) => {
    const created = await createToken(db, { name: 'Nguyễn Văn A', agency: 'so-tu-phap', role: 'staff' });
    t.match(created.token, /^kh_[A-Za-z0-9_-]{40,}$/);
    const other = await createToken(db, { name: 'Trần Thị B', agency: 'so-tu-phap', role: 'staff' });
    t.not(other.token, created.token, 'tokens are random');

    const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    t.equal(row?.tokenHash, hashToken(created.token));
    const everything = JSON.stringify(await sql`select * from api_tokens`);
    t.notOk(everything.includes(created.token), 'the token itself is nowhere in the table');

    t.same(await verifyToken(db, `Bearer ${created.token}`), { id: created.id, name: 'Nguyễn Văn A', agency: 'so-tu-phap', role: 'staff' });
    t.same(
      await verifyToken(db, created.token),
      { id: created.id, name: 'Nguyễn Văn A', agency: 'so-tu-phap', role: 'staff' },
      'the bare token works too',
    );
    t.equal(await verifyToken(db, 'Bearer kh_not-a-real-token'), undefined);
    t.equal(await verifyToken(db, 'Basic abc'), undefined);
    t.equal(await verifyToken(db, undefined), undefined);

    const listed = await listTokens(db);
    t.equal(listed.length, 2);
    const mine = listed.find((token) => token.id === created.id);
    t.ok(mine?.lastUsedAt, 'last_used_at is set on use');
    t.notOk(JSON.stringify(listed).includes('token_hash') || JSON.stringify(listed).includes(row!.tokenHash), 'the list shows no hashes');

    t.equal(await revokeToken(db, created.id), true);
    t.equal(await verifyToken(db, created.token), undefined, 'a revoked token no longer works');
    t.ok((await listTokens(db)).find((token) => token.id === created.id)?.revokedAt);
    t.equal(await revokeToken(db, 'tok_missing'), false);
    t.ok(await verifyToken(db, other.token), 'other tokens still work');
  });

  t.test('last_used_at is written at most once a minute', async (t) => {
    const { id, token } = await createToken(db, { name: 'Lãnh đạo', role: 'leader' });
    await verifyToken(db, token);
    const [first] = await sql<{ last_used_at: string }[]>`select last_used_at from api_tokens where id = ${id}`;
    await verifyToken(db, token);
    const [second] = await sql<{ last_used_at: string }[]>`select last_used_at from api_tokens where id = ${id}`;
    t.equal(second?.last_used_at, first?.last_used_at);
    await sql`update api_tokens set last_used_at = now() - interval '2 minutes' where id = ${id}`;
    await verifyToken(db, token);
    const [third] = await sql<{ last_used_at: string }[]>`select last_used_at from api_tokens where id = ${id}`;
    t.ok(Date.parse(third!.last_used_at) > Date.now() - 30_000, 'refreshed after a minute');
  });

  t.test('the admin token file: created on first start, kept while it verifies, replaced when it does not', async (t) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-admin-'));
    t.teardown(() => rm(dataDir, { recursive: true, force: true }));

    const first = await ensureAdminToken(db, dataDir);
    t.equal(first.file, path.join(dataDir, 'admin.token'));
    t.ok(first.token, 'a token was created');
    t.equal((await readFile(first.file, 'utf8')).trim(), first.token);
    t.equal((await stat(first.file)).mode & 0o777, 0o600, 'only the owner can read it');
    t.equal((await verifyToken(db, first.token))?.role, 'admin');

    const second = await ensureAdminToken(db, dataDir);
    t.equal(second.token, undefined, 'nothing is created on the next start');
    t.equal((await listTokens(db)).length, 1);

    const admin = await verifyToken(db, first.token);
    await revokeToken(db, admin!.id);
    const third = await ensureAdminToken(db, dataDir);
    t.ok(third.token, 'a revoked admin token is replaced');
    t.not(third.token, first.token);
    t.equal((await readFile(first.file, 'utf8')).trim(), third.token);

    await writeFile(first.file, 'garbage\n');
    t.ok((await ensureAdminToken(db, dataDir)).token, 'so is a file that holds no valid token');
  });
});
