/**
 * The API's edges against hostile or unlucky input, on a real Postgres: text fields, dates,
 * request ids, media types, URL lengths, plan files, rate limits, security headers, and a
 * database that goes away. None of these requests reaches Temporal; the app gets no client.
 */
import { Writable } from 'node:stream';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/api/app';
import type { AppDeps } from '../../src/api/app';
import { databaseTokenVerifier } from '../../src/api/stores';
import { openDatabase } from '../../src/db/client';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrateDatabase } from '../../src/db/migrate';
import { createToken } from '../../src/db/tokens';
import { hostileCases } from '../helpers/hostile-plans';
import { freePort } from '../helpers/ports';
import { withPostgres } from '../helpers/postgres';

const PROBLEM = 'https://kehoach.dev/problems/';
// Requests here never get as far as Temporal.
const noTemporal = {} as AppDeps['temporal'];

t.test('input at the edges', async (t) => {
  const pg = await withPostgres(t);
  const verify = databaseTokenVerifier(pg.db);
  let lookups = 0;
  const app = await buildApp({
    db: pg,
    temporal: noTemporal,
    config: { bodyLimit: 1_048_576, updateTimeoutMs: 1000 },
    verifyToken: (bearer) => ((lookups += 1), verify(bearer)),
    rateLimits: { authFailuresPerMinute: 5 },
  });
  t.teardown(() => app.close());
  const admin = await createToken(pg.db, { name: 'Quản trị', role: 'admin' });
  const auth = { authorization: `Bearer ${admin.token}` };
  const post = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json', ...headers }, payload });
  const write = (body: unknown) => post('/api/plans/p/tasks/t1/progress', JSON.stringify(body));

  await t.test('text fields: no NUL, no control characters or ANSI escapes, bounded lengths', async (t) => {
    for (const [body, what] of [
      [{ note: 'x\u0000y' }, 'NUL'],
      [{ note: '\u001b[31mđỏ\u001b[0m' }, 'ANSI escape'],
      [{ note: 'a\u0007b' }, 'bell'],
      [{ note: 'x'.repeat(2001) }, '2,001 characters'],
      [{ note: '\ud800' }, 'unpaired surrogate'],
    ] as const) {
      const res = await write(body);
      t.equal(res.statusCode, 400, what);
      t.match(res.json(), { type: `${PROBLEM}validation`, errors: [{ path: 'body.note' }] }, what);
    }
    const multiLine = await write({ note: 'Dòng 1\n\tDòng 2' });
    t.equal(multiLine.statusCode, 404, 'line breaks and tabs pass validation (no such task here)');
    const longName = await post('/api/tokens', JSON.stringify({ name: 'n'.repeat(201), role: 'admin' }));
    t.equal(longName.statusCode, 400, 'a 201-character token name');
    const newlineName = await post('/api/tokens', JSON.stringify({ name: 'a\nb', role: 'admin' }));
    t.equal(newlineName.statusCode, 400, 'a name is one line');
  });

  await t.test('bodies must be UTF-8', async (t) => {
    const res = await post('/api/plans/p/tasks/t1/progress', Buffer.from([0x7b, 0x22, 0x6e, 0x6f, 0x74, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    t.equal(res.statusCode, 400);
    t.match(res.json(), { type: `${PROBLEM}validation`, detail: /UTF-8/ });
    const yaml = await post('/api/plans/diff', Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xc3]), { 'content-type': 'application/yaml' });
    t.equal(yaml.statusCode, 400);
  });

  await t.test('dates in the years 1900–2200', async (t) => {
    for (const asOf of ['0910-09-23', '9999-12-31', '1899-12-31', '2201-01-01']) {
      const res = await app.inject({ method: 'GET', url: `/api/plans/p/report?asOf=${asOf}`, headers: auth });
      t.equal(res.statusCode, 400, `asOf=${asOf}`);
      t.match(res.json(), { errors: [{ path: 'querystring.asOf', message: /1900–2200/ }] });
    }
    const inRange = await app.inject({ method: 'GET', url: '/api/plans/p/report?asOf=2200-12-31', headers: auth });
    t.equal(inRange.statusCode, 404, '2200 is accepted (no such plan here)');
    const completedAt = await post('/api/plans/p/tasks/t1/complete', JSON.stringify({ completedAt: '0050-01-01T00:00:00Z' }));
    t.equal(completedAt.statusCode, 400, 'completedAt in year 50');
    const newDeadline = await post(
      '/api/plans/p/tasks/t1/extension-requests',
      JSON.stringify({ newDeadline: '9999-12-31', reason: 'cần thêm thời gian' }),
    );
    t.equal(newDeadline.statusCode, 400, 'newDeadline in year 9999');
  });

  await t.test('X-Request-Id: a safe one is kept, anything else replaced', async (t) => {
    const kept = await app.inject({ method: 'GET', url: '/api/plans', headers: { ...auth, 'x-request-id': 'req-2025.01:abc_1' } });
    t.equal(kept.headers['x-request-id'], 'req-2025.01:abc_1');
    const hostile = `<script>${'x'.repeat(6000)}</script>`;
    const replaced = await app.inject({ method: 'GET', url: '/api/plans/nope', headers: { ...auth, 'x-request-id': hostile } });
    t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    t.notMatch(replaced.payload, /script/, "the problem's instance carries the fresh id");
  });

  await t.test('media types: a plan is application/yaml, everything else application/json', async (t) => {
    const plan = 'id: p\n';
    for (const type of ['text/plain', 'application/json', 'application/x-www-form-urlencoded']) {
      const res = await post('/api/plans', type === 'application/json' ? '"id: p"' : plan, { 'content-type': type });
      t.equal(res.statusCode, 415, `a plan as ${type}`);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
    const yamlToJsonRoute = await post('/api/plans/p/tasks/t1/progress', 'note: x', { 'content-type': 'application/yaml' });
    t.equal(yamlToJsonRoute.statusCode, 415, 'YAML to a JSON route');
  });

  await t.test('over-long URLs answer 414 problem+json', async (t) => {
    for (const url of [`/api/plans/p/tasks/${'t'.repeat(300)}`, `/api/plans/p/tasks?cursor=${'c'.repeat(3000)}`]) {
      const res = await app.inject({ method: 'GET', url, headers: auth });
      t.equal(res.statusCode, 414, url.slice(0, 40));
      t.match(res.json(), { type: `${PROBLEM}uri-too-long`, status: 414 });
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
    // Any URL can be too long, so every operation that takes a token documents 414.
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
    };
    const undocumented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.responses['401'] && !operation.responses['414'])
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    t.same(undocumented, [], 'every authenticated operation declares 414');
  });

  await t.test('hostile plan files answer 422 with positions, never 500', async (t) => {
    for (const hostile of hostileCases().filter((c) => !c.valid && typeof c.text === 'string' && Buffer.byteLength(c.text) < 1_000_000)) {
      const started = Date.now();
      const res = await post('/api/plans/diff', hostile.text as string, { 'content-type': 'application/yaml' });
      t.equal(res.statusCode, 422, `${hostile.name} (${Date.now() - started} ms)`);
      const errors = res.json().errors as { line: number; col: number; code: string }[];
      t.ok(errors.length > 0 && errors.every((e) => e.line >= 1 && e.col >= 1), `${hostile.name}: positioned`);
      if (hostile.code)
        t.ok(
          errors.some((e) => e.code === hostile.code),
          `${hostile.name}: ${hostile.code}`,
        );
    }
  });

  await t.test('security headers; the docs UI needs nothing the CSP forbids', async (t) => {
    const api = await app.inject({ method: 'GET', url: '/api/plans', headers: auth });
    t.equal(api.headers['x-content-type-options'], 'nosniff');
    t.equal(api.headers['x-frame-options'], 'SAMEORIGIN');
    t.match(api.headers['content-security-policy'], /default-src 'self'/);
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    t.equal(docs.statusCode, 200);
    const csp = String(docs.headers['content-security-policy']);
    t.match(csp, /script-src 'self'/);
    t.notMatch(csp, /upgrade-insecure-requests/, 'plain http on a LAN keeps working');
    t.notMatch(docs.payload, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline scripts in the docs page');
    for (const src of docs.payload.match(/(?:src|href)="([^"]+)"/g) ?? []) t.notMatch(src, /https?:\/\//, `same-origin: ${src}`);
    const created = await post('/api/tokens', JSON.stringify({ name: 'Cán bộ', agency: 'so-tu-phap', role: 'staff' }));
    t.equal(created.statusCode, 201);
    t.equal(created.headers['cache-control'], 'no-store', 'the token response is not cached');
  });

  await t.test('failed authentication is rate limited per address, before any token lookup', async (t) => {
    const before = lookups;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await app.inject({ method: 'GET', url: '/api/plans', headers: { authorization: `Bearer kh_wrong${i}` } });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) t.ok(Number(res.headers['retry-after']) > 0, 'with Retry-After');
    }
    t.same(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    t.ok(
      statuses.slice(5).every((s) => s === 429),
      `then 429: ${statuses.join(' ')}`,
    );
    t.ok(lookups - before <= 6, `${lookups - before} token lookups for 12 attempts`);
  });
});

t.test('Postgres down: 503 with Retry-After, logged with the request id', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-edges-'));
  await chmod(dataDir, 0o755);
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await freePort(), ephemeral: true });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : server.stop()));
  await migrateDatabase(server.url);
  const handle = openDatabase(server.url, { maxConnections: 2 });
  t.teardown(() => handle.close().catch(() => undefined));
  const admin = await createToken(handle.db, { name: 'Quản trị', role: 'admin' });
  const lines: string[] = [];
  const app = await buildApp({
    db: handle,
    temporal: noTemporal,
    config: { bodyLimit: 1_048_576, updateTimeoutMs: 1000 },
    logger: { level: 'warn', stream: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) } as AppDeps['logger'],
  });
  t.teardown(() => app.close());
  const ok = await app.inject({ method: 'GET', url: '/api/plans', headers: { authorization: `Bearer ${admin.token}` } });
  t.equal(ok.statusCode, 200);

  await server.stop();
  stopped = true;
  for (const request of [
    { method: 'GET' as const, url: '/api/plans' },
    { method: 'POST' as const, url: '/api/plans/p/tasks/t1/progress', payload: { note: 'x' } },
  ]) {
    const res = await app.inject({ ...request, headers: { authorization: `Bearer ${admin.token}`, 'x-request-id': `down-${request.method}` } });
    t.equal(res.statusCode, 503, `${request.method} ${request.url}: ${res.payload.slice(0, 200)}`);
    t.equal(res.headers['retry-after'], '5');
    t.match(res.json(), { type: `${PROBLEM}upstream-unavailable` });
    t.ok(
      lines.some((line) => line.includes(`"reqId":"down-${request.method}"`) && line.includes('"level":50')),
      `the 503 is logged with its request id`,
    );
  }
});
