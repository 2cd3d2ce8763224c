/**
 * The plan store in Postgres: applied plan versions by reference. The apply path writes a
 * version's specs (content-addressed by their spec hash, the calendar stored once), its spec set
 * and its document before the plan workflow hears of it; the workflow and its activities pass
 * hashes and read pages from here. The progress of each reconciliation is kept beside them.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { CalendarData, TaskSpec } from '../plan/model';
import { canonicalJson } from '../canonical-json';
import { taskWorkflowId, type PlanStore, type ReconcileCounts, type ReconcileKind, type ReconciliationWatch } from '../domain';
import { allInOrder, type Database } from './client';
import { planCalendars, planDocuments, planReconciliations, planSpecSets, planSpecs } from './schema';

/** Rows per INSERT: well under Postgres's 65,535 parameters, small enough to keep each statement short. */
const INSERT_CHUNK = 1_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The hash of a calendar as stored: its canonical JSON. */
export function calendarHash(calendar: CalendarData): string {
  return sha256(canonicalJson(calendar));
}

/** The hash of a spec set: its workflow ids and spec hashes, in workflow id order. */
export function specSetHash(specs: readonly TaskSpec[]): string {
  const lines = specs.map((spec) => `${taskWorkflowId(spec)} ${spec.specHash}`).sort();
  return sha256(lines.join('\n'));
}

/** A spec as stored: the calendar replaced by its hash. */
export type StoredSpec = Omit<TaskSpec, 'calendar'> & { calendarHash: string };

export function storedSpec(spec: TaskSpec): { body: StoredSpec; calendar: CalendarData; calendarHash: string } {
  const { calendar, ...rest } = spec;
  const hash = calendarHash(calendar);
  return { body: { ...rest, calendarHash: hash }, calendar, calendarHash: hash };
}

function chunks<T>(items: readonly T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** The channel migration 0007's trigger announces each change of a reconciliation's progress on; the payload is the plan id. */
export const RECONCILIATION_CHANNEL = 'kehoach_reconciliation';

/**
 * Who waits on which plan's reconciliation: `announce(planId)` wakes them. `listening` resolves
 * once announcements arrive (true) or cannot (false); it is asked at each new watch.
 */
export function reconciliationWatchers(listening: () => Promise<boolean>): {
  announce(planId: string): void;
  watch(planId: string): Promise<ReconciliationWatch>;
} {
  const byPlan = new Map<string, Set<() => void>>();
  return {
    announce(planId) {
      for (const onAnnounce of byPlan.get(planId) ?? []) onAnnounce();
    },
    async watch(planId) {
      let announced = false;
      let wake: (() => void) | undefined;
      const onAnnounce = () => {
        announced = true;
        wake?.();
      };
      // Registered before listening is confirmed, so nothing announced from here on is missed.
      const waiters = byPlan.get(planId) ?? new Set();
      byPlan.set(planId, waiters.add(onAnnounce));
      const live = await listening();
      return {
        live,
        async changed(ms) {
          if (!announced) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(() => wake?.(), ms);
              wake = () => {
                clearTimeout(timer);
                wake = undefined;
                resolve();
              };
            });
          }
          announced = false;
        },
        close() {
          const current = byPlan.get(planId);
          current?.delete(onAnnounce);
          if (current?.size === 0) byPlan.delete(planId);
        },
      };
    },
  };
}

