import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PLAN_SCHEMA_FILE, findPlanFiles, loadPlanFile, loadPlanText, schemaPathFor } from '../../src/plan/load';

// These tests assert the English messages (today's texts, and the .expected fixtures);
// test/plan/validate-language.test.ts holds the Vietnamese default to the same positions and codes.
process.env.KEHOACH_LANG = 'en';

const MINIMAL_FILE = join(__dirname, '..', 'fixtures', 'plans', 'valid', 'minimal.yaml');
const MINIMAL = readFileSync(MINIMAL_FILE, 'utf8');

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'kehoach-load-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('loadPlanText returns the parsed plan with defaults filled in', async (t) => {
  const { plan, diagnostics } = loadPlanText(MINIMAL, 'minimal.yaml');
  t.same(diagnostics, []);
  t.equal(plan?.id, 'minimal');
  t.equal(plan?.timezone, 'Asia/Ho_Chi_Minh');
  t.same(plan?.tasks[0]?.support, []);
  t.equal(plan?.tasks[0]?.confirmation, false);
});

t.test('loadPlanText does not check the schema comment: request bodies need none', async (t) => {
  const body = MINIMAL.split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
  t.same(loadPlanText(body, 'request body').diagnostics, []);
});

t.test('positions are 1-based lines and columns of the YAML document', async (t) => {
  const text = 'id: x\ncode: "1"\ntitle: T\nissuer: I\nissuedOn: 2022-11-07\ncalendar: vn\nagencies:\n  - id: a\n    name: A\n    kind: departmen\n';
  const { diagnostics } = loadPlanText(text, 'positions.yaml');
  const kind = diagnostics.find((d) => d.code === 'invalid-value');
  t.match(kind, { file: 'positions.yaml', line: 10, col: 11, severity: 'error' });
  const missing = diagnostics.filter((d) => d.code === 'missing-key').map((d) => `${d.line}:${d.col} ${d.message.split(';')[0]}`);
  t.same(missing, ["1:1 missing key 'roles' in the plan", "1:1 missing key 'tasks' in the plan"], 'a missing key points at its mapping');
});

t.test('a plan with only warnings is returned; one with an error is not', async (t) => {
  const warned = loadPlanText(MINIMAL.replace('deadline: 2022-12-25', 'deadline: 2030-12-25'), 'warned.yaml');
  // The deadline falls in 2030 and the last ladder level in January 2031, neither announced.
  t.same(
    warned.diagnostics.map((d) => d.severity),
    ['warning', 'warning'],
  );
  t.match(warned.diagnostics[1]!.message, /^escalation level 3 of task 't01' \(\d\d\/01\/2031\) falls in 2031/);
  t.ok(warned.plan);
  const broken = loadPlanText(MINIMAL.replace('lead: cong-an-tinh', 'lead: nobody'), 'broken.yaml');
  t.equal(broken.plan, undefined);
});

t.test('calendars come from the given directory', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'test-cal.yaml'), 'name: test-cal\nweekend: [6, 7]\nyears:\n  - year: 2022\n');
  const text = MINIMAL.replace('calendar: vn', 'calendar: test-cal').replace('deadline: 2022-12-25', 'deadline: 2023-01-10');
  const result = loadPlanText(text, 'custom.yaml', { calendarsDir: dir });
  t.same(
    result.diagnostics.map((d) => d.code),
    ['calendar-year'],
    'the custom calendar covers only 2022',
  );
  t.match(result.diagnostics[0]!.message, /calendar 'test-cal' has no holiday data \(it covers 2022\)/);
  const missing = loadPlanText(MINIMAL, 'vn-missing.yaml', { calendarsDir: dir });
  t.same(
    missing.diagnostics.map((d) => d.message),
    ["calendar 'vn' does not exist in calendars/; write one of 'test-cal'"],
  );
});

t.test('a malformed calendar file is reported on the calendar line, not thrown', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'vn.yaml'), 'name: vn\nweekend: [6, 7]\n');
  const { diagnostics } = loadPlanText(MINIMAL, 'bad-calendar.yaml', { calendarsDir: dir });
  t.same(
    diagnostics.map((d) => [d.line, d.code]),
    [[MINIMAL.split('\n').indexOf('calendar: vn') + 1, 'invalid-calendar']],
  );
});

t.test('loadPlanFile reads the file, keeps its text and checks the schema comment', async (t) => {
  const loaded = await loadPlanFile(MINIMAL_FILE);
  t.equal(loaded.text, MINIMAL);
  t.same(loaded.diagnostics, []);
  t.ok(loaded.plan);

  const dir = tempDir(t);
  const file = join(dir, 'no-comment.yaml');
  writeFileSync(file, MINIMAL.split('\n').slice(1).join('\n'));
  const bare = await loadPlanFile(file);
  t.ok(bare.plan, 'a missing comment is only a warning');
  t.same(
    bare.diagnostics.map((d) => [d.line, d.col, d.severity, d.code]),
    [[1, 1, 'warning', 'schema-comment']],
  );
  t.ok(bare.diagnostics[0]!.message.endsWith(`# yaml-language-server: $schema=${schemaPathFor(file)}`));
});

t.test('schemaPathFor gives the relative path from the plan to plans/plan.schema.json', async (t) => {
  t.equal(schemaPathFor(resolve(PLAN_SCHEMA_FILE, '..', 'x.yaml')), './plan.schema.json');
  t.equal(schemaPathFor(MINIMAL_FILE), '../../../../plans/plan.schema.json');
});

t.test('an unreadable file becomes a diagnostic', async (t) => {
  const missing = join(tempDir(t), 'gone.yaml');
  const { plan, diagnostics, text } = await loadPlanFile(missing);
  t.equal(plan, undefined);
  t.equal(text, '');
  t.match(diagnostics, [{ file: missing, line: 1, col: 1, severity: 'error', code: 'unreadable' }]);
});

t.test('findPlanFiles expands directories, sorted, *.yaml and *.yml only, without the schema', async (t) => {
  const dir = tempDir(t);
  for (const name of ['b.yaml', 'a.yml', 'c.yaml', 'notes.md', 'plan.schema.json']) writeFileSync(join(dir, name), '');
  mkdirSync(join(dir, 'nested.yaml'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'd.yaml'), '');
  t.same(
    findPlanFiles([dir]),
    ['a.yml', 'b.yaml', 'c.yaml'].map((name) => join(dir, name)),
  );
  t.same(
    findPlanFiles([join(dir, 'sub', 'd.yaml'), dir, join(dir, 'b.yaml')]),
    [join(dir, 'sub', 'd.yaml'), ...['a.yml', 'b.yaml', 'c.yaml'].map((name) => join(dir, name))],
    'explicit files keep their place; duplicates appear once',
  );
  t.same(findPlanFiles([join(dir, 'absent')]), [], 'missing paths are left to the caller');
});
