/**
 * The plan store in Postgres: specs by content (the calendar once), spec sets, the pages a
 * reconciliation walks through, and its progress.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { openDatabase } from '../../src/db/client';
import { createPlanStore, specSetHash } from '../../src/db/plan-store';
import { loadCalendar } from '../../src/plan/calendar-file';
import { compilePlan } from '../../src/plan/compile';
import { loadPlanText } from '../../src/plan/load';
import type { TaskSpec } from '../../src/plan/model';
import { taskWorkflowId, type PlanStore } from '../../src/domain';
import { freePort } from '../helpers/ports';
import { withPostgres, type TestPostgres } from '../helpers/postgres';

const fixture = (name: string) => path.resolve(__dirname, '..', 'fixtures', 'plans', 'valid', name);

function compile(name: string): { plan: unknown; specs: TaskSpec[] } {
  const { plan, diagnostics } = loadPlanText(readFileSync(fixture(name), 'utf8'), fixture(name));
  if (!plan) throw new Error(JSON.stringify(diagnostics));
  return { plan, specs: compilePlan(plan, loadCalendar(plan.calendar), { firstAppliedAt: '2026-03-02T02:00:00.000Z' }) };
}

let postgres: TestPostgres;
let store: PlanStore;
t.before(async () => {
  postgres = await withPostgres(t);
  store = createPlanStore(postgres.db);
});

/** Every page of one kind, `limit` at a time, as the plan workflow walks them. */
async function walk(t: Test, kind: 'start' | 'amend' | 'cancel', from: string | undefined, to: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.changesPage({ kind, ...(from ? { from } : {}), to, ...(after ? { after } : {}), limit });
    seen.push(...page.workflowIds);
    if (kind !== 'cancel') t.same(page.specs.map(taskWorkflowId), page.workflowIds, 'each page carries the specs of its workflow ids');
    if (page.workflowIds.length < limit) return seen;
    after = page.workflowIds.at(-1);
  }
}

t.test('a version is stored once by content; its specs come back whole, calendar included', async (t) => {
  const { plan, specs } = compile('drill-small.yaml');
  const first = await store.putVersion({ contentHash: 'doc-1', document: plan, specs });
  const again = await store.putVersion({ contentHash: 'doc-1', document: plan, specs });
  t.same(again, first, 'storing the same version again changes nothing');
  t.equal(first.specSet, specSetHash(specs));
  t.equal(first.count, 6);

  const back = await store.specsOf(first.specSet);
  const byId = (list: TaskSpec[]) => Object.fromEntries(list.map((spec) => [taskWorkflowId(spec), spec]));
  t.same(byId(back), byId(specs), 'the specs come back equal, calendar and all');
  t.same(await store.documentOf('doc-1'), plan);

  const [{ n: calendars }] = (await postgres.sql`select count(*)::int as n from plan_calendars`) as unknown as [{ n: number }];
  t.equal(calendars, 1, 'the calendar is stored once for the six specs');
  const [{ n: withCalendar }] = (await postgres.sql`select count(*)::int as n from plan_specs where body ? 'calendar'`) as unknown as [{ n: number }];
  t.equal(withCalendar, 0, 'no stored spec carries the calendar');
});

t.test('reconciling one set into another: pages of what to start, amend and cancel, counted alike', async (t) => {
  const v1 = compile('drill-small.yaml');
  const v2 = compile('drill-small-amended.yaml');
  const a = await store.putVersion({ contentHash: 'v1', document: v1.plan, specs: v1.specs });
  const b = await store.putVersion({ contentHash: 'v2', document: v2.plan, specs: v2.specs });

  t.same(await store.countChanges(undefined, a.specSet), { start: 6, amend: 0, cancel: 0 }, 'a first apply starts everything');
  t.same(await store.countChanges(a.specSet, a.specSet), { start: 0, amend: 0, cancel: 0 }, 'the same set changes nothing');
  t.same(await store.countChanges(a.specSet, b.specSet), { start: 1, amend: 1, cancel: 1 });

  const everything = await walk(t, 'start', undefined, a.specSet, 4);
  t.same(everything, [...everything].sort(), 'pages come in workflow id order');
  t.same([...everything].sort(), v1.specs.map(taskWorkflowId).sort(), 'pages of 4 cover all 6, each once');
  t.same(await walk(t, 'start', a.specSet, b.specSet, 1), ['task:drill-small:khai-thac-ho-tich']);
  t.same(await walk(t, 'amend', a.specSet, b.specSet, 1), ['task:drill-small:lam-sach-ho-tich']);
  t.same(await walk(t, 'cancel', a.specSet, b.specSet, 1), ['task:drill-small:tuyen-truyen']);
});

