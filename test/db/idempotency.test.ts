import t from 'tap';
import {
  claimIdempotencyKey,
  completeIdempotentRequest,
  pruneIdempotencyRecords,
  releaseIdempotencyKey,
  requestHash,
} from '../../src/db/idempotency';
import { canonicalJson } from '../../src/canonical-json';
import { withPostgres } from '../helpers/postgres';

t.test('the request hash ignores key order but nothing else', async (t) => {
  const base = { method: 'POST', path: '/api/plans/p/tasks/t/complete' };
  t.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
  t.equal(requestHash({ ...base, body: { note: 'x', evidence: 'y' } }), requestHash({ ...base, body: { evidence: 'y', note: 'x' } }));
  t.not(requestHash({ ...base, body: { note: 'x' } }), requestHash({ ...base, body: { note: 'y' } }));
  t.not(requestHash({ ...base, body: {} }), requestHash({ ...base, path: '/api/plans/p/tasks/u/complete', body: {} }));
  t.equal(requestHash({ ...base, body: 'id: p\n' }), requestHash({ ...base, body: Buffer.from('id: p\n') }), 'raw bodies hash by their text');
});

t.test('claims, stored responses, expiry', async (t) => {
  const { db, sql } = await withPostgres(t);
  const request = { key: 'k-1', principal: 'tok_a', method: 'POST', path: '/api/plans/p/tasks/t/complete', body: { note: 'xong' } };
  const STALE = 60_000;

  t.same(await claimIdempotencyKey(db, request, STALE), { outcome: 'claimed' });
  t.same(await claimIdempotencyKey(db, request, STALE), { outcome: 'in-progress' }, 'the same request while the first runs');
  t.same(await claimIdempotencyKey(db, { ...request, body: { note: 'khác' } }, STALE), { outcome: 'mismatch' }, 'another body while the first runs');
  t.same(await claimIdempotencyKey(db, { ...request, principal: 'tok_b' }, STALE), { outcome: 'claimed' }, 'keys are per caller');

  await completeIdempotentRequest(db, request, { statusCode: 200, body: { progress: 'done' }, headers: { 'x-request-id': 'r1' } });
  t.same(await claimIdempotencyKey(db, request, STALE), {
    outcome: 'replay',
    response: { statusCode: 200, body: { progress: 'done' }, headers: { 'x-request-id': 'r1' } },
  });
  t.same(await claimIdempotencyKey(db, { ...request, body: { note: 'khác' } }, STALE), { outcome: 'mismatch' }, 'same key, other body');
  await completeIdempotentRequest(db, request, { statusCode: 409, body: { type: 'conflict' }, headers: {} });
  const again = await claimIdempotencyKey(db, request, STALE);
  t.equal(again.outcome === 'replay' && again.response.statusCode, 200, 'the first stored response stays');

  const failed = { ...request, key: 'k-2' };
  t.same(await claimIdempotencyKey(db, failed, STALE), { outcome: 'claimed' });
  await releaseIdempotencyKey(db, failed);
  t.same(await claimIdempotencyKey(db, failed, STALE), { outcome: 'claimed' }, 'a released key (5xx) runs again');

  const abandoned = { ...request, key: 'k-3' };
  t.same(await claimIdempotencyKey(db, abandoned, STALE), { outcome: 'claimed' });
  await sql`update idempotency_records set created_at = now() - interval '2 minutes' where key = 'k-3'`;
  t.same(
    await claimIdempotencyKey(db, { ...abandoned, body: { other: 1 } }, STALE),
    { outcome: 'mismatch' },
    'a stale claim is never taken by another request',
  );
  t.same(
    await claimIdempotencyKey(db, abandoned, STALE),
    { outcome: 'claimed' },
    'a stale claim (its process died) is taken over by the same request',
  );

  await sql`update idempotency_records set created_at = now() - interval '2 days'`;
  t.same(await claimIdempotencyKey(db, { ...request, body: { note: 'mới' } }, STALE), { outcome: 'claimed' }, 'records expire after a day');
  t.equal(await pruneIdempotencyRecords(db), 3, 'the other expired records are pruned');
});

t.test('of many requests racing with one key, exactly one claims it', async (t) => {
  const { db } = await withPostgres(t);
  const request = { key: 'race', principal: 'tok_a', method: 'POST', path: '/x', body: { n: 1 } };
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, (_, i) => claimIdempotencyKey(db, i % 2 ? request : { ...request, body: { n: 2 } }, 60_000)),
  );
  t.equal(outcomes.filter((o) => o.outcome === 'claimed').length, 1);
  t.ok(outcomes.every((o) => ['claimed', 'in-progress', 'mismatch'].includes(o.outcome)));
});
