/**
 * The health probe is cached: a burst of requests costs Temporal one gRPC call and Postgres one
 * query, an answer is never older than HEALTH_CACHE_MS, and a failure is seen on the next probe.
 * Temporal's connection and the database client are the route's neighbours, counted here.
 */
import t from 'tap';
import { buildApp, type AppDeps } from '../../src/api/app';
import { HEALTH_CACHE_MS } from '../../src/api/routes/healthz';

t.test('a burst of health checks probes once; a second later the probe runs again and sees the failure', async (t) => {
  const calls = { temporal: 0, database: 0 };
  let serving = true;
  const connection = {
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    healthService: {
      check: async () => {
        calls.temporal += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { status: serving ? 1 : 2 };
      },
    },
  };
  const sql = (() => {
    calls.database += 1;
    return Promise.resolve([{ '?column?': 1 }]);
  }) as unknown as AppDeps['db']['sql'];
  const app = await buildApp({
    db: { sql, db: {} as AppDeps['db']['db'] },
    temporal: { client: {}, connection } as unknown as AppDeps['temporal'],
    config: { bodyLimit: 1_048_576, updateTimeoutMs: 1000 },
    verifyToken: async () => undefined,
    // The database here is a stand-in that answers health probes only: no change feed.
    keepAnswers: false,
  });
  t.teardown(() => app.close());

  const burst = await Promise.all(Array.from({ length: 50 }, () => app.inject({ method: 'GET', url: '/healthz' })));
  t.same(
    burst.map((res) => res.statusCode),
    Array(50).fill(200),
  );
  t.same(calls, { temporal: 1, database: 1 }, '50 requests at once: one probe of each');
  const again = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(again.statusCode, 200);
  t.same(calls, { temporal: 1, database: 1 }, 'within the second: the same answer');

  serving = false;
  await new Promise((resolve) => setTimeout(resolve, HEALTH_CACHE_MS + 50));
  const down = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(down.statusCode, 503, 'after a second the probe runs again and sees Temporal not serving');
  t.equal(down.headers['retry-after'], '5');
  t.match(down.json(), { status: 'unavailable', temporal: { ok: false }, database: { ok: true } });
  t.same(calls, { temporal: 2, database: 2 });
});
