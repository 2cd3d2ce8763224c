/** `kehoach token` and `kehoach report` as HTTP clients of a running API (real Postgres). */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startStack } from '../helpers/stack';
import { history, planDocument, planVersion } from '../helpers/read-model';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'kehoach.js');

function kehoach(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

t.test('token and report commands', async (t) => {
  const stack = await startStack(t, { worker: false });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const address = stack.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const admin = await stack.token({ role: 'admin' });

  // The default token is the admin token file in the data directory.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-cli-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  await writeFile(path.join(dataDir, 'admin.token'), `${admin.token}\n`, { mode: 0o600 });
  const env = { KEHOACH_URL: url, KEHOACH_DATA_DIR: dataDir, KEHOACH_TOKEN: '' };

  t.test('create, list, revoke', async (t) => {
    const created = await kehoach(['token', 'create', '--name', 'Nguyễn Văn A', '--agency', 'so-tu-phap', '--role', 'staff'], env);
    t.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    t.match(token, /^kh_/);
    t.match(created.stderr, /chỉ hiện một lần/);

    const list = await kehoach(['token', 'list'], env);
    t.equal(list.code, 0, list.stderr);
    const line = list.stdout.split('\n').find((l) => l.includes('Nguyễn Văn A'));
    t.ok(line, 'the new token is listed');
    t.match(line, /\tstaff\tso-tu-phap\t/);
    t.notMatch(list.stdout, token, 'without its secret');
    const id = line!.split('\t')[0]!;

    const staffCannot = await kehoach(['token', 'list'], { ...env, KEHOACH_TOKEN: token });
    t.equal(staffCannot.code, 1);
    t.match(staffCannot.stderr, /Không có quyền/);

    t.equal((await kehoach(['token', 'revoke', id], env)).code, 0);
    const revoked = await kehoach(['token', 'list'], env);
    t.match(
      revoked.stdout.split('\n').find((l) => l.startsWith(id)),
      /đã thu hồi/,
    );

    const bad = await kehoach(['token', 'create', '--name', 'B', '--role', 'staff'], env);
    t.equal(bad.code, 1, 'staff without agency is refused by the API');
    t.match(bad.stderr, /agency/);
    t.equal((await kehoach(['token', 'create', '--name'], env)).code, 2, 'usage error');
  });

  t.test('report as a table and as CSV', async (t) => {
    await stack.projection.recordPlanVersion(planVersion(1, planDocument()));
    for (const c of history({ taskId: 'ho-tich', lead: 'so-tu-phap' }, [
      { type: 'started', at: '2022-11-07T03:00:00Z', progress: 'in_progress', deadlineAt: '2022-11-30T17:00:00.000Z' },
      {
        type: 'completed',
        at: '2022-11-20T03:00:00Z',
        progress: 'done',
        deadlineAt: '2022-11-30T17:00:00.000Z',
        completedAt: '2022-11-20T03:00:00Z',
      },
    ])) {
      await stack.projection.recordTaskChange(c);
    }
    const table = await kehoach(['report', 'kh-test', '--as-of', '2022-11-22'], env);
    t.equal(table.code, 0, table.stderr);
    t.match(table.stdout, /đến hết ngày 22\/11\/2022/);
    t.match(table.stdout, /Sở Tư pháp\s+1\s+0\s+0\s+0\s+0\s+1\s+100\.0/);

    const before = await kehoach(['report', 'kh-test', '--as-of=2022-11-10'], env);
    t.match(before.stdout, /Sở Tư pháp\s+0\s+0\s+1\s+0\s+0\s+1\s+0\.0/, 'as it stood before the completion');

    const csv = await kehoach(['report', 'kh-test', '--as-of', '2022-11-22', '--csv'], env);
    t.equal(csv.code, 0);
    t.ok(csv.stdout.startsWith('\uFEFFCơ quan,'), 'CSV with BOM');

    const missing = await kehoach(['report', 'khong-co'], env);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /Không tìm thấy|khong-co/);
    t.equal((await kehoach(['report', 'kh-test', '--as-of', '22/11/2022'], env)).code, 2);
    t.equal((await kehoach(['report'], env)).code, 2);

    const down = await kehoach(['report', 'kh-test'], { ...env, KEHOACH_URL: 'http://127.0.0.1:9' });
    t.equal(down.code, 1);
    t.match(down.stderr, /không kết nối được API kehoach/);
  });
});
