/**
 * Crash drills on the production topology (`kehoach worker`, `kehoach api`, the Temporal dev
 * server on a SQLite file, Postgres): during a burst of completions, one part is killed with
 * SIGKILL and started again — the API, the worker, Temporal, then Postgres. Clients behave as the
 * API tells them to: on a dropped connection, 503 or 409 (in progress) they send the same request
 * again with the same Idempotency-Key. Afterwards every accepted completion is recorded exactly
 * once and `kehoach check` finds the read model equal to the workflows.
 */
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded';
import { migrateDatabase } from '../../src/db/migrate';
import { openDatabase } from '../../src/db/client';
import { createToken } from '../../src/db/tokens';
import { freePort } from '../helpers/ports';
import { request, waitForHealthy, type JsonResponse } from '../helpers/http';
import { repoRoot, startKehoach, type KehoachProcess } from '../helpers/kehoach-process';

t.setTimeout(1_500_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Answers after which a client sends the same request again (same key): the API's own advice. */
const RETRY_STATUSES = new Set([0, 409, 429, 502, 503]);
/** A client gives up after this long; a drill that needs longer has failed. */
const CLIENT_PATIENCE_MS = 240_000;

interface Outcome {
  key: string;
  response: JsonResponse;
  attempts: number;
}

async function stopProcess(process_: KehoachProcess, signal: NodeJS.Signals): Promise<void> {
  if (process_.child.exitCode !== null || process_.child.signalCode !== null) return;
  process_.child.kill(signal);
  await process_.exited;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('crash drills: API, worker, Temporal and Postgres killed mid-burst', async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'kehoach-drills-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const postgresDir = path.join(work, 'postgres');
  const postgresPort = await freePort();
  const temporalPort = await freePort();
  const temporalFile = path.join(work, 'temporal.sqlite');
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  let postgres: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: postgresDir, port: postgresPort });
  let temporal: DevServer = await startDevServer({ port: temporalPort, dbFile: temporalFile });
  await migrateDatabase(postgres.url);
  const setup = openDatabase(postgres.url, { maxConnections: 1 });
  const admin = (await createToken(setup.db, { name: 'Quản trị diễn tập', role: 'admin' })).token;
  await setup.close();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporal.address,
    // Writes give up quickly while a part is down, so that clients see 503 and retry.
    KEHOACH_UPDATE_TIMEOUT_MS: '5000',
  };
  for (const name of ['KEHOACH_URL', 'KEHOACH_TOKEN', 'KEHOACH_LANG']) delete env[name];
  const startApi = () => startKehoach(['api'], { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
  let worker = startKehoach(['worker'], env);
  let api = startApi();
  t.teardown(async () => {
    for (const process_ of [api, worker]) await stopProcess(process_, 'SIGKILL');
    await temporal.stop().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
  });
  await waitForHealthy(apiUrl, 120_000, () => api.child.exitCode === null);

  const planText = readFileSync(path.join(repoRoot, 'plans', 'nghe-an-771.yaml'), 'utf8');
  const staffTokens = new Map<string, string>();
  const figures: string[] = [];

  /** Sends one completion until the API gives a definitive answer, as a well-behaved client does. */
  async function completeUntilAnswered(planId: string, task: { key: string; lead: string }, key: string): Promise<Outcome> {
    const until = Date.now() + CLIENT_PATIENCE_MS;
    for (let attempts = 1; ; attempts++) {
      let response: JsonResponse;
      try {
        response = await request(apiUrl, 'POST', `/api/plans/${planId}/tasks/${encodeURIComponent(task.key)}/complete`, {
          token: staffTokens.get(task.lead),
          body: { note: 'Diễn tập sự cố' },
          headers: { 'idempotency-key': key },
        });
      } catch {
        response = { status: 0, body: undefined, headers: new Headers() };
      }
      if (!RETRY_STATUSES.has(response.status) || Date.now() > until) return { key, response, attempts };
      const advised = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(advised) && advised > 0 ? Math.min(advised, 5) * 1000 : 500);
    }
  }

  async function drill(t: Test, name: string, fault: () => Promise<void>): Promise<void> {
    const planId = `dien-tap-${name}`;
    const applied = await request(apiUrl, 'POST', '/api/plans', {
      token: admin,
      body: planText.replace(/^id: nghe-an-771$/m, `id: ${planId}`),
      headers: { 'content-type': 'application/yaml' },
    });
    // 202: recorded, its task workflows still starting (a loaded machine); the loop below waits for them.
    t.ok([200, 202].includes(applied.status), `${name}: the plan is applied (${applied.status} ${JSON.stringify(applied.body).slice(0, 200)})`);
    let tasks: { key: string; lead: string; progress: string }[] = [];
    for (let attempt = 0; attempt < 120 && tasks.length < 42; attempt++) {
      tasks = (await request(apiUrl, 'GET', `/api/plans/${planId}/tasks?limit=500`, { token: admin })).body?.items ?? [];
      if (tasks.length < 42) await sleep(500);
    }
    for (const lead of new Set(tasks.map((task) => task.lead))) {
      if (staffTokens.has(lead)) continue;
      const created = await request(apiUrl, 'POST', '/api/tokens', { token: admin, body: { name: `Cán bộ ${lead}`, agency: lead, role: 'staff' } });
      staffTokens.set(lead, created.body.token);
    }
    const burst = tasks.filter((task) => task.progress === 'in_progress');

    const started = Date.now();
    // The clients start a few at a time, so that the fault lands in the middle of the burst.
    const outcomes = Promise.all(
      burst.map(async (task, index) => {
        await sleep(index * 40);
        return completeUntilAnswered(planId, task, `${planId}-${task.key}`);
      }),
    );
    await sleep(Math.floor((burst.length * 40) / 3));
    await fault();
    const answered = await outcomes;
    const drained = Date.now() - started;

    const refused = answered.filter(({ response }) => response.status !== 200);
    t.same(
      refused.map(({ key, response }) => `${key}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`),
      [],
      `${name}: every completion was finally answered 200`,
    );
    // The read side catches up with what the workflows recorded; give it a moment after a fault.
    let wrong: string[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      wrong = [];
      for (const task of burst) {
        const detail = await request(apiUrl, 'GET', `/api/plans/${planId}/tasks/${encodeURIComponent(task.key)}`, { token: admin });
        const completions = (detail.body?.events ?? []).filter((event: { type: string }) => event.type === 'completed').length;
        if (completions !== 1 || !['done', 'awaiting_confirmation'].includes(detail.body?.task?.progress)) {
          wrong.push(`${task.key}: ${detail.status} ${detail.body?.task?.progress}, ${completions} completion events`);
        }
      }
      if (wrong.length === 0) break;
      await sleep(1000);
    }
    t.same(wrong, [], `${name}: each of the ${burst.length} completions is recorded exactly once`);
    const attempts = answered.reduce((sum, outcome) => sum + outcome.attempts, 0);
    figures.push(`${name}: ${burst.length} completions, ${attempts} requests (${attempts - burst.length} retries), all answered in ${drained} ms`);
  }

  await t.test('the API killed and started again', async (t) => {
    await drill(t, 'api', async () => {
      await stopProcess(api, 'SIGKILL');
      api = startApi();
    });
  });

  await t.test('the worker killed and another started', async (t) => {
    await drill(t, 'worker', async () => {
      await stopProcess(worker, 'SIGKILL');
      worker = startKehoach(['worker'], env);
    });
  });

  await t.test('Temporal killed and started again on its SQLite file', async (t) => {
    await drill(t, 'temporal', async () => {
      const server = temporal.process;
      server.kill('SIGKILL');
      while (server.exitCode === null && server.signalCode === null) await sleep(50);
      await sleep(2000);
      temporal = await startDevServer({ port: temporalPort, dbFile: temporalFile });
    });
  });

  await t.test('Postgres killed and started again on its data directory', async (t) => {
    await drill(t, 'postgres', async () => {
      const pid = Number(readFileSync(path.join(postgresDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(50);
      await sleep(2000);
      // Its backends notice the postmaster's death and leave; until then a new server may refuse to start.
      for (let attempt = 1; ; attempt++) {
        try {
          postgres = await startEmbeddedPostgres({ dataDir: postgresDir, port: postgresPort });
          break;
        } catch (error) {
          if (attempt >= 10) throw error;
          await sleep(2000);
        }
      }
    });
  });

  await t.test('kehoach check finds the read model equal to the workflows', async (t) => {
    const check = startKehoach(['check'], env);
    const code = await check.exited;
    t.equal(code, 0, check.output());
    t.match(check.output(), /Đã kiểm tra 4 kế hoạch, \d+ nhiệm vụ: dữ liệu đọc khớp với các workflow/);
  });

  for (const line of figures) t.comment(line);
  // A failed drill is explained by what the processes said: a worker that died, a pool that never reconnected.
  if (!t.passing()) {
    for (const [label, process_] of [
      ['worker', worker],
      ['api', api],
    ] as const) {
      const state = process_.child.exitCode ?? process_.child.signalCode ?? 'running';
      t.comment(`${label} (${state}), last output:\n${process_.output().slice(-6000)}`);
    }
  }
});
