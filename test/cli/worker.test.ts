import { spawn, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Client, Connection } from '@temporalio/client';
import { applyPlan } from '../../src/apply/apply';
import { createPlanStore } from '../../src/db/plan-store';
import { loadPlanText } from '../../src/plan/load';
import { startDevServer } from '../../src/temporal/dev-server';
import { readTaskWorkflowState } from '../../src/temporal/task-state';
import { freshPlanId, lastRead } from '../helpers/wait';
import { freePort } from '../helpers/ports';
import { withPostgres } from '../helpers/postgres';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'kehoach.js');
const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

t.test('without DATABASE_URL the worker refuses to start and names the variable', async (t) => {
  const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, 'worker'], { env: baseEnv, timeout: 30_000 }, (error, _stdout, stderr) =>
      resolve({ code: error && typeof error.code === 'number' ? error.code : 0, stderr }),
    );
  });
  t.equal(result.code, 2);
  t.match(result.stderr, 'chưa đặt DATABASE_URL');
});

t.test('the worker runs plans into Postgres and stops gracefully on SIGTERM', async (t) => {
  const postgres = await withPostgres(t);
  const server = await startDevServer({ port: await freePort() });
  t.teardown(() => server.stop());
  const connection = await Connection.connect({ address: server.address });
  t.teardown(() => connection.close());
  const client = new Client({ connection, namespace: server.namespace });

  const child = spawn(process.execPath, [bin, 'worker'], {
    env: { ...baseEnv, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace, DATABASE_URL: postgres.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await lastRead(
    async () => stderr,
    // Its own line, not the SDK's "not polling for Nexus tasks", which can come first.
    (text) => text.includes('polling task queue') || child.exitCode !== null,
    60_000,
  );
  t.match(stderr, 'polling task queue', 'the worker is up');

  const planId = freshPlanId('worker');
  const file = path.join(root, 'test', 'fixtures', 'plans', 'valid', 'drill-small.yaml');
  const { plan } = loadPlanText(readFileSync(file, 'utf8').replace(/^id: drill-small$/m, `id: ${planId}`), file);
  if (!plan) throw new Error('fixture is invalid');
  const outcome = await applyPlan({
    client,
    plans: createPlanStore(postgres.db),
    plan,
    text: '',
    actor: { id: 'test', role: 'admin' },
    dryRun: false,
  });
  t.equal(outcome.result?.version, 1, 'the plan workflow ran on the worker process');
  const state = await readTaskWorkflowState(client, `task:${planId}:lam-sach-ho-tich`);
  t.equal(state.progress, 'in_progress');

  const rows = await lastRead(
    async () => (await postgres.sql`select count(*)::int as n from tasks where plan_id = ${planId}`)[0]?.n as number,
    (n) => n === 6,
  );
  t.equal(rows, 6, "the projection wrote every task workflow to Postgres, the units' roll-up included");
  const versions = await postgres.sql`select version from plan_versions where plan_id = ${planId}`;
  t.same(
    versions.map((row) => row.version),
    [1],
    'and the applied version',
  );

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exits 0 after SIGTERM');
  t.match(stderr, 'SIGTERM received');
  t.match(stderr, 'stopped.');
});
