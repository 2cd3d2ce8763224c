/**
 * The Idempotency-Key plugin when Postgres does not take its record (an outage, or no connection
 * left): the answer goes out at once, and the claim is released or completed in the background,
 * so that the client's retry runs (or replays) instead of meeting its own key "in progress" until
 * the claim goes stale. The records live in a real Postgres; only the store's first calls fail.
 */
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import t, { type Test } from 'tap';
import idempotency, { type IdempotencyStore } from '../../../src/api/plugins/idempotency';
import problemDetails from '../../../src/api/plugins/problem-details';
import { databaseIdempotencyStore } from '../../../src/api/stores';
import { withPostgres } from '../../helpers/postgres';
import { eventually } from '../../helpers/wait';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The first pause is long enough that no try can come before a busy machine has sent the answer.
const RETRY_DELAYS_MS = [400, 100, 100];

/** Every caller is one staff member: the plugin needs a principal, not how it was found. */
const fixedPrincipal = fp(
  async (app) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      request.principal = { tokenId: 'tok_staff', name: 'Cán bộ', role: 'staff' };
    });
  },
  { name: 'auth' },
);

/** The database store, whose `complete` and `release` fail (as a refused connection does) the first `failures` times. */
function flakyStore(real: IdempotencyStore, failures: { complete: number; release: number }) {
  const calls = { complete: 0, release: 0 };
  /** The calls that reached Postgres and returned. */
  const taken = { complete: 0, release: 0 };
  const refuseAtFirst = (name: 'complete' | 'release') => {
    calls[name]++;
    if (calls[name] <= failures[name]) throw Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
  };
  const store: IdempotencyStore = {
    claim: real.claim,
    complete: async (request, response) => {
      refuseAtFirst('complete');
      await real.complete(request, response);
      taken.complete++;
    },
    release: async (request) => {
      refuseAtFirst('release');
      await real.release(request);
      taken.release++;
    },
  };
  return { store, calls, taken };
}

async function build(t: Test, failures: { complete: number; release: number }) {
  const postgres = await withPostgres(t);
  const flaky = flakyStore(databaseIdempotencyStore(postgres.db), failures);
  const app = Fastify({ logger: false });
  await app.register(problemDetails);
  await app.register(fixedPrincipal);
  await app.register(idempotency, { store: flaky.store, waitMs: 300, settleRetryDelaysMs: RETRY_DELAYS_MS });
  const runs = { count: 0 };
  app.post('/write', async (request, reply) => {
    runs.count++;
    if ((request.body as { outage?: boolean }).outage) return reply.code(503).send({ status: 503, detail: 'Temporal không phản hồi' });
    return { run: runs.count };
  });
  t.teardown(() => app.close());
  const post = (body: object) => app.inject({ method: 'POST', url: '/write', headers: { 'idempotency-key': 'k-1' }, payload: body });
  return { app, post, runs, calls: flaky.calls, taken: flaky.taken };
}

t.test('a 5xx whose key Postgres did not take back: released in the background, so the retry runs', async (t) => {
  const { post, runs, calls, taken } = await build(t, { complete: 0, release: 1 });
  t.equal((await post({ outage: true })).statusCode, 503, 'the outage is answered');
  t.equal(calls.release, 1, 'after one refused release, without waiting for the next');
  await eventually(() => taken.release === 1, 5_000, 'the release');
  t.equal(calls.release, 2, 'released on the second try');
  const retry = await post({ outage: true });
  t.equal(retry.statusCode, 503, 'the retry ran (not 409 "in progress")');
  t.equal(runs.count, 2);
});

t.test('an answer Postgres did not store at first: stored in the background, so the retry replays it', async (t) => {
  const { post, runs, calls, taken } = await build(t, { complete: 2, release: 0 });
  const first = await post({});
  t.same(first.json(), { run: 1 });
  await eventually(() => taken.complete === 1, 5_000, 'the stored answer');
  t.equal(calls.complete, 3, 'stored on the third try');
  const replay = await post({});
  t.equal(replay.headers['idempotent-replayed'], 'true');
  t.same(replay.json(), { run: 1 }, 'the first answer, replayed');
  t.equal(runs.count, 1, 'the route ran once');
});

t.test('a record Postgres never takes: tried a bounded number of times, then left to go stale', async (t) => {
  const { post, calls } = await build(t, { complete: 0, release: 1_000 });
  await post({ outage: true });
  await eventually(() => calls.release === 1 + RETRY_DELAYS_MS.length, 5_000, 'the last try');
  await sleep(RETRY_DELAYS_MS.at(-1)! * 3);
  t.equal(calls.release, 1 + RETRY_DELAYS_MS.length, 'once, then once after each pause, and no more');
  const held = await post({ outage: true });
  t.equal(held.statusCode, 409, 'meanwhile a retry is told the key is in progress');
  t.equal(held.headers['retry-after'], '2');
});

t.test('an API that closes stops trying', async (t) => {
  const { app, post, calls } = await build(t, { complete: 0, release: 1_000 });
  await post({ outage: true });
  await app.close();
  await sleep(RETRY_DELAYS_MS[0]! + 150);
  t.equal(calls.release, 1, 'no try after the close');
});
