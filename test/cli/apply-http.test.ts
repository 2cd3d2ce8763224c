/**
 * `kehoach diff` and `kehoach apply` through the API: the real stack (Postgres, Temporal dev
 * server, worker, app listening on a free port) and the CLI as a child process with KEHOACH_URL
 * and KEHOACH_TOKEN, as an operator runs it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { formatDiagnostic } from '../../src/cli/validate';
import { httpTransport, PlanRejectedError } from '../../src/cli/plan-transport-http';
import { loadPlanFile, schemaPathFor } from '../../src/plan/load';
import { planWorkflowId } from '../../src/workflows/ids';
import { getPlanState } from '../../src/workflows/messages';
import { freePort } from '../helpers/ports';
import { startStack } from '../helpers/stack';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'kehoach.js');
const fixtures = path.join(root, 'test', 'fixtures', 'plans');
const PLAN = 'minimal';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('diff and apply through the API', async (t) => {
  const stack = await startStack(t);
  const port = await freePort();
  await stack.app.listen({ port, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  const admin = await stack.token({ role: 'admin', name: 'Quản trị' });
  const staff = await stack.token({ role: 'staff', agency: 'cong-an-tinh', name: 'Cán bộ' });

  const work = mkdtempSync(path.join(tmpdir(), 'kehoach-apply-http-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const file = path.join(work, `${PLAN}.yaml`);
  writeFileSync(
    file,
    readFileSync(path.join(fixtures, 'valid', 'minimal.yaml'), 'utf8').replace(
      /^# yaml-language-server: \$schema=.*$/m,
      `# yaml-language-server: $schema=${schemaPathFor(file)}`,
    ),
  );
  // A committed file: its commit is sent along and recorded with the version.
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Kiểm thử', '-c', 'user.email=kiem-thu@example.vn', ...args], { cwd: work, encoding: 'utf8' }).trim();
  git('init', '--quiet');
  git('add', `${PLAN}.yaml`);
  git('commit', '--quiet', '-m', 'Kế hoạch thử nghiệm');
  const commit = git('rev-parse', 'HEAD');

  /** The CLI as a child process; asynchronous, since the worker in this process must keep running. */
  const kehoach = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { cwd: work, env: { PATH: process.env.PATH, HOME: process.env.HOME, KEHOACH_URL: url, KEHOACH_TOKEN: admin.token, ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr }),
      );
    });
  const planApplied = async () => (await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}`, token: admin.token })).statusCode === 200;

  const before = await kehoach(['diff', file]);
  t.equal(before.code, 1, `diff exits 1 when there are changes\n${before.stderr}`);
  t.match(before.stdout, `Kế hoạch ${PLAN}: 1 nhiệm vụ thêm, 0 sửa, 0 bỏ.`);
  t.match(before.stdout, '+ t01  Làm sạch dữ liệu hộ tịch  (hạn 25/12/2022)', 'added tasks with their deadline, from the spec the API sent');

  const denied = await kehoach(['apply', file], { KEHOACH_TOKEN: staff.token });
  t.equal(denied.code, 2, 'a staff token cannot apply');
  t.match(denied.stderr, /403.*admin token/s, 'the message says which token it takes');
  t.match(denied.stderr, 'KEHOACH_TOKEN');
  t.notOk(await planApplied(), 'neither diff nor the refused apply applied anything');

  const unknownToken = await kehoach(['diff', file], { KEHOACH_TOKEN: 'not-a-token' });
  t.equal(unknownToken.code, 2);
  t.match(unknownToken.stderr, /401.*KEHOACH_TOKEN/s);

  const applied = await kehoach(['apply', file]);
  t.equal(applied.code, 0, applied.stderr);
  t.match(applied.stdout, '+ t01  Làm sạch dữ liệu hộ tịch');
  t.match(applied.stdout, `Kế hoạch ${PLAN}: đã áp dụng phiên bản 1 (commit ${commit.slice(0, 12)}) — khởi tạo 1, cập nhật 0, huỷ 0 nhiệm vụ.`);
  const state = await stack.temporal.client.workflow.getHandle(planWorkflowId(PLAN)).query(getPlanState);
  t.equal(state.gitCommit, commit, 'the plan workflow recorded the commit the CLI sent');
  // The read model is projected by activities: give it a moment.
  let tasks: { taskId: string; deadlineAt?: string }[] = [];
  for (let i = 0; i < 120 && tasks.length === 0; i++) {
    const res = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/tasks`, token: admin.token });
    if (res.statusCode === 200) tasks = res.json().items;
    if (tasks.length === 0) await sleep(250);
  }
  t.same(
    tasks.map((task) => task.taskId),
    ['t01'],
    'the API lists the applied task',
  );

  const again = await kehoach(['apply', file]);
  t.equal(again.code, 0, again.stderr);
  t.equal(again.stdout.trim(), `Kế hoạch ${PLAN}: phiên bản 1 đã được áp dụng, không có gì thay đổi.`);
  const after = await kehoach(['diff', file]);
  t.equal(after.code, 0, after.stderr);
  t.match(after.stdout, `Kế hoạch ${PLAN}: không có thay đổi.`);
  const leader = await stack.token({ role: 'leader', agency: 'cong-an-tinh', name: 'Lãnh đạo' });
  t.equal((await kehoach(['diff', file], { KEHOACH_TOKEN: leader.token })).code, 0, 'a leader may preview');

  writeFileSync(file, readFileSync(file, 'utf8').replace('deadline: 2022-12-25', 'deadline: 2022-12-30'));
  const edited = await kehoach(['diff', file]);
  t.equal(edited.code, 1, edited.stderr);
  t.match(edited.stdout, /~ t01 {2}Làm sạch dữ liệu hộ tịch\n {4}deadline\.at: 25\/12\/2022 → 30\/12\/2022/, 'the field change, before and after');

  const broken = path.join(work, 'broken.yaml');
  writeFileSync(broken, readFileSync(path.join(fixtures, 'invalid', 'duplicate-task-id.yaml'), 'utf8'));
  const invalid = await kehoach(['apply', broken, file]);
  t.equal(invalid.code, 1, 'an invalid file: apply exits 1');
  t.match(invalid.stderr, /broken\.yaml:\d+:\d+: error: /);
  t.match(invalid.stderr, 'có tệp kế hoạch bị lỗi (ở trên). Chưa áp dụng gì.');
  const unchanged = await stack.temporal.client.workflow.getHandle(planWorkflowId(PLAN)).query(getPlanState);
  t.equal(unchanged.version, 1, 'the valid file next to it was not applied either');

  const badCommit = await stack.inject({
    method: 'POST',
    url: '/api/plans/diff?gitCommit=HEAD',
    token: admin.token,
    headers: { 'content-type': 'application/yaml' },
    payload: readFileSync(file, 'utf8'),
  });
  t.equal(badCommit.statusCode, 400, 'gitCommit must be a full commit id');

  const unreachable = await kehoach(['diff', file], { KEHOACH_URL: `http://127.0.0.1:${await freePort()}` });
  t.equal(unreachable.code, 2);
  t.match(unreachable.stderr, /không kết nối được API kehoach.*kehoach up.*KEHOACH_URL/s);

  // The CLI validates before sending, so a 422 only comes from an API whose validator disagrees;
  // the transport in this process, given a broken text, shows how such an answer is reported.
  const saved = { url: process.env.KEHOACH_URL, token: process.env.KEHOACH_TOKEN };
  process.env.KEHOACH_URL = url;
  process.env.KEHOACH_TOKEN = admin.token;
  t.teardown(() => {
    for (const [name, value] of [
      ['KEHOACH_URL', saved.url],
      ['KEHOACH_TOKEN', saved.token],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const transport = await httpTransport();
  const plan = (await loadPlanFile(file)).plan!;
  const rejected = await transport
    .apply({ plan, text: readFileSync(broken, 'utf8'), file: 'rejected.yaml', actor: { id: 'test', name: 'test', role: 'admin' }, dryRun: false })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  t.type(rejected, PlanRejectedError, "a 422 with positions becomes the plan's diagnostics");
  const diagnostics = (rejected as PlanRejectedError).diagnostics;
  t.ok(diagnostics.length > 0);
  t.match(diagnostics[0], { file: 'rejected.yaml', severity: 'error', line: Number, col: Number });
  t.match(formatDiagnostic(diagnostics[0]!), /^rejected\.yaml:\d+:\d+: error: /);
});

t.test('an apply still starting its task workflows answers 202; the CLI follows it to the end with a progress bar', async (t) => {
  // An API that answers as soon as the version is recorded, as it does for a province.
  const stack = await startStack(t, { applyAnswerWaitMs: 0 });
  const port = await freePort();
  await stack.app.listen({ port, host: '127.0.0.1' });
  const admin = await stack.token({ role: 'admin' });
  const work = mkdtempSync(path.join(tmpdir(), 'kehoach-apply-202-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const file = path.join(work, 'nghe-an-771.yaml');
  writeFileSync(file, readFileSync(path.join(root, 'plans', 'nghe-an-771.yaml'), 'utf8'));

  const answer = await stack.inject({
    method: 'POST',
    url: '/api/plans/diff',
    token: admin.token,
    headers: { 'content-type': 'application/yaml' },
    payload: readFileSync(file, 'utf8'),
  });
  t.equal(answer.statusCode, 200, 'a dry run answers at once, as before');

  const applied = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, 'apply', file],
      {
        cwd: work,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, KEHOACH_URL: `http://127.0.0.1:${port}`, KEHOACH_TOKEN: admin.token },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr }),
    );
  });
  t.equal(applied.code, 0, applied.stderr);
  t.match(applied.stderr, /Kế hoạch nghe-an-771, phiên bản 1: \[[#.]{30}\] \d+\/42 nhiệm vụ/, 'a progress line while the tasks start');
  t.match(applied.stderr, 'Kế hoạch nghe-an-771, phiên bản 1: đã xử lý xong 42 nhiệm vụ (khởi tạo 42, cập nhật 0, huỷ 0).', 'and the end');
  t.match(applied.stdout, 'Kế hoạch nghe-an-771: đã áp dụng phiên bản 1');

  const progress = await stack.inject({ method: 'GET', url: '/api/plans/nghe-an-771/reconciliation', token: admin.token });
  t.equal(progress.statusCode, 200);
  t.match(progress.json(), { version: 1, total: 42, started: 42, errors: 0, finishedAt: String });

  const never = await stack.inject({ method: 'GET', url: '/api/plans/never-applied/reconciliation', token: admin.token });
  t.equal(never.statusCode, 404);
  t.match(never.json(), { detail: 'Kế hoạch "never-applied" chưa được áp dụng lần nào.' });
});