t.test('a reconciliation records its progress absolutely, its last failure until a page succeeds, and its end', async (t) => {
  const counts = { start: 5, amend: 1, cancel: 0 };
  await store.beginReconciliation({ planId: 'p', version: 1, counts, at: '2026-03-02T02:00:00.000Z' });
  await store.beginReconciliation({ planId: 'p', version: 1, counts: { start: 0, amend: 0, cancel: 0 }, at: '2026-03-02T03:00:00.000Z' });
  let status = await store.reconciliation('p');
  t.same(
    status && [status.version, status.total, status.toStart, status.toAmend, status.started, status.beganAt, status.finishedAt],
    [1, 6, 5, 1, 0, '2026-03-02T02:00:00.000Z', undefined],
    'begun once: a second begin changes nothing',
  );

  const progress = { started: 5, amended: 0, cancelled: 0, errors: 0 };
  await store.recordProgress({ planId: 'p', version: 1, progress });
  await store.recordFailure({ planId: 'p', version: 1, message: 'Temporal unreachable' });
  status = await store.reconciliation('p', 1);
  t.equal(status?.started, 5);
  t.equal(status?.lastError, 'Temporal unreachable', 'a failing page says why');
  await store.recordProgress({ planId: 'p', version: 1, progress: { ...progress, amended: 1, errors: 1 } });
  await store.recordProgress({ planId: 'p', version: 1, progress: { ...progress, amended: 1, errors: 1 } });
  status = await store.reconciliation('p', 1);
  t.same(
    status && [status.amended, status.errors, status.lastError],
    [1, 1, undefined],
    'a page written twice counts once; success clears the failure',
  );

  await store.recordProgress({ planId: 'p', version: 1, progress: { ...progress, amended: 1, errors: 1 }, finishedAt: '2026-03-02T02:01:00.000Z' });
  // The plan workflow stamps the end again after the page that made the last change did.
  await store.recordProgress({ planId: 'p', version: 1, progress: { ...progress, amended: 1, errors: 1 }, finishedAt: '2026-03-02T02:01:05.000Z' });
  await store.beginReconciliation({ planId: 'p', version: 2, counts: { start: 0, amend: 0, cancel: 2 }, at: '2026-03-02T04:00:00.000Z' });
  t.equal((await store.reconciliation('p'))?.version, 2, 'the latest version by default');
  t.equal((await store.reconciliation('p', 1))?.finishedAt, '2026-03-02T02:01:00.000Z', 'the first stamp of its end stays');
  t.equal(await store.reconciliation('never-applied'), undefined);
});

t.test('each write of a reconciliation is announced to those watching its plan, and to no one else', async (t) => {
  const watchA = await store.watchReconciliation('announced-a');
  const watchB = await store.watchReconciliation('announced-b');
  t.teardown(() => {
    watchA.close();
    watchB.close();
  });
  t.ok(watchA.live && watchB.live, 'listening');
  // A pause far longer than the test: only an announcement ends it in time.
  const LONG = 60_000;
  const wokenWithin = async (changed: Promise<void>, ms: number) =>
    Promise.race([changed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

  const counts = { start: 2, amend: 0, cancel: 0 };
  await store.beginReconciliation({ planId: 'announced-b', version: 1, counts, at: '2026-03-02T02:00:00.000Z' });
  t.ok(await wokenWithin(watchB.changed(LONG), 10_000), "B's begin wakes B's watch");
  // Announcements come in commit order on one connection: had A been told of B's write, it would be by now.
  const began = Date.now();
  await watchA.changed(300);
  t.ok(Date.now() - began >= 290, "B's write does not wake A's watch: its pause runs out");

  await store.beginReconciliation({ planId: 'announced-a', version: 1, counts, at: '2026-03-02T02:00:00.000Z' });
  const progress = { started: 2, amended: 0, cancelled: 0, errors: 0 };
  await store.recordProgress({ planId: 'announced-a', version: 1, progress, finishedAt: '2026-03-02T02:00:01.000Z' });
  t.ok(await wokenWithin(watchA.changed(LONG), 10_000), 'a write made before the wait began ends it at once');
  t.equal((await store.reconciliation('announced-a', 1))?.finishedAt, '2026-03-02T02:00:01.000Z');
  await store.recordFailure({ planId: 'announced-a', version: 1, message: 'Temporal unreachable' });
  t.ok(await wokenWithin(watchA.changed(LONG), 10_000), 'a recorded failure is announced too');
});

t.test('a watch that cannot listen says so and only pauses', async (t) => {
  const unreachable = openDatabase(`postgres://kehoach@127.0.0.1:${await freePort()}/kehoach`);
  t.teardown(() => unreachable.close());
  const watch = await createPlanStore(unreachable.db).watchReconciliation('p');
  t.teardown(() => watch.close());
  t.equal(watch.live, false, 'not live: its waiter keeps reading at pauses');
  const began = Date.now();
  await watch.changed(50);
  t.ok(Date.now() - began >= 45, 'the pause is kept');
});
