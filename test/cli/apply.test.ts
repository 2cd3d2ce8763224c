import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { WorkflowNotFoundError } from '@temporalio/client';
import { schemaPathFor } from '../../src/plan/load';
import { planWorkflowId } from '../../src/workflows/ids';
import { getPlanState } from '../../src/workflows/messages';
import { createPlanStore } from '../../src/db/plan-store';
import { startPlanWorkerEnv, type PlanWorkerEnv } from '../helpers/plan-worker';
import { freshPlanId } from '../helpers/wait';
import { withPostgres, type TestPostgres } from '../helpers/postgres';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'kehoach.js');
const fixtures = path.join(root, 'test', 'fixtures', 'plans');

let env: PlanWorkerEnv;
let postgres: TestPostgres;
let work: string;
t.before(async () => {
  // The CLI stores each version in Postgres (DATABASE_URL) and the worker reads it from there.
  postgres = await withPostgres(t);
  env = await startPlanWorkerEnv({ plans: createPlanStore(postgres.db) });
  work = mkdtempSync(path.join(tmpdir(), 'kehoach-apply-'));
});
t.teardown(async () => {
  await env?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Copies a fixture into `dir` under a fresh plan id, with the schema comment pointing at the repository's schema. */
function writePlan(dir: string, fixture: string, fromId: string, planId: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${planId}.yaml`);
  const text = readFileSync(path.join(fixtures, fixture), 'utf8')
    .replace(/^# yaml-language-server: \$schema=.*$/m, `# yaml-language-server: $schema=${schemaPathFor(file)}`)
    .replace(new RegExp(`^id: ${fromId}$`, 'm'), `id: ${planId}`);
  writeFileSync(file, text);
  return file;
}

/** Runs the CLI asynchronously: the worker in this process must keep running meanwhile. */
function kehoach(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TEMPORAL_ADDRESS: env.server.address,
          TEMPORAL_NAMESPACE: env.server.namespace,
          DATABASE_URL: postgres.url,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function planExists(planId: string): Promise<boolean> {
  try {
    await env.client.workflow.getHandle(planWorkflowId(planId)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

t.test('diff, apply, then nothing left to diff or apply', async (t) => {
  const planId = freshPlanId('cli');
  const dir = path.join(work, 'good');
  writePlan(dir, 'valid/drill-small.yaml', 'drill-small', planId);

  const before = await kehoach(['diff', dir]);
  t.equal(before.code, 1, `diff exits 1 when there are changes\n${before.stderr}`);
  // 4 tasks, one carried by 2 units under its roll-up: 6 task workflows.
  t.match(before.stdout, `Kế hoạch ${planId}: 6 nhiệm vụ thêm, 0 sửa, 0 bỏ.`);
  t.match(before.stdout, '+ lam-sach-ho-tich  Làm sạch dữ liệu hộ tịch cùng Cục C06');
  t.equal(await planExists(planId), false, 'diff applied nothing');

  const applied = await kehoach(['apply', dir]);
  t.equal(applied.code, 0, applied.stderr);
  t.match(applied.stdout, `Kế hoạch ${planId}: đã áp dụng phiên bản 1`);
  t.match(applied.stdout, 'khởi tạo 6, cập nhật 0, huỷ 0 nhiệm vụ');
  const state = await env.client.workflow.getHandle(planWorkflowId(planId)).query(getPlanState);
  t.equal(state.taskCount, 6);
  t.equal((await env.plans.specsOf(state.specSet!)).length, 6, 'the specs are in Postgres under the spec set the plan workflow holds');

  const after = await kehoach(['diff', dir]);
  t.equal(after.code, 0, 'diff exits 0 when there is nothing to change');
  t.match(after.stdout, `Kế hoạch ${planId}: không có thay đổi.`);

  const again = await kehoach(['apply', dir]);
  t.equal(again.code, 0);
  t.match(again.stdout, `Kế hoạch ${planId}: phiên bản 1 đã được áp dụng, không có gì thay đổi.`);
  t.equal((await env.client.workflow.getHandle(planWorkflowId(planId)).query(getPlanState)).version, 1);

  const file = path.join(dir, `${planId}.yaml`);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace('title: Kế hoạch diễn tập triển khai Đề án 06', 'title: Kế hoạch diễn tập Đề án 06 (sửa tên)'),
  );
  const renamed = await kehoach(['diff', dir]);
  t.equal(renamed.code, 1, 'a document change without task changes is still a change');
  t.match(renamed.stdout, `Kế hoạch ${planId}: nội dung kế hoạch thay đổi, không nhiệm vụ nào thay đổi.`);

  writePlan(dir, 'valid/drill-small-amended.yaml', 'drill-small', planId);
  const amended = await kehoach(['diff', dir]);
  t.equal(amended.code, 1);
  t.match(amended.stdout, /~ lam-sach-ho-tich .*\n {4}deadline\.at: \d\d\/\d\d\/\d{4} → \d\d\/\d\d\/\d{4}/);
  t.match(amended.stdout, '- tuyen-truyen');
});

t.test('one invalid file: nothing is applied', async (t) => {
  const validId = freshPlanId('cli-ok');
  const dir = path.join(work, 'mixed');
  writePlan(dir, 'valid/drill-small.yaml', 'drill-small', validId);
  const invalid = path.join(dir, 'broken.yaml');
  writeFileSync(invalid, readFileSync(path.join(fixtures, 'invalid', 'duplicate-task-id.yaml'), 'utf8'));

  const applied = await kehoach(['apply', dir]);
  t.equal(applied.code, 1, 'apply exits 1');
  t.match(applied.stderr, /broken\.yaml:\d+:\d+: error: /, 'the diagnostics name the file, line and column');
  t.match(applied.stderr, 'có tệp kế hoạch bị lỗi (ở trên). Chưa áp dụng gì.');
  t.equal(await planExists(validId), false, 'the valid plan next to it was not applied either');

  const diffed = await kehoach(['diff', dir]);
  t.equal(diffed.code, 2, 'diff reports an invalid file as an error (>1), not as changes');

  const missing = await kehoach(['apply', path.join(dir, 'no-such-plan.yaml')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, 'không tìm thấy');
});
