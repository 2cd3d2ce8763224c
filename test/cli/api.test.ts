/** `kehoach api` as its own process against an existing Postgres and Temporal: serves, then stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { freePort } from '../helpers/ports';
import { startStack } from '../helpers/stack';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'kehoach.js');

t.test('kehoach api serves and shuts down gracefully', async (t) => {
  const stack = await startStack(t, { worker: false });
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'api'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.devServer.address,
      TEMPORAL_NAMESPACE: stack.devServer.namespace,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  let health: Response | undefined;
  for (let i = 0; i < 120 && !health; i++) {
    health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (!health) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  t.ok(health, `the API answers (${stderr})`);
  t.equal(health?.status, 200);
  t.match(await health?.json(), { status: 'ok' });

  const unauthenticated = await fetch(`http://127.0.0.1:${port}/api/plans`);
  t.equal(unauthenticated.status, 401);
  t.equal(unauthenticated.headers.get('content-type'), 'application/problem+json; charset=utf-8');

  child.kill('SIGTERM');
  const started = Date.now();
  t.equal(await exited, 0, 'exit code 0 after SIGTERM');
  t.ok(Date.now() - started < 10_000, 'within 10 s');
  t.match(stderr, /SIGTERM received/);
});

t.test('kehoach api without DATABASE_URL says what to set', async (t) => {
  const child = spawn(process.execPath, [BIN, 'api'], { env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 2);
  t.match(stderr, /chưa đặt DATABASE_URL/);
});