export function createPlanStore(db: Database): PlanStore {
  // Calendars are few and never change under their hash: read each once per process.
  const calendars = new Map<string, CalendarData>();

  // One LISTEN a process, on postgres.js's own listening connection (opened by the first watch,
  // listened on again after a reconnect, closed with the pool); a failure is tried again at the
  // next watch.
  let listening: Promise<boolean> | undefined;
  const watchers = reconciliationWatchers(
    () =>
      (listening ??= db.$client
        .listen(RECONCILIATION_CHANNEL, (planId) => watchers.announce(planId))
        .then(
          () => true,
          () => {
            listening = undefined;
            return false;
          },
        )),
  );

  async function withCalendars(bodies: StoredSpec[]): Promise<TaskSpec[]> {
    const missing = [...new Set(bodies.map((body) => body.calendarHash))].filter((hash) => !calendars.has(hash));
    if (missing.length > 0) {
      const rows = await db.select().from(planCalendars).where(inArray(planCalendars.hash, missing));
      for (const row of rows) calendars.set(row.hash, row.body as CalendarData);
    }
    return bodies.map(({ calendarHash: hash, ...rest }) => {
      const calendar = calendars.get(hash);
      if (!calendar) throw new Error(`calendar ${hash} of task ${rest.taskId} is not in plan_calendars`);
      return { ...rest, calendar } as TaskSpec;
    });
  }

  /** The rows of `to` not in `from` (start), in both with another spec (amend), of `from` not in `to` (cancel). */
  function changeCondition(kind: ReconcileKind, from: string | undefined, to: string) {
    const fromSet = from ?? '';
    if (kind === 'cancel') {
      return sql`s.set_hash = ${fromSet} and not exists (select 1 from plan_spec_sets o where o.set_hash = ${to} and o.workflow_id = s.workflow_id)`;
    }
    if (kind === 'start') {
      return sql`s.set_hash = ${to} and not exists (select 1 from plan_spec_sets o where o.set_hash = ${fromSet} and o.workflow_id = s.workflow_id)`;
    }
    return sql`s.set_hash = ${to} and exists (select 1 from plan_spec_sets o where o.set_hash = ${fromSet} and o.workflow_id = s.workflow_id and o.spec_hash <> s.spec_hash)`;
  }

  return {
    async putVersion({ contentHash, document, specs }) {
      const specSet = specSetHash(specs);
      const stored = specs.map(storedSpec);
      const calendarRows = new Map(stored.map((entry) => [entry.calendarHash, entry.calendar]));
      const specRows = new Map(stored.map((entry) => [entry.body.specHash, entry.body]));
      // Sent together (pipelined), answered in order: one round trip instead of one a statement.
      await db.transaction((tx) =>
        allInOrder([
          tx
            .insert(planCalendars)
            .values([...calendarRows].map(([hash, body]) => ({ hash, body })))
            .onConflictDoNothing(),
          ...chunks([...specRows]).map((chunk) =>
            tx
              .insert(planSpecs)
              .values(chunk.map(([hash, body]) => ({ hash, body })))
              .onConflictDoNothing(),
          ),
          ...chunks(specs).map((chunk) =>
            tx
              .insert(planSpecSets)
              .values(chunk.map((spec) => ({ setHash: specSet, workflowId: taskWorkflowId(spec), specHash: spec.specHash })))
              .onConflictDoNothing(),
          ),
          tx.insert(planDocuments).values({ contentHash, body: document }).onConflictDoNothing(),
        ]),
      );
      return { specSet, count: specs.length };
    },

    async specsOf(specSet) {
      const rows = await db
        .select({ body: planSpecs.body })
        .from(planSpecSets)
        .innerJoin(planSpecs, eq(planSpecs.hash, planSpecSets.specHash))
        .where(eq(planSpecSets.setHash, specSet))
        .orderBy(planSpecSets.workflowId);
      return withCalendars(rows.map((row) => row.body as StoredSpec));
    },

    async documentOf(contentHash) {
      const [row] = await db.select().from(planDocuments).where(eq(planDocuments.contentHash, contentHash));
      if (!row) throw new Error(`no plan document with content hash ${contentHash} in plan_documents`);
      return row.body;
    },

    async countChanges(from, to) {
      const count = async (kind: ReconcileKind) => {
        const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from plan_spec_sets s where ${changeCondition(kind, from, to)}`);
        return Number(row?.n ?? 0);
      };
      const [start, amend, cancel] = await Promise.all([count('start'), count('amend'), count('cancel')]);
      return { start, amend, cancel } satisfies ReconcileCounts;
    },

    async changesPage({ kind, from, to, after, limit }) {
      const afterCondition = after === undefined ? sql`true` : sql`s.workflow_id > ${after}`;
      if (kind === 'cancel') {
        const rows = await db.execute<{ workflow_id: string }>(
          sql`select s.workflow_id from plan_spec_sets s where ${changeCondition(kind, from, to)} and ${afterCondition} order by s.workflow_id limit ${limit}`,
        );
        return { specs: [], workflowIds: rows.map((row) => row.workflow_id) };
      }
      const rows = await db.execute<{ workflow_id: string; body: StoredSpec }>(
        sql`select s.workflow_id, p.body from plan_spec_sets s join plan_specs p on p.hash = s.spec_hash
            where ${changeCondition(kind, from, to)} and ${afterCondition} order by s.workflow_id limit ${limit}`,
      );
      return { specs: await withCalendars(rows.map((row) => row.body)), workflowIds: rows.map((row) => row.workflow_id) };
    },

    async beginReconciliation({ planId, version, counts, at }) {
      await db
        .insert(planReconciliations)
        .values({
          planId,
          version,
          total: counts.start + counts.amend + counts.cancel,
          toStart: counts.start,
          toAmend: counts.amend,
          toCancel: counts.cancel,
          beganAt: new Date(at),
        })
        .onConflictDoNothing();
    },

    async recordProgress({ planId, version, progress, lastError, finishedAt }) {
      await db
        .update(planReconciliations)
        .set({
          ...progress,
          lastError: lastError ?? null,
          // The first stamp stays: the page that made the last change, before the plan workflow's own.
          ...(finishedAt ? { finishedAt: sql`coalesce(${planReconciliations.finishedAt}, ${finishedAt}::timestamptz)` } : {}),
        })
        .where(and(eq(planReconciliations.planId, planId), eq(planReconciliations.version, version)));
    },

    async recordFailure({ planId, version, message }) {
      await db
        .update(planReconciliations)
        .set({ lastError: message })
        .where(and(eq(planReconciliations.planId, planId), eq(planReconciliations.version, version)));
    },

    async reconciliation(planId, version) {
      const [row] = await db
        .select()
        .from(planReconciliations)
        .where(
          version === undefined
            ? eq(planReconciliations.planId, planId)
            : and(eq(planReconciliations.planId, planId), eq(planReconciliations.version, version)),
        )
        .orderBy(desc(planReconciliations.version))
        .limit(1);
      if (!row) return undefined;
      return {
        planId: row.planId,
        version: row.version,
        total: row.total,
        toStart: row.toStart,
        toAmend: row.toAmend,
        toCancel: row.toCancel,
        started: row.started,
        amended: row.amended,
        cancelled: row.cancelled,
        errors: row.errors,
        ...(row.lastError ? { lastError: row.lastError } : {}),
        beganAt: row.beganAt.toISOString(),
        ...(row.finishedAt ? { finishedAt: row.finishedAt.toISOString() } : {}),
      };
    },

    watchReconciliation: (planId) => watchers.watch(planId),
  };
}
