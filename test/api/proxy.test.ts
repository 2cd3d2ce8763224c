/**
 * Behind a reverse proxy the API knows its clients by the address the proxy saw, and only when
 * the proxy is trusted (KEHOACH_TRUST_PROXY): one client's failed logins then block that client,
 * not everyone behind the proxy, and a client cannot pick its own address with a forged header.
 */
import t from 'tap';
import { buildApp } from '../../src/api/app';
import type { AppDeps } from '../../src/api/app';
import { databaseTokenVerifier } from '../../src/api/stores';
import { withPostgres } from '../helpers/postgres';

// Requests here never get as far as Temporal.
const noTemporal = {} as AppDeps['temporal'];

t.test('failed logins are counted per client behind a trusted proxy', async (t) => {
  const pg = await withPostgres(t);
  const appWith = async (trustProxy: AppDeps['config']['trustProxy']) => {
    const app = await buildApp({
      db: pg,
      temporal: noTemporal,
      config: { bodyLimit: 1_048_576, updateTimeoutMs: 1000, ...(trustProxy !== undefined ? { trustProxy } : {}) },
      verifyToken: databaseTokenVerifier(pg.db),
      rateLimits: { authFailuresPerMinute: 2 },
    });
    t.teardown(() => app.close());
    return app;
  };
  // app.inject comes from 127.0.0.1, as nginx on the same host would.
  const login = (app: Awaited<ReturnType<typeof appWith>>, client: string) =>
    app.inject({ method: 'GET', url: '/api/plans', headers: { authorization: 'Bearer kh_wrong', 'x-forwarded-for': client } });

  await t.test('trusted: the client blocked is the one that failed', async (t) => {
    const app = await appWith('loopback');
    const first = [];
    for (let i = 0; i < 4; i++) first.push((await login(app, '203.0.113.7')).statusCode);
    t.same(first, [401, 401, 429, 429], 'the failing client is blocked');
    t.equal((await login(app, '203.0.113.8')).statusCode, 401, 'another client behind the same proxy is not');
  });

  await t.test('an address the client forged before the proxy is not believed', async (t) => {
    const app = await appWith('loopback');
    for (let i = 0; i < 3; i++) await login(app, '203.0.113.9');
    // A proxy that appends the address it saw: the forged one in front of it comes from an untrusted hop.
    t.equal((await login(app, '198.51.100.1, 203.0.113.9')).statusCode, 429, 'still the same client');
  });

  await t.test("the dashboard's cookies are Secure when the proxy says the client came over https", async (t) => {
    const signIn = (app: Awaited<ReturnType<typeof appWith>>) =>
      app.inject({ method: 'GET', url: '/web/sign-in', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.10' } });
    const trusted = String((await signIn(await appWith('loopback'))).headers['set-cookie']);
    t.match(trusted, /; Secure/, 'trusted proxy: Secure');
    const untrusted = String((await signIn(await appWith(undefined))).headers['set-cookie']);
    t.match(untrusted, /_csrf/, 'a cookie is set either way');
    t.notMatch(untrusted, /; Secure/, 'untrusted: the header is ignored, plain http');
  });

  await t.test('not trusted (the default): every client is the proxy, and one blocks them all', async (t) => {
    const app = await appWith(undefined);
    for (let i = 0; i < 3; i++) await login(app, '203.0.113.7');
    t.equal((await login(app, '203.0.113.8')).statusCode, 429, 'the header is not believed');
  });
});
