/**
 * The first step toward many machines: two `kehoach worker` and two `kehoach api` processes against
 * one Temporal dev server and one Postgres serve a burst of completions correctly — every
 * completion lands once, whichever API takes it and whichever worker runs it, also when the same
 * request is retried on the other API.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startDevServer } from '../../src/temporal/dev-server';
import { createToken } from '../../src/db/tokens';
import { withPostgres } from '../helpers/postgres';
import { freePort } from '../helpers/ports';
import { request, waitForHealthy } from '../helpers/http';
import { repoRoot, startKehoach } from '../helpers/kehoach-process';

t.test('two workers and two APIs serve a completion burst', { timeout: 600_000 }, async (t) => {
  const postgres = await withPostgres(t);
  const temporal = await startDevServer({ port: await freePort() });
  t.teardown(() => temporal.stop());

  const baseEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporal.address };
  delete baseEnv.KEHOACH_URL;
  const processes = [startKehoach(['worker'], baseEnv), startKehoach(['worker'], baseEnv)];
  const apiPorts = [await freePort(), await freePort()];
  for (const port of apiPorts) processes.push(startKehoach(['api'], { ...baseEnv, PORT: String(port), HOST: '127.0.0.1' }));
  t.teardown(() => {
    for (const { child } of processes) if (child.exitCode === null) child.kill('SIGKILL');
  });
  const apis = apiPorts.map((port) => `http://127.0.0.1:${port}`);
  for (const [index, api] of apis.entries()) await waitForHealthy(api, 120_000, () => processes[2 + index]!.child.exitCode === null);

  const admin = (await createToken(postgres.db, { name: 'admin', role: 'admin' })).token;
  const planText = readFileSync(path.join(repoRoot, 'plans', 'nghe-an-771.yaml'), 'utf8');
  const applied = await request(apis[0]!, 'POST', '/api/plans', { token: admin, body: planText, headers: { 'content-type': 'application/yaml' } });
  t.equal(applied.status, 200, `the plan is applied through the first API: ${JSON.stringify(applied.body).slice(0, 300)}`);

  let tasks: any[] = [];
  for (let attempt = 0; attempt < 60 && tasks.length < 42; attempt++) {
    tasks = (await request(apis[1]!, 'GET', '/api/plans/nghe-an-771/tasks?limit=500', { token: admin })).body.items ?? [];
    if (tasks.length < 42) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  t.equal(tasks.length, 42, 'the second API sees all 42 tasks');

  const staffTokens = new Map<string, string>();
  for (const lead of new Set(tasks.map((task) => task.lead as string))) {
    staffTokens.set(lead, (await createToken(postgres.db, { name: `staff ${lead}`, agency: lead, role: 'staff' })).token);
  }
  const completable = tasks.filter((task) => task.progress === 'in_progress');
  t.ok(completable.length >= 20, `a burst of ${completable.length} completions`);

  // Each completion is sent twice at once, with the same Idempotency-Key, once to each API.
  const started = Date.now();
  const responses = await Promise.all(
    completable.flatMap((task, index) =>
      apis.map((api) =>
        request(api, 'POST', `/api/plans/nghe-an-771/tasks/${encodeURIComponent(task.key)}/complete`, {
          token: staffTokens.get(task.lead),
          body: { note: 'burst' },
          headers: { 'idempotency-key': `burst-${index}` },
        }).then((response) => ({ task, response })),
      ),
    ),
  );
  const elapsed = Date.now() - started;
  t.comment(`${responses.length} requests in ${elapsed} ms`);
  const failures = responses.filter(({ response }) => response.status !== 200);
  t.same(
    failures.map(({ task, response }) => `${task.key}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`),
    [],
    'every request succeeded (the retry on the other API got the same answer)',
  );

  let doneCount = 0;
  for (const task of completable) {
    const detail = await request(apis[task.key.length % 2]!, 'GET', `/api/plans/nghe-an-771/tasks/${encodeURIComponent(task.key)}`, { token: admin });
    const completions = (detail.body.events ?? []).filter((event: any) => event.type === 'completed');
    if (completions.length !== 1 || !['done', 'awaiting_confirmation'].includes(detail.body.task?.progress)) {
      t.fail(`${task.key}: progress ${detail.body.task?.progress}, ${completions.length} completion events`);
    }
    if (detail.body.task?.progress === 'done') doneCount++;
  }
  t.pass('every task completed exactly once');

  const status = await request(apis[0]!, 'GET', '/api/plans/nghe-an-771', { token: admin });
  const counts = status.body.counts;
  t.ok(doneCount > 0, `${doneCount} tasks are done (the others await confirmation)`);
  t.equal(counts.done_on_time + counts.done_late, doneCount, 'the plan status counts every done task');

  for (const process_ of processes) process_.child.kill('SIGTERM');
  const codes = await Promise.all(processes.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))])));
  t.same(codes, [0, 0, 0, 0], 'every process stops cleanly on SIGTERM');
});
