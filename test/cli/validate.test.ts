import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { englishWords, vietnameseWords } from '../helpers/one-language';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = 'test/fixtures/plans';

/** Runs kehoach in English (the messages most tests assert) unless `language` says otherwise; `null` leaves KEHOACH_LANG unset. */
function kehoach(
  args: string[],
  cwd = ROOT,
  input?: string,
  language: string | null = 'en',
): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.KEHOACH_LANG;
  if (language !== null) env.KEHOACH_LANG = language;
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'kehoach.js'), ...args], { cwd, encoding: 'utf8', input, env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

t.test('a valid plan: exit 0 and a summary', async (t) => {
  const result = kehoach(['validate', `${FIXTURES}/valid/minimal.yaml`]);
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stdout, '1 file checked: all valid; 0 errors, 0 warnings\n');
});

t.test('the shipped plans in plans/ are valid (the default path)', async (t) => {
  const result = kehoach(['validate']);
  t.equal(result.status, 0, result.stdout);
  t.match(result.stdout, /files? checked: all valid; 0 errors/);
});

t.test('many files at once: every problem of every file, then the summary', async (t) => {
  const files = ['unknown-lead', 'cycle-depends-on', 'calendar-year-missing'].map((name) => `${FIXTURES}/invalid/${name}.yaml`);
  const result = kehoach(['validate', ...files, `${FIXTURES}/valid/minimal.yaml`]);
  t.equal(result.status, 1);
  const lines = result.stdout.trimEnd().split('\n');
  // Files in the order given; within a file, in document order.
  t.match(lines[0], /^test\/fixtures\/plans\/invalid\/unknown-lead\.yaml:24:11: error: the lead \(cơ quan chủ trì\) of task 't01' is 'so-tu-phapp'/);
  t.match(lines[1], /^test\/fixtures\/plans\/invalid\/cycle-depends-on\.yaml:32:17: error: dependency cycle \(vòng phụ thuộc\): t03 → t07 → t03;/);
  t.match(lines[2], /^test\/fixtures\/plans\/invalid\/calendar-year-missing\.yaml:26:15: warning: the deadline of task 't01' falls in 2031/);
  t.equal(lines[3], '4 files checked: 2 invalid; 2 errors, 1 warning');
  t.equal(lines.length, 4);
});

t.test('a directory expands to its plan files', async (t) => {
  const result = kehoach(['validate', `${FIXTURES}/invalid`]);
  t.equal(result.status, 1);
  const summary = result.stdout.trimEnd().split('\n').pop()!;
  t.match(summary, /^\d+ files checked: \d+ invalid; \d+ errors, \d+ warnings$/);
  t.match(result.stdout, /yaml-syntax\.yaml:\d+:\d+: error: YAML syntax/);
  t.match(result.stdout, /missing-schema-comment\.yaml:1:1: warning: /);
});

t.test('warnings alone keep exit 0', async (t) => {
  const result = kehoach(['validate', `${FIXTURES}/invalid/missing-schema-comment.yaml`]);
  t.equal(result.status, 0);
  t.match(result.stdout, /1 file checked: all valid; 0 errors, 1 warning\n$/);
});

t.test('--json prints the diagnostics as data', async (t) => {
  const result = kehoach(['validate', '--json', `${FIXTURES}/invalid/unknown-key-typo.yaml`, `${FIXTURES}/valid/minimal.yaml`]);
  t.equal(result.status, 1);
  const diagnostics = JSON.parse(result.stdout) as unknown[];
  t.same(diagnostics, [
    {
      file: `${FIXTURES}/invalid/unknown-key-typo.yaml`,
      line: 26,
      col: 5,
      severity: 'error',
      code: 'unknown-key',
      message: "unknown key 'deadlin' in task 't01'; did you mean 'deadline'?",
    },
  ]);
  const valid = kehoach(['validate', `${FIXTURES}/valid/minimal.yaml`, '--json']);
  t.equal(valid.status, 0);
  t.same(JSON.parse(valid.stdout), []);
});

