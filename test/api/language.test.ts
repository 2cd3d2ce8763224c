/**
 * One language per answer: with KEHOACH_LANG=en every problem the API gives (title, detail, the
 * messages of invalid fields) is English; by default all of it is Vietnamese. On a real Postgres;
 * none of these requests reaches Temporal.
 */
import t from 'tap';
import { buildApp, type AppDeps } from '../../src/api/app';
import { databaseTokenVerifier } from '../../src/api/stores';
import { createToken } from '../../src/db/tokens';
import { withPostgres } from '../helpers/postgres';

const VIETNAMESE_LETTERS = /[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơưăâêôĐ]/;
const noTemporal = {} as AppDeps['temporal'];

t.test('problems speak the language of KEHOACH_LANG, and only that one', async (t) => {
  const pg = await withPostgres(t);
  const app = await buildApp({
    db: pg,
    temporal: noTemporal,
    config: { bodyLimit: 1_048_576, updateTimeoutMs: 1000 },
    verifyToken: databaseTokenVerifier(pg.db),
  });
  t.teardown(() => app.close());
  const staff = await createToken(pg.db, { name: 'Cán bộ Sở Y tế', role: 'staff', agency: 'so-y-te' });
  const admin = await createToken(pg.db, { name: 'Quản trị', role: 'admin' });
  const saved = process.env.KEHOACH_LANG;
  t.teardown(() => {
    if (saved === undefined) delete process.env.KEHOACH_LANG;
    else process.env.KEHOACH_LANG = saved;
  });

  const ask = async () => ({
    forbidden: (
      await app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' },
        payload: { name: 'x', role: 'admin' },
      })
    ).json(),
    unauthenticated: (await app.inject({ method: 'GET', url: '/api/plans' })).json(),
    invalid: (
      await app.inject({
        method: 'POST',
        url: '/api/plans/p/tasks/t1/progress',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        payload: { note: '', value: 'nhiều' },
      })
    ).json(),
  });

  delete process.env.KEHOACH_LANG;
  const vi = await ask();
  t.equal(vi.forbidden.status, 403);
  t.equal(vi.forbidden.title, 'Không có quyền');
  t.match(vi.forbidden.detail, /^Vai trò "staff" không được tạo mã truy cập; cần vai trò "admin"\.$/);
  t.equal(vi.unauthenticated.title, 'Chưa xác thực');
  t.equal(vi.invalid.title, 'Dữ liệu không hợp lệ');
  t.match(vi.invalid.errors, [{ path: 'body.value', message: /phải là một số/ }]);

  process.env.KEHOACH_LANG = 'en';
  const en = await ask();
  t.equal(en.forbidden.status, 403);
  t.equal(en.forbidden.title, 'Not allowed');
  t.equal(en.forbidden.detail, 'Role "staff" may not create access tokens; it needs role "admin".');
  t.equal(en.unauthenticated.title, 'Not authenticated');
  t.match(en.unauthenticated.detail, /^An access token is needed/);
  t.equal(en.invalid.title, 'Invalid data');
  t.match(en.invalid.errors, [{ path: 'body.value', message: /must be a number/ }]);
  for (const [name, problem] of Object.entries(en)) {
    t.notMatch(JSON.stringify(problem), VIETNAMESE_LETTERS, `the English ${name} problem has no Vietnamese in it`);
  }
});
