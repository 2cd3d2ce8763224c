/**
 * `kehoach check` on the real stack: clean on a freshly applied plan; a row changed behind the
 * projection's back is found, repaired from its workflow, and the next check is clean.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { checkReadModel } from '../../src/check/consistency';
import { run } from '../../src/cli/check';
import { startStack } from '../helpers/stack';

const PLAN_FILE = path.resolve(__dirname, '..', 'fixtures', 'plans', 'valid', 'drill-small.yaml');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('kehoach check finds and repairs a row changed behind its back', async (t) => {
  const stack = await startStack(t);
  const admin = await stack.token({ role: 'admin' });
  const applied = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin.token,
    headers: { 'content-type': 'application/yaml' },
    payload: readFileSync(PLAN_FILE, 'utf8'),
  });
  t.equal(applied.statusCode, 200);
  const options = { db: stack.db.db, client: stack.temporal.client, projection: stack.projection };

  // The workflows project their first state as they start; wait until all six have.
  let report = await checkReadModel(options);
  for (let i = 0; i < 100 && report.differences.length > 0; i++) {
    await sleep(200);
    report = await checkReadModel(options);
  }
  t.same(report, { plans: 1, tasks: 6, differences: [] }, 'a fresh system is clean (five task workflows and the roll-up of the task with units)');

  await stack.db.sql`update tasks set progress = 'done', category = 'done_on_time' where task_id = 'lam-sach-ho-tich'`;
  const found = await checkReadModel(options);
  t.equal(found.differences.length, 1);
  t.match(found.differences[0], {
    workflowId: 'task:drill-small:lam-sach-ho-tich',
    fields: [
      { field: 'progress', row: 'done', workflow: 'in_progress' },
      { field: 'category', row: 'done_on_time', workflow: 'open_on_time' },
    ],
  });

  // The command itself, as an operator runs it.
  const env = { DATABASE_URL: process.env.DATABASE_URL, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS };
  process.env.DATABASE_URL = stack.databaseUrl;
  process.env.TEMPORAL_ADDRESS = stack.devServer.address;
  t.teardown(() => {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const output: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const capture = async (args: string[]) => {
    process.stdout.write = ((chunk: string) => (output.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      return await run(args);
    } finally {
      process.stdout.write = write;
    }
  };
  t.equal(await capture([]), 1, 'exit 1: a difference');
  t.match(
    output.join(''),
    /lam-sach-ho-tich: progress: dữ liệu đọc "done", workflow "in_progress".*\nĐã kiểm tra 1 kế hoạch, 6 nhiệm vụ: 1 sai lệch \(chạy với --repair/,
  );
  output.length = 0;
  t.equal(await capture(['--repair']), 0, 'exit 0: repaired');
  t.match(output.join(''), /— đã ghi lại/);
  const [row] = await stack.db.sql<{ progress: string; category: string }[]>`select progress, category from tasks where task_id = 'lam-sach-ho-tich'`;
  t.same(row, { progress: 'in_progress', category: 'open_on_time' }, "the row holds the workflow's state again");
  t.same((await checkReadModel(options)).differences, [], 'and the next check is clean');
});