t.test('usage errors exit 2 and say what is wrong', async (t) => {
  const unknownFlag = kehoach(['validate', '--strict']);
  t.equal(unknownFlag.status, 2);
  t.match(unknownFlag.stderr, /unknown option "--strict"/);
  t.equal(unknownFlag.stdout, '');

  const missing = kehoach(['validate', 'plans/does-not-exist.yaml']);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /path not found: plans\/does-not-exist\.yaml/);

  const dir = mkdtempSync(join(tmpdir(), 'kehoach-validate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'README.md'), '');
  const empty = kehoach(['validate', dir]);
  t.equal(empty.status, 2);
  t.match(empty.stderr, /no plan files/);

  const help = kehoach(['validate', '--help']);
  t.equal(help.status, 0);
  t.match(help.stdout, /Usage: kehoach validate/);
});

t.test('paths are relative to the working directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kehoach-validate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(ROOT, FIXTURES, 'invalid', 'unknown-lead.yaml'), join(dir, 'plan.yaml'));
  const result = kehoach(['validate', 'plan.yaml'], dir);
  t.equal(result.status, 1);
  const lines = result.stdout.split('\n');
  t.match(
    lines[0],
    /^plan\.yaml:1:1: warning: the editor schema comment points at '\.\.\/\.\.\/\.\.\/\.\.\/plans\/plan\.schema\.json', which does not exist from this file's folder/,
  );
  t.match(lines[1], /^plan\.yaml:24:11: error: /);
});

t.test('"-" reads one plan from standard input', async (t) => {
  const text = readFileSync(join(ROOT, FIXTURES, 'invalid', 'unknown-lead.yaml'), 'utf8');
  const result = kehoach(['validate', '-'], ROOT, text);
  t.equal(result.status, 1);
  t.match(result.stdout, /^<stdin>:24:11: error: the lead \(cơ quan chủ trì\)/);
  t.match(result.stdout, /1 file checked: 1 invalid; 1 error, 0 warnings\n$/);
});

t.test('one language per run: Vietnamese by default, English with KEHOACH_LANG=en, at the same places', async (t) => {
  const files = ['unknown-lead', 'yaml-syntax', 'missing-schema-comment'].map((name) => `${FIXTURES}/invalid/${name}.yaml`);
  const vietnamese = kehoach(['validate', ...files], ROOT, undefined, null);
  const english = kehoach(['validate', ...files], ROOT, undefined, 'en');
  t.equal(vietnamese.status, 1);
  t.equal(english.status, 1);
  const viLines = vietnamese.stdout.trimEnd().split('\n');
  const enLines = english.stdout.trimEnd().split('\n');
  const viSummary = viLines.pop()!;
  const enSummary = enLines.pop()!;
  t.equal(viSummary, 'Đã kiểm tra 3 tệp: 2 tệp không hợp lệ; 2 lỗi, 1 cảnh báo');
  t.equal(enSummary, '3 files checked: 2 invalid; 2 errors, 1 warning');
  t.same(englishWords(viSummary), []);
  t.same(vietnameseWords(enSummary), []);
  t.equal(viLines.length, 3);
  const place = (line: string) => /^[^:]+:\d+:\d+: (error|warning): /.exec(line)?.[0];
  t.same(viLines.map(place), enLines.map(place), 'the same file:line:col: severity in both');
  t.match(viLines[0], /unknown-lead\.yaml:24:11: error: cơ quan chủ trì của nhiệm vụ 't01' là 'so-tu-phapp'/);
  t.match(viLines[1], /^test\/fixtures\/plans\/invalid\/yaml-syntax\.yaml:\d+:\d+: error: Cú pháp YAML: /);
  for (const line of viLines) t.same(englishWords(line.slice(place(line)!.length)), [], `no English in: ${line}`);
  for (const line of enLines) t.same(vietnameseWords(line.slice(place(line)!.length)), [], `no Vietnamese in: ${line}`);
  t.ok(englishWords(enLines.join(' ')).length > 0, 'the English run is English');

  const json = JSON.parse(kehoach(['validate', '--json', files[0]!], ROOT, undefined, null).stdout) as { message: string }[];
  t.match(json, [{ message: /^cơ quan chủ trì/ }], '--json carries the same messages');
});

t.test('usage errors and the help in Vietnamese by default', async (t) => {
  const unknownFlag = kehoach(['validate', '--strict'], ROOT, undefined, null);
  t.equal(unknownFlag.status, 2);
  t.match(unknownFlag.stderr, /không có tuỳ chọn "--strict"/);
  t.same(englishWords(unknownFlag.stderr.split('\n')[0]!), [], 'the usage error is Vietnamese');
  const missing = kehoach(['validate', 'plans/does-not-exist.yaml'], ROOT, undefined, null);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /không tìm thấy đường dẫn: plans\/does-not-exist\.yaml/);
  t.match(missing.stderr, /Cách dùng: kehoach validate/);
  const help = kehoach(['validate', '--help'], ROOT, undefined, null);
  t.equal(help.status, 0);
  t.match(help.stdout, /^Cách dùng: kehoach validate/);
  t.notMatch(help.stdout, /Usage|Options|Exit status/);
});
