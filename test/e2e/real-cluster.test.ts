/**
 * The production topology, run: the Temporal server itself (built from the Go module proxy, not the
 * dev server) on Postgres persistence set up with Temporal's own SQL tool, two `kehoach worker`
 * and two `kehoach api` processes, a plan applied, a burst of completions during which one worker
 * is killed with SIGKILL and replaced. Every accepted completion is recorded exactly once.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createToken } from '../../src/db/tokens';
import { postgresEndpoint, startTemporalCluster } from '../../src/temporal/cluster';
import { withPostgres } from '../helpers/postgres';
import { freePort, freePortBelow } from '../helpers/ports';
import { request, waitForHealthy } from '../helpers/http';
import { repoRoot, startKehoach } from '../helpers/kehoach-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A cluster of four services on a busy 2-core machine needs more than the suite's 5 minutes.
t.setTimeout(900_000);

t.test('kehoach on a real Temporal cluster with Postgres persistence', { timeout: 900_000 }, async (t) => {
  // One Postgres holds the cluster and kehoach here (deploy/ gives each its own). Its default 100
  // connections are too few: the cluster's services reached 38 and five kehoach processes (APIs up
  // to 11, workers up to 20) 57, 95 in all; a refused connection is an outage this test is not about.
  const postgres = await withPostgres(t, { maxConnections: 300 });
  const workDir = await mkdtemp(path.join(tmpdir(), 'kehoach-cluster-'));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  const internalPorts: number[] = [];
  // The cluster stores its members' ports in a smallint column: keep them below 32768.
  for (let i = 0; i < 8; i++) internalPorts.push(await freePortBelow(32_768));
  const cluster = await startTemporalCluster({
    postgres: postgresEndpoint(postgres.url),
    workDir,
    frontendPort: await freePort(),
    internalPorts,
  });
  t.teardown(() => cluster.stop());
  t.pass(`the Temporal server answers at ${cluster.address} with its schema in Postgres`);

  const tables = await postgres.sql<{ datname: string }[]>`select datname from pg_database where datname like 'temporal%' order by datname`;
  t.same(
    tables.map((row) => row.datname),
    ['temporal', 'temporal_visibility'],
    "the cluster's history and visibility live in Postgres",
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: cluster.namespace,
  };
  delete env.KEHOACH_URL;
  const workers = [startKehoach(['worker'], env), startKehoach(['worker'], env)];
  const apiPorts = [await freePort(), await freePort()];
  const apis = apiPorts.map((port) => startKehoach(['api'], { ...env, PORT: String(port), HOST: '127.0.0.1' }));
  const everyProcess = () => [...workers, ...apis];
  t.teardown(() => {
    for (const { child } of everyProcess()) if (child.exitCode === null) child.kill('SIGKILL');
  });
  const urls = apiPorts.map((port) => `http://127.0.0.1:${port}`);
  for (const [index, url] of urls.entries()) await waitForHealthy(url, 120_000, () => apis[index]!.child.exitCode === null);

  const admin = (await createToken(postgres.db, { name: 'admin', role: 'admin' })).token;
  const planText = readFileSync(path.join(repoRoot, 'plans', 'nghe-an-771.yaml'), 'utf8');
  const applied = await request(urls[0]!, 'POST', '/api/plans', { token: admin, body: planText, headers: { 'content-type': 'application/yaml' } });
  t.ok([200, 202].includes(applied.status), `the plan is accepted through the first API (${applied.status})`);

  let tasks: any[] = [];
  for (let attempt = 0; attempt < 240 && tasks.length < 42; attempt++) {
    tasks = (await request(urls[1]!, 'GET', '/api/plans/nghe-an-771/tasks?limit=500', { token: admin })).body.items ?? [];
    if (tasks.length < 42) await sleep(500);
  }
  t.equal(tasks.length, 42, 'the second API sees all 42 task workflows running on the cluster');

  const staffTokens = new Map<string, string>();
  for (const lead of new Set(tasks.map((task) => task.lead as string))) {
    staffTokens.set(lead, (await createToken(postgres.db, { name: `staff ${lead}`, agency: lead, role: 'staff' })).token);
  }
  const completable = tasks.filter((task) => task.progress === 'in_progress');
  t.ok(completable.length >= 20, `a burst of ${completable.length} completions`);

  // A completion is retried with its Idempotency-Key until it is answered, as a client should do
  // when a 503 says the outcome is not known yet.
  const complete = async (task: any, index: number) => {
    const key = `cluster-burst-${index}`;
    for (let attempt = 0; attempt < 60; attempt++) {
      const response = await request(urls[(index + attempt) % 2]!, 'POST', `/api/plans/nghe-an-771/tasks/${encodeURIComponent(task.key)}/complete`, {
        token: staffTokens.get(task.lead),
        body: { note: 'burst on the cluster' },
        headers: { 'idempotency-key': key },
      });
      if (response.status !== 503) return { task, key, response };
      await sleep(1000);
    }
    throw new Error(`${task.key}: still 503 after a minute`);
  };
  const burst = Promise.all(completable.map((task, index) => complete(task, index)));
  await sleep(300);
  workers[0]!.child.kill('SIGKILL');
  await workers[0]!.exited;
  workers.push(startKehoach(['worker'], env));
  t.pass('one worker was killed with SIGKILL during the burst and a replacement started');
  const responses = await burst;
  const refused = responses.filter(({ response }) => response.status !== 200);
  t.same(
    refused.map(({ task, response }) => `${task.key}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`),
    [],
    'every completion was answered 200',
  );
  if (refused.length > 0) {
    // What the processes said about it: the requests with a refused completion's key, every warning and error.
    const keys = refused.map(({ key }) => `"${key}"`);
    for (const [name, started] of [
      ...apis.map((api, i) => [`api ${i}`, api] as const),
      ...workers.map((worker, i) => [`worker ${i}`, worker] as const),
    ]) {
      const output = started.output().split('\n');
      // A request's other lines (its answer, its errors) carry its reqId, not the key.
      const requests = output.filter((line) => keys.some((key) => line.includes(key))).map((line) => /"reqId":"([^"]+)"/.exec(line)?.[1]);
      const lines = output.filter((line) => requests.some((id) => id && line.includes(id)) || /"level":(4|5|6)0/.test(line));
      t.comment(`${name}:\n${lines.slice(-80).join('\n')}`);
    }
  }

  let doneCount = 0;
  const problems: string[] = [];
  for (const task of completable) {
    const detail = await request(urls[0]!, 'GET', `/api/plans/nghe-an-771/tasks/${encodeURIComponent(task.key)}`, { token: admin });
    const completions = (detail.body.events ?? []).filter((event: any) => event.type === 'completed');
    if (completions.length !== 1 || !['done', 'awaiting_confirmation'].includes(detail.body.task?.progress)) {
      problems.push(`${task.key}: progress ${detail.body.task?.progress}, ${completions.length} completion events`);
    }
    if (detail.body.task?.progress === 'done') doneCount++;
  }
  t.same(problems, [], 'every task completed exactly once');
  const status = await request(urls[1]!, 'GET', '/api/plans/nghe-an-771', { token: admin });
  t.equal(status.body.counts.done_on_time + status.body.counts.done_late, doneCount, 'the plan status counts every done task');

  // A task started quiet (its first workflow task delayed until its first wake): an Update runs it
  // on this server too, and the release it sends reaches its dependant, which started at once.
  const drill = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'plans', 'valid', 'drill-small.yaml'), 'utf8');
  const drillApplied = await request(urls[1]!, 'POST', '/api/plans', { token: admin, body: drill, headers: { 'content-type': 'application/yaml' } });
  t.ok([200, 202].includes(drillApplied.status), `a second plan is accepted (${drillApplied.status})`);
  const drillTask = async (taskId: string) => (await request(urls[0]!, 'GET', `/api/plans/drill-small/tasks/${taskId}`, { token: admin })).body.task;
  for (let attempt = 0; attempt < 120 && (await drillTask('so-hoa-ho-tich'))?.progress !== 'not_started'; attempt++) await sleep(500);
  const connection = await Connection.connect({ address: cluster.address });
  t.teardown(() => connection.close());
  const temporal = new Client({ connection, namespace: cluster.namespace });
  const quiet = await temporal.workflow.getHandle('task:drill-small:lam-sach-ho-tich').describe();
  t.ok(quiet.executionTime!.getTime() > Date.now() + 86_400_000, 'lam-sach-ho-tich started quiet, its first workflow task days ahead');
  const quietDone = await request(urls[0]!, 'POST', '/api/plans/drill-small/tasks/lam-sach-ho-tich/complete', { token: admin, body: {} });
  t.equal(quietDone.status, 200, 'a completion of the quiet task is answered');
  t.equal(quietDone.body.progress, 'done');
  let dependant = await drillTask('so-hoa-ho-tich');
  for (let attempt = 0; attempt < 60 && dependant?.progress !== 'in_progress'; attempt++) {
    await sleep(500);
    dependant = await drillTask('so-hoa-ho-tich');
  }
  t.equal(dependant?.progress, 'in_progress', 'its dependant was released');

  for (const started of everyProcess()) if (started.child.exitCode === null) started.child.kill('SIGTERM');
  const codes = await Promise.all(
    everyProcess()
      .filter((started) => started !== workers[0])
      .map((started) => Promise.race([started.exited, sleep(15_000).then(() => 'timeout')])),
  );
  t.same(codes, [0, 0, 0, 0], 'the surviving workers and the APIs stop cleanly on SIGTERM');
});
