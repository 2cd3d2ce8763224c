/**
 * The SQL twin of the rule (src/db/task-rule-sql.ts) against the rule itself (src/domain/facts.ts):
 * many random (facts, instant) pairs, judged by Postgres in one query and by TypeScript, must give
 * the same category and deadline state. Instants are drawn around every boundary the rule has (the
 * deadline, the due-soon line, the pause start, the completion), each exactly and a millisecond
 * either side, as well as at random.
 */
import t from 'tap';
import { sql } from 'drizzle-orm';
import { categorySql, deadlineStateSql, nextJudgementChangeSql, type FactColumns } from '../../src/db/task-rule-sql';
import { categoryAt, deadlineStateAt, DEADLINE_KINDS, nextJudgementChange, PROGRESS, type TaskFacts } from '../../src/domain';
import { withPostgres } from '../helpers/postgres';

const PAIRS = 12_000;

/** mulberry32: a small seeded generator, so a failure can be replayed with the seed it prints. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.parse('2022-11-07T02:00:00.000Z');
const DAY = 86_400_000;

function randomPair(random: () => number): { facts: TaskFacts; atMs: number } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const maybe = (p: number) => random() < p;
  const around = (ms: number) => ms + Math.floor((random() - 0.5) * 20 * DAY);
  const deadline = T0 + Math.floor(random() * 60 * DAY);
  const facts: TaskFacts = { progress: pick(PROGRESS), deadlineKind: pick(DEADLINE_KINDS) };
  if (maybe(0.8)) facts.deadlineAt = new Date(deadline).toISOString();
  if (maybe(0.6)) facts.dueSoonAt = new Date(deadline - Math.floor(random() * 5 * DAY)).toISOString();
  if (maybe(0.5)) facts.pausedAt = new Date(around(deadline)).toISOString();
  // Completions land on the deadline itself often, to test "at the deadline is on time".
  if (maybe(0.5)) facts.completedAt = new Date(maybe(0.2) ? deadline : around(deadline)).toISOString();
  const boundaries = [facts.deadlineAt, facts.dueSoonAt, facts.pausedAt, facts.completedAt]
    .filter((v): v is string => v !== undefined)
    .map(Date.parse);
  const atMs = boundaries.length > 0 && maybe(0.7) ? pick(boundaries) + pick([-1, 0, 0, 1]) : around(deadline);
  return { facts, atMs };
}

t.test('the SQL rule equals the pure rule on random facts and instants, boundaries included', async (t) => {
  const { db } = await withPostgres(t);
  const seed = Number(process.env.RULE_SEED ?? Date.now() % 1_000_000);
  t.comment(`seed ${seed} (RULE_SEED=${seed} replays it)`);
  const random = generator(seed);
  const pairs = Array.from({ length: PAIRS }, () => randomPair(random));

  const rows = pairs.map(({ facts, atMs }, i) => ({
    i,
    progress: facts.progress,
    kind: facts.deadlineKind,
    deadline: facts.deadlineAt ?? null,
    due: facts.dueSoonAt ?? null,
    paused: facts.pausedAt ?? null,
    completed: facts.completedAt ?? null,
    at: new Date(atMs).toISOString(),
  }));
  const columns: FactColumns = {
    progress: sql.raw('u.progress'),
    deadlineKind: sql.raw('u.kind'),
    deadlineAt: sql.raw('u.deadline'),
    dueSoonAt: sql.raw('u.due'),
    pausedAt: sql.raw('u.paused'),
    completedAt: sql.raw('u.completed'),
  };
  const at = sql.raw('u.at');
  const result = await db.execute<{ i: number; category: string | null; state: string; next: string | null }>(sql`
    select u.i, ${categorySql(columns, at)} as category, ${deadlineStateSql(columns, at)} as state,
      to_char(${nextJudgementChangeSql(columns, at)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as next
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as u(i int, progress text, kind text, deadline timestamptz, due timestamptz, paused timestamptz, completed timestamptz, at timestamptz)
    order by u.i`);
  t.equal(result.length, PAIRS, 'one query judged every pair');

  let mismatches = 0;
  const boundaryHits = { deadline: 0, dueSoon: 0, paused: 0, completed: 0 };
  for (const row of result) {
    const { facts, atMs } = pairs[row.i]!;
    for (const [name, value] of [
      ['deadline', facts.deadlineAt],
      ['dueSoon', facts.dueSoonAt],
      ['paused', facts.pausedAt],
      ['completed', facts.completedAt],
    ] as const) {
      if (value !== undefined && Date.parse(value) === atMs) boundaryHits[name] += 1;
    }
    const category = categoryAt(facts, atMs) ?? null;
    const state = deadlineStateAt(facts, atMs);
    const nextMs = nextJudgementChange(facts, atMs);
    const next = nextMs === undefined ? null : new Date(nextMs).toISOString();
    if (row.category !== category || row.state !== state || row.next !== next) {
      mismatches += 1;
      if (mismatches <= 5) {
        t.fail(`pair ${row.i}: SQL says ${row.category}/${row.state}/${row.next}, TypeScript ${category}/${state}/${next}`, {
          facts,
          instant: new Date(atMs).toISOString(),
        });
      }
    }
  }
  t.equal(mismatches, 0, `no difference in ${PAIRS} pairs`);
  for (const [name, hits] of Object.entries(boundaryHits)) t.ok(hits > 100, `the instant equals the ${name} in ${hits} pairs`);

  // Every answer the rule can give was reached, so the comparison covered each branch.
  const categories = new Set(result.map((r) => r.category));
  const states = new Set(result.map((r) => r.state));
  t.same(
    [...categories].sort(),
    [null, 'done_late', 'done_on_time', 'no_deadline', 'open_on_time', 'open_overdue'].sort((a, b) => String(a).localeCompare(String(b))),
  );
  t.same([...states].sort(), ['due_soon', 'no_deadline', 'on_track', 'overdue', 'waiting']);
});
