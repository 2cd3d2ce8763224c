/**
 * The newcomer's experience, for real: clone the repository into a temporary directory, run
 * `npm start` there on free ports, use it over HTTP, stop it with a signal, start it again and
 * find the same state.
 */
import t, { type Test } from 'tap';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { request, waitForHealthy } from '../helpers/http';

const repoRoot = path.resolve(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startKehoach(cwd: string, env: NodeJS.ProcessEnv): Started {
  // A process group of its own, so that the signal reaches npm and everything under it, as Ctrl-C would.
  const child = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stopKehoach(started: Started, t: Test, ports: number[]): Promise<void> {
  if (started.child.exitCode !== null) return;
  const since = Date.now();
  process.kill(-started.child.pid!, 'SIGINT');
  const code = await Promise.race([started.exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
  t.not(code, 'timeout', 'npm start stops after Ctrl-C');
  t.ok(Date.now() - since < 10_000, `it stopped within 10 s (took ${Date.now() - since} ms)`);
  try {
    // Nothing may be left behind in the process group.
    process.kill(-started.child.pid!, 0);
    let left = '';
    try {
      left = execFileSync('ps', ['-o', 'pid,stat,args', '-g', String(started.child.pid)], { encoding: 'utf8' });
    } catch {
      // gone between the probe and ps
    }
    t.fail(`a process of the group is still alive after stopping (npm exited with ${String(code)})\n${left}\n${started.output().slice(-3000)}`);
    process.kill(-started.child.pid!, 'SIGKILL');
  } catch {
    t.pass('no process of the group is left');
  }
  // The dev server runs in a process group of its own: its port (and Postgres's) must be free again.
  for (const port of ports) t.ok(await portIsFree(port), `port ${port} is free again`);
}

async function waitForOutput(started: Started, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(started.output()) && Date.now() < deadline && started.child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freeTemporalPort(): Promise<number> {
  // The Web UI listens on the Temporal port + 1000; both must be free.
  for (;;) {
    const port = await freePort();
    if (port + 1000 < 65535 && (await portIsFree(port + 1000))) return port;
  }
}

// A clone, an install and two starts take longer than the suite's 5 minutes on a busy machine.
t.setTimeout(900_000);

t.test('npm start on a fresh clone: use it, stop it, start it again', { timeout: 900_000 }, async (t) => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'kehoach-clone-'));
  t.teardown(() => rmSync(workDir, { recursive: true, force: true }));
  const cloneDir = path.join(workDir, 'kehoach');
  execFileSync('git', ['clone', '--quiet', repoRoot, cloneDir]);

  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CI: 'true',
    PORT: String(port),
    KEHOACH_TEMPORAL_PORT: String(await freeTemporalPort()),
    KEHOACH_POSTGRES_PORT: String(await freePort()),
    KEHOACH_DATA_DIR: path.join(workDir, 'data'),
  };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'KEHOACH_URL', 'KEHOACH_TOKEN']) delete env[name];
  const baseUrl = `http://127.0.0.1:${port}`;
  const serverPorts = [port, Number(env.KEHOACH_TEMPORAL_PORT), Number(env.KEHOACH_POSTGRES_PORT)];

  let started = startKehoach(cloneDir, env);
  t.teardown(() => {
    try {
      process.kill(-started.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  try {
    await waitForHealthy(baseUrl, 600_000, () => started.child.exitCode === null);
  } catch (error) {
    t.fail(`${(error as Error).message}\n${started.output().slice(-6000)}`);
    return;
  }
  // The API answers before the plans are applied; the start-up message comes once they are.
  await waitForOutput(started, /kehoach đang chạy/, 120_000);
  t.match(started.output(), /admin\.token/, 'the start-up message says where the admin token is');
  const adminToken = readFileSync(path.join(workDir, 'data', 'admin.token'), 'utf8').trim();

  // The plans in plans/ are applied at start; the API may take a moment to have every task.
  let tasks: any[] = [];
  for (let attempt = 0; attempt < 60; attempt++) {
    const list = await request(baseUrl, 'GET', '/api/plans/nghe-an-771/tasks?limit=500', { token: adminToken });
    tasks = list.body?.items ?? [];
    if (tasks.length >= 42) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  t.equal(tasks.length, 42, 'nghe-an-771 is applied with its 42 tasks');

  const task = tasks.find((candidate) => candidate.progress === 'in_progress' && !candidate.confirmation) ?? tasks[0];
  const staff = await request(baseUrl, 'POST', '/api/tokens', {
    token: adminToken,
    body: { name: 'Chuyên viên thử nghiệm', agency: task.lead, role: 'staff' },
  });
  t.equal(staff.status, 201, 'an admin creates a staff token');
  const completed = await request(baseUrl, 'POST', `/api/plans/nghe-an-771/tasks/${encodeURIComponent(task.key ?? task.taskId)}/complete`, {
    token: staff.body.token,
    body: { note: 'Hoàn thành trong lần chạy thử' },
  });
  t.equal(completed.status, 200, `the lead's staff completes ${task.taskId}`);
  const progressAfter = completed.body.progress;
  t.ok(['done', 'awaiting_confirmation'].includes(progressAfter), `progress is ${progressAfter}`);

  await stopKehoach(started, t, serverPorts);

  started = startKehoach(cloneDir, env);
  await waitForHealthy(baseUrl, 300_000, () => started.child.exitCode === null);
  await waitForOutput(started, /kehoach đang chạy/, 120_000);
  t.match(started.output(), /đã áp dụng trước đó, không thay đổi/, 'the second start applies nothing new');
  t.notMatch(started.output(), /đã áp dụng phiên bản/, 'no plan version is applied again');
  const again = await request(baseUrl, 'GET', `/api/plans/nghe-an-771/tasks/${encodeURIComponent(task.key ?? task.taskId)}`, {
    token: staff.body.token,
  });
  t.equal(again.status, 200, 'the staff token still works after a restart');
  t.equal(again.body.task?.progress, progressAfter, 'the completion survived the restart');
  const completions = (again.body.events ?? []).filter((event: any) => event.type === 'completed');
  t.equal(completions.length, 1, 'the completion is in the history once');
  const list = await request(baseUrl, 'GET', '/api/plans/nghe-an-771/tasks?limit=500', { token: adminToken });
  t.equal(list.body.items.length, 42, 'still 42 tasks: restarting duplicated nothing');
  await stopKehoach(started, t, serverPorts);
  // Installing (npm ci, the compiled dist/, the Temporal binaries) and running change no tracked file.
  t.equal(execFileSync('git', ['status', '--porcelain'], { cwd: cloneDir, encoding: 'utf8' }), '', 'git status is clean after npm start');
});
