/**
 * The dashboard's session and its cookies, with the token lookups replaced (the neighbours of the
 * session code; the browser test runs the real ones): the session cookie is HttpOnly,
 * SameSite=Strict, scoped to /web and Secure when the request came over TLS; it names the token's
 * id, never the token; a revoked token or a tampered cookie ends the session; sign-in failures count
 * towards the API's per-address limit; a POST without its CSRF token is refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import type { Principal } from '../../src/api/plugins/auth';
import problemDetails from '../../src/api/plugins/problem-details';
import security from '../../src/api/plugins/security';
import type { RouteDeps } from '../../src/api/app';
import webDashboard from '../../src/web/plugin';

const TOKEN = 'kh_dung';
const principal: Principal = { tokenId: 'tok_1', name: 'Chuyên viên', agency: 'so-tu-phap', role: 'staff' };

async function build(t: { teardown(fn: () => unknown): void }, revoked: Set<string>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(problemDetails);
  await app.register(security, { rateLimits: { authFailuresPerMinute: 3 } });
  await app.register(webDashboard, {
    // Only the sign-in and sign-out routes run here: they touch neither the database nor Temporal.
    ...({ db: {}, temporal: {}, config: { bodyLimit: 1_048_576, updateTimeoutMs: 1000 } } as unknown as RouteDeps),
    sessionSecret: 'a-test-secret-of-at-least-32-characters',
    verifyToken: async (bearer) => (bearer === TOKEN && !revoked.has(principal.tokenId) ? principal : undefined),
    principalById: async (id) => (id === principal.tokenId && !revoked.has(id) ? principal : undefined),
  });
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]).join('; ');
const setCookiesOf = (header: string | string[] | undefined) => (Array.isArray(header) ? header : header ? [header] : []);
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

t.test('over plain http: HttpOnly, SameSite=Strict, Path=/web, not Secure; the id, not the token', async (t) => {
  const revoked = new Set<string>();
  const app = await build(t, revoked);
  const form = await app.inject({ method: 'GET', url: '/web/sign-in' });
  t.equal(form.statusCode, 200);
  const csrfCookies = setCookiesOf(form.headers['set-cookie']);
  const signIn = await app.inject({
    method: 'POST',
    url: '/web/sign-in',
    headers: { cookie: cookieHeader(csrfCookies), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfOf(form.body), token: TOKEN }).toString(),
  });
  t.equal(signIn.statusCode, 303, signIn.body);
  t.equal(signIn.headers.location, '/web');
  const session = setCookiesOf(signIn.headers['set-cookie']).find((c) => c.startsWith('kehoach_session='));
  t.ok(session);
  t.match(session, /HttpOnly/);
  t.match(session, /SameSite=Strict/);
  t.match(session, /Path=\/web/);
  t.notMatch(session, /Secure/);
  t.notMatch(session, TOKEN);
  t.match(session, /^kehoach_session=tok_1\./, 'the token id and an expiry, signed');

  // The session opens the assets' neighbours: a page needs the database, so try sign-out instead,
  // which needs a session's CSRF token like every other form.
  const withoutCsrf = await app.inject({
    method: 'POST',
    url: '/web/sign-out',
    headers: { cookie: cookieHeader([...csrfCookies, session!]), 'content-type': 'application/x-www-form-urlencoded' },
    payload: '',
  });
  t.equal(withoutCsrf.statusCode, 403, 'a form without its CSRF token is refused');
  t.match(withoutCsrf.body, 'Biểu mẫu đã hết hạn');

  const tampered = session!.split(';')[0]!.replace('tok_1', 'tok_2');
  const page = await app.inject({ method: 'GET', url: '/web', headers: { cookie: tampered } });
  t.equal(page.statusCode, 303, 'a tampered cookie is no session');
  t.equal(page.headers.location, '/web/sign-in?expired=1');

  revoked.add('tok_1');
  const afterRevoke = await app.inject({ method: 'GET', url: '/web', headers: { cookie: cookieHeader([session!]) } });
  t.equal(afterRevoke.headers.location, '/web/sign-in?expired=1', 'revoking the token ends its sessions');
});

t.test('a wrong token: 401 and the sign-in form again, then 429 past the limit', async (t) => {
  const app = await build(t, new Set());
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const form = await app.inject({ method: 'GET', url: '/web/sign-in' });
    const res = await app.inject({
      method: 'POST',
      url: '/web/sign-in',
      headers: { cookie: cookieHeader(setCookiesOf(form.headers['set-cookie'])), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfOf(form.body), token: 'kh_sai' }).toString(),
    });
    statuses.push(res.statusCode);
    if (i === 0) t.match(res.body, 'Mã truy cập không đúng hoặc đã bị thu hồi');
  }
  t.same(statuses.slice(0, 3), [401, 401, 401]);
  t.equal(statuses[4], 429, 'counted with the API failures of this address');
});

t.test('over TLS the session and CSRF cookies are Secure', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kehoach-web-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost'],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  );
  const app = await build(t, new Set());
  const server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (req, res) =>
    app.routing(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const request = (method: string, url: string, headers: Record<string, string>, body = '') =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, method, path: url, headers, rejectUnauthorized: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const form = await request('GET', '/web/sign-in', {});
  const csrfCookies = setCookiesOf(form.headers['set-cookie']);
  t.match(csrfCookies.join('\n'), /kehoach_csrf=.*Secure/, 'the CSRF secret cookie is Secure');
  const body = new URLSearchParams({ _csrf: csrfOf(form.body), token: TOKEN }).toString();
  const signIn = await request(
    'POST',
    '/web/sign-in',
    { cookie: cookieHeader(csrfCookies), 'content-type': 'application/x-www-form-urlencoded' },
    body,
  );
  t.equal(signIn.status, 303, signIn.body);
  const session = setCookiesOf(signIn.headers['set-cookie']).find((c) => c.startsWith('kehoach_session='));
  t.match(session, /; Secure/, 'the session cookie is Secure');
  t.match(session, /HttpOnly/);
  t.match(session, /SameSite=Strict/);
});
