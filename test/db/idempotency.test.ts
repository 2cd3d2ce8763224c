import t from 'tap';
import { findIdempotentResponse, requestHash, saveIdempotentResponse } from '../../src/db/idempotency';
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

t.test('stored responses', async (t) => {
  const { db, sql } = await withPostgres(t);
  const request = { key: 'k-1', principal: 'tok_a', method: 'POST', path: '/api/plans/p/tasks/t/complete', body: { note: 'xong' } };

  t.same(await findIdempotentResponse(db, request), { outcome: 'new' });
  await saveIdempotentResponse(db, request, { statusCode: 200, body: { progress: 'done' }, headers: { 'x-request-id': 'r1' } });
  t.same(await findIdempotentResponse(db, request), {
    outcome: 'replay',
    response: { statusCode: 200, body: { progress: 'done' }, headers: { 'x-request-id': 'r1' } },
  });
  t.same(await findIdempotentResponse(db, { ...request, body: { note: 'khác' } }), { outcome: 'mismatch' }, 'same key, other body');
  t.same(await findIdempotentResponse(db, { ...request, principal: 'tok_b' }), { outcome: 'new' }, 'keys are per caller');

  await saveIdempotentResponse(db, request, { statusCode: 409, body: { type: 'conflict' }, headers: {} });
  const again = await findIdempotentResponse(db, request);
  t.equal(again.outcome === 'replay' && again.response.statusCode, 200, 'the first stored response stays');

  await sql`update idempotency_records set created_at = now() - interval '2 days'`;
  t.same(await findIdempotentResponse(db, request), { outcome: 'new' }, 'records expire after a day');
  await saveIdempotentResponse(db, request, { statusCode: 201, body: null, headers: {} });
  const renewed = await findIdempotentResponse(db, request);
  t.equal(renewed.outcome === 'replay' && renewed.response.statusCode, 201, 'an expired record is replaced');
});
