/**
 * Read throughput and p99 beside a bare Fastify server, on this machine: the real API (buildApp,
 * listening on a free port, a leader's bearer token) answering GET /api/plans/:planId (the plan
 * summary) and GET /api/plans/:planId/tasks?category=…&limit=50 (a filtered list) for an applied
 * plan, and a bare Fastify server answering the same paths with the same bytes and content-type
 * (captured from one real response), both loaded by autocannon at 50 connections, interleaved.
 * autocannon runs in its own process so that the load generator does not share the servers'
 * event loop. Writes bench/results/reads.json. Run with `npm run bench:reads` (`npm run bench`
 * runs every benchmark; not part of npm test).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { count, eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { buildApp } from '../src/api/app';
import { tasks } from '../src/db/schema';
import { createToken } from '../src/db/tokens';
import { CATEGORIES } from '../src/domain';
import { nationalPlanYaml } from '../test/helpers/national-plan';
import { freePort } from '../test/helpers/ports';
import { applyPlanText, type BenchStack, runBenchmark, startBenchStack, writeResults } from './harness';

const root = path.resolve(__dirname, '..');
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_READS_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_READS_ROUNDS ?? 2);
const PROVINCE = process.env.BENCH_READS_PROVINCE !== '0';
const AUTOCANNON = require.resolve('autocannon/autocannon.js');

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** One autocannon run in a child process; its JSON summary. */
async function load(url: string, seconds: number, headers: Record<string, string> = {}): Promise<Load> {
  const args = [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(seconds), '-j'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  const { stdout } = await promisify(execFile)(process.execPath, [...args, url], { maxBuffer: 16 * 2 ** 20 });
  const result = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

/** Waits until the plan's projected rows stop growing: every task workflow has written its row. */
async function waitProjected(stack: BenchStack, planId: string): Promise<number> {
  let last = -1;
  let stable = 0;
  for (;;) {
    const [row] = await stack.database.db.select({ n: count() }).from(tasks).where(eq(tasks.planId, planId));
    const n = row?.n ?? 0;
    stable = n > 0 && n === last ? stable + 1 : 0;
    if (stable >= 4) return n;
    last = n;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const { temporal, database } = stack;
  const app = await buildApp({
    db: database,
    temporal: { client: temporal.client, connection: temporal.connection },
    config: { bodyLimit: 1_048_576, updateTimeoutMs: 10_000 },
  });
  // The same API with nothing kept: what a read costs right after its plan changed.
  const computing = await buildApp({
    db: database,
    temporal: { client: temporal.client, connection: temporal.connection },
    config: { bodyLimit: 1_048_576, updateTimeoutMs: 10_000 },
    keepAnswers: false,
  });
  const bare = Fastify();
  try {
    const cases = [{ name: 'nghe-an-771 (42 tasks)', text: readFileSync(path.join(root, 'plans', 'nghe-an-771.yaml'), 'utf8') }];
    if (PROVINCE) {
      cases.push({
        name: 'a province: 460 communes × 5 tasks (2,300 unit copies)',
        text: nationalPlanYaml({ id: 'province', tasksPerCommune: 5, counts: { provinces: 1, districts: 21, communes: 460 } }),
      });
    }
    const applied: { name: string; planId: string; rows: number }[] = [];
    for (const benchCase of cases) {
      const began = performance.now();
      const { planId } = await applyPlanText(stack, benchCase.text);
      const rows = await waitProjected(stack, planId);
      console.log(`${benchCase.name}: applied, ${rows} rows projected in ${Math.round(performance.now() - began)} ms`);
      applied.push({ name: benchCase.name, planId, rows });
    }

    const { token } = await createToken(database.db, { name: 'Lãnh đạo văn phòng (bench)', agency: null, role: 'leader' });
    const authorization = `Bearer ${token}`;
    const apiPort = await freePort();
    await app.listen({ port: apiPort, host: '127.0.0.1' });
    const computingPort = await freePort();
    await computing.listen({ port: computingPort, host: '127.0.0.1' });

    // The paths to load, and the real answer to each, which the bare server returns byte for byte.
    const targets: { plan: string; read: string; path: string }[] = [];
    for (const { name, planId } of applied) {
      targets.push({ plan: name, read: 'plan summary', path: `/api/plans/${planId}` });
      // The category with the most tasks, so that the list is as full as the limit allows.
      const summary = await app.inject({ url: `/api/plans/${planId}`, headers: { authorization } });
      const counts = (summary.json() as { counts: Record<string, number> }).counts;
      const category = [...CATEGORIES].sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0))[0]!;
      targets.push({
        plan: name,
        read: `filtered list (category=${category}, limit=50)`,
        path: `/api/plans/${planId}/tasks?category=${category}&limit=50`,
      });
    }
    const captured = new Map<string, { body: Buffer; contentType: string; items?: number }>();
    for (const target of targets) {
      const response = await fetch(`http://127.0.0.1:${apiPort}${target.path}`, { headers: { authorization } });
      if (response.status !== 200) throw new Error(`${target.path} answered ${response.status}: ${await response.text()}`);
      const body = Buffer.from(await response.arrayBuffer());
      const items = (JSON.parse(body.toString('utf8')) as { items?: unknown[] }).items?.length;
      captured.set(target.path, {
        body,
        contentType: response.headers.get('content-type') ?? 'application/json',
        ...(items === undefined ? {} : { items }),
      });
    }
    for (const [routePath, { body, contentType }] of captured) {
      bare.get(routePath.split('?')[0]!, async (_request, reply) => reply.type(contentType).send(body));
    }
    const barePort = await freePort();
    await bare.listen({ port: barePort, host: '127.0.0.1' });

    const results = [];
    for (const target of targets) {
      const apiUrl = `http://127.0.0.1:${apiPort}${target.path}`;
      const bareUrl = `http://127.0.0.1:${barePort}${target.path}`;
      // A short uncounted run of each first: JIT, connection pools, Postgres's caches.
      await load(apiUrl, 2, { authorization });
      await load(bareUrl, 2);
      const ours: Load[] = [];
      const primitive: Load[] = [];
      const keptBefore = { ...app.readCache.counts };
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 0) {
          ours.push(await load(apiUrl, SECONDS, { authorization }));
          primitive.push(await load(bareUrl, SECONDS));
        } else {
          primitive.push(await load(bareUrl, SECONDS));
          ours.push(await load(apiUrl, SECONDS, { authorization }));
        }
      }
      const kept = { served: app.readCache.counts.served - keptBefore.served, computed: app.readCache.counts.computed - keptBefore.computed };
      const computedEveryTime = await load(`http://127.0.0.1:${computingPort}${target.path}`, SECONDS, { authorization });
      for (const run of [...ours, ...primitive, computedEveryTime]) {
        if (run.non2xx > 0 || run.errors > 0) throw new Error(`${target.path}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
      }
      // Throughput: the mean of the rounds; p99: the worst round.
      const summarize = (runs: Load[]) => ({
        perSecond: Math.round(runs.reduce((sum, run) => sum + run.perSecond, 0) / runs.length),
        p50: Math.max(...runs.map((run) => run.p50)),
        p99: Math.max(...runs.map((run) => run.p99)),
        rounds: runs,
      });
      const { body, items } = captured.get(target.path)!;
      const result = {
        plan: target.plan,
        read: target.read,
        path: target.path,
        bytes: body.length,
        ...(items === undefined ? {} : { items }),
        kehoach: summarize(ours),
        keptAnswers: kept,
        nothingKept: summarize([computedEveryTime]),
        bareFastify: summarize(primitive),
        ratio: 0,
        loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
      };
      result.ratio = Number((result.kehoach.perSecond / result.bareFastify.perSecond).toFixed(3));
      results.push(result);
      console.log(
        `${target.plan}, ${target.read}, ${body.length} bytes${items === undefined ? '' : `, ${items} items`} (load ${result.loadAverage.join(' ')}):\n` +
          `  ${result.kehoach.perSecond} req/s, p99 ${result.kehoach.p99} ms — bare Fastify ${result.bareFastify.perSecond} req/s, p99 ${result.bareFastify.p99} ms — ` +
          `${result.ratio.toFixed(2)}× the req/s, p99 ${(result.kehoach.p99 / Math.max(1, result.bareFastify.p99)).toFixed(1)}×\n` +
          `  answers served from what was kept: ${kept.served}, computed: ${kept.computed}; ` +
          `with nothing kept (as right after a change): ${result.nothingKept.perSecond} req/s, p99 ${result.nothingKept.p99} ms`,
      );
      if (target.read === 'plan summary') {
        const reached = result.ratio >= 0.25 && result.kehoach.p99 < 20;
        console.log(`  target: ≥ 0.25× bare Fastify's req/s with p99 < 20 ms — ${reached ? 'reached' : 'not reached'}`);
      } else {
        console.log(`  target: ≥ 0.15× bare Fastify's req/s — ${result.ratio >= 0.15 ? 'reached' : 'not reached'}`);
      }
    }
    console.log(`Written to ${path.relative(root, writeResults('reads', results))}`);
  } finally {
    await bare.close();
    await computing.close();
    await app.close();
    await stack.stop();
  }
}

runBenchmark(main);
