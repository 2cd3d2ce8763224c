/**
 * Hostile plan files: each is refused in bounded time with a diagnostic at a position (or, for
 * the long valid chain, accepted), never a crash, a hang or gigabytes of memory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { loadPlanFile, loadPlanText } from '../../src/plan/load';
import { closest } from '../../src/plan/validate';
import { hostileCases } from '../helpers/hostile-plans';

// These tests assert the English messages (today's texts, and the .expected fixtures);
// test/plan/validate-language.test.ts holds the Vietnamese default to the same positions and codes.
process.env.KEHOACH_LANG = 'en';

// Generous for a shared CI machine (the accepted 5,000-task chain takes about 5 s alone, since it is
// compiled for the timetable-year warnings); before these bounds some cases crashed or took minutes.
const BOUND_MS = 30_000;

t.test('every hostile plan is answered in bounded time, with a positioned diagnostic', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kehoach-hostile-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const hostile of hostileCases()) {
    const started = Date.now();
    const heapBefore = process.memoryUsage().heapUsed;
    let result: { plan?: unknown; diagnostics: { code: string; severity: string; line: number; col: number; message: string }[] };
    if (typeof hostile.text === 'string') {
      result = loadPlanText(hostile.text, 'hostile.yaml');
    } else {
      const file = path.join(dir, 'hostile.yaml');
      await writeFile(file, hostile.text);
      result = await loadPlanFile(file);
    }
    const elapsed = Date.now() - started;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    t.ok(elapsed < BOUND_MS, `${hostile.name}: answered in ${elapsed} ms`);
    t.ok(heapGrowth < 500e6, `${hostile.name}: heap grew ${Math.round(heapGrowth / 1e6)} MB`);
    if (hostile.valid) {
      t.ok(result.plan, `${hostile.name}: accepted`);
      t.same(errors, [], `${hostile.name}: no errors`);
      continue;
    }
    t.notOk(result.plan, `${hostile.name}: refused`);
    t.ok(errors.length > 0, `${hostile.name}: with an error`);
    if (hostile.code)
      t.ok(
        errors.some((e) => e.code === hostile.code),
        `${hostile.name}: ${hostile.code} among ${[...new Set(errors.map((e) => e.code))].join(', ')}`,
      );
    t.ok(
      errors.every((e) => e.message.length < 2000),
      `${hostile.name}: messages stay readable`,
    );
  }
});

t.test('the diagnostics say where and what to do', async (t) => {
  const byName = new Map(hostileCases().map((c) => [c.name, c]));
  const check = (name: string) => loadPlanText(byName.get(name)!.text as string, 'hostile.yaml').diagnostics.filter((d) => d.severity === 'error');
  t.match(check('billion-laughs alias bomb'), [{ line: 3, code: 'yaml-aliases', message: /aliases .* expand to more than 1000/ }]);
  t.match(check('NUL byte in a title'), [{ line: 3, col: 8, code: 'control-character', message: /NUL character/ }]);
  t.match(check('year 0050'), [{ code: 'unsupported-year', message: /from 1900 to 2200/ }]);
  t.match(check('recurrence × units bomb (700 units, weekly for 10 years)'), [
    { code: 'too-many-task-workflows', message: /task 'bao-cao' alone makes/ },
  ]);
  const cycle = check('cycle through 3,000 tasks');
  t.equal(cycle.length, 1, 'one cycle, reported once');
  t.match(cycle[0]?.message, /t0 → t1 → t2 → t3 → t4 → … \(2991 more\) → /);
});

t.test('closest() stays cheap on long words and many candidates', async (t) => {
  const candidates = Array.from({ length: 5000 }, (_, i) => `${'q'.repeat(60)}${i}`);
  const started = Date.now();
  for (let i = 0; i < 200; i++) closest(`${'q'.repeat(60)}x${i}`, candidates);
  t.ok(Date.now() - started < 10_000, `200 lookups over 5,000 candidates in ${Date.now() - started} ms`);
  t.equal(closest('x'.repeat(100), ['x'.repeat(99)]), undefined, 'no suggestions for words no one types');
  t.equal(closest('so-tu-phep', ['so-tu-phap', 'cong-an-tinh']), 'so-tu-phap');
});
