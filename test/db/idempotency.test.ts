import t from 'tap';
import {
  type ClaimedRequest,
  type IdempotentRequest,
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
  /** Claims a key, checking that it was claimed; the handle completes or releases that claim. */
  const claim = async (pending: IdempotentRequest, message: string): Promise<ClaimedRequest> => {
    const outcome = await claimIdempotencyKey(db, pending, STALE);
    t.equal(outcome.outcome, 'claimed', message);
    return { ...pending, claimedAt: outcome.outcome === 'claimed' ? outcome.claimedAt : 'never claimed' };
  };

  const first = await claim(request, 'a new key is claimed');
  t.same(await claimIdempotencyKey(db, request, STALE), { outcome: 'in-progress' }, 'the same request while the first runs');
  t.same(await claimIdempotencyKey(db, { ...request, body: { note: 'khác' } }, STALE), { outcome: 'mismatch' }, 'another body while the first runs');
  await claim({ ...request, principal: 'tok_b' }, 'keys are per caller');

  await completeIdempotentRequest(db, first, { statusCode: 200, body: { progress: 'done' }, headers: { 'x-request-id': 'r1' } });
  t.same(await claimIdempotencyKey(db, request, STALE), {
    outcome: 'replay',
    response: { statusCode: 200, body: { progress: 'done' }, headers: { 'x-request-id': 'r1' } },
  });
  t.same(await claimIdempotencyKey(db, { ...request, body: { note: 'khác' } }, STALE), { outcome: 'mismatch' }, 'same key, other body');
  await completeIdempotentRequest(db, first, { statusCode: 409, body: { type: 'conflict' }, headers: {} });
  const again = await claimIdempotencyKey(db, request, STALE);
  t.equal(again.outcome === 'replay' && again.response.statusCode, 200, 'the first stored response stays');

  const failed = { ...request, key: 'k-2' };
  const failedClaim = await claim(failed, 'a key is claimed');
  await releaseIdempotencyKey(db, failedClaim);
  const retried = await claim(failed, 'a released key (5xx) runs again');
  await releaseIdempotencyKey(db, failedClaim);
  t.same(await claimIdempotencyKey(db, failed, STALE), { outcome: 'in-progress' }, 'releasing a claim again never releases a later one');
  await completeIdempotentRequest(db, failedClaim, { statusCode: 500, body: null, headers: {} });
  t.same(await claimIdempotencyKey(db, failed, STALE), { outcome: 'in-progress' }, 'nor stores an answer for it');
  t.ok(retried.claimedAt, 'the retry holds the key');

  const abandoned = { ...request, key: 'k-3' };
  await claim(abandoned, 'a key is claimed');
  // Two minutes pass: the claim's process died with it.
  const [aged] = await sql<{ at: string }[]>`
    update idempotency_records set created_at = now() - interval '2 minutes' where key = 'k-3' returning created_at::text as at`;
  const abandonedClaim: ClaimedRequest = { ...abandoned, claimedAt: aged!.at };
  t.same(
    await claimIdempotencyKey(db, { ...abandoned, body: { other: 1 } }, STALE),
    { outcome: 'mismatch' },
    'a stale claim is never taken by another request',
  );
  const takenOver = await claim(abandoned, 'a stale claim (its process died) is taken over by the same request');
  t.not(takenOver.claimedAt, abandonedClaim.claimedAt, 'as a claim of its own');
  await completeIdempotentRequest(db, abandonedClaim, { statusCode: 200, body: { from: 'the stale claim' }, headers: {} });
  t.same(await claimIdempotencyKey(db, abandoned, STALE), { outcome: 'in-progress' }, "the stale claim's late answer is not stored over the new one");
  await completeIdempotentRequest(db, takenOver, { statusCode: 200, body: { from: 'the new claim' }, headers: {} });
  t.match(await claimIdempotencyKey(db, abandoned, STALE), { outcome: 'replay', response: { body: { from: 'the new claim' } } });

  await sql`update idempotency_records set created_at = now() - interval '2 days'`;
  await claim({ ...request, body: { note: 'mới' } }, 'records expire after a day');
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
