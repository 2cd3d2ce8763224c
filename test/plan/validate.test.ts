import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanFile, loadPlanText } from '../../src/plan/load';
import { closest } from '../../src/plan/validate';

// These tests assert the English messages (today's texts, and the .expected fixtures);
// test/plan/validate-language.test.ts holds the Vietnamese default to the same positions and codes.
process.env.KEHOACH_LANG = 'en';

const INVALID_DIR = join(__dirname, '..', 'fixtures', 'plans', 'invalid');
const VALID_DIR = join(__dirname, '..', 'fixtures', 'plans', 'valid');

const fixtures = readdirSync(INVALID_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

t.test('there is a fixture for every check, each with its expected diagnostics', async (t) => {
  t.ok(fixtures.length >= 24, `${fixtures.length} fixtures`);
  for (const name of fixtures) {
    t.ok(readdirSync(INVALID_DIR).includes(name.replace(/\.yaml$/, '.expected')), `${name} has a .expected file`);
  }
});

for (const name of fixtures) {
  t.test(`fixture ${name}`, async (t) => {
    const file = join(INVALID_DIR, name);
    const expected = readFileSync(file.replace(/\.yaml$/, '.expected'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const { plan, diagnostics } = await loadPlanFile(file);
    const actual = diagnostics.map((d) => `${d.line}:${d.col}: ${d.severity}: ${d.message}`);
    t.same(actual, expected, 'exact line:col, severity and message');
    t.ok(
      diagnostics.every((d) => d.file === file),
      'diagnostics name the file',
    );
    const hasError = diagnostics.some((d) => d.severity === 'error');
    t.equal(plan === undefined, hasError, 'a plan is returned exactly when there is no error');
    t.equal(expected.length > 0, true, 'one mistake gives at least one diagnostic');
  });
}

t.test('the valid fixtures load without any diagnostic', async (t) => {
  for (const name of readdirSync(VALID_DIR).filter((entry) => entry.endsWith('.yaml'))) {
    const { plan, diagnostics } = await loadPlanFile(join(VALID_DIR, name));
    t.same(diagnostics, [], name);
    t.ok(plan, name);
  }
});

t.test('diagnostic codes name the kind of problem', async (t) => {
  const codes = new Map<string, string>();
  for (const name of fixtures) {
    const { diagnostics } = await loadPlanFile(join(INVALID_DIR, name));
    codes.set(name, diagnostics[0]!.code);
  }
  t.equal(codes.get('yaml-syntax.yaml'), 'yaml-syntax');
  t.equal(codes.get('unknown-key-typo.yaml'), 'unknown-key');
  t.equal(codes.get('missing-key-lead.yaml'), 'missing-key');
  t.equal(codes.get('mistyped-boolean.yaml'), 'invalid-value');
  t.equal(codes.get('duplicate-task-id.yaml'), 'duplicate-id');
  t.equal(codes.get('unknown-lead.yaml'), 'unknown-reference');
  t.equal(codes.get('cycle-depends-on.yaml'), 'dependency-cycle');
  t.equal(codes.get('impossible-date.yaml'), 'impossible-date');
  t.equal(codes.get('deadline-before-issue.yaml'), 'deadline-before-issue');
  t.equal(codes.get('ladder-not-increasing.yaml'), 'ladder-order');
  t.equal(codes.get('reminders-not-ordered.yaml'), 'reminder-order');
  t.equal(codes.get('calendar-year-missing.yaml'), 'calendar-year');
  t.equal(codes.get('missing-schema-comment.yaml'), 'schema-comment');
});

/** A small valid plan as text, to which a test applies one edit. */
const MINIMAL = readFileSync(join(VALID_DIR, 'minimal.yaml'), 'utf8');

function edited(from: string, to: string): string {
  if (!MINIMAL.includes(from)) throw new Error(`minimal.yaml no longer contains ${JSON.stringify(from)}`);
  return MINIMAL.replace(from, to);
}

t.test('every YAML syntax error is reported, not only the first', async (t) => {
  const text = edited('title: Kế hoạch thử nghiệm', 'title: Kế hoạch: thử nghiệm').replace('output: Báo cáo kết quả', 'output: Báo cáo: kết quả');
  const { plan, diagnostics } = loadPlanText(text, 'two-errors.yaml');
  t.equal(plan, undefined);
  // Each error points at the start of the value that contains the stray ": ".
  const at = (needle: string): [number, number, string] => {
    const lines = text.split('\n');
    const index = lines.findIndex((line) => line.includes(needle));
    return [index + 1, lines[index]!.indexOf(needle) + 1, 'yaml-syntax'];
  };
  t.same(
    diagnostics.map((d) => [d.line, d.col, d.code]),
    [at('Kế hoạch: thử'), at('Báo cáo: kết')],
  );
});

t.test('several independent mistakes in one file are all reported, in document order', async (t) => {
  const text = edited('kind: police', 'kind: polise')
    .replace('lead: cong-an-tinh', 'lead: cong-an')
    .replace('deadline: 2022-12-25', 'deadline: 2022-13-01');
  const { diagnostics } = loadPlanText(text, 'many.yaml');
  t.same(
    diagnostics.map((d) => `${d.line}:${d.code}`),
    ['15:invalid-value', '22:unknown-reference', '23:impossible-date'],
  );
  t.match(diagnostics[2]!.message, /there is no month 13/);
});

t.test('deadline forms that are valid pass, including after a task not listed in dependsOn', async (t) => {
  const text = edited(
    '    output: Báo cáo kết quả\n',
    [
      '    output: Báo cáo kết quả',
      '  - id: t02',
      '    title: Bước tiếp theo',
      '    lead: ubnd-tinh',
      '    deadline: { within: 3 working days, after: t01 }',
      '    output: Văn bản',
      '  - id: t03',
      '    title: Thường xuyên',
      '    lead: ubnd-tinh',
      '    deadline: none',
      '    output: Báo cáo',
      '  - id: t04',
      '    title: Báo cáo tháng',
      '    lead: cong-an-tinh',
      '    recurrence: { every: month, day: 20, from: 2022-12-01, until: 2023-06-30 }',
      '    output: Báo cáo',
      '  - id: t05',
      '    title: Họp giao ban',
      '    lead: cong-an-tinh',
      '    deadline: 2022-11-30T17:00',
      '    output: Biên bản',
      '',
    ].join('\n'),
  );
  const { plan, diagnostics } = loadPlanText(text, 'forms.yaml');
  t.same(diagnostics, []);
  t.equal(plan?.tasks.length, 5);
  t.same(plan?.tasks[1]?.deadline, { within: '3 working days', after: 't01' });
  t.same(plan?.tasks[1]?.dependsOn, [], 'defaults are filled in');
});

t.test('a cycle through three tasks is named in full, once', async (t) => {
  const tasks = ['a', 'b', 'c'].map((id, index, all) =>
    [
      `  - id: ${id}`,
      `    title: Nhiệm vụ ${id}`,
      '    lead: ubnd-tinh',
      `    dependsOn: [${all[(index + 1) % all.length]}]`,
      '    deadline: none',
      '    output: Báo cáo',
    ].join('\n'),
  );
  const text = MINIMAL.slice(0, MINIMAL.indexOf('tasks:')) + `tasks:\n${tasks.join('\n')}\n`;
  const { diagnostics } = loadPlanText(text, 'cycle.yaml');
  t.equal(diagnostics.length, 1);
  t.match(diagnostics[0]!.message, /a → b → c → a/);
  t.equal(diagnostics[0]!.line, text.split('\n').findIndex((line) => line.includes('dependsOn: [a]')) + 1, 'at the edge that closes the cycle');
});

t.test('equal ladder delays are rejected; a working day and a day compare as equal', async (t) => {
  const text = edited(
    'tasks:',
    [
      'escalation:',
      '  ladder:',
      '    - { after: 1 working day, to: lead_head, action: Nhắc nhở }',
      '    - { after: 1 day, to: chair, action: Báo cáo Tổ trưởng }',
      'tasks:',
    ].join('\n'),
  );
  const { diagnostics } = loadPlanText(text, 'ladder.yaml');
  t.same(
    diagnostics.map((d) => d.code),
    ['ladder-order'],
  );
});

t.test('a role given as a contact and a ladder pointing at a custom role are accepted', async (t) => {
  const text = edited(
    '  chair: { agency: ubnd-tinh }',
    ['  chair: { contact: { name: Nguyễn Văn A, channel: email, address: chutich@example.vn } }', '  leader: { agency: ubnd-tinh }'].join('\n'),
  ).replace(
    '    output: Báo cáo kết quả',
    [
      '    output: Báo cáo kết quả',
      '    escalation:',
      '      ladder:',
      '        - { after: 0 working days, to: { role: leader }, action: Đôn đốc }',
      '        - { after: 2 hours, to: { agency: ubnd-tinh }, action: Yêu cầu giải trình }',
    ].join('\n'),
  );
  const { plan, diagnostics } = loadPlanText(text, 'roles.yaml');
  t.same(diagnostics, []);
  t.ok(plan);
});

t.test('anchors and aliases are checked as the values they stand for', async (t) => {
  const shared = edited('roles:', 'escalation: &policy\n  reminders: [2 working days]\nroles:').replace(
    '    output: Báo cáo kết quả',
    '    output: Báo cáo kết quả\n    escalation: *policy\n    support: &both [ubnd-tinh]',
  );
  const valid = loadPlanText(shared, 'aliases.yaml');
  t.same(valid.diagnostics, []);
  t.same(valid.plan?.tasks[0]?.escalation, { reminders: ['2 working days'] });
  const broken = loadPlanText(shared.replace('reminders: [2 working days]', 'reminders: [2 workdays]'), 'aliases.yaml');
  t.ok(broken.diagnostics.length >= 1);
  t.ok(
    broken.diagnostics.every((d) => d.code === 'invalid-value' && d.line === 17),
    'reported at the anchored value',
  );
});

t.test('an empty file and a file that is not a mapping say what to write', async (t) => {
  const empty = loadPlanText('', 'empty.yaml');
  t.same(
    empty.diagnostics.map((d) => d.code),
    ['empty-plan'],
  );
  const list = loadPlanText('- a\n- b\n', 'list.yaml');
  t.same(
    list.diagnostics.map((d) => [d.line, d.col, d.code]),
    [[1, 1, 'invalid-value']],
  );
  t.match(list.diagnostics[0]!.message, /must be a mapping/);
});

t.test('closest() suggests near misses only', async (t) => {
  t.equal(closest('deadlin', ['deadline', 'dependsOn']), 'deadline');
  t.equal(closest('dependson', ['deadline', 'dependsOn']), 'dependsOn');
  t.equal(closest('owner', ['id', 'code', 'title']), undefined);
});

t.test('per-unit targets and units within an agency', async (t) => {
  const withUnits = (units: string, target: string): string =>
    edited('    output: Báo cáo kết quả\n', `    output: Báo cáo kết quả\n    units: ${units}\n    target: ${target}\n`).replace(
      'kind: police\n',
      'kind: police\n  - { id: huyen-a, name: UBND huyện A, kind: district_committee, parent: ubnd-tinh }\n  - { id: xa-a1, name: UBND xã A1, kind: commune_committee, parent: huyen-a }\n',
    );
  const ok = loadPlanText(
    withUnits('{ kind: commune_committee, within: ubnd-tinh }', '{ metric: sổ, unit: sổ, perUnit: [{ agency: xa-a1, value: 12 }] }'),
    'ok.yaml',
  );
  t.same(ok.diagnostics, []);

  const noUnits = loadPlanText(
    edited(
      '    output: Báo cáo kết quả\n',
      '    output: Báo cáo kết quả\n    target: { metric: sổ, unit: sổ, value: 3, perUnit: [{ agency: cong-an-tinh, value: 1 }] }\n',
    ),
    'no-units.yaml',
  );
  t.same(
    noUnits.diagnostics.map((d) => d.code),
    ['target-per-unit'],
  );
  t.match(noUnits.diagnostics[0]!.message, /has 'perUnit' targets but no 'units'/);

  const noValue = loadPlanText(
    edited('    output: Báo cáo kết quả\n', '    output: Báo cáo kết quả\n    target: { metric: sổ, unit: sổ }\n'),
    'no-value.yaml',
  );
  t.match(
    noValue.diagnostics.map((d) => d.message),
    [/the target of task 't01' has no 'value'; add `value: 100`/],
  );

  const twice = loadPlanText(
    withUnits('[xa-a1]', '{ metric: sổ, unit: sổ, value: 3, perUnit: [{ agency: xa-a1, value: 1 }, { agency: xa-a1, base: 9 }] }'),
    'twice.yaml',
  );
  t.match(
    twice.diagnostics.map((d) => d.message),
    [/'xa-a1' has a second target in task 't01' \(the first is on line \d+\); keep one/],
  );

  const unknownWithin = loadPlanText(withUnits('{ kind: commune_committee, within: tinh }', '{ metric: sổ, unit: sổ, value: 3 }'), 'within.yaml');
  t.match(
    unknownWithin.diagnostics.map((d) => d.message),
    [/the units of task 't01' are within 'tinh', which is not an agency of this plan/],
  );

  const empty = loadPlanText(withUnits('{ kind: commune_committee, within: cong-an-tinh }', '{ metric: sổ, unit: sổ, value: 3 }'), 'empty.yaml');
  t.match(
    empty.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [/^empty-units: .*kind 'commune_committee' within 'cong-an-tinh', but the plan has none/],
  );
});
