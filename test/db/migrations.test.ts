/**
 * The committed migrations must match src/db/schema.ts: a schema change without
 * `npm run db:generate` fails here instead of at someone's first start.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateDatabase, MIGRATIONS_FOLDER } from '../../src/db/migrate';
import { createProjectionActivities } from '../../src/activities/projection';
import { withPostgres } from '../helpers/postgres';
import { change, event, planVersion, taskState } from '../helpers/read-model';

const ROOT = path.resolve(__dirname, '../..');
const DRIZZLE_KIT = path.join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs');

/** Runs `drizzle-kit generate` for a schema file into a copy of the committed migrations; returns the new files. */
async function generateInto(schemaFile: string, workDir: string): Promise<{ added: string[]; output: string }> {
  const out = path.join(workDir, 'migrations');
  await cp(MIGRATIONS_FOLDER, out, { recursive: true });
  const before = new Set(await readdir(out));
  // drizzle-kit prefixes "./" to the paths it is given, so they must be relative to its cwd.
  const result = spawnSync(
    process.execPath,
    [DRIZZLE_KIT, 'generate', '--dialect', 'postgresql', '--schema', path.relative(ROOT, schemaFile), '--out', path.relative(ROOT, out)],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`drizzle-kit generate failed:\n${output}`);
  const added = (await readdir(out)).filter((name) => !before.has(name));
  return { added, output };
}

t.test('the committed migrations match schema.ts', async (t) => {
  const workDir = await mkdtemp(path.join(tmpdir(), 'kehoach-migrations-'));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  const { added, output } = await generateInto(path.join(ROOT, 'src/db/schema.ts'), workDir);
  t.same(added, [], `schema.ts changed without a new migration: run "npm run db:generate" and commit src/db/migrations\n${output}`);
  t.match(output, /No schema changes/);
});

t.test('the check notices a schema change', async (t) => {
  const workDir = await mkdtemp(path.join(tmpdir(), 'kehoach-migrations-'));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  // A copy of the schema with one more column; it needs drizzle-orm next to it to load.
  await symlink(path.join(ROOT, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
  const schema = await readFile(path.join(ROOT, 'src/db/schema.ts'), 'utf8');
  const changed = schema.replace("title: text('title').notNull(),", "title: text('title').notNull(),\n  subtitle: text('subtitle'),");
  t.not(changed, schema, 'the copy differs');
  const schemaFile = path.join(workDir, 'schema.ts');
  await writeFile(schemaFile, changed);
  const { added } = await generateInto(schemaFile, workDir);
  t.ok(
    added.some((name) => name.endsWith('.sql')),
    'a new migration would be generated',
  );
});

t.test('migrations apply to an empty database, and again without harm', async (t) => {
  const { url, sql } = await withPostgres(t);
  await migrateDatabase(url);
  await Promise.all([migrateDatabase(url), migrateDatabase(url)]);
  const rows = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
  t.same(
    rows.map((row) => row.table_name),
    [
      'agencies',
      'api_tokens',
      'deliveries',
      'escalations',
      'idempotency_records',
      'notifications',
      'plan_calendars',
      'plan_documents',
      'plan_reconciliations',
      'plan_spec_sets',
      'plan_specs',
      'plan_versions',
      'plans',
      'task_events',
      'tasks',
    ],
  );
  const [applied] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  t.equal(applied?.n, journal.entries.length, 'each migration recorded once');
});

t.test('0006 takes the calendar out of task states recorded before it, and nothing else', async (t) => {
  const { db, sql } = await withPostgres(t);
  const projection = createProjectionActivities(db);
  await projection.recordPlanVersion(planVersion(1));
  const state = taskState({ taskId: 't01' }, { seq: 1, progress: 'in_progress', updatedAt: '2022-11-07T03:00:00Z' });
  await projection.recordTaskChange(change(state, [event(state, 'started', '2022-11-07T03:00:00Z')]));
  const [stored] = await sql<{ state: object }[]>`select state from tasks`;
  // A row as the projection wrote it before 0006: the calendar inside the spec.
  await sql`update tasks set state = jsonb_set(state, '{spec,calendar}', ${JSON.stringify(state.spec.calendar)}::jsonb)`;
  const [before] = await sql<{ has: boolean }[]>`select (state #> '{spec,calendar}') is not null as has from tasks`;
  t.ok(before?.has, 'the old row carries a calendar');

  await sql.unsafe(await readFile(path.join(MIGRATIONS_FOLDER, '0006_stored_state_without_calendar.sql'), 'utf8'));
  const [after] = await sql<{ state: object }[]>`select state from tasks`;
  t.same(after?.state, stored?.state, 'the row is as the projection stores it now');
});
