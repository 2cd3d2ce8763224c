/**
 * The change feed on a real Postgres: the triggers announce every change to a plan, its tasks and
 * tokens; the barrier hands over every change committed before it was called; a dropped
 * connection is noticed, reported as a reset, and listening begins again.
 */
import t from 'tap';
import { sql } from 'drizzle-orm';
import { CHANGE_FEED_APPLICATION, openChangeFeed, parseChange, type ReadModelChange } from '../../src/db/change-feed';
import { createToken, revokeToken } from '../../src/db/tokens';
import { withPostgres } from '../helpers/postgres';

const waitFor = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

t.test('payloads', async (t) => {
  t.same(parseChange('plan:nghe-an-771'), { kind: 'plan', planId: 'nghe-an-771' });
  t.same(parseChange('tokens'), { kind: 'tokens' });
  t.same(parseChange('all'), { kind: 'all' });
  t.equal(parseChange('something-new'), undefined);
});

t.test('announcements, the barrier and a dropped connection', async (t) => {
  const pg = await withPostgres(t);
  const changes: ReadModelChange[] = [];
  let resets = 0;
  const feed = await openChangeFeed(pg.sql, { onChange: (c) => changes.push(c), onReset: () => (resets += 1) }, { reconnectDelayMs: 100 });
  t.teardown(() => feed.close());
  t.ok(feed.live, 'listening once opened');
  t.equal(resets, 1, 'a reset when listening began');

  const insertPlan = (id: string) =>
    pg.db.execute(sql`insert into plans (id, code, title, issuer, issued_on, timezone, calendar, current_version, content_hash, applied_at, document)
      values (${id}, 'KH', 'Kế hoạch', 'UBND', '2022-11-07', 'Asia/Ho_Chi_Minh', 'vn', 1, 'h', now(), '{}'::jsonb)`);

  t.test('every change committed before the barrier is known when it resolves', async (t) => {
    let missed = 0;
    for (let i = 0; i < 100; i++) {
      await insertPlan(`kh-${i}`);
      t.ok(await feed.barrier(), 'the feed is live');
      if (!changes.some((c) => c.kind === 'plan' && c.planId === `kh-${i}`)) missed += 1;
    }
    t.equal(missed, 0, 'no insert committed before a barrier was unknown after it');
  });

  t.test('a bulk write announces each plan once; tokens and truncation have their own payloads', async (t) => {
    changes.length = 0;
    await pg.db.execute(sql`update plans set title = title || '.'`);
    await feed.barrier();
    t.equal(changes.filter((c) => c.kind === 'plan').length, 100, 'one announcement per plan, not per statement');
    const { id } = await createToken(pg.db, { name: 'Cán bộ', role: 'staff', agency: 'so-tu-phap' });
    await pg.db.execute(sql`update api_tokens set last_used_at = now()`);
    await feed.barrier();
    t.notOk(
      changes.some((c) => c.kind === 'tokens'),
      'creating a token and recording its use announce nothing',
    );
    await revokeToken(pg.db, id);
    await feed.barrier();
    t.ok(
      changes.some((c) => c.kind === 'tokens'),
      'a revocation is announced',
    );
    await pg.reset();
    await feed.barrier();
    t.ok(
      changes.some((c) => c.kind === 'all'),
      'a truncation announces everything',
    );
  });

  t.test('the connection killed: the feed says it is down, then listens again', async (t) => {
    const before = resets;
    const [killed] = await pg.sql`select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = ${CHANGE_FEED_APPLICATION}`;
    t.equal(killed?.ok, true, 'the feed connection was found and terminated');
    await waitFor('the feed to notice', () => !feed.live);
    t.equal(await feed.barrier(), false, 'no barrier while down: nothing kept may be trusted');
    await waitFor('the feed to listen again', () => feed.live);
    t.ok(resets >= before + 2, 'a reset when it went down and when it listened again');
    changes.length = 0;
    await insertPlan('kh-after');
    t.ok(await feed.barrier());
    t.ok(
      changes.some((c) => c.kind === 'plan' && c.planId === 'kh-after'),
      'announcements arrive again',
    );
  });
});
