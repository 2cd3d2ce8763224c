/**
 * The language of plan diagnostics: Vietnamese by default, English with KEHOACH_LANG=en or
 * `language: 'en'`. Both languages point at the same places with the same codes, and each
 * message is in one language only.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanFile, loadPlanText } from '../../src/plan/load';
import { validatePlanText } from '../../src/plan/validate';
import { englishWords, vietnameseWords } from '../helpers/one-language';

const INVALID_DIR = join(__dirname, '..', 'fixtures', 'plans', 'invalid');
const MINIMAL = readFileSync(join(__dirname, '..', 'fixtures', 'plans', 'valid', 'minimal.yaml'), 'utf8');
const fixtures = readdirSync(INVALID_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

const UNKNOWN_LEAD_VI =
  "cơ quan chủ trì của nhiệm vụ 't01' là 'so-tu-phapp', nhưng kế hoạch này không có cơ quan nào như vậy; có phải là 'so-tu-phap'?";
const UNKNOWN_LEAD_EN = "the lead (cơ quan chủ trì) of task 't01' is 'so-tu-phapp', which is not an agency of this plan; did you mean 'so-tu-phap'?";

t.beforeEach(() => {
  delete process.env.KEHOACH_LANG;
});
t.teardown(() => {
  delete process.env.KEHOACH_LANG;
});

t.test('the one-language checks below can fail', async (t) => {
  t.ok(englishWords(UNKNOWN_LEAD_EN).length > 0, 'English is seen in an English message');
  t.ok(vietnameseWords(UNKNOWN_LEAD_VI).length > 0, 'Vietnamese is seen in a Vietnamese message');
  t.same(englishWords(UNKNOWN_LEAD_VI), [], 'quoted ids are not words');
});

t.test('Vietnamese is the default', async (t) => {
  const { diagnostics } = await loadPlanFile(join(INVALID_DIR, 'unknown-lead.yaml'));
  t.same(
    diagnostics.map((d) => `${d.line}:${d.col}: ${d.severity}: ${d.message}`),
    [`24:11: error: ${UNKNOWN_LEAD_VI}`],
  );
  const text = readFileSync(join(INVALID_DIR, 'unknown-lead.yaml'), 'utf8');
  t.equal(validatePlanText(text, 'plan.yaml').diagnostics[0]?.message, UNKNOWN_LEAD_VI, 'validatePlanText too');
});

t.test('KEHOACH_LANG=en or language: en gives English; an explicit language wins over the environment', async (t) => {
  process.env.KEHOACH_LANG = 'en';
  const english = await loadPlanFile(join(INVALID_DIR, 'unknown-lead.yaml'));
  t.equal(english.diagnostics[0]?.message, UNKNOWN_LEAD_EN);
  const vietnamese = await loadPlanFile(join(INVALID_DIR, 'unknown-lead.yaml'), { language: 'vi' });
  t.equal(vietnamese.diagnostics[0]?.message, UNKNOWN_LEAD_VI);
  delete process.env.KEHOACH_LANG;
  const explicit = await loadPlanFile(join(INVALID_DIR, 'unknown-lead.yaml'), { language: 'en' });
  t.equal(explicit.diagnostics[0]?.message, UNKNOWN_LEAD_EN);
});

for (const name of fixtures) {
  t.test(`fixture ${name}: the same places and codes in both languages, each message in one language`, async (t) => {
    const vi = await loadPlanFile(join(INVALID_DIR, name), { language: 'vi' });
    const en = await loadPlanFile(join(INVALID_DIR, name), { language: 'en' });
    const where = (d: { line: number; col: number; severity: string; code: string }) => `${d.line}:${d.col} ${d.severity} ${d.code}`;
    t.same(vi.diagnostics.map(where), en.diagnostics.map(where), 'positions, severities and codes');
    t.ok(vi.diagnostics.length > 0);
    vi.diagnostics.forEach((d, index) => {
      t.not(d.message, en.diagnostics[index]!.message, 'translated');
      t.same(englishWords(d.message), [], `no English in: ${d.message}`);
      t.same(vietnameseWords(en.diagnostics[index]!.message), [], `no Vietnamese in: ${en.diagnostics[index]!.message}`);
    });
  });
}

t.test("the YAML parser's own errors get a Vietnamese sentence by their code, at the same position", async (t) => {
  const cases = [
    { text: 'a: "bad \\q escape"\n', code: 'BAD_DQ_ESCAPE', vi: 'ký tự thoát bằng dấu gạch chéo ngược trong ngoặc kép này không hợp lệ' },
    { text: 'a: 1\n---\nb: 2\n', code: 'MULTIPLE_DOCS', vi: 'mỗi tệp kế hoạch chỉ chứa một văn bản' },
    { text: 'a: &x &y 1\n', code: 'MULTIPLE_ANCHORS', vi: 'mỗi giá trị chỉ được có một neo (&tên)' },
  ];
  for (const { text, code, vi } of cases) {
    const vietnamese = validatePlanText(text, 'x.yaml', { language: 'vi' }).diagnostics;
    const english = validatePlanText(text, 'x.yaml', { language: 'en' }).diagnostics;
    t.equal(vietnamese.length, 1, code);
    t.match(vietnamese[0]!.message, `Cú pháp YAML: ${vi}`, code);
    t.same(englishWords(vietnamese[0]!.message), [], `${code}: no English`);
    t.match(english[0]!.message, /^YAML syntax: /, `${code}: English keeps yaml's sentence`);
    t.same(
      [vietnamese[0]!.line, vietnamese[0]!.col, vietnamese[0]!.code],
      [english[0]!.line, english[0]!.col, english[0]!.code],
      `${code}: same place`,
    );
  }
});

t.test('limits and zod’s own words speak the chosen language too', async (t) => {
  const control = loadPlanText(MINIMAL.replace('title: Kế hoạch thử nghiệm', 'title: "Kế hoạch\\u001b[31m"'), 'c.yaml', { language: 'vi' });
  t.match(control.diagnostics, [{ code: 'control-character', message: /^đoạn văn bản này chứa ký tự thoát \(U\+001B/ }]);
  const year = loadPlanText(MINIMAL.replace('deadline: 2022-12-25', 'deadline: 2522-12-25'), 'y.yaml', { language: 'vi' });
  t.match(year.diagnostics, [
    { code: 'unsupported-year', message: "'2522-12-25' thuộc năm 2522; kehoach chỉ xử lý ngày từ năm 1900 đến năm 2200, đề nghị kiểm tra lại năm" },
  ]);
  const unreadable = await loadPlanFile(join(INVALID_DIR, 'does-not-exist.yaml'), { language: 'vi' });
  t.match(unreadable.diagnostics, [
    { code: 'unreadable', message: 'không đọc được tệp kế hoạch: tệp không tồn tại; đề nghị kiểm tra lại đường dẫn' },
  ]);
  for (const result of [control, year, unreadable]) {
    for (const d of result.diagnostics) t.same(englishWords(d.message), [], d.message);
  }
});

t.test('a folder given as a plan file is named as such in both languages', async (t) => {
  const vi = await loadPlanFile(INVALID_DIR, { language: 'vi' });
  const en = await loadPlanFile(INVALID_DIR, { language: 'en' });
  t.match(vi.diagnostics, [
    { code: 'unreadable', message: 'không đọc được tệp kế hoạch: đây là thư mục, không phải tệp; đề nghị kiểm tra lại đường dẫn' },
  ]);
  t.match(en.diagnostics, [{ code: 'unreadable', message: 'cannot read the plan: it is a folder, not a file; check the path' }]);
});
